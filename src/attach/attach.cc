#include "attach/attach.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "attach/internal.h"
#include "base/namespaces.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "cgroups/cgroup.h"
#include "commands/commands.h"
#include "console/pty.h"
#include "log/log.h"

namespace lxc::attach {
namespace {

constexpr log::Logger kLog("attach");

struct NsInfo {
  unsigned bit;
  const char* file;
  int flag;
};
constexpr NsInfo kNamespaces[] = {{kUser, "user", CLONE_NEWUSER}, {kCgroup, "cgroup", CLONE_NEWCGROUP},
                                  {kIpc, "ipc", CLONE_NEWIPC},    {kUts, "uts", CLONE_NEWUTS},
                                  {kNet, "net", CLONE_NEWNET},    {kPid, "pid", CLONE_NEWPID},
                                  {kMount, "mnt", CLONE_NEWNS},   {kTime, "time", CLONE_NEWTIME}};

// Whether init's namespace of this type is ours: setns() into our own user
// namespace is an error, and the others need not be joined.
bool same_ns(pid_t pid, const char* file) {
  struct stat a {
  }, b{};
  std::string mine = std::string("/proc/self/ns/") + file;
  std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + file;
  return ::stat(mine.c_str(), &a) == 0 && ::stat(theirs.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

std::optional<uint64_t> host_id(const config::Conf& conf, char type, uint64_t nsid) {
  if (conf.idmaps.empty()) return nsid;
  for (const auto& m : conf.idmaps)
    if (m.type == type && nsid >= m.nsid && nsid - m.nsid < m.range) return m.hostid + (nsid - m.nsid);
  return std::nullopt;
}

// Where the attached process joins the container's cgroups: cgroup2 by
// CLONE_INTO_CGROUP (no migration afterwards), v1 hierarchies by writing
// cgroup.procs from the child. A cgroup2 payload that has delegated
// controllers to sub-cgroups takes no process (EBUSY): as LXC, use a ".lxc"
// leaf below it.
struct CgroupPlan {
  UniqueFd v2_dir;
  std::string v2_path;
  std::vector<std::string> v1_procs;
};

Result<CgroupPlan> plan_cgroups(const Target& t) {
  CgroupPlan p;
  if (t.cgroup_paths.empty()) return p;
  auto cg = cgroups::Cgroup::deserialize(t.cgroup_paths);
  if (!cg) return unexpected(with_context(cg.error(), "the container's cgroups"));
  for (const auto& n : cg->nodes()) {
    if (n.payload.empty()) continue;
    std::string dir = n.hierarchy.path(n.payload);
    if (n.hierarchy.version == 2) {
      p.v2_path = dir;
      p.v2_dir.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!p.v2_dir) return fail_sys("open cgroup " + dir);
    } else {
      p.v1_procs.push_back(dir + "/cgroup.procs");
    }
  }
  return p;
}

// The ".lxc" leaf of a cgroup2 payload that refused a process.
Result<UniqueFd> leaf_cgroup(const std::string& payload, const config::Conf& conf) {
  std::string leaf = payload + "/.lxc";
  if (::mkdir(leaf.c_str(), 0755) == 0) {
    // An unprivileged container's root must be able to manage it.
    auto uid = host_id(conf, 'u', 0);
    auto gid = host_id(conf, 'g', 0);
    if (!conf.idmaps.empty() && uid && gid) {
      [[maybe_unused]] int r = ::chown(leaf.c_str(), static_cast<uid_t>(*uid), static_cast<gid_t>(*gid));
      r = ::chown((leaf + "/cgroup.procs").c_str(), static_cast<uid_t>(*uid), static_cast<gid_t>(*gid));
    }
  } else if (errno != EEXIST) {
    return fail_sys("mkdir " + leaf);
  }
  UniqueFd fd(::open(leaf.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail_sys("open cgroup " + leaf);
  return fd;
}

// clone3 with a pidfd and, when cgroup_fd >= 0, straight into that cgroup.
// As a sibling (CLONE_PARENT), the child is our parent's, and no pidfd.
pid_t clone_into(int cgroup_fd, int* pidfd, bool as_sibling) {
  struct clone_args args {};
  args.flags = (pidfd ? CLONE_PIDFD : 0) | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0) | (as_sibling ? CLONE_PARENT : 0);
  args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  // With CLONE_PARENT the kernel takes the exit signal from the caller.
  args.exit_signal = as_sibling ? 0 : SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? static_cast<uint64_t>(cgroup_fd) : 0;
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

// Which of stdin, stdout and stderr are terminals, and so get the pty.
struct StdTerminals {
  bool is_tty[3] = {false, false, false};
  bool any() const { return is_tty[0] || is_tty[1] || is_tty[2]; }
};
StdTerminals std_terminals() {
  StdTerminals t;
  for (int fd = 0; fd < 3; ++fd) t.is_tty[fd] = ::isatty(fd) == 1;
  return t;
}

std::string current_dir() {
  char buf[4096];
  return ::getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
}

}  // namespace

Result<unsigned> parse_namespaces(std::string_view s) {
  unsigned mask = 0;
  for (const auto& part : split(s, "|")) {
    int flag = namespace_flag_from_lxc_name(trim(part), true);
    bool found = false;
    for (const auto& ns : kNamespaces)
      if (flag && ns.flag == flag) mask |= ns.bit, found = true;
    if (!found)
      return fail(EINVAL,
                  "unknown namespace \"" + part + "\" (MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP or TIME)");
  }
  if (mask == 0) return fail(EINVAL, "no namespace given (MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP or TIME)");
  return mask;
}

Result<unsigned> parse_privileges(std::string_view s) {
  if (trim(s).empty()) return kAllPrivileges;
  static constexpr std::pair<std::string_view, unsigned> kNames[] = {
      {"CAP", kPrivCap}, {"CGROUP", kPrivCgroup}, {"LSM", kPrivLsm}};
  unsigned mask = 0;
  for (const auto& part : split(s, "|")) {
    bool found = false;
    for (auto [name, bit] : kNames)
      if (iequals(trim(part), name)) mask |= bit, found = true;
    if (!found) return fail(EINVAL, "unknown privilege \"" + part + "\" (CAP, CGROUP or LSM)");
  }
  return mask;
}

std::string shell_from_passwd(std::string_view passwd, uid_t uid) {
  for (const auto& line : split(passwd, "\n")) {
    std::vector<std::string_view> f;
    std::string_view rest = line;
    for (;;) {
      size_t c = rest.find(':');
      f.push_back(rest.substr(0, c));
      if (c == std::string_view::npos) break;
      rest.remove_prefix(c + 1);
    }
    if (f.size() >= 7 && parse_u64(f[2]) == uid && !f[6].empty()) return std::string(f[6]);
  }
  return "/bin/sh";
}

void build_environment(const std::vector<std::string>& container_env, const AttachOptions& o) {
  auto set = [](const std::string& e) {
    auto eq = e.find('=');
    if (eq != std::string::npos) ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
  };
  if (o.clear_env) {
    std::vector<std::pair<std::string, std::string>> kept;
    for (const auto& v : o.keep_vars)
      if (const char* val = std::getenv(v.c_str())) kept.emplace_back(v, val);
    ::clearenv();
    for (const auto& [k, v] : kept) ::setenv(k.c_str(), v.c_str(), 1);
    // Too many programs assume PATH is set.
    ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 0);
  }
  ::setenv("container", "lxc", 1);
  for (const auto& e : container_env) {
    // "NAME" alone passes the caller's value, as at start.
    if (e.find('=') == std::string::npos) continue;
    set(e);
  }
  for (const auto& e : o.set_vars) set(e);
}

namespace {

// What run() and spawn() both prepare on the host: the plan of the attached
// process, init's pidfd, the cgroups it joins, and whether it is cloned into
// init's pid namespace.
struct Prepared {
  detail::ChildPlan plan;
  UniqueFd pidfd;
  CgroupPlan cg;
  bool join_pid = false;
};

Result<void> prepare(const Target& t, const AttachOptions& o, Prepared& out) {
  const config::Conf& conf = t.conf;
  detail::ChildPlan& plan = out.plan;
  plan.target = &t;
  plan.opts = &o;
  plan.uid = o.uid.value_or(0);
  plan.gid = o.gid.value_or(0);
  plan.drop_caps = !(o.elevated & kPrivCap);
  plan.cwd = o.cwd.empty() ? current_dir() : o.cwd;

  out.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, t.init_pid, 0)));
  if (!out.pidfd) return fail_sys("pidfd_open of init (pid " + std::to_string(t.init_pid) + ")");
  plan.init_pidfd = out.pidfd.get();
  for (const auto& ns : kNamespaces) {
    if (!(o.namespaces & ns.bit) || same_ns(t.init_pid, ns.file)) continue;
    if (ns.bit == kPid)
      out.join_pid = true;
    else
      plan.setns_flags |= static_cast<unsigned>(ns.flag);
  }

  // lxc.sched.core: into init's core scheduling domain, as LXC, when the
  // command joins init's pid namespace (where init is pid 1).
  plan.join_core_sched = conf.sched_core && out.join_pid;

  if (!(o.elevated & kPrivCgroup)) {
    auto p = plan_cgroups(t);
    if (!p) return unexpected(p.error());
    out.cg = std::move(*p);
    plan.cgroup_procs = out.cg.v1_procs;
  }

  // The profile is a host path: compile it here.
  if (!(o.elevated & kPrivLsm)) {
    plan.lsm = security::active_lsm();
    if (plan.lsm != security::Lsm::None) {
      auto label = o.context.empty() ? security::process_label(plan.lsm, t.init_pid) : o.context;
      if (!label) return unexpected(with_context(label.error(), "the container's LSM label"));
      plan.lsm_label = *label;
    }
    auto sc = security::prepare_seccomp(conf);
    if (!sc) return unexpected(with_context(sc.error(), "seccomp"));
    plan.seccomp = std::move(*sc);
    plan.load_seccomp = !plan.seccomp.empty();
  }
  return {};
}

// Into init's pid namespace for our next child: the caller's own. An
// unprivileged caller has no right to that in its own user namespace: it
// joins the container's first (in one setns, user before pid), where it
// has them, and the child becomes root there.
Result<void> enter_pid_ns_for_children(Prepared& pr) {
  detail::ChildPlan& plan = pr.plan;
  if (!pr.join_pid) return {};
  if (::geteuid() != 0 && (plan.setns_flags & CLONE_NEWUSER)) {
    if (::setns(pr.pidfd.get(), CLONE_NEWUSER | CLONE_NEWPID) < 0)
      return fail_sys("enter the container's user and pid namespaces");
    plan.setns_flags &= ~static_cast<unsigned>(CLONE_NEWUSER);
    plan.in_userns = true;
  } else if (::setns(pr.pidfd.get(), CLONE_NEWPID) < 0) {
    return fail_sys("enter the container's pid namespace");
  }
  return {};
}

// Clones the attached process into the container's cgroup (cgroup2; a
// payload with delegated controllers takes it in its ".lxc" leaf).
Result<pid_t> clone_attached(Prepared& pr, bool as_sibling, int* child_pidfd) {
  CgroupPlan& cg = pr.cg;
  const config::Conf& conf = pr.plan.target->conf;
  pid_t child = clone_into(cg.v2_dir ? cg.v2_dir.get() : -1, child_pidfd, as_sibling);
  if (child < 0 && errno == EBUSY && cg.v2_dir) {
    auto leaf = leaf_cgroup(cg.v2_path, conf);
    if (!leaf) return unexpected(with_context(leaf.error(), "join the container's cgroup"));
    cg.v2_dir = std::move(*leaf);
    child = clone_into(cg.v2_dir.get(), child_pidfd, as_sibling);
  }
  if (child < 0 && errno == EACCES && cg.v2_dir && ::geteuid() != 0)
    // The kernel lets a user move a process only within a subtree it owns.
    return fail(EACCES, "clone the attached process into " + cg.v2_path +
                            ": permission denied; run lxc-attach from within the cgroup delegated to you (where "
                            "lxc-start ran, e.g. systemd-run --user --scope -p Delegate=yes lxc-attach ...)");
  if (child < 0) return fail_sys("clone the attached process" + (cg.v2_path.empty() ? "" : " into " + cg.v2_path));
  if (child == 0) detail::child_main(pr.plan);
  return child;
}

}  // namespace

Result<pid_t> spawn(const Target& t, const AttachOptions& o) {
  int pfd[2];
  if (::pipe2(pfd, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd rd(pfd[0]), wr(pfd[1]);
  pid_t mid = ::fork();
  if (mid < 0) return fail_sys("fork");
  if (mid == 0) {
    // The intermediate: what it joins and blocks is its own, and it exits
    // once the attached process, its sibling, is cloned.
    rd.reset();
    Prepared pr;
    auto r = [&]() -> Result<pid_t> {
      if (auto p = prepare(t, o, pr); !p) return unexpected(p.error());
      pr.plan.err_fd = o.stdio[2];
      pr.plan.errors_said = true;
      pr.plan.stdio = o.stdio;
      if (auto e = enter_pid_ns_for_children(pr); !e) return unexpected(e.error());
      return clone_attached(pr, true, nullptr);
    }();
    // pid, errno, and the length of the message that follows: the attached
    // process holds the pipe too (a function never execs), so its end is no
    // end of the message.
    std::string msg = r ? std::string() : describe(r.error());
    int32_t head[3] = {r ? *r : -1, r ? 0 : (r.error().code ? r.error().code : EIO), static_cast<int32_t>(msg.size())};
    (void)commands::write_all(wr.get(), head, sizeof head);
    (void)commands::write_all(wr.get(), msg.data(), msg.size());
    ::_exit(0);
  }
  wr.reset();
  int32_t head[3] = {-1, EPIPE, 0};
  bool got = commands::read_all(rd.get(), head, sizeof head).has_value();
  std::string msg(got && head[2] > 0 ? static_cast<size_t>(head[2]) : 0, '\0');
  if (!msg.empty() && !commands::read_all(rd.get(), msg.data(), msg.size())) msg.clear();
  ::waitpid(mid, nullptr, 0);
  if (!got) return fail(EPIPE, "the attach helper died");
  if (head[0] < 0) return fail(head[1], msg.empty() ? std::string("attach") : msg);
  return static_cast<pid_t>(head[0]);
}

Result<int> run(const Target& t, const AttachOptions& o) {
  const config::Conf& conf = t.conf;
  Prepared pr;
  if (auto r = prepare(t, o, pr); !r) return unexpected(r.error());
  detail::ChildPlan& plan = pr.plan;

  StdTerminals terms = std_terminals();
  detail::AttachPty pty;
  if (terms.any()) {
    gid_t tty_gid = static_cast<gid_t>(host_id(conf, 'g', 5).value_or(host_id(conf, 'g', plan.gid).value_or(0)));
    uid_t owner = static_cast<uid_t>(host_id(conf, 'u', plan.uid).value_or(0));
    auto p = detail::open_attach_pty(t.init_pid, owner, tty_gid);
    if (!p) return unexpected(with_context(p.error(), "allocate a pty"));
    pty = std::move(*p);
    plan.pty_slave = pty.slave.get();
    for (int fd = 0; fd < 3; ++fd) plan.tty_fds[fd] = terms.is_tty[fd];
  }
  UniqueFd log;
  if (!o.pty_log.empty()) {
    log.reset(::open(o.pty_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600));
    if (!log) return fail_sys("open the pty log " + o.pty_log);
  }

  int errpipe[2];
  if (::pipe2(errpipe, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd err_read(errpipe[0]), err_write(errpipe[1]);
  plan.err_fd = err_write.get();

  // Signals are read through a signalfd from before the clone on, so that
  // none meant for the command is lost; the child unblocks them.
  sigset_t sigs = detail::proxy_signals(), old_mask;
  ::sigprocmask(SIG_BLOCK, &sigs, &old_mask);
  struct MaskGuard {
    sigset_t old;
    ~MaskGuard() { ::sigprocmask(SIG_SETMASK, &old, nullptr); }
  } mask_guard{old_mask};

  // Our pid namespace for children becomes the container's: the clone lands
  // in it, and in the container's cgroup.
  if (auto r = enter_pid_ns_for_children(pr); !r) return unexpected(r.error());
  int child_pidfd = -1;
  auto cloned = clone_attached(pr, false, &child_pidfd);
  if (!cloned) return unexpected(cloned.error());
  pid_t child = *cloned;
  UniqueFd child_fd(child_pidfd);

  // Only the child holds these now: the pty's end shows when it is gone.
  pty.slave.reset();
  err_write.reset();

  detail::ProxyFds fds;
  if (pty.master) {
    fds.master = pty.master.get();
    fds.in = terms.is_tty[0] ? STDIN_FILENO : -1;
    fds.out = terms.is_tty[1] ? STDOUT_FILENO : STDERR_FILENO;
    fds.log = log.get();
    fds.winsize = terms.is_tty[0] ? STDIN_FILENO : fds.out;
  }
  std::optional<console::RawMode> raw;
  if (fds.in >= 0) {
    auto r = console::RawMode::enter(STDIN_FILENO);
    if (r) raw = std::move(*r);
  }
  auto status = detail::proxy_and_wait(child, child_fd.get(), fds);
  if (raw) raw->restore();
  if (!status) return unexpected(status.error());

  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = ::read(err_read.get(), buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(n));
  if (!err.empty()) kLog.error("{}", err);
  if (WIFEXITED(*status)) return WEXITSTATUS(*status);
  if (WIFSIGNALED(*status)) return 128 + WTERMSIG(*status);
  return 1;
}

}  // namespace lxc::attach
