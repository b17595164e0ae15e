// lxc-attach: start a process inside a running container.
#include <cstdio>
#include <cstdlib>

#include "api/container.h"
#include "base/strings.h"
#include "config/keys.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

bool parse_id(const char* arg, std::optional<uint32_t>& out) {
  auto n = parse_u64(arg);
  if (!n || *n > 0xfffffffeULL) {
    std::fprintf(stderr, "lxc-attach: invalid id \"%s\"\n", arg);
    return false;
  }
  out = static_cast<uint32_t>(*n);
  return true;
}

// -a takes what lxc.arch takes.
bool parse_arch(const char* arg, std::optional<unsigned long>& out) {
  config::Conf c;
  if (!config::set_item(c, "lxc.arch", arg) || !c.personality) {
    std::fprintf(stderr, "lxc-attach: invalid architecture \"%s\"\n", arg);
    return false;
  }
  out = c.personality;
  return true;
}

}  // namespace

int lxc_attach_main(int argc, char** argv) {
  attach::AttachOptions opts;
  std::string rcfile;
  bool namespaces_given = false;
  enum { kClearEnv = 0x2000, kKeepEnv, kKeepVar };
  ToolSpec spec{"lxc-attach",
                "--name=NAME [-- COMMAND]",
                "Execute the specified COMMAND - enter the container NAME",
                "  -f, --rcfile=FILE Load configuration file FILE\n"
                "  -a, --arch=ARCH   Use ARCH for program instead of container's own architecture\n"
                "  -e, --elevated-privileges=PRIVILEGES\n"
                "                    Use elevated privileges instead of those of the container.\n"
                "                    If you don't specify privileges to be elevated as OR'd list:\n"
                "                    CAP, CGROUP and LSM (capabilities, cgroup and restrictions,\n"
                "                    respectively) then all of them will be elevated.\n"
                "                    WARNING: This may leak privileges into the container.\n"
                "                    Use with care.\n"
                "  -s, --namespaces=FLAGS\n"
                "                    Don't attach to all the namespaces of the container\n"
                "                    but just to the following OR'd list of flags:\n"
                "                    MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP or TIME.\n"
                "                    WARNING: Using -s implies -e with all privileges\n"
                "                    elevated, it may therefore leak privileges into the\n"
                "                    container. Use with care.\n"
                "  -R, --remount-sys-proc\n"
                "                    Remount /sys and /proc if not attaching to the\n"
                "                    mount namespace when using -s in order to properly\n"
                "                    reflect the correct namespace context. See the\n"
                "                    lxc-attach(1) manual page for details.\n"
                "      --clear-env   Clear all environment variables before attaching.\n"
                "                    The attached shell/program will start with only\n"
                "                    container=lxc set.\n"
                "      --keep-env    Keep all current environment variables. This\n"
                "                    is the current default behaviour, but is likely to\n"
                "                    change in the future.\n"
                "  -L, --pty-log=FILE\n"
                "                    Log pty output to FILE\n"
                "  -v, --set-var     Set an additional variable that is seen by the\n"
                "                    attached program in the container. May be specified\n"
                "                    multiple times.\n"
                "      --keep-var    Keep an additional environment variable. Only\n"
                "                    applicable if --clear-env is specified. May be used\n"
                "                    multiple times.\n"
                "  -u, --uid=UID     Execute COMMAND with UID inside the container\n"
                "  -g, --gid=GID     Execute COMMAND with GID inside the container\n"
                "  -c, --context=CONTEXT\n"
                "                    SELinux Context to transition into\n",
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
        auto m = attach::parse_privileges(arg ? arg : "");
        if (!m) {
          std::fprintf(stderr, "lxc-attach: %s\n", m.error().what.c_str());
          return false;
        }
        opts.elevated |= *m;
        return true;
      }
      case 's': {
        auto m = attach::parse_namespaces(arg);
        if (!m) {
          std::fprintf(stderr, "lxc-attach: %s\n", m.error().what.c_str());
          return false;
        }
        opts.namespaces = *m;
        namespaces_given = true;
        return true;
      }
      case 'R':
        opts.remount_sys_proc = true;
        return true;
      case kClearEnv:
        opts.clear_env = true;
        return true;
      case kKeepEnv:
        opts.clear_env = false;
        return true;
      case 'v':
        opts.set_vars.emplace_back(arg);
        return true;
      case kKeepVar:
        opts.keep_vars.emplace_back(arg);
        return true;
      case 'u':
        return parse_id(arg, opts.uid);
      case 'g':
        return parse_id(arg, opts.gid);
      case 'a':
        return parse_arch(arg, opts.personality);
      case 'L':
        opts.pty_log = arg;
        return true;
      case 'f':
        rcfile = arg;
        return true;
      case 'c':
        opts.context = arg;
        return true;
    }
    return false;
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  // As LXC: attaching to only some namespaces keeps all our privileges.
  if (namespaces_given) opts.elevated = attach::kAllPrivileges;
  if (rcfile.empty()) rcfile = args.rcfile;
  opts.argv = args.rest;
  api::Container c(args.name, args.lxcpath());
  auto r = c.attach(opts, rcfile);
  if (!r) {
    const char* why =
        r.error().code == ESRCH ? (c.is_defined() ? "Container is not running" : "No such container") : nullptr;
    std::fprintf(stderr, "lxc-attach: %s: %s\n", args.name.c_str(), why ? why : describe(r.error()).c_str());
    return 1;
  }
  return *r;
}

}  // namespace lxc::tools
