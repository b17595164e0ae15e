// lxc-destroy: remove a stopped container (lxc-destroy(1)).
#include <cstdio>

#include "api/destroy.h"
#include "log/log.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

constexpr log::Logger kLog("lxc_destroy");

}  // namespace

int lxc_destroy_main(int argc, char** argv) {
  api::DestroyOptions o;
  ToolSpec spec{
      .prog = "lxc-destroy",
      .usage = "--name=NAME [-f] [-P lxcpath]",
      .description = "lxc-destroy destroys a container with the identifier NAME",
      .options_help =
          "  -s, --snapshots                  destroy including all snapshots\n"
          "  -f, --force                      wait for the container to shut down\n",
      .short_opts = "fs",
      .long_opts = {{"force", no_argument, nullptr, 'f'}, {"snapshots", no_argument, nullptr, 's'}},
      .on_option =
          [&o](int opt, const char*) {
            if (opt == 'f')
              o.force = true;
            else if (opt == 's')
              o.snapshots = true;
            else
              return false;
            return true;
          },
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  o.rcfile = args.rcfile;

  api::Container c(args.name, args.lxcpath());
  if (auto r = api::destroy(c, o); !r) {
    kLog.error("{}", describe(r.error()));
    return 1;
  }
  // LXC 5 reports success only in the log.
  kLog.info("Destroyed container {}{}", c.name(), o.snapshots ? " including snapshots" : "");
  return 0;
}

}  // namespace lxc::tools
