// lxc-monitor: print the state changes of the containers whose names match a
// regular expression. LXC gets them from lxc-monitord; lxcpp has no such
// daemon, so we subscribe to each running container's monitor (Cmd::AddStateClient)
// and look for new monitors every 100 ms.
#include <poll.h>
#include <regex.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "api/console_access.h"
#include "api/container.h"
#include "api/state_events.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

constexpr int kRescanMs = 100;

struct Watch {
  std::string name;
  UniqueFd fd;
  bool announce_initial = true;  // false for the containers found at our start
  bool initial_pending = true;   // the first message is the state at subscription time
};

void print_state(const std::string& name, State s) {
  std::printf("'%s' changed state to [%.*s]\n", name.c_str(), static_cast<int>(state_name(s).size()),
              state_name(s).data());
  std::fflush(stdout);
}

}  // namespace

int lxc_monitor_main(int argc, char** argv) {
  bool quit = false;
  ToolSpec spec{"lxc-monitor", "[--name=NAME]",
                "Monitor the state changes of the containers whose names match the regular expression NAME\n"
                "(default '.*': every container in the lxcpath).",
                "  -Q, --quit         tell lxc-monitord to quit (lxcpp has no such daemon: a no-op)\n",
                "Q",
                {{"quit", no_argument, nullptr, 'Q'}},
                [&](int opt, const char*) {
                  if (opt != 'Q') return false;
                  quit = true;
                  return true;
                },
                /*needs_name=*/false};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (quit) return 0;

  std::string pattern = args.name.empty() ? ".*" : args.name;
  regex_t re;
  if (::regcomp(&re, ("^" + pattern + "$").c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    std::fprintf(stderr, "lxc-monitor: Failed to compile the regex '%s'\n", pattern.c_str());
    return 1;
  }
  std::vector<std::string> lxcpaths = args.lxcpaths;
  if (lxcpaths.empty()) lxcpaths.push_back(args.lxcpath());

  // Keyed by lxcpath + '\0' + name. As in LXC, the output names only the
  // container, so equal names in two lxcpaths look alike.
  std::map<std::string, Watch> watches;
  std::map<std::string, State> last;  // the last state printed (or seen at start)
  bool first_scan = true;
  for (;;) {
    for (const auto& lp : lxcpaths) {
      for (const auto& name : api::list_defined(lp)) {
        std::string key = lp + '\0' + name;
        if (watches.contains(key) || ::regexec(&re, name.c_str(), 0, nullptr, 0) != 0) continue;
        auto fd = api::subscribe_state_events(api::Container(name, lp));
        if (!fd) continue;
        watches.emplace(key, Watch{name, std::move(*fd), !first_scan, true});
      }
    }
    first_scan = false;

    std::vector<pollfd> fds;
    std::vector<std::string> keys;
    for (auto& [key, w] : watches) {
      fds.push_back({w.fd.get(), POLLIN, 0});
      keys.push_back(key);
    }
    if (::poll(fds.data(), fds.size(), kRescanMs) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Watch& w = watches.at(keys[i]);
      State& seen = last.try_emplace(keys[i], State::Stopped).first->second;
      auto ev = api::read_state_event(w.fd.get());
      if (ev && ev->exited) {
        // As LXC: the exit code of init (its status, as the shell shows it).
        std::printf("'%s' exited with status [%d]\n", w.name.c_str(), WEXITSTATUS(ev->exit_status));
        std::fflush(stdout);
        continue;
      }
      Result<State> s = ev ? Result<State>(ev->state) : Result<State>(unexpected(ev.error()));
      // A monitor that went away without saying STOPPED: the container stopped.
      State now = s ? *s : State::Stopped;
      bool announce = !w.initial_pending || w.announce_initial;
      w.initial_pending = false;
      if (announce && now != seen) {
        print_state(w.name, now);
      }
      seen = now;
      if (!s || now == State::Stopped) watches.erase(keys[i]);
    }
  }
}

}  // namespace lxc::tools
