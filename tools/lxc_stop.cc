// lxc-stop: halt (lxc.signal.halt, then lxc.signal.stop after -t seconds),
// reboot (-r; with -t, waiting until it runs again), or kill (-k,
// lxc.signal.stop) a container. Exit 0 stopped,
// 1 error, 2 not running.
#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "api/container.h"
#include "config/values.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_stop_main(int argc, char** argv) {
  bool reboot = false, kill = false, nowait = false, nokill = false;
  long timeout = -2;  // -2: not given
  enum { kNoKill = 0x2000, kNoLock };
  ToolSpec spec{
      "lxc-stop", "--name=NAME [-W] [-r|-k|--nokill] [-t timeout]", "Stop the container NAME.",
      "  -r, --reboot      reboot the container\n"
      "  -W, --nowait      don't wait for shutdown or reboot to complete\n"
      "  -t, --timeout=T   wait T seconds before hard-stopping (-1: no timeout)\n"
      "  -k, --kill        kill the container rather than request a clean shutdown\n"
      "      --nolock      avoid using API locks\n"
      "      --nokill      only request a clean shutdown, don't kill the container after timeout\n",
      "rWt:k",
      {{"reboot", no_argument, nullptr, 'r'},
       {"nowait", no_argument, nullptr, 'W'},
       {"timeout", required_argument, nullptr, 't'},
       {"kill", no_argument, nullptr, 'k'},
       {"nokill", no_argument, nullptr, kNoKill},
       {"nolock", no_argument, nullptr, kNoLock}},
      [&](int opt, const char* arg) {
        switch (opt) {
          case 'r': reboot = true; return true;
          case 'W': nowait = true; return true;
          case 'k': kill = true; return true;
          case kNoKill: nokill = true; return true;
          case kNoLock: return true;
          case 't': return parse_timeout(arg, timeout, "lxc-stop");
        }
        return false;
      }};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  // LXC's rules: -k takes no timeout but 0, and neither --nokill nor -r.
  const char* conflict = !kill                          ? nullptr
                         : nokill                       ? "-k can't be used with --nokill"
                         : reboot                       ? "-k can't be used with -r"
                         : timeout != -2 && timeout != 0 ? "-k doesn't allow timeouts"
                                                         : nullptr;
  if (conflict) {
    std::fprintf(stderr, "lxc-stop: %s\n", conflict);
    return 1;
  }

  api::Container c(args.name, args.lxcpath());
  // As LXC's: a container that does not exist is not running either (exit 2).
  if (!c.is_running()) {
    if (!args.quiet) std::fprintf(stderr, "%s is not running\n", args.name.c_str());
    return 2;
  }
  auto report = [&](const Error& e) {
    if (e.code == ESRCH) return 2;
    if (!args.quiet) std::fprintf(stderr, "lxc-stop: %s: %s\n", args.name.c_str(), describe(e).c_str());
    return 1;
  };

  if (kill) {
    if (auto r = c.kill(); !r) return report(r.error());
    auto s = c.wait_for({State::Stopped}, std::chrono::seconds(10));
    return s ? 0 : report(s.error());
  }

  auto cfg = c.load_config(args.rcfile);
  const config::Conf* conf = cfg ? &cfg->conf() : nullptr;
  if (reboot) {
    // As LXC's: with -t T (-1: no limit), until it runs again (reboot2).
    const bool wait = !nowait && timeout != -2 && timeout != 0;
    auto r = wait ? c.reboot(conf, static_cast<int>(timeout)) : c.reboot(conf);
    return r ? 0 : report(r.error());
  }

  if (timeout == -2) timeout = 60;
  if (timeout == 0) {
    if (auto r = c.kill(); !r) return report(r.error());
    if (nowait) return 0;
    auto s = c.wait_for({State::Stopped}, std::nullopt);
    return s ? 0 : report(s.error());
  }
  // -t -1: wait as long as it takes; -W: do not wait at all.
  auto s = c.shutdown(conf, nowait ? 0 : static_cast<int>(timeout));
  if (s) return 0;
  if (s.error().code != ETIMEDOUT) return report(s.error());
  if (nokill) {
    if (!args.quiet) std::fprintf(stderr, "lxc-stop: %s did not stop within %ld s\n", args.name.c_str(), timeout);
    return 1;
  }
  if (auto r = c.kill(); !r && r.error().code != ESRCH) return report(r.error());
  auto k = c.wait_for({State::Stopped}, std::chrono::seconds(10));
  return k ? 0 : report(k.error());
}

}  // namespace lxc::tools
