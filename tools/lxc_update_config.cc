// lxc-update-config: rewrite the legacy keys of a config file (LXC 2.x names)
// in place, keeping a copy in FILE.backup.
#include <getopt.h>

#include <cstdio>

#include "base/file.h"
#include "config/legacy.h"
#include "config/parser.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

static void usage(const char* prog) {
  std::printf("%s -h|--help [-c|--config]\nconfig: the container configuration to update\n", prog);
}

int lxc_update_config_main(int argc, char** argv) {
  if (handle_version(argc, argv)) return 0;
  if (argc < 2) {
    usage(argv[0]);
    return 0;
  }
  static const struct option kLong[] = {{"config", required_argument, nullptr, 'c'},
                                        {"help", no_argument, nullptr, 'h'},
                                        {nullptr, 0, nullptr, 0}};
  std::string path;
  optind = 1;
  for (int opt; (opt = getopt_long(argc, argv, "c:h", kLong, nullptr)) != -1;) {
    if (opt == 'c') {
      path = optarg;
    } else if (opt == 'h') {
      usage(argv[0]);
      return 0;
    } else {
      usage(argv[0]);
      return 1;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "%s: no configuration file given (-c FILE)\n", argv[0]);
    return 1;
  }
  auto text = read_file(path);
  if (!text) {
    std::fprintf(stderr, "%s: %s\n", argv[0], describe(with_context(text.error(), "cannot read")).c_str());
    return 1;
  }
  std::string updated = config::update_config_text(*text);
  // The backup is written (atomically) before the file itself changes.
  if (auto r = write_file_atomic(path + ".backup", *text, 0640); !r) {
    std::fprintf(stderr, "%s: %s\n", argv[0], describe(r.error()).c_str());
    return 1;
  }
  if (updated == *text) return 0;
  if (auto r = write_file_atomic(path, updated, 0640); !r) {
    std::fprintf(stderr, "%s: %s\n", argv[0], describe(r.error()).c_str());
    return 1;
  }
  // Say so when the result still does not load (an unknown key, a bad value).
  config::Conf check;
  if (auto r = config::load_file(check, path); !r)
    std::fprintf(stderr, "%s: updated, but the result does not load: %s\n", argv[0], describe(r.error()).c_str());
  return 0;
}

}  // namespace lxc::tools
