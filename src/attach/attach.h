// lxc-attach: run a process inside a running container, in its namespaces,
// cgroup, capabilities, seccomp filter, resource limits and environment.
//
// The lxc-attach process itself never enters the container: it clones the
// attached process straight into the container's pid namespace and cgroup,
// and that process joins the other namespaces. So the caller keeps the host's
// view (its terminal, the -L log, signals) and only the command runs inside.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::attach {

enum NamespaceMask : unsigned {
  kMount = 1,
  kPid = 2,
  kUts = 4,
  kIpc = 8,
  kUser = 16,
  kNet = 32,
  kCgroup = 64,
  kTime = 128,
  kAllNamespaces = 255
};
// "MOUNT|PID|UTSNAME|IPC|USER|NETWORK|CGROUP|TIME" as lxc-attach -s takes
// it: as LXC's, also the kernel's names in any case (mnt, uts, net...).
Result<unsigned> parse_namespaces(std::string_view s);

// lxc-attach -e: what the attached process keeps of the caller's instead of
// taking the container's.
enum Privilege : unsigned { kPrivCap = 1, kPrivCgroup = 2, kPrivLsm = 4, kAllPrivileges = 7 };
// "CAP|CGROUP|LSM"; empty means all of them.
Result<unsigned> parse_privileges(std::string_view s);

struct AttachOptions {
  unsigned namespaces = kAllNamespaces;
  unsigned elevated = 0;                     // Privilege bits (-e; -s implies all of them, as LXC)
  bool remount_sys_proc = false;             // -R: new /proc and /sys when MOUNT is not joined
  bool clear_env = false;                    // --clear-env (default: keep, as LXC)
  std::vector<std::string> set_vars;         // -v VAR=VALUE
  std::vector<std::string> keep_vars;        // --keep-var VAR (with --clear-env)
  std::optional<uid_t> uid;                  // -u
  std::optional<gid_t> gid;                  // -g
  std::optional<unsigned long> personality;  // -a; default: the container's lxc.arch
  std::string pty_log;                       // -L: the pty's output also goes here
  std::string context;                       // -c: the LSM label instead of init's
  std::vector<std::string> argv;             // empty: the user's shell
  // liblxc's attach() (spawn() only): the attached process runs fn(payload)
  // instead of exec'ing argv, and exits with what it returns; its stdio
  // are these fds of the caller; cwd is where it starts ("": the caller's).
  int (*fn)(void*) = nullptr;
  void* fn_payload = nullptr;
  int stdio[3] = {0, 1, 2};
  std::string cwd;
};

// The running container: init (host pid), its cgroups as the monitor
// serializes them, and the configuration it runs with (capabilities,
// seccomp, no_new_privs, prlimits, lxc.environment, idmap, lxc.arch).
struct Target {
  pid_t init_pid = -1;
  std::string cgroup_paths;
  config::Conf conf;
};

// Runs opts.argv (or the user's shell) in the container and returns its
// exit status: 126/127 when it could not be executed, 128+N when killed by
// signal N. When one of stdin, stdout or stderr is a terminal, the command
// gets a pty of the container's own devpts on those (the others are passed
// as they are) and this process proxies it (raw mode, window size, -L log).
Result<int> run(const Target& target, const AttachOptions& opts);

// liblxc's attach(): starts the attached process (opts.fn, or argv) as a
// child of the caller and returns its pid at once; the caller waits for it.
// No pty and no proxy: its stdio are opts.stdio, and what fails before it
// runs is said on opts.stdio[2] (exit status 1, 126 or 127). The caller's
// own namespaces, signal mask and terminal stay as they were: a short-lived
// intermediate process does the joining and clones it as the caller's child.
Result<pid_t> spawn(const Target& target, const AttachOptions& opts);

// The login shell of uid in the passwd file text, "/bin/sh" when there is
// none.
std::string shell_from_passwd(std::string_view passwd, uid_t uid);

// Sets the attached process's environment (LXC's order): with clear_env only
// PATH and the keep_vars survive; then container=lxc, lxc.environment, and
// the -v variables.
void build_environment(const std::vector<std::string>& container_env, const AttachOptions& opts);

}  // namespace lxc::attach
