// lxc-start: start a container, daemonized (the default, -d) or in the
// foreground with its console on this terminal (-F).
#include <cstdio>
#include <cstring>

#include "api/container.h"
#include "log/log.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

// Failures go through the log as well as to stderr: a log file (-o,
// lxc.log.file) records why the start failed, as LXC's does.
constexpr log::Logger kLog("lxc_start");

// -s KEY=VALUE and --share-*: shared by lxc-start and lxc-execute.
bool apply_defines(config::ConfigFile& cfg, const std::vector<std::string>& defines, std::string_view prog) {
  for (const auto& d : defines) {
    auto eq = d.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "%.*s: invalid -s argument \"%s\": expected KEY=VALUE\n", static_cast<int>(prog.size()),
                   prog.data(), d.c_str());
      return false;
    }
    if (auto r = cfg.set_item(d.substr(0, eq), d.substr(eq + 1)); !r) {
      std::fprintf(stderr, "%.*s: -s %s: %s\n", static_cast<int>(prog.size()), prog.data(), d.c_str(),
                   describe(r.error()).c_str());
      return false;
    }
  }
  return true;
}

int lxc_start_main(int argc, char** argv) {
  start::StartOptions opts;
  std::vector<std::string> defines;
  bool foreground = false, daemon = false;
  enum { kShareNet = 0x2000, kShareIpc, kShareUts, kSharePid };
  ToolSpec spec{
      "lxc-start", "--name=NAME -- COMMAND", "Start the container NAME (the default COMMAND is lxc.init.cmd, else /sbin/init).",
      "  -d, --daemon           Daemonize the container (default)\n"
      "  -F, --foreground       Start with the current tty attached to /dev/console\n"
      "  -p, --pidfile=FILE     Create a file with the process id\n"
      "  -f, --rcfile=FILE      Load configuration file FILE\n"
      "  -c, --console=FILE     Use specified FILE for the container console\n"
      "  -L, --console-log=FILE Log container console output to FILE\n"
      "  -C, --close-all-fds    If any fds are inherited, close them\n"
      "  -s, --define KEY=VAL   Assign VAL to configuration variable KEY\n"
      "      --share-[net|ipc|uts|pid]=NAME Share a namespace with another container or pid\n",
      "dFp:f:c:L:Cs:",
      {{"daemon", no_argument, nullptr, 'd'},
       {"foreground", no_argument, nullptr, 'F'},
       {"pidfile", required_argument, nullptr, 'p'},
       {"console", required_argument, nullptr, 'c'},
       {"console-log", required_argument, nullptr, 'L'},
       {"close-all-fds", no_argument, nullptr, 'C'},
       {"define", required_argument, nullptr, 's'},
       {"share-net", required_argument, nullptr, kShareNet},
       {"share-ipc", required_argument, nullptr, kShareIpc},
       {"share-uts", required_argument, nullptr, kShareUts},
       {"share-pid", required_argument, nullptr, kSharePid}},
      nullptr};
  std::string rcfile;
  spec.on_option = [&](int opt, const char* arg) {
    switch (opt) {
      case 'd': daemon = true; return true;
      case 'F': foreground = true; return true;
      case 'p': opts.pidfile = arg; return true;
      case 'f': rcfile = arg; return true;
      case 'c': opts.console_path = arg; return true;
      case 'L': opts.console_log = arg; return true;
      case 'C': opts.close_fds = true; return true;
      case 's': defines.emplace_back(arg); return true;
      case kShareNet: opts.share["net"] = arg; return true;
      case kShareIpc: opts.share["ipc"] = arg; return true;
      case kShareUts: opts.share["uts"] = arg; return true;
      case kSharePid: opts.share["pid"] = arg; return true;
    }
    return false;
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!rcfile.empty()) args.rcfile = rcfile;
  if (foreground && daemon) {
    std::fprintf(stderr, "lxc-start: -d and -F cannot be used together\n");
    return 1;
  }
  opts.daemonize = !foreground;
  opts.argv = args.rest;
  if (!setup_logging(args, spec.prog)) return 1;

  if (auto r = api::check_name(args.name); !r) {
    std::fprintf(stderr, "lxc-start: %s\n", describe(r.error()).c_str());
    return 1;
  }
  api::Container c(args.name, args.lxcpath());
  if (args.rcfile.empty() && !c.is_defined()) {
    std::fprintf(stderr, "lxc-start: %s: No container config specified\n", args.name.c_str());
    return 1;
  }
  auto cfg = c.load_config(args.rcfile);
  if (!cfg) {
    kLog.error("{}", describe(cfg.error()));
    return 1;
  }
  if (!apply_defines(*cfg, defines, spec.prog)) return 1;
  if (c.is_running()) {
    std::fprintf(stderr, "lxc-start: %s: Container is already running\n", args.name.c_str());
    return 1;
  }
  auto r = c.start(std::move(*cfg), opts);
  if (!r) {
    kLog.error("{}", describe(r.error()));
    kLog.error("The container failed to start");
    return 1;
  }
  // As LXC's: 0 once the container ran, whatever its init's exit status
  // (lxc-execute is the tool that passes that on).
  return 0;
}

}  // namespace lxc::tools
