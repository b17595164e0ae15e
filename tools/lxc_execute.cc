// lxc-execute: run one command in a container, with lxcpp's init as PID 1;
// the command's exit status is lxc-execute's.
#include <cstdio>

#include "api/container.h"
#include "base/strings.h"
#include "log/log.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

constexpr log::Logger kLog("lxc_execute");  // failures reach a log file too

bool apply_defines(config::ConfigFile& cfg, const std::vector<std::string>& defines, std::string_view prog);

int lxc_execute_main(int argc, char** argv) {
  start::StartOptions opts;
  opts.execute = true;
  opts.daemonize = false;
  std::vector<std::string> defines;
  std::string rcfile, uid, gid;
  bool daemon = false;
  ToolSpec spec{"lxc-execute", "--name=NAME -- COMMAND", "Execute COMMAND in the container NAME, with lxcpp's init as PID 1.",
                "  -d, --daemon         Daemonize the container\n"
                "  -f, --rcfile=FILE    Load configuration file FILE\n"
                "  -s, --define KEY=VAL Assign VAL to configuration variable KEY\n"
                "  -u, --uid=UID        Execute COMMAND with UID inside the container\n"
                "  -g, --gid=GID        Execute COMMAND with GID inside the container\n",
                "df:s:u:g:",
                {{"daemon", no_argument, nullptr, 'd'},
                 {"define", required_argument, nullptr, 's'},
                 {"uid", required_argument, nullptr, 'u'},
                 {"gid", required_argument, nullptr, 'g'}},
                [&](int opt, const char* arg) {
                  switch (opt) {
                    case 'd': daemon = true; return true;
                    case 'f': rcfile = arg; return true;
                    case 's': defines.emplace_back(arg); return true;
                    case 'u': uid = arg; return true;
                    case 'g': gid = arg; return true;
                  }
                  return false;
                }};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!rcfile.empty()) args.rcfile = rcfile;
  opts.daemonize = daemon;
  opts.argv = args.rest;
  if (!setup_logging(args, spec.prog)) return 1;

  api::Container c(args.name, args.lxcpath());
  // As LXC's: without a config the command would run with the host's root,
  // devices and all; -f names one for a container that is not defined.
  if (args.rcfile.empty() && !c.is_defined()) {
    kLog.error("Executing a container with no configuration file may crash the host");
    return 1;
  }
  Result<config::ConfigFile> cfg = c.load_config(args.rcfile);
  if (!cfg) {
    kLog.error("{}", describe(cfg.error()));
    return 1;
  }
  if (!uid.empty()) defines.push_back("lxc.init.uid=" + uid);
  if (!gid.empty()) defines.push_back("lxc.init.gid=" + gid);
  if (!apply_defines(*cfg, defines, spec.prog)) return 1;
  if (opts.argv.empty()) {
    const std::string& cmd = cfg->conf().execute_cmd;
    if (cmd.empty()) {
      std::fprintf(stderr, "lxc-execute: missing command to execute (-- COMMAND or lxc.execute.cmd)\n");
      return 1;
    }
    // Quotes group words, as in LXC's lxc-execute (lxc-oci writes
    // '"/bin/sh" "-c" "..."' for an image's entry point).
    opts.argv = split_quoted(cmd);
  }
  if (c.is_running()) {
    std::fprintf(stderr, "lxc-execute: %s: Container is already running\n", args.name.c_str());
    return 1;
  }
  auto r = c.start(std::move(*cfg), opts);
  if (!r) {
    kLog.error("{}", describe(r.error()));
    return r.error().code == ENOENT ? 127 : 1;
  }
  return *r;
}

}  // namespace lxc::tools
