// lxc-autostart: start, shut down, kill or reboot the containers marked
// lxc.start.auto, group by group in lxc.start.order, waiting lxc.start.delay
// after each start; -L only lists what would be done. Exit 0, 1 on a usage
// error or an unreadable lxcpath, 2 when an action failed on a container
// (as LXC's).
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "api/autostart.h"
#include "api/container.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

enum class Action { Start, Shutdown, Kill, Reboot };

}  // namespace

int lxc_autostart_main(int argc, char** argv) {
  bool shutdown = false, kill = false, reboot = false, list = false;
  api::AutostartSelection sel;
  std::vector<std::string> group_args;
  long timeout = 60;
  ToolSpec spec{"lxc-autostart",
                "[-k] [-L] [-r] [-s] [-a] [-A] [-g groups] [-t timeout]",
                "Start, shut down, kill or reboot the containers marked lxc.start.auto.",
                "  -k, --kill         kill the containers instead of starting them\n"
                "  -L, --list         list all affected containers and wait delay\n"
                "  -r, --reboot       reboot the containers instead of starting them\n"
                "  -s, --shutdown     shutdown the containers instead of starting them\n"
                "\n"
                "  -a, --all          list all auto-started containers (ignore groups)\n"
                "  -A, --ignore-auto  ignore lxc.start.auto and select all matching containers\n"
                "  -g, --groups       list of groups (comma separated) to select\n"
                "  -t, --timeout=T    wait T seconds before hard-stopping\n",
                "kLrsaAg:t:",
                {{"kill", no_argument, nullptr, 'k'},
                 {"list", no_argument, nullptr, 'L'},
                 {"reboot", no_argument, nullptr, 'r'},
                 {"shutdown", no_argument, nullptr, 's'},
                 {"all", no_argument, nullptr, 'a'},
                 {"ignore-auto", no_argument, nullptr, 'A'},
                 {"groups", required_argument, nullptr, 'g'},
                 {"timeout", required_argument, nullptr, 't'}},
                [&](int opt, const char* arg) {
                  switch (opt) {
                    case 'k':
                      kill = true;
                      return true;
                    case 'L':
                      list = true;
                      return true;
                    case 'r':
                      reboot = true;
                      return true;
                    case 's':
                      shutdown = true;
                      return true;
                    case 'a':
                      sel.all = true;
                      return true;
                    case 'A':
                      sel.ignore_auto = true;
                      return true;
                    case 'g':
                      group_args.emplace_back(arg);
                      return true;
                    case 't':
                      return parse_timeout(arg, timeout, "lxc-autostart");
                  }
                  return false;
                }};
  spec.needs_name = false;
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;

  // One action, as LXC picks it: shutdown, then kill, then reboot, else start.
  Action action = shutdown ? Action::Shutdown : kill ? Action::Kill : reboot ? Action::Reboot : Action::Start;
  if (sel.all && !group_args.empty() && !args.quiet)
    std::fprintf(stderr, "lxc-autostart: -a (all) overrides -g (groups)\n");
  sel.groups = api::parse_autostart_groups(group_args);
  sel.reverse = action == Action::Shutdown || action == Action::Kill;

  std::string lxcpath = args.lxcpath();
  auto plan = api::autostart_plan(lxcpath, sel);
  if (!plan) {
    if (!args.quiet) std::fprintf(stderr, "lxc-autostart: %s\n", describe(plan.error()).c_str());
    return 1;
  }
  for (const auto& e : plan->errors)
    if (!args.quiet) std::fprintf(stderr, "lxc-autostart: skipped %s\n", e.c_str());

  bool failed = false;
  auto report = [&](const std::string& name, std::string_view what, const Error& e) {
    failed = true;
    if (!args.quiet)
      std::fprintf(stderr, "lxc-autostart: %s: %.*s: %s\n", name.c_str(), static_cast<int>(what.size()), what.data(),
                   describe(e).c_str());
  };
  for (auto& item : plan->items) {
    api::Container c(item.name, lxcpath);
    bool running = c.is_running();
    // Start only what is stopped; the other actions only what runs.
    if ((action == Action::Start) == running) continue;
    if (list) {
      if (action == Action::Start || action == Action::Reboot)
        std::printf("%s %llu\n", item.name.c_str(), static_cast<unsigned long long>(item.delay));
      else
        std::printf("%s\n", item.name.c_str());
      std::fflush(stdout);
      continue;
    }
    const config::Conf& conf = item.config.conf();
    switch (action) {
      case Action::Start: {
        start::StartOptions opts;
        opts.daemonize = true;
        if (auto r = c.start(std::move(item.config), opts); !r) {
          report(item.name, "start", r.error());
          continue;
        }
        break;
      }
      case Action::Reboot: {
        if (auto r = c.reboot(&conf); !r) {
          report(item.name, "reboot", r.error());
          continue;
        }
        break;
      }
      case Action::Shutdown:
        if (auto r = c.shutdown(&conf, static_cast<int>(timeout)); !r) {
          // Not down within -t seconds: killed, as with -k.
          if (r.error().code != ETIMEDOUT)
            report(item.name, "shutdown", r.error());
          else if (auto k = c.kill(); !k && k.error().code != ESRCH)
            report(item.name, "kill", k.error());
        }
        continue;
      case Action::Kill:
        if (auto r = c.kill(); !r && r.error().code != ESRCH)
          report(item.name, "kill", r.error());
        else if (r)
          (void)c.wait_for({State::Stopped}, std::chrono::seconds(10));
        continue;
    }
    if (item.delay > 0) ::sleep(static_cast<unsigned>(item.delay));
  }
  return failed ? 2 : 0;
}

}  // namespace lxc::tools
