// lxc-checkconfig: placeholder until the kernel-config checker lands.
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_checkconfig_main(int argc, char** argv) {
  if (handle_version(argc, argv)) return 0;
  return 1;
}

}  // namespace lxc::tools
