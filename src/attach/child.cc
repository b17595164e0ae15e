// The attached process: cloned by lxc-attach into the container's pid
// namespace and cgroup, it takes on the rest of the container's context and
// executes the command. Errors go to lxc-attach through a pipe.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>

#include "attach/internal.h"
#include "base/file.h"
#include "cgroups/fs.h"
#include "security/caps.h"
#include "security/core_sched.h"
#include "security/limits.h"

namespace lxc::attach::detail {
namespace {

[[noreturn]] void die(const ChildPlan& p, int code, const std::string& what, int err) {
  std::string msg = err ? what + ": " + std::strerror(err) : what;
  if (p.errors_said) msg = "lxc-attach: " + msg + "\n";
  [[maybe_unused]] auto n = ::write(p.err_fd, msg.data(), msg.size());
  ::_exit(code);
}
[[noreturn]] void die_sys(const ChildPlan& p, const std::string& what) { die(p, 1, what, errno); }
void check(const ChildPlan& p, const Result<void>& r, const std::string& what) {
  if (!r) die(p, 1, what + ": " + describe(r.error()), 0);
}

void reset_signals() {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH}) ::signal(s, SIG_DFL);
}

// -R without the mount namespace: a mount namespace of our own in which
// /proc and /sys show the namespaces we joined.
void remount_sys_proc(const ChildPlan& p) {
  if (::unshare(CLONE_NEWNS) < 0) die_sys(p, "-R: unshare the mount namespace");
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) die_sys(p, "-R: make / a slave");
  if (::umount2("/proc", MNT_DETACH) < 0 && errno != EINVAL) die_sys(p, "-R: unmount /proc");
  if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) die_sys(p, "-R: mount /proc");
  if (::umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL) die_sys(p, "-R: unmount /sys");
  if (::mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) die_sys(p, "-R: mount /sys");
}

// The pty slave becomes the controlling terminal and those std fds that
// were terminals; the others stay what the caller gave. Without a pty, a
// session of our own keeps the command away from the caller's terminal.
void setup_stdio(const ChildPlan& p) {
  if (::setsid() < 0) die_sys(p, "setsid");
  if (p.stdio) {
    // Each through a copy above 2 first: one of them may be another's number.
    int copies[3];
    for (int fd = 0; fd < 3; ++fd)
      if ((copies[fd] = ::fcntl(p.stdio[fd], F_DUPFD_CLOEXEC, 3)) < 0) die_sys(p, "the attached process's stdio");
    for (int fd = 0; fd < 3; ++fd)
      if (::dup2(copies[fd], fd) < 0) die_sys(p, "the attached process's stdio");
    for (int fd : copies) ::close(fd);
  }
  if (p.pty_slave < 0) return;
  if (::ioctl(p.pty_slave, TIOCSCTTY, 0) < 0) die_sys(p, "make the pty the controlling terminal");
  for (int fd = 0; fd < 3; ++fd)
    if (p.tty_fds[fd] && ::dup2(p.pty_slave, fd) < 0) die_sys(p, "pty as stdio");
  if (p.pty_slave > 2) ::close(p.pty_slave);
}

void switch_identity(const ChildPlan& p) {
  // No supplementary groups of the caller's inside; EPERM where setgroups is
  // denied in the user namespace.
  if (::setgroups(0, nullptr) < 0 && errno != EPERM) die_sys(p, "setgroups");
  if (::setresgid(p.gid, p.gid, p.gid) < 0) die_sys(p, "setgid " + std::to_string(p.gid));
  if (::setresuid(p.uid, p.uid, p.uid) < 0) die_sys(p, "setuid " + std::to_string(p.uid));
}

[[noreturn]] void exec_command(const ChildPlan& p) {
  if (p.opts->fn) ::_exit(p.opts->fn(p.opts->fn_payload));
  std::vector<std::string> argv = p.opts->argv;
  if (argv.empty()) {
    auto passwd = read_file("/etc/passwd", 1 << 20);
    argv = {shell_from_passwd(passwd ? *passwd : "", p.uid)};
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  int err = errno;
  die(p, err == ENOENT ? 127 : 126, "Failed to exec \"" + argv[0] + "\"", err);
}

}  // namespace

void child_main(const ChildPlan& p) {
  reset_signals();
  const Target& t = *p.target;
  const config::Conf& conf = t.conf;
  for (const auto& procs : p.cgroup_procs) check(p, cgroups::fs::write(procs, "0"), "join the container's cgroup");
  // From the host, before the user namespace: raising a hard limit needs
  // the host's CAP_SYS_RESOURCE, as LXC sets them with prlimit() from outside.
  check(p, security::apply_prlimits(conf), "lxc.prlimit");
  if (p.setns_flags && ::setns(p.init_pidfd, static_cast<int>(p.setns_flags)) < 0)
    die_sys(p, "enter the container's namespaces");
  ::close(p.init_pidfd);
  if (p.join_core_sched) check(p, security::join_core_sched_domain(1), "lxc.sched.core");
  if ((p.setns_flags & CLONE_NEWUSER) || p.in_userns) {
    // Root of the container's user namespace; -u/-g come at the end.
    if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0) die_sys(p, "become root in the user namespace");
  }
  if (p.setns_flags & CLONE_NEWNS) {
    // As LXC: the caller's directory when the container has it, else /.
    if (::chdir(p.cwd.c_str()) < 0 && ::chdir("/") < 0) die_sys(p, "chdir /");
  } else if (p.opts->remount_sys_proc) {
    remount_sys_proc(p);
  }
  setup_stdio(p);
  build_environment(conf.environment, *p.opts);
  auto persona = p.opts->personality ? p.opts->personality : conf.personality;
  if (persona && ::personality(*persona) < 0) die_sys(p, "personality (lxc.arch)");
  if (p.drop_caps) check(p, security::apply_capabilities(conf), "capabilities");
  if (conf.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_sys(p, "no_new_privs");
  // Before the identity switch: without no_new_privs, loading needs CAP_SYS_ADMIN.
  if (p.load_seccomp) check(p, security::load_seccomp(p.seccomp), "seccomp");
  check(p, security::set_exec_label(p.lsm, p.lsm_label), "LSM label");
  switch_identity(p);
  exec_command(p);
}

}  // namespace lxc::attach::detail
