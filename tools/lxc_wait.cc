// lxc-wait: wait until a container reaches one of the given states.
#include <cstdio>
#include <cstdlib>

#include "api/container.h"
#include "base/strings.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_wait_main(int argc, char** argv) {
  std::string states_arg;
  long timeout = -1;
  ToolSpec spec{"lxc-wait", "--name=NAME --state=STATE [--timeout=T]",
                "Wait for the container NAME to reach one of the states in STATE (e.g. 'RUNNING|STOPPED').",
                "  -s, --state=STATE   ORed states to wait for: STOPPED, STARTING, RUNNING, STOPPING,\n"
                "                      ABORTING, FREEZING, FROZEN, THAWED\n"
                "  -t, --timeout=TMO   seconds to wait for state changes (-1: forever)\n",
                "s:t:",
                {{"state", required_argument, nullptr, 's'}, {"timeout", required_argument, nullptr, 't'}},
                [&](int opt, const char* arg) {
                  if (opt == 's') {
                    states_arg = arg;
                    return true;
                  }
                  if (opt == 't') return parse_timeout(arg, timeout, "lxc-wait");
                  return false;
                }};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (states_arg.empty()) {
    std::fprintf(stderr, "lxc-wait: missing state object (-s)\n");
    return 1;
  }
  std::vector<State> states;
  for (const auto& s : split(states_arg, "|")) {
    auto st = parse_state(trim(s));
    if (!st) {
      std::fprintf(stderr, "lxc-wait: invalid state \"%s\"\n", s.c_str());
      return 1;
    }
    states.push_back(*st);
  }
  api::Container c(args.name, args.lxcpath());
  std::optional<std::chrono::milliseconds> limit;
  if (timeout >= 0) limit = std::chrono::seconds(timeout);
  auto r = c.wait_for(states, limit);
  if (!r) {
    if (!args.quiet && r.error().code != ETIMEDOUT)
      std::fprintf(stderr, "lxc-wait: %s: %s\n", args.name.c_str(), describe(r.error()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace lxc::tools
