// lxc-monitor: print the state changes of the containers whose names match a
// regular expression, as they happen. LXC gets them from lxc-monitord; each
// lxcpp monitor tells every listening lxc-monitor itself (state/broadcast.h).
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "state/broadcast.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

void print_event(const state_broadcast::Event& ev) {
  if (ev.exited)
    // As LXC: the exit code of init (its status, as the shell shows it).
    std::printf("'%s' exited with status [%d]\n", ev.name.c_str(), WEXITSTATUS(ev.exit_status));
  else
    std::printf("'%s' changed state to [%.*s]\n", ev.name.c_str(), static_cast<int>(state_name(ev.state).size()),
                state_name(ev.state).data());
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

  // SIGINT and SIGTERM end the loop, so that the sockets are removed.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  std::vector<state_broadcast::Listener> listeners;
  std::vector<pollfd> fds;
  for (const auto& lp : lxcpaths) {
    auto l = state_broadcast::Listener::open(lp);
    if (!l) {
      std::fprintf(stderr, "lxc-monitor: %s\n", describe(l.error()).c_str());
      return 1;
    }
    fds.push_back({l->fd(), POLLIN, 0});
    listeners.push_back(std::move(*l));
  }
  while (!g_stop) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("lxc-monitor: poll");
      return 1;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      for (;;) {
        auto ev = listeners[i].receive();
        if (!ev && ev.error().code == EINVAL) continue;  // not a message: the next one
        if (!ev) break;                                  // none left (or another lxcpath's: poll again)
        if (::regexec(&re, ev->name.c_str(), 0, nullptr, 0) == 0) print_event(*ev);
      }
    }
  }
  ::regfree(&re);
  return 0;
}

}  // namespace lxc::tools
