// lxc-attach: start a process inside a running container.
#include <cstdio>
#include <cstdlib>

#include "api/container.h"
#include "base/strings.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_attach_main(int argc, char** argv) {
  attach::AttachOptions opts;
  bool bad = false;
  enum { kClearEnv = 0x2000, kKeepEnv, kKeepVar };
  ToolSpec spec{
      "lxc-attach", "--name=NAME [-- COMMAND]", "Execute the specified COMMAND - enter the container NAME",
      "  -e, --elevated-privileges=PRIVILEGES  Use elevated privileges instead of those of the\n"
      "                    container: CAP, CGROUP and LSM, pipe-separated (none given: all)\n"
      "  -s, --namespaces=FLAGS  Don't attach to all the namespaces of the container but just to\n"
      "                    the ones given: MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP (pipe-separated)\n"
      "  -R, --remount-sys-proc  Remount /sys and /proc (with -s not including MOUNT)\n"
      "      --clear-env   Clear all environment variables before attaching\n"
      "      --keep-env    Keep all current environment variables (the default)\n"
      "  -v, --set-var     Set an additional variable VAR=VALUE\n"
      "      --keep-var    Keep an additional environment variable (with --clear-env)\n"
      "  -u, --uid=UID     Execute COMMAND with UID inside the container\n"
      "  -g, --gid=GID     Execute COMMAND with GID inside the container\n",
      "e::s:Rv:u:g:a:L:c:f:",
      {{"elevated-privileges", optional_argument, nullptr, 'e'},
       {"namespaces", required_argument, nullptr, 's'},
       {"remount-sys-proc", no_argument, nullptr, 'R'},
       {"clear-env", no_argument, nullptr, kClearEnv},
       {"keep-env", no_argument, nullptr, kKeepEnv},
       {"set-var", required_argument, nullptr, 'v'},
       {"keep-var", required_argument, nullptr, kKeepVar},
       {"uid", required_argument, nullptr, 'u'},
       {"gid", required_argument, nullptr, 'g'},
       {"arch", required_argument, nullptr, 'a'},
       {"pty-log", required_argument, nullptr, 'L'},
       {"context", required_argument, nullptr, 'c'}},
      nullptr};
  spec.on_option = [&](int opt, const char* arg) {
    switch (opt) {
      case 'e': {
        std::string what = arg ? arg : "CAP|CGROUP|LSM";
        for (const auto& p : split(what, "|")) {
          if (iequals(p, "CAP")) opts.keep_caps = true;
          else if (iequals(p, "CGROUP")) opts.keep_cgroup = true;
          else if (!iequals(p, "LSM")) {
            std::fprintf(stderr, "lxc-attach: unknown privilege \"%s\" (CAP, CGROUP or LSM)\n", p.c_str());
            return false;
          }
        }
        return true;
      }
      case 's': {
        auto m = attach::parse_namespaces(arg);
        if (!m) {
          std::fprintf(stderr, "lxc-attach: %s\n", m.error().what.c_str());
          return false;
        }
        opts.namespaces = *m;
        return true;
      }
      case 'R':
        std::fprintf(stderr, "lxc-attach: -R is not supported by lxcpp yet\n");
        bad = true;
        return false;
      case kClearEnv: opts.clear_env = true; return true;
      case kKeepEnv: opts.clear_env = false; return true;
      case 'v': opts.set_vars.emplace_back(arg); return true;
      case kKeepVar: opts.keep_vars.emplace_back(arg); return true;
      case 'u':
      case 'g': {
        auto n = parse_u64(arg);
        if (!n || *n > 0xfffffffeULL) {
          std::fprintf(stderr, "lxc-attach: invalid id \"%s\"\n", arg);
          return false;
        }
        (opt == 'u' ? opts.uid : opts.gid) = static_cast<uint32_t>(*n);
        return true;
      }
      case 'a':
      case 'L':
      case 'c':
        return true;  // accepted for compatibility; not applied yet
    }
    return false;
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (bad) return 1;
  setup_logging(args, spec.prog);
  opts.argv = args.rest;
  api::Container c(args.name, args.lxcpath());
  if (!c.is_running()) {
    std::fprintf(stderr, "lxc-attach: %s: %s\n", args.name.c_str(),
                 c.is_defined() ? "Container is not running" : "No such container");
    return 1;
  }
  auto r = c.attach(opts);
  if (!r) {
    std::fprintf(stderr, "lxc-attach: %s: %s\n", args.name.c_str(), describe(r.error()).c_str());
    return 1;
  }
  return *r;
}

}  // namespace lxc::tools
