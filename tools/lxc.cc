// The multi-call binary: lxc-start, lxc-stop, ... are links to it, and it
// runs the tool named by argv[0]. "lxcpp TOOL ARGS" works too.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "tools/args.h"
#include "tools/tools.h"

namespace {

using Main = int (*)(int, char**);

struct Tool {
  std::string_view name;
  Main main;  // nullptr: not implemented yet
};

// Every lxc-* command of LXC; the build links each name to this binary.
constexpr Tool kTools[] = {
    {"lxc-attach", lxc::tools::lxc_attach_main},
    {"lxc-autostart", lxc::tools::lxc_autostart_main},
    {"lxc-cgroup", lxc::tools::lxc_cgroup_main},
    {"lxc-checkconfig", lxc::tools::lxc_checkconfig_main},
    {"lxc-config", lxc::tools::lxc_config_main},
    {"lxc-console", lxc::tools::lxc_console_main},
    {"lxc-copy", lxc::tools::lxc_copy_main},
    {"lxc-create", lxc::tools::lxc_create_main},
    {"lxc-destroy", lxc::tools::lxc_destroy_main},
    {"lxc-device", lxc::tools::lxc_device_main},
    {"lxc-execute", lxc::tools::lxc_execute_main},
    {"lxc-freeze", lxc::tools::lxc_freeze_main},
    {"lxc-info", lxc::tools::lxc_info_main},
    {"lxc-ls", lxc::tools::lxc_ls_main},
    {"lxc-monitor", lxc::tools::lxc_monitor_main},
    {"lxc-snapshot", lxc::tools::lxc_snapshot_main},
    {"lxc-start", lxc::tools::lxc_start_main},
    {"lxc-stop", lxc::tools::lxc_stop_main},
    {"lxc-top", lxc::tools::lxc_top_main},
    {"lxc-unfreeze", lxc::tools::lxc_unfreeze_main},
    {"lxc-unshare", lxc::tools::lxc_unshare_main},
    {"lxc-update-config", lxc::tools::lxc_update_config_main},
    {"lxc-user-nic", lxc::tools::lxc_user_nic_main},
    {"lxc-usernsexec", lxc::tools::lxc_usernsexec_main},
    {"lxc-wait", lxc::tools::lxc_wait_main},
};

int run(std::string_view name, int argc, char** argv) {
  for (const auto& t : kTools) {
    if (t.name != name) continue;
    if (t.main) return t.main(argc, argv);
    if (lxc::tools::handle_version(argc, argv)) return 0;
    std::fprintf(stderr, "%.*s: not implemented yet in lxcpp %.*s\n", static_cast<int>(name.size()), name.data(),
                 static_cast<int>(lxc::tools::kVersion.size()), lxc::tools::kVersion.data());
    return 1;
  }
  return -1;
}

void list_tools() {
  std::printf("lxcpp %.*s: Linux containers, LXC-compatible\n\nUsage: lxcpp TOOL [ARGS...]  (or run lxc-TOOL)\n\nTools:\n",
              static_cast<int>(lxc::tools::kVersion.size()), lxc::tools::kVersion.data());
  for (const auto& t : kTools)
    std::printf("  %.*s%s\n", static_cast<int>(t.name.size()), t.name.data(), t.main ? "" : "  (not implemented yet)");
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view self = argv[0];
  if (auto slash = self.find_last_of('/'); slash != std::string_view::npos) self.remove_prefix(slash + 1);
  if (int rc = run(self, argc, argv); rc >= 0) return rc;
  if (argc >= 2) {
    std::string tool = argv[1];
    if (tool == "--version") return lxc::tools::handle_version(argc, argv) ? 0 : 1;
    if (tool.rfind("lxc-", 0) != 0) tool = "lxc-" + tool;
    argv[1] = const_cast<char*>(argv[1]);
    if (int rc = run(tool, argc - 1, argv + 1); rc >= 0) return rc;
    std::fprintf(stderr, "lxcpp: unknown tool %s\n", argv[1]);
  }
  list_tools();
  return argc >= 2 ? 1 : 0;
}
