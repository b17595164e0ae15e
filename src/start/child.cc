// The container's first process, from clone() to execve(). Order matters and
// each step says why it stands where it does.
#include "start/child.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "commands/commands.h"
#include "hooks/hooks.h"
#include "rootfs/rootfs.h"
#include "security/caps.h"
#include "security/limits.h"
#include "security/lsm.h"
#include "security/seccomp.h"
#include "start/sync.h"

namespace lxc::start {
namespace {

[[noreturn]] void die(int sync_fd, Error e) {
  send_error(sync_fd, e);
  ::_exit(1);
}

void check(int sync_fd, Result<void> r, std::string_view step) {
  if (!r) die(sync_fd, with_context(std::move(r.error()), step));
}

// Keeps only the fds the container should see; the rest of the monitor's
// (log file, command socket, other ptys) must not leak into it. Stdio stays,
// as with LXC: the hooks run here (pre-mount, mount, autodev, start) write
// their messages to it, and it is init's unless the console replaces it
// (lxc-execute's caller's; /dev/null for lxc-start -d, which detached).
void close_other_fds(const ChildSpec& spec) {
  std::vector<int> keep = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
  keep.push_back(spec.sync_fd);
  for (auto [fd, type] : spec.share_fds) keep.push_back(fd);
  if (spec.console_fd >= 0) keep.push_back(spec.console_fd);
  std::sort(keep.begin(), keep.end());
  int next = 0;
  for (int fd : keep) {
    if (fd > next) ::syscall(SYS_close_range, next, fd - 1, 0);
    next = fd + 1;
  }
  ::syscall(SYS_close_range, next, ~0U, 0);
}

Result<void> loopback_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return fail_sys("socket");
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  int rc = ::ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    rc = ::ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  ::close(s);
  errno = saved;
  if (rc < 0) return fail_sys("bring up lo");
  return {};
}

// /proc files take a plain write; they cannot be replaced atomically.
Result<void> write_proc(const std::string& path, const std::string& value, const std::string& what) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, value.data(), value.size()) < 0) {
    auto e = sys_error(what + ": write " + path);
    if (fd >= 0) ::close(fd);
    return unexpected(e);
  }
  ::close(fd);
  return {};
}

Result<void> apply_sysctls(const config::Conf& conf) {
  for (const auto& [key, value] : conf.sysctls) {
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    if (auto r = write_proc(path, value, "lxc.sysctl." + key); !r) return r;
  }
  for (const auto& [key, value] : conf.procs)
    if (auto r = write_proc("/proc/self/" + key, value, "lxc.proc." + key); !r) return r;
  return {};
}

Result<void> switch_identity(const config::Conf& conf) {
  uid_t uid = conf.init_uid.value_or(0);
  gid_t gid = conf.init_gid.value_or(0);
  std::vector<gid_t> groups(conf.init_groups.begin(), conf.init_groups.end());
  // setgroups before setgid/setuid: afterwards the privilege is gone.
  if (::setgroups(groups.size(), groups.data()) < 0 && errno != EPERM) return fail_sys("setgroups");
  if (::setresgid(gid, gid, gid) < 0) return fail_sys("setgid " + std::to_string(gid));
  if (::setresuid(uid, uid, uid) < 0) return fail_sys("setuid " + std::to_string(uid));
  return {};
}

void set_environment(const ChildSpec& spec) {
  const config::Conf& conf = *spec.conf;
  std::string term = std::getenv("TERM") ? std::getenv("TERM") : "";
  // The host's environment stays outside; lxc.environment names what to pass.
  std::vector<std::pair<std::string, std::string>> keep;
  for (const auto& e : conf.environment) {
    auto eq = e.find('=');
    if (eq != std::string::npos) {
      keep.emplace_back(e.substr(0, eq), e.substr(eq + 1));
    } else if (const char* v = std::getenv(e.c_str())) {
      keep.emplace_back(e, v);
    }
  }
  ::clearenv();
  ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
  ::setenv("container", "lxc", 1);
  if (!term.empty() && spec.execute) ::setenv("TERM", term.c_str(), 1);
  if (spec.tty_paths.size()) {
    std::string ttys;
    for (size_t i = 1; i <= spec.tty_paths.size(); ++i) ttys += (i > 1 ? " " : "") + ("tty" + std::to_string(i));
    ::setenv("container_ttys", ttys.c_str(), 1);
  }
  for (const auto& [k, v] : keep) ::setenv(k.c_str(), v.c_str(), 1);
}

}  // namespace

rootfs::RootfsContext rootfs_context(const ChildSpec& spec) {
  rootfs::RootfsContext ctx;
  ctx.name = spec.name;
  ctx.lxcpath = spec.lxcpath;
  ctx.rootfs = spec.rootfs;
  ctx.console_pty = spec.console_path;
  ctx.tty_ptys = spec.tty_paths;
  ctx.userns = spec.userns;
  ctx.cgroups = spec.cgroup_mounts;
  return ctx;
}

Result<void> send_idmapped_tree(int sock, const Result<UniqueFd>& tree) {
  int err = tree ? 0 : (tree.error().code ? tree.error().code : EIO);
  return commands::send_fd(sock, tree ? tree->get() : -1, &err, sizeof err);
}

Result<UniqueFd> recv_idmapped_tree(int sock) {
  int err = 0;
  auto fd = commands::recv_fd(sock, &err, sizeof err);
  if (!fd) return unexpected(with_context(fd.error(), "receive an idmapped mount from the monitor"));
  if (err != 0 || !*fd) return fail(err ? err : EIO, "the monitor could not make the idmapped mount (see its log)");
  return fd;
}

void child_main(const ChildSpec& spec) {
  const config::Conf& conf = *spec.conf;
  int sync = spec.sync_fd;
  // If the monitor dies before we exec, so do we; the kernel keeps this
  // across execve, so a SIGKILLed monitor takes its container with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  // The monitor blocked its signals before clone(); init starts with none blocked.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  close_other_fds(spec);
  ::signal(SIGPIPE, SIG_DFL);

  // Shared namespaces first: everything below (host name, rootfs, cgroup
  // namespace) happens in them. These fds are the monitor's; ours go now.
  for (auto [fd, type] : spec.share_fds) {
    if (::setns(fd, type) < 0) die(sync, sys_error("join a shared namespace (lxc.namespace.share)"));
    ::close(fd);
  }

  // Made here rather than by clone(): see plan_namespaces.
  if (spec.new_netns && ::unshare(CLONE_NEWNET) < 0) die(sync, sys_error("unshare the network namespace"));
  check(sync, send_step(sync, SyncStep::ChildCloned), "start");
  // Wait until the monitor has written the id maps, put us in the cgroups
  // and moved the network interfaces in: nothing below may run before.
  check(sync, expect_step(sync, SyncStep::Continue), "wait for the monitor");

  if (spec.userns) {
    // Become the mapped root; until the maps existed we were the overflow id.
    if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0) die(sync, sys_error("become root in the user namespace"));
    ::setgroups(0, nullptr);
  }

  // The cgroup namespace is made here, not at clone(): its root is the
  // cgroup we are in when it is made, and the monitor has only now moved us
  // into the container's cgroup.
  if (spec.new_cgroupns && ::unshare(CLONE_NEWCGROUP) < 0) die(sync, sys_error("unshare the cgroup namespace"));

  std::string hostname = conf.uts_name.empty() ? spec.name : conf.uts_name;
  if (spec.new_utsns && ::sethostname(hostname.data(), hostname.size()) < 0)
    die(sync, sys_error("sethostname " + hostname));

  if (spec.new_netns) check(sync, loopback_up(), "network");

  rootfs::RootfsContext ctx = rootfs_context(spec);
  ctx.next_idmapped_tree = [&] { return recv_idmapped_tree(sync); };
  hooks::HookEnv henv = hooks::hook_env_from_conf(conf, spec.name, spec.config_file, spec.rootfs);
  ctx.run_hook = [&](config::HookType t) { return hooks::run_hooks(conf, t, henv); };
  // As LXC: nothing mounted from here on, pre-mount hooks included, reaches
  // the host's mount namespace.
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    die(sync, sys_error("make / a dependent (rslave) mount"));
  // As LXC: lxc.environment is set for the hooks that run in here too
  // (LXC's nvidia mount hook reads NVIDIA_* from it); init gets a clean
  // environment of it later (set_environment).
  for (const auto& e : conf.environment)
    if (auto eq = e.find('='); eq != std::string::npos) ::setenv(e.substr(0, eq).c_str(), e.c_str() + eq + 1, 1);
  check(sync, hooks::run_hooks(conf, config::HookType::PreMount, henv), "hook");
  // The profile is a host path: read and compile it before pivot_root,
  // load it last.
  auto seccomp = security::prepare_seccomp(conf);
  if (!seccomp) die(sync, with_context(std::move(seccomp.error()), "seccomp"));
  check(sync, rootfs::setup_rootfs(conf, ctx), "rootfs");

  check(sync, send_step(sync, SyncStep::RootfsReady), "start");
  check(sync, expect_step(sync, SyncStep::Go), "wait for the monitor");
  // In the container, after pivot_root: the hook's path is the container's.
  check(sync, hooks::run_hooks(conf, config::HookType::Start, henv), "hook");

  check(sync, apply_sysctls(conf), "sysctl");
  check(sync, security::apply_prlimits(conf), "prlimit");

  if (::setsid() < 0 && errno != EPERM) die(sync, sys_error("setsid"));
  if (spec.console_fd >= 0) {
    for (int fd = 0; fd < 3; ++fd)
      if (::dup2(spec.console_fd, fd) < 0) die(sync, sys_error("console as stdio"));
    ::ioctl(0, TIOCSCTTY, 0);
    if (spec.console_fd > 2) ::close(spec.console_fd);
  }

  set_environment(spec);
  std::string cwd = conf.init_cwd.empty() ? "/" : conf.init_cwd;
  if (::chdir(cwd.c_str()) < 0) die(sync, sys_error("lxc.init.cwd: chdir " + cwd));

  // lxc.apparmor.* / lxc.selinux.*: the label init gets at execve.
  check(sync, security::set_exec_label(spec.lsm, spec.lsm_label, conf.selinux_context_keyring), "LSM");
  check(sync, security::apply_capabilities(conf), "capabilities");
  if (conf.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die(sync, sys_error("no_new_privs"));
  // Before the identity switch: without no_new_privs, loading needs CAP_SYS_ADMIN.
  check(sync, security::load_seccomp(*seccomp), "seccomp");
  // lxc.keyring.session (default on): a session keyring of the container's
  // own, not the one of whoever started it. Where keyrings are unavailable
  // or denied, init inherits ours, as LXC does.
  if (conf.keyring_session.value_or(true) && ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr, 0, 0, 0) < 0 &&
      errno != ENOSYS && errno != EACCES && errno != EPERM)
    die(sync, sys_error("lxc.keyring.session: join a new session keyring"));
  check(sync, switch_identity(conf), "lxc.init.uid/gid");
  // lxc.arch: the personality survives execve.
  if (conf.personality && ::personality(*conf.personality) < 0) die(sync, sys_error("lxc.arch: personality"));
  // A change of credentials clears the parent-death signal: set it last.
  // pdeath_signal is lxc.monitor.signal.pdeath (SIGKILL unless set).
  ::prctl(PR_SET_PDEATHSIG, spec.pdeath_signal, 0, 0, 0);

  if (spec.execute) run_init(spec.argv, sync);

  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  die(sync, sys_error("exec " + spec.argv[0]));
}

}  // namespace lxc::start
