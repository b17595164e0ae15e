// lxc-config: print the host-wide settings of lxc.system.conf(5).
#include <cstdio>
#include <cstring>

#include "config/system.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

static void usage(const char* prog) {
  std::printf("Usage: %s -l: list all available configuration items\n", prog);
  std::printf("       %s item: print configuration item\n", prog);
}

int lxc_config_main(int argc, char** argv) {
  if (handle_version(argc, argv)) return 0;
  if (argc < 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0) {
    usage(argv[0]);
    return 0;
  }
  if (std::strcmp(argv[1], "-l") == 0) {
    for (auto key : config::system_keys()) std::printf("%.*s\n", static_cast<int>(key.size()), key.data());
    return 0;
  }
  auto value = config::system_value(argv[1]);
  if (!value) {
    std::fprintf(stderr, "Unknown configuration item: %s\n", argv[1]);
    return 1;
  }
  if (!*value) {
    std::printf("%s is not set.\n", argv[1]);
    return 0;
  }
  std::printf("%s\n", (*value)->c_str());
  return 0;
}

}  // namespace lxc::tools
