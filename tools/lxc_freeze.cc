// lxc-freeze and lxc-unfreeze.
#include <cstdio>

#include "api/container.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

static int freeze_tool(int argc, char** argv, bool freeze) {
  ToolSpec spec{freeze ? "lxc-freeze" : "lxc-unfreeze", "--name=NAME",
                freeze ? "Freeze all the processes of the container NAME." : "Thaw all the processes of the container NAME.",
                "", "", {}, nullptr};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  api::Container c(args.name, args.lxcpath());
  if (!c.is_running()) {
    if (!args.quiet) std::fprintf(stderr, "%.*s: %s is not running\n", static_cast<int>(spec.prog.size()),
                                  spec.prog.data(), args.name.c_str());
    return 1;
  }
  auto r = freeze ? c.freeze() : c.unfreeze();
  if (!r) {
    if (!args.quiet) std::fprintf(stderr, "%.*s: %s: %s\n", static_cast<int>(spec.prog.size()), spec.prog.data(),
                                  args.name.c_str(), describe(r.error()).c_str());
    return 1;
  }
  return 0;
}

int lxc_freeze_main(int argc, char** argv) { return freeze_tool(argc, argv, true); }
int lxc_unfreeze_main(int argc, char** argv) { return freeze_tool(argc, argv, false); }

}  // namespace lxc::tools
