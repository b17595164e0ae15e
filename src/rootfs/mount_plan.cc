// The mount plan: every step of the container's filesystem setup, computed as
// data from the config, in the order LXC 5 takes them (lxc_setup() in
// conf.c). Nothing here touches the filesystem except reading lxc.mount.fstab.
#include <linux/capability.h>
#include <sys/mount.h>

#include <algorithm>

#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "rootfs/quote.h"
#include "rootfs/rootfs.h"
#include "security/caps.h"
#include "storage/backend.h"  // storage: rootfs mounted by its backend

namespace lxc::rootfs {
namespace {

using detail::quoted;

constexpr log::Logger kLog("rootfs");

constexpr unsigned long kCgroupFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
constexpr std::string_view kCgroupRoot = "sys/fs/cgroup";

struct DeviceNode {
  std::string_view name;
  unsigned major, minor;
};
// LXC's list and order (lxc_devices[] in conf.c).
constexpr DeviceNode kDevices[] = {{"full", 1, 7}, {"null", 1, 3},    {"random", 1, 8},
                                   {"tty", 5, 0},  {"urandom", 1, 9}, {"zero", 1, 5}};

// "a//b/./c/" -> "a/b/c"; leading slashes dropped. ".." is kept (the walk
// resolves it against symlinks), but a path that climbs above its start
// before any symlink could matter is refused here already.
Result<std::string> in_root_path(std::string_view p, std::string_view what) {
  std::vector<std::string> out;
  int depth = 0;
  for (auto& c : split(p, "/")) {
    if (c == ".") continue;
    depth += c == ".." ? -1 : 1;
    if (depth < 0) return fail(EXDEV, std::string(what) + " " + quoted(p) + " leaves the rootfs through \"..\"");
    out.push_back(std::move(c));
  }
  return join(out, "/");
}

// Is path equal to prefix or below it (component-wise)?
std::optional<std::string_view> strip_path_prefix(std::string_view path, std::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty() || !path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  if (!rest.empty() && rest.front() != '/' && prefix != "/") return std::nullopt;
  return rest;
}

class Planner {
 public:
  Planner(const config::Conf& conf, const RootfsContext& ctx) : conf_(conf), ctx_(ctx) {}
  Result<MountPlan> run();

 private:
  Step& add(StepKind kind, std::string origin) {
    Step s;
    s.kind = kind;
    s.origin = std::move(origin);
    plan_.steps.push_back(std::move(s));
    return plan_.steps.back();
  }
  Step& add_mkdir(std::string origin, std::string target, mode_t mode = 0755) {
    Step& s = add(StepKind::Mkdir, std::move(origin));
    s.target = std::move(target);
    s.mode = mode;
    return s;
  }
  Step& add_mount(std::string origin, std::string source, std::string target, std::string fstype, unsigned long flags,
                  std::string data = {}) {
    Step& s = add(StepKind::Mount, std::move(origin));
    s.source = std::move(source);
    s.target = std::move(target);
    s.fstype = std::move(fstype);
    s.flags = flags;
    s.data = std::move(data);
    return s;
  }
  // A bind of a path in the rootfs onto another; ro: remounted read-only.
  Step& add_inner_bind(std::string origin, std::string source, std::string target, bool ro) {
    Step& s = add_mount(std::move(origin), std::move(source), std::move(target), "", MS_BIND);
    s.source_in_rootfs = true;
    if (ro) {
      s.flags |= MS_RDONLY;
      s.remount = true;
    }
    return s;
  }
  Step& add_umount(std::string origin, std::string target) {
    Step& s = add(StepKind::Umount, std::move(origin));
    s.target = std::move(target);
    return s;
  }

  bool keeps_cap(int cap) const { return std::find(dropped_.begin(), dropped_.end(), cap) == dropped_.end(); }

  Result<void> plan_rootfs();
  void plan_autodev_tmpfs();
  void plan_proc(AutoMounts::Proc proc);
  void plan_sys(AutoMounts::Sys sys);
  Result<void> plan_fstab();
  Result<void> plan_entry(const std::string& origin, const FstabEntry& e);
  Result<std::string> entry_target(const std::string& origin, const std::string& target) const;
  Result<void> plan_cgroup();
  void plan_devices();
  void plan_devpts();
  void plan_console();
  Result<void> plan_ttys();
  void plan_dev_symlinks();
  bool has_hooks(config::HookType h) const { return !conf_.hooks[static_cast<int>(h)].empty(); }

  const config::Conf& conf_;
  const RootfsContext& ctx_;
  MountPlan plan_;
  AutoMounts autos_;
  std::vector<int> dropped_;
  bool has_rootfs_ = false;
  bool autodev_ = false;
};

Result<MountPlan> Planner::run() {
  has_rootfs_ = !ctx_.rootfs.empty();
  // Without a rootfs the container sees the host's /dev; LXC's tmpfs over it
  // would hide the host's devices from a system container that asked for
  // none, so autodev only applies to a separate rootfs.
  autodev_ = has_rootfs_ && conf_.autodev.value_or(true);
  plan_.rootfs = ctx_.rootfs;
  if (has_rootfs_) plan_.root_mount = conf_.rootfs_mount.empty() ? ctx_.rootfs : conf_.rootfs_mount;

  auto autos = parse_mount_auto(conf_.mount_auto);
  if (!autos) return unexpected(autos.error());
  autos_ = std::move(*autos);
  auto dropped = security::caps_to_drop(conf_);
  if (!dropped) return unexpected(dropped.error());
  dropped_ = std::move(*dropped);

  // Nothing mounted from here on may propagate back to the host.
  add(StepKind::MakeRslave, "mount namespace").target = "/";
  if (auto r = plan_rootfs(); !r) return unexpected(r.error());
  if (autodev_) plan_autodev_tmpfs();
  plan_proc(autos_.proc);
  plan_sys(autos_.sys);
  if (auto r = plan_fstab(); !r) return unexpected(r.error());
  for (const auto& line : conf_.mount_entries) {
    std::string origin = "lxc.mount.entry " + quoted(line);
    auto e = parse_fstab_line(line);
    if (!e) return unexpected(with_context(std::move(e.error()), origin));
    if (auto r = plan_entry(origin, *e); !r) return unexpected(r.error());
  }
  if (autos_.shmounts) {
    // LXC adds the mount tunnel as one more entry after the configured ones.
    FstabEntry e{autos_.shmounts->first, autos_.shmounts->second, "none", "bind,create=dir"};
    if (auto r = plan_entry("lxc.mount.auto shmounts", e); !r) return unexpected(r.error());
  }
  if (conf_.apparmor_allow_nesting) {
    // proc and sysfs without anything mounted over them, for nested containers (as LXC).
    for (const char* line :
         {"proc dev/.lxc/proc proc create=dir,optional 0 0", "sys dev/.lxc/sys sysfs create=dir,optional 0 0"}) {
      auto e = parse_fstab_line(line);
      if (auto r = plan_entry("lxc.apparmor.allow_nesting", *e); !r) return unexpected(r.error());
    }
  }
  // cgroups come after the entries: /sys may have come from one of them.
  if (auto r = plan_cgroup(); !r) return unexpected(r.error());
  if (has_hooks(config::HookType::Mount)) add(StepKind::Hook, "lxc.hook.mount").hook = config::HookType::Mount;
  if (autodev_) {
    if (has_hooks(config::HookType::Autodev)) add(StepKind::Hook, "lxc.hook.autodev").hook = config::HookType::Autodev;
    plan_devices();
  }
  if (conf_.pty_max > 0) plan_devpts();
  plan_console();
  if (auto r = plan_ttys(); !r) return unexpected(r.error());
  plan_dev_symlinks();
  if (has_rootfs_) {
    add(StepKind::PivotRoot, "pivot_root").target = plan_.root_mount;
    if (autos_.shmounts) {
      // The tunnel receives mounts from the host but sends none back.
      Step& s = add(StepKind::Propagation, "lxc.mount.auto shmounts");
      s.target = autos_.shmounts->second;
      s.propagation = MS_SLAVE | MS_REC;
    }
    if (autodev_) add(StepKind::BootId, "lxc.autodev (boot_id)").optional = true;  // best effort, as LXC
  }
  return std::move(plan_);
}

Result<void> Planner::plan_rootfs() {
  if (!has_rootfs_) return {};
  MountOptions o = parse_mount_options(conf_.rootfs_options);
  if (!o.idmap.empty() && o.idmap == "container" && !ctx_.userns)
    return fail(EINVAL, "lxc.rootfs.options: idmap=container needs a user namespace (lxc.idmap)");
  Step& s = add(StepKind::BindRootfs, "lxc.rootfs.path");
  s.idmap = o.idmap;
  s.source = ctx_.rootfs;
  s.target = plan_.root_mount;
  s.flags = o.flags & ~(MS_BIND | MS_REC);
  s.remount = s.flags != 0;
  s.propagation = o.propagation;
  s.data = o.data;  // a bind mount takes no filesystem options; kept for the log
  // storage: overlay, loop, lvm and zfs are mounted by their backend.
  if (const storage::Backend* b = storage::backend_for_src(conf_.rootfs_path); b && b->needs_mount()) {
    if (!s.idmap.empty())
      return fail(EOPNOTSUPP, "lxc.rootfs.options: idmap= is for a directory rootfs, not " + conf_.rootfs_path);
    s.storage_src = conf_.rootfs_path;
    s.remount = false;
  }
  return {};
}

void Planner::plan_autodev_tmpfs() {
  const std::string origin = "lxc.autodev";
  add_mkdir(origin, "dev");
  // LXC passes the number as is: tmpfs reads it as bytes (500000 = ~500K).
  uint64_t size = conf_.autodev_tmpfs_size ? conf_.autodev_tmpfs_size : 500000;
  add_mount(origin, "none", "dev", "tmpfs", 0, "size=" + std::to_string(size) + ",mode=755");
  add_mkdir(origin, "dev/pts");
}

void Planner::plan_proc(AutoMounts::Proc proc) {
  if (proc == AutoMounts::Proc::None) return;
  const std::string origin = std::string("lxc.mount.auto proc:") + (proc == AutoMounts::Proc::Mixed ? "mixed" : "rw");
  // Whatever the rootfs had on /proc goes, so that the new procfs is the only one.
  if (has_rootfs_) add_umount(origin, "proc").optional = true;
  add_mkdir(origin, "proc");
  add_mount(origin, "proc", "proc", "proc", MS_NODEV | MS_NOEXEC | MS_NOSUID).skip_missing = true;
  if (proc != AutoMounts::Proc::Mixed) return;
  // /proc/sys read-only, except /proc/sys/net when the container keeps
  // CAP_NET_ADMIN: it is parked on /proc/tty while /proc/sys is made
  // read-only, then moved back (LXC's default_mounts[]).
  const bool net_admin = keeps_cap(CAP_NET_ADMIN);
  if (net_admin) add_inner_bind(origin, "proc/sys/net", "proc/tty", false).skip_missing = true;
  add_inner_bind(origin, "proc/sys", "proc/sys", true).skip_missing = true;
  if (net_admin) {
    Step& m = add(StepKind::Move, origin);
    m.source = "proc/tty";
    m.source_in_rootfs = true;
    m.target = "proc/sys/net";
    m.skip_missing = true;
  }
  add_inner_bind(origin, "proc/sysrq-trigger", "proc/sysrq-trigger", true).skip_missing = true;
}

void Planner::plan_sys(AutoMounts::Sys sys) {
  using S = AutoMounts::Sys;
  if (sys == S::None) return;
  const std::string origin = std::string("lxc.mount.auto sys:") + (sys == S::Mixed ? "mixed"
                                                                   : sys == S::Ro  ? "ro"
                                                                                   : "rw");
  if (has_rootfs_) add_umount(origin, "sys").optional = true;
  add_mkdir(origin, "sys");
  if (sys == S::Rw) {
    add_mount(origin, "sysfs", "sys", "sysfs", 0).skip_missing = true;
    return;
  }
  if (sys == S::Ro) {
    add_mount(origin, "sysfs", "sys", "sysfs", MS_RDONLY).skip_missing = true;
    return;
  }
  // mixed: a read-write sysfs is staged on /proc/sys to lend its
  // devices/virtual/net to the read-only /sys, then unmounted.
  constexpr unsigned long kFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  add_mount(origin, "sysfs", "proc/sys", "sysfs", kFlags).skip_missing = true;
  add_mount(origin, "sysfs", "sys", "sysfs", kFlags | MS_RDONLY).skip_missing = true;
  add_inner_bind(origin, "proc/sys/devices/virtual/net", "sys/devices/virtual/net", false).skip_missing = true;
  add_umount(origin, "proc/sys").skip_missing = true;
}

Result<void> Planner::plan_fstab() {
  if (conf_.mount_fstab.empty()) return {};
  const std::string& path = conf_.mount_fstab;
  auto text = read_file(path);
  if (!text) return unexpected(with_context(std::move(text.error()), "lxc.mount.fstab"));
  size_t lineno = 0, pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    std::string_view line = trim(std::string_view(*text).substr(pos, end - pos));
    pos = end + 1;
    ++lineno;
    if (line.empty() || line.front() == '#') continue;
    std::string origin = "lxc.mount.fstab " + path + ":" + std::to_string(lineno) + " " + quoted(line);
    auto e = parse_fstab_line(line);
    if (!e) return unexpected(with_context(std::move(e.error()), origin));
    if (auto r = plan_entry(origin, *e); !r) return unexpected(r.error());
  }
  return {};
}

// Where an entry's target is in the container. Relative targets are relative
// to the rootfs. Absolute ones are stripped of <lxcpath>/<name>/rootfs or of
// the rootfs path when they start with it, as LXC does; LXC drops any other
// absolute target with a warning, here it is taken inside the rootfs.
Result<std::string> Planner::entry_target(const std::string& origin, const std::string& target) const {
  std::string_view t = target;
  if (has_rootfs_ && t.starts_with('/')) {
    std::string configured = conf_.rootfs_path.starts_with("dir:") ? conf_.rootfs_path.substr(4) : conf_.rootfs_path;
    std::string prefixes[] = {ctx_.lxcpath.empty() ? "" : ctx_.lxcpath + "/" + ctx_.name + "/rootfs", ctx_.rootfs,
                              configured};
    bool stripped = false;
    for (const auto& p : prefixes) {
      if (auto rest = strip_path_prefix(t, p)) {
        t = *rest;
        stripped = true;
        break;
      }
    }
    if (!stripped) kLog.info("{}: absolute target {} is taken inside the rootfs", origin, quoted(target));
  }
  auto rel = in_root_path(t, "target");
  if (!rel) return unexpected(with_context(std::move(rel.error()), origin));
  // A mount over the container's root would hide the tree the remaining
  // steps and pivot_root work on (LXC ignores such a target).
  if (rel->empty()) return fail(EINVAL, origin + ": the target is the container's root itself");
  return rel;
}

Result<void> Planner::plan_entry(const std::string& origin, const FstabEntry& e) {
  MountOptions o = parse_mount_options(e.options);
  if (!o.idmap.empty()) {
    // As LXC: only a bind of a host path can be idmapped.
    if (!o.bind || o.relative)
      return fail(EINVAL, origin + ": idmap=" + o.idmap + " needs a bind mount of a host path");
    if (o.idmap == "container" && !ctx_.userns)
      return fail(EINVAL, origin + ": idmap=container needs a user namespace (lxc.idmap)");
  }
  auto target = entry_target(origin, e.target);
  if (!target) return unexpected(target.error());
  std::string source = e.source;
  if (o.relative) {
    auto src = in_root_path(e.source, "source");
    if (!src) return unexpected(with_context(std::move(src.error()), origin));
    source = std::move(*src);
  } else if (o.bind && !e.source.starts_with('/')) {
    source = "/" + e.source;  // LXC opens a relative bind source from the host's /
  }
  Step& s = add(StepKind::Mount, origin);
  s.source = std::move(source);
  s.source_in_rootfs = o.relative;
  s.target = std::move(*target);
  s.fstype = e.fstype;
  s.optional = o.optional;
  s.idmap = o.idmap;
  // create=dir wins when both are given: LXC makes the directory first, and
  // then finds that the target exists.
  s.create = o.create_dir ? Create::Dir : o.create_file ? Create::File : Create::None;
  s.propagation = o.propagation;
  s.flags = o.flags;
  if (o.bind) {
    // A bind ignores the other flags; the remount applies them.
    s.remount = (o.flags & ~(MS_BIND | MS_REC)) != 0;
    s.keep_dev = (o.cleared & MS_NODEV) != 0;
  } else {
    s.data = o.data;
  }
  return {};
}

// lxc.mount.auto = cgroup*, as cgfsng_mount() in LXC 5.
Result<void> Planner::plan_cgroup() {
  using K = AutoMounts::CgroupKind;
  using M = AutoMounts::CgroupMode;
  if (autos_.cgroup == K::None) return {};
  const auto& cg = ctx_.cgroups;
  const bool sys_admin = keeps_cap(CAP_SYS_ADMIN);
  M mode = autos_.cgroup_mode;
  // Without a mode: read-write when the container keeps CAP_SYS_ADMIN (it
  // could remount anyway), mixed otherwise.
  if (mode == M::NoSpec) mode = sys_admin ? M::Rw : M::Mixed;
  std::string origin = std::string("lxc.mount.auto ") +
                       (autos_.cgroup == K::Cgroup ? "cgroup"
                        : autos_.cgroup == K::Full ? "cgroup-full"
                                                   : "cgroup2") +
                       (mode == M::Mixed ? ":mixed"
                        : mode == M::Ro  ? ":ro"
                                         : ":rw") +
                       (autos_.cgroup_force ? ":force" : "");
  if (cg.hierarchies.empty()) {
    kLog.debug("{}: no cgroup hierarchies, nothing to mount", origin);
    return {};
  }
  // In a cgroup namespace the container's init can mount cgroups itself,
  // unless it lacks CAP_SYS_ADMIN; on a pure cgroup2 host LXC mounts it
  // anyway because many inits do not.
  const bool force = autos_.cgroup_force || !sys_admin || cg.unified_only;
  if (cg.cgroupns && !force) {
    kLog.debug("{}: left to the container's init (cgroup namespace)", origin);
    return {};
  }
  const bool ro = mode == M::Ro;
  const std::string root(kCgroupRoot);

  if (cg.unified_only || autos_.cgroup == K::Cgroup2) {
    auto it = std::find_if(cg.hierarchies.begin(), cg.hierarchies.end(), [](const auto& h) { return h.unified; });
    if (it == cg.hierarchies.end()) return fail(ENOENT, origin + ": the host has no cgroup2 hierarchy");
    if (!cg.cgroupns)
      return fail(EOPNOTSUPP, origin + ": mounting the unified cgroup hierarchy needs a cgroup namespace");
    add_mount(origin, "cgroup2", root, "cgroup2", kCgroupFlags | (ro ? MS_RDONLY : 0)).create = Create::Dir;
    return {};
  }

  // Legacy or hybrid: a tmpfs holding one directory per hierarchy. It stays
  // read-write (LXC's workaround for mountall); the hierarchies carry the mode.
  add_mount(origin, "tmpfs", root, "tmpfs", kCgroupFlags, "size=10240k,mode=755").create = Create::Dir;
  for (const auto& h : cg.hierarchies) {
    if (h.mountpoint.empty() || h.mountpoint.find('/') != std::string::npos || h.mountpoint == "..")
      return fail(EINVAL, origin + ": invalid cgroup hierarchy mountpoint " + quoted(h.mountpoint));
    const std::string dir = root + "/" + h.mountpoint;
    const std::string fstype = h.unified ? "cgroup2" : "cgroup";
    add_mkdir(origin, dir);
    if (cg.cgroupns) {
      // A fresh mount in the namespace shows the container's cgroup as the
      // root: mixed is the same as rw there.
      add_mount(origin, fstype, dir, fstype, kCgroupFlags | (ro ? MS_RDONLY : 0), join(h.controllers, ","));
      continue;
    }
    if (h.host_path.empty())
      return fail(EINVAL, origin + ": no host path for cgroup hierarchy " + quoted(h.mountpoint));
    auto cgpath = in_root_path(h.cgroup, "cgroup");
    if (!cgpath) return unexpected(with_context(std::move(cgpath.error()), origin));
    const std::string own = cgpath->empty() ? dir : dir + "/" + *cgpath;
    if (autos_.cgroup == K::Full) {
      // The whole host hierarchy: read-only for ro and mixed, with the
      // container's own cgroup bound writable over it for mixed.
      add_mount(origin, fstype, dir, fstype, kCgroupFlags | (mode != M::Rw ? MS_RDONLY : 0), join(h.controllers, ","));
      if (mode == M::Mixed) add_mount(origin, h.host_path, own, "", MS_BIND);
      continue;
    }
    // cgroup: only the path down to the container's cgroup, as plain
    // directories, with the cgroup itself bound from the host.
    if (own != dir) add_mkdir(origin, own);
    if (mode != M::Rw) add_inner_bind(origin, dir, dir, true);
    Step& b = add_mount(origin, h.host_path, own, "", MS_BIND);
    if (ro) {
      b.flags |= MS_RDONLY;
      b.remount = true;
    }
  }
  return {};
}

void Planner::plan_devices() {
  for (const auto& d : kDevices) {
    Step& s = add(StepKind::Device, "lxc.autodev");
    s.target = "dev/" + std::string(d.name);
    s.major = d.major;
    s.minor = d.minor;
    s.mode = 0666;
  }
}

void Planner::plan_devpts() {
  const std::string origin = "lxc.pty.max";
  // Any devpts the rootfs had is replaced by the container's own instance.
  add_umount(origin, "dev/pts").optional = true;
  Step& s = add(StepKind::Devpts, origin);
  s.source = "devpts";
  s.target = "dev/pts";
  s.fstype = "devpts";
  s.flags = MS_NOSUID | MS_NOEXEC;
  s.create = Create::Dir;
  const std::string base = "newinstance,ptmxmode=0666,mode=0620";
  const std::string max = ",max=" + std::to_string(conf_.pty_max);
  // LXC's fallbacks: gid=5 fails when group 5 is not mapped, max= on old kernels.
  s.data = "gid=5," + base + max;
  s.data_fallbacks = {base + max, "gid=5," + base, base};
  Step& p = add(StepKind::Ptmx, origin);
  p.source = "pts/ptmx";
  p.target = "dev/ptmx";
}

void Planner::plan_console() {
  if (ctx_.console_pty.empty()) return;
  const std::string origin = "lxc.console.path";
  if (conf_.tty_dir.empty()) {
    Step& u = add_umount(origin, "dev/console");
    u.all = true;
    u.optional = true;
    Step& b = add_mount(origin, ctx_.console_pty, "dev/console", "", MS_BIND);
    b.create = Create::File;
    b.mode = 0620;
    return;
  }
  // With lxc.tty.dir the pty goes on /dev/<dir>/console, which is then bound
  // on /dev/console (LXC's lxc_setup_ttydir_console()).
  const std::string dir = "dev/" + conf_.tty_dir;
  add_mkdir(origin, dir);
  Step& b = add_mount(origin, ctx_.console_pty, dir + "/console", "", MS_BIND);
  b.create = Create::File;
  b.mode = 0620;
  Step& u = add_umount(origin, "dev/console");
  u.all = true;
  u.optional = true;
  add_inner_bind(origin, dir + "/console", "dev/console", false).create = Create::File;
}

Result<void> Planner::plan_ttys() {
  // LXC sets up ttys only for a container with its own rootfs.
  if (!has_rootfs_ || conf_.tty_max == 0) return {};
  if (ctx_.tty_ptys.size() != conf_.tty_max)
    return fail(EINVAL, "lxc.tty.max is " + std::to_string(conf_.tty_max) + " but " +
                            std::to_string(ctx_.tty_ptys.size()) + " ptys were allocated");
  if (!conf_.tty_dir.empty()) add_mkdir("lxc.tty.dir", "dev/" + conf_.tty_dir);
  for (size_t i = 0; i < ctx_.tty_ptys.size(); ++i) {
    const std::string name = "tty" + std::to_string(i + 1);
    const std::string origin = "lxc.tty.max (" + name + ")";
    if (conf_.tty_dir.empty()) {
      add_mount(origin, ctx_.tty_ptys[i], "dev/" + name, "", MS_BIND).create = Create::File;
      continue;
    }
    const std::string in_dir = conf_.tty_dir + "/" + name;
    add_mount(origin, ctx_.tty_ptys[i], "dev/" + in_dir, "", MS_BIND).create = Create::File;
    Step& l = add(StepKind::Symlink, origin);
    l.target = "dev/" + name;
    l.source = in_dir;  // relative, as LXC: /dev/tty1 -> lxc/tty1
    l.replace = true;
  }
  return {};
}

void Planner::plan_dev_symlinks() {
  static constexpr std::pair<std::string_view, std::string_view> kLinks[] = {{"fd", "/proc/self/fd"},
                                                                             {"stdin", "/proc/self/fd/0"},
                                                                             {"stdout", "/proc/self/fd/1"},
                                                                             {"stderr", "/proc/self/fd/2"}};
  for (const auto& [name, to] : kLinks) {
    Step& s = add(StepKind::Symlink, "/dev symlinks");
    s.target = "dev/" + std::string(name);
    s.source = std::string(to);
    s.skip_missing = true;  // no /dev in the rootfs: nothing to link
  }
}

std::string flag_names(unsigned long flags) {
  static constexpr std::pair<unsigned long, std::string_view> kNames[] = {
      {MS_RDONLY, "ro"},         {MS_NOSUID, "nosuid"},           {MS_NODEV, "nodev"},
      {MS_NOEXEC, "noexec"},     {MS_NOATIME, "noatime"},         {MS_NODIRATIME, "nodiratime"},
      {MS_RELATIME, "relatime"}, {MS_STRICTATIME, "strictatime"}, {MS_SYNCHRONOUS, "sync"},
      {MS_DIRSYNC, "dirsync"},   {MS_LAZYTIME, "lazytime"}};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kNames)
    if (flags & bit) out.emplace_back(name);
  return join(out, ",");
}

std::string propagation_name(unsigned long p) {
  std::string r = (p & MS_REC) ? "r" : "";
  if (p & MS_SHARED) return r + "shared";
  if (p & MS_SLAVE) return r + "slave";
  if (p & MS_PRIVATE) return r + "private";
  if (p & MS_UNBINDABLE) return r + "unbindable";
  return "none";
}

char octal_digit(unsigned v) { return static_cast<char>('0' + (v & 7)); }
std::string mode_string(mode_t m) {
  std::string out{'0'};
  if (m & 07000) out += octal_digit(m >> 9);
  return out + octal_digit(m >> 6) + octal_digit(m >> 3) + octal_digit(m);
}

}  // namespace

Result<MountPlan> plan_mounts(const config::Conf& conf, const RootfsContext& ctx) { return Planner(conf, ctx).run(); }

std::string to_string(const Step& s) {
  std::string out;
  switch (s.kind) {
    case StepKind::MakeRslave:
      out = "rslave " + s.target;
      break;
    case StepKind::BindRootfs:
      out = "rbind " + s.source + " on " + s.target;
      break;
    case StepKind::Mkdir:
      out = "mkdir " + s.target + " " + mode_string(s.mode);
      break;
    case StepKind::Mount:
      if (s.flags & MS_BIND)
        out = std::string((s.flags & MS_REC) ? "rbind " : "bind ") + s.source + " on " + s.target;
      else
        out = "mount " + s.source + " on " + s.target + " type " + s.fstype;
      break;
    case StepKind::Move:
      out = "move " + s.source + " to " + s.target;
      break;
    case StepKind::Umount:
      out = std::string(s.all ? "umount-all " : "umount ") + s.target;
      break;
    case StepKind::Device:
      out = "mknod " + s.target + " c " + std::to_string(s.major) + ":" + std::to_string(s.minor);
      break;
    case StepKind::Devpts:
      out = "devpts on " + s.target;
      break;
    case StepKind::Ptmx:
      out = "ptmx " + s.target + " from " + s.source;
      break;
    case StepKind::Symlink:
      out = "symlink " + s.target + " -> " + s.source + (s.replace ? " replace" : "");
      break;
    case StepKind::Hook:
      out = std::string("hook ") + (s.hook == config::HookType::Mount ? "mount" : "autodev");
      break;
    case StepKind::PivotRoot:
      out = "pivot_root " + s.target;
      break;
    case StepKind::Propagation:
      out = "propagation " + s.target;
      break;
    case StepKind::BootId:
      out = "boot-id";
      break;
  }
  std::string flags = flag_names(s.flags);
  if (!flags.empty() && !s.remount) out += " (" + flags + ")";
  if (s.remount) out += " remount(" + flags + ")";
  if (!s.data.empty()) out += " data=" + s.data;
  if (s.propagation) out += " " + propagation_name(s.propagation);
  if (s.create == Create::Dir) out += " create=dir";
  if (s.create == Create::File) out += " create=file";
  if (s.optional) out += " optional";
  if (s.skip_missing) out += " skip-missing";
  return out;
}

std::string to_string(const MountPlan& plan) {
  std::string out;
  for (const auto& s : plan.steps) out += to_string(s) + "\n";
  return out;
}

}  // namespace lxc::rootfs
