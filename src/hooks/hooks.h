// Container hooks (lxc.hook.*), run as LXC 5.0 runs them.
//
// How a hook runs (LXC's run_script_argv + run_buffer + lxc_popen):
//   /bin/sh -c "exec <hook string> [<name> lxc <type>] [<extra args>...]"
// The hook string goes to the shell as written, so "lxc.hook.pre-start =
// /usr/bin/foo --bar" works and the shell searches PATH for a bare name. With
// lxc.hook.version = 0 the container name, the section ("lxc") and the hook
// type follow it as arguments; with version 1 they do not and LXC_HOOK_TYPE /
// LXC_HOOK_SECTION are set instead. Extra arguments (clone: lxc-copy's
// trailing arguments; stop with version 0: "mnt:/proc/PID/fd/N"...) are
// appended in both versions. Arguments we append are shell-quoted when they
// hold anything but [A-Za-z0-9_./:=@%+,-] (LXC does not quote; for the names
// LXC accepts, the command line is the same).
//
// Output: the hook's stdout is read through a pipe and logged line by line at
// DEBUG, as LXC does ("Standard output from the hooks is logged at debug
// level"); stdin and stderr are inherited, so with lxc-start -F the hook's
// stderr shows on the terminal and with -d it goes where the daemon's stderr
// goes. As in LXC, we wait for EOF on stdout before reaping the hook, so a
// hook that leaves a background process holding its stdout blocks the step.
// There is no time limit (LXC has none).
//
// Failure: a hook that exits non-zero or is killed by a signal fails the call
// with an Error naming the key, the command and the status; later hooks of
// the same type do not run. A hook whose command is an absolute or relative
// path that does not exist (or is not executable) fails before anything is
// spawned, with ENOENT/EACCES. Whether a failure aborts the step is the
// caller's decision (LXC: pre-start, pre-mount, mount, autodev, start-host,
// start, clone abort; stop and post-stop failures are only logged; destroy
// aborts lxc-destroy).
//
// Process: posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + execve), with
// the signal mask emptied and every signal's disposition set to default, so
// a monitor that blocks SIGCHLD or ignores SIGPIPE does not pass that on.
// Everything the child needs (argv, envp) is built before the spawn, so the
// call is safe between clone() and execve() of the container's first process
// and in a multi-threaded process. It throws nothing. The caller must not
// reap children with waitpid(-1) while a hook runs, nor have SIGCHLD set to
// SIG_IGN (the hook's status would be lost; that is reported as an error).
//
// Environment: the caller's environment, minus any inherited variable named
// below, plus the variables of make_env(). See the comment on HookEnv for
// which variables each hook type gets.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/conf.h"
#include "log/log.h"

namespace lxc::hooks {

// The LXC name of a hook type: "pre-start", "pre-mount", "mount", "autodev",
// "start-host", "start", "stop", "post-stop", "clone", "destroy".
std::string_view hook_name(config::HookType t);

// A namespace of the container kept open by the monitor, for the stop hook.
struct NsFd {
  std::string type;  // as in /proc/PID/ns: user, mnt, pid, uts, ipc, net, cgroup, time
  int fd = -1;       // the monitor's fd; the hook gets /proc/<monitor pid>/fd/<fd>
};

// What the hooks are told. Empty strings and init_pid <= 0 leave the
// variable unset.
//
//   LXC_NAME             name            all hooks
//   LXC_CONFIG_FILE      config_file     all hooks (host path of the config)
//   LXC_ROOTFS_MOUNT     rootfs_mount    all hooks (host path where the rootfs is mounted)
//   LXC_ROOTFS_PATH      rootfs_path     all hooks (lxc.rootfs.path as written, e.g. "dir:/...")
//   LXC_CONSOLE          console         when set (lxc.console.path or lxc-start -c)
//   LXC_CONSOLE_LOGPATH  console_log     when set (lxc.console.logfile or lxc-start -L)
//   LXC_PID              init_pid        start-host, stop, post-stop (LXC sets it before
//                                        start-host and it stays set)
//   LXC_TARGET           target          stop, post-stop: "stop" or "reboot"
//   LXC_SRC_NAME         src_name        clone: the original container's name
//   LXC_<TYPE>_NS        namespaces      stop, version 1 only (version 0: arguments)
//   LXC_CGNS_AWARE=1, LXC_HOOK_VERSION=0|1, LXC_LOG_LEVEL=<level name>: always
//   LXC_HOOK_TYPE, LXC_HOOK_SECTION=lxc: version 1 only
struct HookEnv {
  std::string name;
  std::string config_file;
  std::string rootfs_mount;
  std::string rootfs_path;
  std::string console;
  std::string console_log;
  pid_t init_pid = -1;
  std::string target;
  std::string src_name;
  std::vector<NsFd> namespaces;
  std::vector<std::string> args;         // extra arguments (clone: lxc-copy's trailing ones)
  // lxc.net.N.script.up/down run as hooks of section "net", type "up" or
  // "down", with LXC_NET_* in extra_env; key names them in messages.
  // Empty: section "lxc", the HookType's name, "lxc.hook.<type>".
  std::string section;
  std::string type_name;
  std::string key;
  std::vector<std::string> extra_env;  // "KEY=value"
  std::optional<log::Level> log_level;   // LXC_LOG_LEVEL; unset: log::settings().level
};

// The fields that come from the config: rootfs_path, rootfs_mount
// (lxc.rootfs.mount; pass mount_point to give the path the rootfs is really
// mounted at when lxc.rootfs.mount is unset), console, console_log.
HookEnv hook_env_from_conf(const config::Conf& conf, std::string name, std::string config_file,
                           std::string mount_point = {});

// The LXC_* variables a hook of this type gets ("KEY=value"), in a fixed order.
std::vector<std::string> make_env(const HookEnv& env, config::HookType type, int hook_version);
// The argument list given to /bin/sh: {"sh", "-c", "exec <command> ..."}.
std::vector<std::string> make_argv(std::string_view command, const HookEnv& env, config::HookType type,
                                   int hook_version);

// Runs every lxc.hook.<type> of conf in order; stops at the first failure.
// No hooks of that type: success without spawning anything.
Result<void> run_hooks(const config::Conf& conf, config::HookType type, const HookEnv& env);

// Runs one hook command (what run_hooks does for each entry).
Result<void> run_hook(std::string_view command, config::HookType type, const HookEnv& env, int hook_version);

}  // namespace lxc::hooks
