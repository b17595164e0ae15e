// The monitor side of a start: from the config to a RUNNING container, and
// from init's exit to nothing left behind.
#include "start/start.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>

#include "base/file.h"
#include "base/namespaces.h"
#include "base/scope_exit.h"
#include "base/strings.h"
#include "cgroups/cgroup.h"
#include "commands/commands.h"
#include "console/pty.h"
#include "hooks/hooks.h"
#include "log/log.h"
#include "network/session.h"
#include "security/caps.h"
#include "security/core_sched.h"
#include "security/lsm.h"
#include "start/child.h"
#include "start/monitor.h"
#include "start/sync.h"
#include "storage/backend.h"  // storage: rootfs_dir
#include "userns/idmap.h"
#include "userns/mapped.h"

namespace lxc::start {
namespace {

constexpr log::Logger kLog("start");

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  // reboot(2) with HALT or POWER_OFF inside a pid namespace ends its init
  // with SIGINT: the container halted cleanly.
  if (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGINT) return 0;
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

// The container's namespaces that are not the monitor's, opened for the
// stop hooks: init is gone by then, and LXC gives them
// /proc/<monitor>/fd/<fd> of these (arguments "net:..." with hook version 0,
// LXC_NET_NS... with 1; no other hook gets them). Kept until the stop hooks
// have run, in LXC's order.
std::vector<UniqueFd> keep_namespaces(pid_t pid, std::vector<hooks::NsFd>& out) {
  std::vector<UniqueFd> kept;
  out.clear();
  for (const auto& t : kNamespaceTypes) {
    const std::string file(t.file);
    struct stat ours {}, theirs {};
    if (::stat(("/proc/self/ns/" + file).c_str(), &ours) < 0) continue;  // the kernel has none of this type
    UniqueFd fd(::open(("/proc/" + std::to_string(pid) + "/ns/" + file).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::fstat(fd.get(), &theirs) < 0) {
      kLog.warn("cannot keep the {} namespace of {} for the stop hooks: {}", file, pid, std::strerror(errno));
      continue;
    }
    if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino) continue;  // the host's
    out.push_back(hooks::NsFd{file, fd.get()});
    kept.push_back(std::move(fd));
  }
  return kept;
}

struct Namespaces {
  int flags = 0;
  bool userns = false;
  bool netns = false;
  bool cgroupns = false;
};

Result<Namespaces> plan_namespaces(const config::Conf& conf) {
  Namespaces ns;
  auto has_type = [&](std::string_view type) {
    for (const auto& [idx, dev] : conf.net)
      if (dev.type == type) return true;
    return false;
  };
  // net: every type is set up by network::Session (run_monitor).
  for (const auto& [idx, dev] : conf.net)
    if (dev.type.empty()) return fail(EINVAL, "lxc.net." + std::to_string(idx) + ".type is not set");
  ns.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
  if (!has_type("none")) ns.flags |= CLONE_NEWNET;
  if (!conf.idmaps.empty()) ns.flags |= CLONE_NEWUSER;
  if (!conf.namespace_clone.empty()) {
    ns.flags = 0;
    // A time namespace is not cloned: lxc.time.offset.* must be written
    // before init enters it (enter_time_ns).
    for (const auto& n : conf.namespace_clone) ns.flags |= namespace_flag(n) & ~CLONE_NEWTIME;
    // The mount namespace is where the rootfs is set up: always new.
    ns.flags |= CLONE_NEWNS;
  }
  for (const auto& n : conf.namespace_keep) {
    if (n == "net") ns.flags &= ~CLONE_NEWNET;
    if (n == "ipc") ns.flags &= ~CLONE_NEWIPC;
    if (n == "uts") ns.flags &= ~CLONE_NEWUTS;
    if (n == "pid") ns.flags &= ~CLONE_NEWPID;
    if (n == "cgroup") ns.flags &= ~CLONE_NEWCGROUP;
    if (n == "user") ns.flags &= ~CLONE_NEWUSER;
  }
  ns.userns = ns.flags & CLONE_NEWUSER;
  ns.netns = ns.flags & CLONE_NEWNET;
  ns.cgroupns = ns.flags & CLONE_NEWCGROUP;
  // The child makes its cgroup namespace itself once it is in its cgroup,
  // and its network namespace right after clone(): making one takes a
  // third of a millisecond, which then passes while the monitor moves it
  // into its cgroups.
  ns.flags &= ~(CLONE_NEWCGROUP | CLONE_NEWNET);
  return ns;
}

// The host ids of the container's root, for the cgroup delegation.
std::pair<uid_t, gid_t> container_root(const config::Conf& conf) {
  uid_t uid = 0;
  gid_t gid = 0;
  for (const auto& m : conf.idmaps) {
    if (m.nsid != 0) continue;
    if (m.type == 'u')
      uid = static_cast<uid_t>(m.hostid);
    else
      gid = static_cast<gid_t>(m.hostid);
  }
  return {uid, gid};
}

// The host id that an id inside the container maps to, if any.
std::optional<unsigned> host_id(const config::Conf& conf, char type, unsigned nsid) {
  for (const auto& m : conf.idmaps)
    if (m.type == type && nsid >= m.nsid && nsid - m.nsid < m.range)
      return static_cast<unsigned>(m.hostid + (nsid - m.nsid));
  return std::nullopt;
}

// A pty slave made here belongs to the host's root, which a user namespace
// does not map: its root could not open it (getty on tty1 would fail). As
// LXC, it goes to the container's root, group tty (5) when that is mapped.
Result<void> chown_pty_to_container(const console::Pty& p, const config::Conf& conf) {
  auto [uid, gid] = container_root(conf);
  gid_t tty = host_id(conf, 'g', 5).value_or(gid);
  // The mode first: after the chown only the container's root could change it.
  if (::fchmod(p.slave.get(), 0620) < 0) return fail_sys("chmod " + p.slave_path);
  if (::geteuid() != 0) {
    // An unprivileged user hands its pty over from inside the container's
    // id mapping, where its root is 0 and tty 5.
    const int fd = p.slave.get();
    const gid_t tty_inside = host_id(conf, 'g', 5) ? 5 : 0;
    auto r = userns::run_mapped(
        conf.idmaps, [&](const userns::MappedIds&) { return ::fchown(fd, 0, tty_inside) < 0 ? errno : 0; },
        "chown " + p.slave_path);
    if (!r) return r;
  } else if (::fchown(p.slave.get(), uid, tty) < 0) {
    return fail_sys("chown " + p.slave_path);
  }
  return {};
}

// What the container's lxc.mount.auto = cgroup* needs to know of our cgroups.
rootfs::CgroupMounts cgroup_mounts(const cgroups::Cgroup& cg, bool cgroupns) {
  rootfs::CgroupMounts m;
  m.unified_only = cg.layout() == cgroups::Layout::Unified;
  m.cgroupns = cgroupns;
  for (const auto& n : cg.nodes()) {
    rootfs::CgroupHierarchy h;
    std::string_view mp = n.hierarchy.mountpoint;
    std::string_view root = cgroups::kCgroupRoot;
    if (mp.starts_with(root)) mp.remove_prefix(root.size());
    while (mp.starts_with('/')) mp.remove_prefix(1);
    h.mountpoint = std::string(mp);
    if (n.hierarchy.version == 1) h.controllers = n.hierarchy.controllers;
    h.unified = n.hierarchy.version == 2;
    h.host_path = n.hierarchy.path(n.payload);
    h.cgroup = n.payload;
    m.hierarchies.push_back(std::move(h));
  }
  return m;
}

pid_t clone_child(int flags, int* pidfd) {
  struct clone_args args {};
  args.flags = static_cast<uint64_t>(flags);
  if (pidfd) {
    args.flags |= CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  }
  // With CLONE_PARENT the kernel takes the exit signal from the caller.
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

std::string resolve_rootfs(const config::Conf& conf) {
  std::string p = conf.rootfs_path;
  if (p.starts_with("dir:")) p.erase(0, 4);
  return p;
}

// lxc.namespace.share.* and --share-*: namespaces the container joins
// instead of making. The fds are opened here, by the monitor, when the
// start begins; each boot uses them again.
struct SharedNamespaces {
  std::vector<std::pair<UniqueFd, int>> fds;  // joined by the child right after clone
  UniqueFd pid;                               // joined around clone (see spawn_init)
  UniqueFd time;                              // joined by the monitor around clone (enter_time_ns)
};

// A share value: an absolute path to a namespace file, a host pid, or the
// name of a running container in the same lxcpath (its init's namespace).
Result<UniqueFd> open_shared_ns(const std::string& value, const std::string& ns, const std::string& lxcpath) {
  std::string path;
  if (value.starts_with("/")) {
    path = value;
  } else if (auto n = parse_u64(value); n && *n > 0) {
    path = "/proc/" + value + "/ns/" + ns;
  } else {
    auto pid = commands::get_init_pid(lxcpath, value);
    if (!pid || *pid <= 0)
      return fail(ESRCH, "lxc.namespace.share." + ns + " = " + value + ": no running container of that name");
    path = "/proc/" + std::to_string(*pid) + "/ns/" + ns;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_sys("lxc.namespace.share." + ns + ": open " + path);
  return UniqueFd(fd);
}

Result<SharedNamespaces> open_shared(const config::Conf& conf, const StartOptions& opts, const std::string& lxcpath,
                                     Namespaces& ns, bool& new_utsns) {
  std::map<std::string, std::string> want;
  for (const auto& [k, v] : conf.namespace_share) want[k] = v;
  for (const auto& [k, v] : opts.share) want[k] = v;  // the command line wins
  SharedNamespaces shared;
  for (const auto& [type, value] : want) {
    if (type == "user" || type == "mnt")
      return fail(ENOTSUP, "lxc.namespace.share." + type + ": sharing this namespace is not supported by lxcpp yet");
    int flag = namespace_flag(type);
    if (!flag) return fail(EINVAL, "lxc.namespace.share." + type + ": unknown namespace");
    auto fd = open_shared_ns(value, type, lxcpath);
    if (!fd) return unexpected(fd.error());
    ns.flags &= ~flag;
    if (flag == CLONE_NEWNET) ns.netns = false;
    if (flag == CLONE_NEWCGROUP) ns.cgroupns = false;
    if (flag == CLONE_NEWUTS) new_utsns = false;
    if (flag == CLONE_NEWPID)
      shared.pid = std::move(*fd);
    else if (flag == CLONE_NEWTIME)
      shared.time = std::move(*fd);
    else
      shared.fds.emplace_back(std::move(*fd), flag);
  }
  return shared;
}

// "10s", "-5m", "100ms" -> (seconds, nanoseconds) as timens_offsets wants
// them: 0 <= nanoseconds < 1e9. The value was checked by the parser.
std::pair<int64_t, int64_t> parse_offset(std::string_view v) {
  size_t i = v.starts_with('-') ? 1 : 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  int64_t n = parse_i64(v.substr(0, i)).value_or(0);
  std::string_view unit = v.substr(i);
  if (unit == "h") return {n * 3600, 0};
  if (unit == "m") return {n * 60, 0};
  if (unit == "s") return {n, 0};
  int64_t ns = unit == "ms" ? n * 1000000 : unit == "us" ? n * 1000 : n;
  int64_t sec = ns / 1000000000, nsec = ns % 1000000000;
  if (nsec < 0) {
    nsec += 1000000000;
    --sec;
  }
  return {sec, nsec};
}

// lxc.time.offset.*: a time namespace only takes effect for children, and its
// offsets can be written only until a process is in it. So the monitor
// unshares one for its children, writes the offsets, clones init into it,
// and goes back to its own (restore_time_ns): hooks and later children
// keep the host's clocks.
// lxc.namespace.share.time: the monitor joins that namespace around the
// clone the same way, as LXC joins the shared namespaces before it clones
// init. init could not join it itself once in a new user namespace (it has
// no CAP_SYS_ADMIN over the namespace's owner). Its offsets are those of the
// shared namespace: LXC ignores lxc.time.offset.* then too.
Result<UniqueFd> enter_time_ns(const config::Conf& conf, const UniqueFd& shared) {
  if (!shared && conf.time_offset_boot.empty() && conf.time_offset_monotonic.empty()) return UniqueFd();
  const char* what = shared ? "lxc.namespace.share.time" : "lxc.time.offset";
  UniqueFd orig(::open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC));
  if (!orig) return fail_sys(std::string(what) + ": open /proc/self/ns/time_for_children");
  if (shared) {
    if (::setns(shared.get(), CLONE_NEWTIME) < 0) return fail_sys("lxc.namespace.share.time: join the time namespace");
    return orig;
  }
  if (::unshare(CLONE_NEWTIME) < 0) return fail_sys("lxc.time.offset: unshare the time namespace");
  std::string offsets;
  auto add = [&](const char* clock, const std::string& v) {
    if (v.empty()) return;
    auto [sec, nsec] = parse_offset(v);
    offsets += std::string(clock) + " " + std::to_string(sec) + " " + std::to_string(nsec) + "\n";
  };
  add("monotonic", conf.time_offset_monotonic);
  add("boottime", conf.time_offset_boot);
  int fd = ::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::write(fd, offsets.data(), offsets.size()) == static_cast<ssize_t>(offsets.size());
  Error e = sys_error("lxc.time.offset: write /proc/self/timens_offsets");
  if (fd >= 0) ::close(fd);
  if (!ok) {
    ::setns(orig.get(), CLONE_NEWTIME);
    return unexpected(e);
  }
  return orig;
}

void restore_time_ns(const UniqueFd& orig) {
  if (orig && ::setns(orig.get(), CLONE_NEWTIME) < 0)
    kLog.warn("cannot return to the host's time namespace: {}", std::strerror(errno));
}

// Clones the container's init running child_main(spec); pid and pidfd of it.
// A shared pid namespace cannot be entered by the child itself (setns only
// affects a process's later children) and the monitor must not enter it
// (its hooks would run there, and fail once that container is gone). So a
// short-lived helper joins it and clones init with CLONE_PARENT: init is
// the monitor's child, in the shared pid namespace.
Result<std::pair<pid_t, UniqueFd>> spawn_init(int flags, const UniqueFd& pid_ns, const ChildSpec& spec) {
  if (!pid_ns) {
    int pidfd = -1;
    pid_t pid = clone_child(flags, &pidfd);
    if (pid < 0) return fail_sys("clone the container's init");
    if (pid == 0) child_main(spec);
    return std::pair{pid, UniqueFd(pidfd)};
  }
  int pfd[2];
  if (::pipe2(pfd, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd rd(pfd[0]), wr(pfd[1]);
  pid_t helper = ::fork();
  if (helper < 0) return fail_sys("fork");
  if (helper == 0) {
    rd.reset();
    pid_t pid = -1;
    if (::setns(pid_ns.get(), CLONE_NEWPID) == 0) {
      pid = clone_child(flags | CLONE_PARENT, nullptr);
      if (pid == 0) child_main(spec);
    }
    int32_t msg[2] = {pid, pid < 0 ? errno : 0};
    (void)commands::write_all(wr.get(), msg, sizeof msg);
    ::_exit(0);
  }
  wr.reset();
  int32_t msg[2] = {-1, EPIPE};
  (void)commands::read_all(rd.get(), msg, sizeof msg);
  ::waitpid(helper, nullptr, 0);
  if (msg[0] < 0) return fail(msg[1], "clone the container's init into the shared pid namespace");
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, msg[0], 0));
  if (pidfd < 0) return fail_sys("pidfd_open");
  return std::pair{static_cast<pid_t>(msg[0]), UniqueFd(pidfd)};
}

// cmd is the host's init (/sbin/init, systemd), by the file it resolves to.
bool is_host_init(const std::string& cmd) {
  char path[PATH_MAX], init[PATH_MAX];
  if (!::realpath(cmd.c_str(), path)) return false;
  if (::realpath("/sbin/init", init) && std::strcmp(path, init) == 0) return true;
  std::string_view p(path);
  return p == "/sbin/init" || p.ends_with("/systemd/systemd");
}

bool is_reboot(int wait_status) { return WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGHUP; }

// Everything from the command socket to init's exit, in this process.
// notify_fd, when >= 0, hears "OK" once the container runs (lxc-start -d's
// parent waits for it).
Result<int> run_monitor(const std::string& name, const std::string& lxcpath, const config::ConfigFile& cfg,
                        const StartOptions& opts, int notify_fd) {
  const config::Conf& conf = cfg.conf();
  auto ns = plan_namespaces(conf);
  if (!ns) return unexpected(ns.error());
  bool new_utsns = ns->flags & CLONE_NEWUTS;
  auto shared = open_shared(conf, opts, lxcpath, *ns, new_utsns);
  if (!shared) return unexpected(shared.error());

  // lxc.sched.core: the domain is made for init's thread group and joined
  // by lxc-attach through pid 1, so the container needs a pid namespace of
  // its own (LXC has the same rule).
  if (conf.sched_core && (!(ns->flags & CLONE_NEWPID) || shared->pid))
    return fail(EINVAL, "lxc.sched.core: core scheduling needs a pid namespace of the container's own");

  std::string rootfs = resolve_rootfs(conf);
  // storage: btrfs:, overlay:, loop:, lvm:, zfs: values name no directory;
  // the child mounts them (rootfs::Step::storage_src) on LXCPATH/NAME/rootfs.
  if (!conf.rootfs_path.empty() && !conf.rootfs_path.starts_with("dir:")) {
    auto dir = storage::rootfs_dir(conf.rootfs_path, lxcpath + "/" + name);
    if (!dir) return unexpected(with_context(dir.error(), "lxc.rootfs.path"));
    rootfs = *dir;
  }
  if (!rootfs.empty() && !is_dir(rootfs))
    return fail(ENOENT, "lxc.rootfs.path: " + rootfs + " does not exist or is not a directory");

  std::vector<std::string> argv = opts.argv;
  if (argv.empty()) {
    const std::string& cmd = opts.execute ? conf.execute_cmd : conf.init_cmd;
    argv = split(cmd.empty() ? std::string("/sbin/init") : cmd, " \t");
  }
  // Without a rootfs the container sees the host's own files. A command of
  // its own may run there (an application container), but the host's init
  // would boot the host's system a second time on the very same files: its
  // tmpfiles empty /tmp, its services open the host's databases. Refused.
  if (rootfs.empty() && !argv.empty() && is_host_init(argv[0]))
    return fail(EINVAL, "lxc.rootfs.path is not set: " + argv[0] +
                            " would boot the host's own system on the host's files; give the container a rootfs "
                            "(or a command of its own)");

  // lxc.monitor.unshare: the monitor's mounts (and the hooks') stay its own.
  if (conf.monitor_unshare) {
    if (::unshare(CLONE_NEWNS) < 0) return fail_sys("lxc.monitor.unshare: unshare the mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
      return fail_sys("lxc.monitor.unshare: make / a slave mount");
  }

  auto listener = commands::listen(lxcpath, name);
  if (!listener) return unexpected(listener.error());

  hooks::HookEnv henv = hooks::hook_env_from_conf(conf, name, cfg.path(), rootfs);
  // net: the container's interfaces, checked before anything is made; each
  // boot attaches them, each stop (and the destructor) tears them down.
  network::Session net(conf, henv, lxcpath);
  if (ns->netns)
    if (auto r = net.check(); !r) return unexpected(r.error());
  // lxc.cap.keep with lxc.cap.drop, unknown names: refused before anything is made.
  if (auto r = security::caps_to_drop(conf); !r) return unexpected(r.error());
  if (auto r = hooks::run_hooks(conf, config::HookType::PreStart, henv); !r) return unexpected(r.error());

  // The monitor leaves the base cgroup first (cgroup2's no-internal-process
  // rule), then the container's cgroup is made.
  auto cg = cgroups::Cgroup::prepare(conf, name);
  if (!cg) return unexpected(with_context(cg.error(), "cgroups"));
  cgroups::CgroupGuard cg_guard(*cg);
  auto cgstep = [](Result<void> r) -> Result<void> {
    if (!r) return unexpected(with_context(std::move(r.error()), "cgroups"));
    return {};
  };
  cg->remove_stale();
  // A daemonized monitor gets a cgroup of its own (lxc.monitor.NAME), out of
  // its caller's. A foreground one (lxc-start -F, lxc-execute) is its
  // caller's process and stays where it was started (a shell, a systemd
  // unit): joining and leaving a cgroup would cost two RCU grace periods per
  // run. It moves anyway where cgroup2 requires it or lxc.cgroup.dir.monitor
  // asks for it.
  const bool monitor_cgroup = opts.daemonize || cg->monitor_enters_first() || !conf.cgroup_dir_monitor.empty();
  if (monitor_cgroup)
    if (auto r = cgstep(cg->create_monitor()); !r) return unexpected(r.error());
  bool monitor_in_cgroup = !monitor_cgroup;
  auto enter_monitor_cgroup = [&]() -> Result<void> {
    if (monitor_in_cgroup) return {};
    if (auto r = cgstep(cg->enter_monitor(::getpid())); !r) return r;
    monitor_in_cgroup = true;
    return {};
  };
  if (cg->monitor_enters_first())
    if (auto r = enter_monitor_cgroup(); !r) return unexpected(r.error());
  if (auto r = cgstep(cg->create_payload()); !r) return unexpected(r.error());

  // Console and ttys: ptys allocated here, masters kept by the monitor for
  // the whole run (a reboot reopens the slaves by path).
  // lxc-start -c (or lxc.console.path) names a terminal the console is
  // proxied to instead of lxc-start -F's stdio, as LXC's peer terminal.
  const std::string& console_path = opts.console_path.empty() ? conf.console_path : opts.console_path;
  bool want_console = !opts.execute && console_path != "none";
  console::Pty console;
  UniqueFd console_device;
  if (want_console && !console_path.empty()) {
    const std::string what = opts.console_path.empty() ? "lxc.console.path = " + console_path : "-c " + console_path;
    console_device.reset(::open(console_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
    if (!console_device) return fail_sys(what + ": open the console's terminal");
    if (!::isatty(console_device.get())) return fail(ENOTTY, what + ": not a terminal");
  }
  if (want_console) {
    auto p = console::open_pty();
    if (!p) return unexpected(with_context(p.error(), "console"));
    console = std::move(*p);
    int size_from = console_device ? console_device.get() : (!opts.daemonize ? STDIN_FILENO : -1);
    if (size_from >= 0 && ::isatty(size_from)) console::copy_winsize(size_from, console.master.get());
  }
  std::vector<console::Pty> ttys;
  for (uint64_t i = 0; i < conf.tty_max; ++i) {
    auto p = console::open_pty();
    if (!p) return unexpected(with_context(p.error(), "tty" + std::to_string(i + 1)));
    ttys.push_back(std::move(*p));
  }

  if (ns->userns) {
    if (want_console)
      if (auto r = chown_pty_to_container(console, conf); !r) return unexpected(with_context(r.error(), "console"));
    for (const auto& t : ttys)
      if (auto r = chown_pty_to_container(t, conf); !r) return unexpected(with_context(r.error(), "ttys"));
  }

  // lxc.apparmor.* / lxc.selinux.*: init's label; a profile loaded for the
  // container stays loaded until the monitor is done with it.
  auto lsm = security::prepare_lsm(conf, name, lxcpath, ns->cgroupns);
  if (!lsm) return unexpected(lsm.error());

  Monitor::block_signals();
  Monitor monitor(name, lxcpath, conf, std::move(*listener));
  if (want_console) {
    monitor.set_console(std::move(console.master), !opts.daemonize && !console_device);
    if (console_device)
      if (auto r = monitor.set_console_device(std::move(console_device)); !r)
        return unexpected(with_context(r.error(), "console"));
    monitor.set_console_log(!opts.console_log.empty() ? opts.console_log : conf.console_logfile);
  }
  for (auto& t : ttys) monitor.add_tty(std::move(t.master));
  monitor.set_hooks(
      MonitorHooks{[&] { return cg->freeze(); }, [&] { return cg->thaw(); }, [&] { return cg->serialize(); }});

  std::vector<UniqueFd> kept_ns;  // for the stop hooks (keep_namespaces)
  std::vector<hooks::NsFd> stop_ns;
  // One boot: from a fresh payload cgroup to init exec'd. The first runs
  // in the payload cgroup made above; a reboot makes it again.
  auto boot = [&]() -> Result<void> {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return fail_sys("socketpair");
    UniqueFd parent_sock(sv[0]), child_sock(sv[1]);
    UniqueFd console_slave = std::move(console.slave);
    if (want_console && !console_slave) {
      console_slave.reset(::open(console.slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
      if (!console_slave) return fail_sys("console: open " + console.slave_path);
    }
    for (auto& t : ttys) t.slave.reset();

    ChildSpec spec;
    spec.conf = &conf;
    spec.config_file = cfg.path();
    spec.name = name;
    spec.lxcpath = lxcpath;
    spec.rootfs = rootfs;
    spec.sync_fd = child_sock.get();
    spec.console_fd = want_console ? console_slave.get() : -1;
    spec.console_path = want_console ? console.slave_path : "";
    for (const auto& t : ttys) spec.tty_paths.push_back(t.slave_path);
    spec.argv = argv;
    spec.execute = opts.execute;
    spec.userns = ns->userns;
    spec.new_netns = ns->netns;
    spec.new_cgroupns = ns->cgroupns;
    spec.new_utsns = new_utsns;
    for (const auto& [fd, type] : shared->fds) spec.share_fds.emplace_back(fd.get(), type);
    spec.pdeath_signal = conf.monitor_signal_pdeath ? conf.monitor_signal_pdeath : SIGKILL;
    spec.cgroup_mounts = cgroup_mounts(*cg, ns->cgroupns);
    spec.lsm = lsm->lsm;
    spec.lsm_label = lsm->label;

    auto time_ns = enter_time_ns(conf, shared->time);
    if (!time_ns) return unexpected(time_ns.error());
    auto spawned = spawn_init(ns->flags, shared->pid, spec);
    restore_time_ns(*time_ns);
    if (!spawned) return unexpected(spawned.error());
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    pid_t pid = spawned->first;
    UniqueFd init_pidfd = std::move(spawned->second);
    child_sock.reset();
    console_slave.reset();

    ScopeExit kill_child([&] {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    });
    auto step = [&](Result<void> r, std::string_view what) -> Result<void> {
      if (!r) return unexpected(with_context(std::move(r.error()), what));
      return {};
    };

    // Into the cgroups at once, while the child makes its network namespace.
    if (auto r = cgstep(cg->enter_payload(pid)); !r) return unexpected(r.error());
    // Right behind init's move: no second grace period (monitor_enters_first).
    if (auto r = enter_monitor_cgroup(); !r) return unexpected(r.error());
    if (auto r = step(expect_step(parent_sock.get(), SyncStep::ChildCloned), "start"); !r) return unexpected(r.error());
    if (conf.sched_core) {  // before init runs anything: all it makes inherits the domain
      if (auto r = security::create_core_sched_domain(pid); !r)
        return unexpected(with_context(r.error(), "lxc.sched.core"));
      if (auto c = security::core_sched_cookie(pid); c) kLog.info("{} runs in core scheduling domain {}", name, *c);
    }
    if (ns->userns)
      if (auto r = userns::write_container_id_maps(pid, conf.idmaps); !r) return unexpected(r.error());
    if (ns->netns)  // net
      if (auto r = net.attach(pid); !r) return unexpected(r.error());
    if (auto r = cgstep(cg->apply_settings(cgroups::Stage::Limits)); !r) return unexpected(r.error());
    if (ns->userns && ::geteuid() == 0) {
      auto [uid, gid] = container_root(conf);
      if (auto r = cgstep(cg->chown_payload(uid, gid)); !r) return unexpected(r.error());
    } else if (ns->userns && !cg->nodes().empty()) {
      // An unprivileged user's delegated cgroup goes to the container's root
      // from inside its id mapping, where that root is 0.
      auto r = userns::run_mapped(conf.idmaps, std::function<Result<void>()>([&] { return cg->chown_payload(0, 0); }),
                                  "give the container's cgroup to its root");
      if (auto c = cgstep(std::move(r)); !c) return unexpected(c.error());
    }
    // idmap= mounts: made here, where the privilege over their filesystems
    // is, and attached by the child in the order of its plan.
    std::vector<Result<UniqueFd>> trees;
    const bool may_idmap = conf.rootfs_options.find("idmap=") != std::string::npos || !conf.mount_fstab.empty() ||
                           std::any_of(conf.mount_entries.begin(), conf.mount_entries.end(),
                                       [](const std::string& e) { return e.find("idmap=") != std::string::npos; });
    if (auto plan = may_idmap ? rootfs::plan_mounts(conf, rootfs_context(spec)) : Result<rootfs::MountPlan>();
        may_idmap && plan) {
      auto wanted = rootfs::idmapped_trees(*plan);
      if (!wanted.empty()) {
        UniqueFd userns(::open(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
        for (const auto& t : wanted) {
          trees.push_back(rootfs::make_idmapped_tree(t, userns.get()));
          if (!trees.back() && !t.optional) return unexpected(trees.back().error());
          if (!trees.back()) kLog.warn("{} (optional: skipped)", describe(trees.back().error()));
        }
      }
    }  // else: the child meets the same planning error and reports it
    if (auto r = send_step(parent_sock.get(), SyncStep::Continue); !r) return unexpected(r.error());
    for (const auto& t : trees)
      if (auto r = send_idmapped_tree(parent_sock.get(), t); !r) return unexpected(r.error());
    trees.clear();
    if (auto r = expect_step(parent_sock.get(), SyncStep::RootfsReady); !r) return unexpected(r.error());
    // Device rules go in once the container has made its /dev.
    if (auto r = cgstep(cg->apply_settings(cgroups::Stage::Devices)); !r) return unexpected(r.error());
    henv.init_pid = pid;
    // Every namespace exists now (the child unshared its cgroup one itself).
    if (!conf.hooks[static_cast<size_t>(config::HookType::Stop)].empty())
      kept_ns = keep_namespaces(pid, stop_ns);
    if (auto r = hooks::run_hooks(conf, config::HookType::StartHost, henv); !r) return unexpected(r.error());
    if (auto r = send_step(parent_sock.get(), SyncStep::Go); !r) return unexpected(r.error());
    if (auto r = expect_exec(parent_sock.get()); !r) return unexpected(r.error());

    monitor.set_init(pid, std::move(init_pidfd));
    kill_child.release();
    if (!opts.pidfile.empty()) {
      if (auto r = write_file_atomic(opts.pidfile, std::to_string(pid) + "\n"); !r)
        kLog.warn("cannot write the pid file: {}", describe(r.error()));
    }
    return {};
  };

  if (auto r = boot(); !r) return unexpected(r.error());
  cg_guard.commit();
  monitor.set_state(State::Running);
  if (notify_fd >= 0) {
    (void)commands::write_all(notify_fd, "OK", 2);
    ::close(notify_fd);
  }

  // An unprivileged user's delegated cgroup belongs to the container's root,
  // and so do the cgroups its init made below it (systemd's): they are
  // removed from inside the id mapping, as LXC's cgroup_tree_remove does.
  auto destroy_payload = [&]() -> Result<void> {
    if (ns->userns && ::geteuid() != 0 && !cg->nodes().empty()) {
      auto r = userns::run_mapped(conf.idmaps, std::function<Result<void>()>([&] { return cg->destroy_payload(); }),
                                  "remove the container's cgroup");
      if (!r) kLog.warn("{}", describe(r.error()));
    }
    return cg->destroy_payload();
  };
  const bool own_pidns = (ns->flags & CLONE_NEWPID) && !shared->pid;
  int status = 0;
  for (;;) {
    status = monitor.run();
    monitor.report_exit(status);
    monitor.set_state(State::Stopping);
    bool reboot = !opts.execute && is_reboot(status);
    std::string boot_target = henv.target;
    henv.target = reboot ? "reboot" : "stop";
    henv.namespaces = std::exchange(stop_ns, {});
    if (auto r = hooks::run_hooks(conf, config::HookType::Stop, henv); !r) kLog.error("{}", describe(r.error()));
    henv.namespaces.clear();
    kept_ns.clear();
    // init's end took every process of its pid namespace along; others in
    // its cgroup (a shared pid namespace, lxc-attach without one) are
    // killed here, or by destroy_payload when it finds them.
    if (!own_pidns) (void)cg->kill_all();
    net.stop();  // net: all but the veth host ends, which go after STOPPED
    if (auto r = destroy_payload(); !r) kLog.error("{}", describe(r.error()));
    if (auto r = hooks::run_hooks(conf, config::HookType::PostStop, henv); !r) kLog.error("{}", describe(r.error()));
    // reboot(2) RESTART in the container's pid namespace ends init with
    // SIGHUP: start it again, same monitor, command socket and ptys.
    if (!reboot) break;
    kLog.info("{} is rebooting", name);
    monitor.set_state(State::Starting);
    henv.target = boot_target;
    auto r = hooks::run_hooks(conf, config::HookType::PreStart, henv);
    if (r) r = cgstep(cg->create_payload());
    if (r) r = boot();
    if (!r) {
      kLog.error("reboot: {}", describe(r.error()));
      (void)cg->kill_all();
      (void)destroy_payload();
      break;
    }
    monitor.set_state(State::Running);
  }
  if (!opts.pidfile.empty()) ::unlink(opts.pidfile.c_str());
  // The container is gone: stop answering, then say so. The monitor's own
  // cgroup goes last; leaving it costs a cgroup migration (an RCU grace
  // period) that the waiting tools need not sit through.
  monitor.close_listener();
  // lxc.ephemeral: the container goes with its run (before STOPPED, so that
  // whoever waits for STOPPED finds it gone).
  if (conf.ephemeral && opts.on_ephemeral_stop) opts.on_ephemeral_stop();
  monitor.release_console_device();
  monitor.set_state(State::Stopped);
  // net: the veth host ends (a kernel grace period each) need not delay
  // STOPPED, nor lxc-execute's exit, which is its caller's STOPPED.
  if (opts.execute)
    net.teardown_detached();
  else
    net.teardown();
  if (auto r = cg->destroy(); !r) kLog.error("{}", describe(r.error()));
  return shell_status(status);
}

}  // namespace

Result<int> start(const std::string& name, const std::string& lxcpath, config::ConfigFile cfg,
                  const StartOptions& opts) {
  if (!opts.daemonize) return run_monitor(name, lxcpath, cfg, opts, -1);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail_sys("pipe");
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys("fork the monitor");
  if (pid == 0) {
    ::close(pipefd[0]);
    ::setsid();
    ::chdir("/");
    stdio_to_dev_null();
    auto r = run_monitor(name, lxcpath, cfg, opts, pipefd[1]);
    if (!r) {
      std::string msg = "ERR" + describe(r.error());
      (void)commands::write_all(pipefd[1], msg.data(), msg.size());
      ::_exit(1);
    }
    ::_exit(*r);
  }
  ::close(pipefd[1]);
  std::string reply;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
    if (reply == "OK") break;
  }
  ::close(pipefd[0]);
  if (reply == "OK") return 0;
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (reply.starts_with("ERR")) return fail(0, reply.substr(3));
  return fail(ECHILD, "the monitor exited before the container was running");
}

}  // namespace lxc::start
