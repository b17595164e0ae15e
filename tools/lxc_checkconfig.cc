// lxc-checkconfig: reports which kernel features LXC needs are enabled, in
// the words and order of LXC's script. The checks live in src/checkconfig;
// this file finds the config, prints and picks the exit status.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/file.h"
#include "checkconfig/kernel_config.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

namespace cc = lxc::checkconfig;

static bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

static void print_not_found(const std::string& prog, const std::string& release) {
  const char* modname = std::getenv("MODNAME");
  std::string mod = modname && *modname ? modname : "configs";
  std::fprintf(stderr, "%s: unable to retrieve kernel configuration\n\n", prog.c_str());
  if (cc::module_available(release, mod)) std::fprintf(stderr, "Try modprobe %s module, or\n", mod.c_str());
  std::fprintf(stderr, "Try recompiling with IKCONFIG_PROC, installing the kernel headers,\n");
  std::fprintf(stderr, "or specifying the kernel configuration path with:\n");
  std::fprintf(stderr, "  CONFIG=<path> %s\n", prog.c_str());
}

int lxc_checkconfig_main(int argc, char** argv) {
  if (handle_version(argc, argv)) return 0;
  const std::string prog = basename_of(argv[0]);
  const cc::HostFacts facts = cc::read_host_facts(std::getenv("PATH"));

  // LXC's script prints the output of `lxc-start --version`; the lxc-start
  // that ships with this tool is ours.
  if (facts.lxc_start_on_path)
    std::printf("LXC version lxcpp %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());

  const std::string release = cc::kernel_release();
  const cc::ConfigLocation loc = cc::locate_kernel_config(std::getenv("CONFIG"), release, is_regular_file);
  if (loc.searched)
    std::printf("Kernel configuration not found at %.*s; searching...\n", static_cast<int>(cc::kProcConfig.size()),
                cc::kProcConfig.data());
  if (loc.path.empty()) {
    std::fflush(stdout);
    print_not_found(prog, release);
    return 1;
  }
  if (loc.searched) std::printf("Kernel configuration found at %s\n", loc.path.c_str());

  auto text = cc::read_kernel_config(loc.path);
  if (!text) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", prog.c_str(), describe(text.error()).c_str());
    if (loc.from_env && text.error().code == ENOENT)
      std::fprintf(stderr, "CONFIG names no file; unset it to search the usual places.\n");
    return 1;
  }

  const cc::Report report = cc::build_report(cc::parse_kernel_config(*text), facts, argv[0]);
  std::fputs(cc::render(report, ::isatty(STDOUT_FILENO) == 1).c_str(), stdout);
  // LXC's script always exits 0 once it has read a config. We exit 1 when an
  // item it marks mandatory (namespaces, ipc and pid namespaces) prints
  // "required", so that scripts can tell that containers cannot run.
  return report.required_missing ? 1 : 0;
}

}  // namespace lxc::tools
