// Applying a mount plan: the dispatcher and the mount(2) steps. Every path in
// the container is opened first (resolve_in_root) and mount(2) is given
// /proc/self/fd/N, so no step can be redirected out of the rootfs by a
// symlink; a step that changes a mount it just made opens the path again,
// because the earlier fd still points below the new mount.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/strings.h"
#include "log/log.h"
#include "rootfs/apply.h"
#include "rootfs/quote.h"
#include "rootfs/rootfs.h"
#include "storage/backend.h"  // storage: rootfs mounted by its backend

namespace lxc::rootfs {
namespace {

using detail::quoted;

constexpr log::Logger kLog("rootfs");

using detail::ApplyState;

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// The flags a bind remount must keep: in a user namespace the kernel locks
// nosuid/nodev/noexec/ro inherited from a more privileged mount, and a
// remount that drops them fails with EPERM (LXC's add_required_remount_flags).
Result<unsigned long> locked_flags(int fd, bool keep_dev) {
  struct statvfs sv {};
  if (::fstatvfs(fd, &sv) < 0) return fail_sys("statvfs");
  unsigned long f = 0;
  if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if ((sv.f_flag & ST_NODEV) && !keep_dev) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

Result<void> remount_bind(int fd, unsigned long flags, bool keep_dev, const std::string& shown) {
  auto locked = locked_flags(fd, keep_dev);
  if (!locked) return unexpected(with_context(std::move(locked.error()), shown));
  unsigned long f = MS_REMOUNT | MS_BIND | (flags & ~(MS_BIND | MS_REC)) | *locked;
  if (::mount(nullptr, fd_path(fd).c_str(), nullptr, f, nullptr) < 0) return fail_sys("remount " + shown);
  return {};
}

Result<void> set_propagation(int fd, unsigned long propagation, const std::string& shown) {
  if (::mount(nullptr, fd_path(fd).c_str(), nullptr, propagation, nullptr) < 0)
    return fail_sys("change propagation of " + shown);
  return {};
}

Result<void> apply_make_rslave(const Step& s) {
  if (::mount(nullptr, s.target.c_str(), nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return fail_sys("make " + s.target + " a dependent (rslave) mount");
  return {};
}

// The monitor's idmapped copy of s.source (see RootfsContext).
Result<UniqueFd> take_idmapped(const ApplyState& st, const Step& s) {
  if (!st.ctx || !st.ctx->next_idmapped_tree) return fail(EOPNOTSUPP, s.origin + ": no idmapped mount was prepared");
  return st.ctx->next_idmapped_tree();
}

// Attaches a detached tree on target (an fd, or a path when target_fd < 0).
Result<void> attach_tree(int tree, int target_fd, const std::string& target, const std::string& what) {
  int rc = target_fd >= 0 ? ::move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
                          : ::move_mount(tree, "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH);
  if (rc < 0) return fail_sys("attach " + what + " on " + quoted(target));
  return {};
}

Result<void> apply_bind_rootfs(ApplyState& st, const Step& s) {
  // Taken first: whatever fails below, the next step gets its own tree.
  Result<UniqueFd> tree = s.idmap.empty() ? Result<UniqueFd>(UniqueFd()) : take_idmapped(st, s);
  if (!tree) return unexpected(tree.error());
  if (::access(s.target.c_str(), F_OK) < 0) {
    if (errno == EACCES)  // an unprivileged container's root is "others" on the host
      return fail_sys("rootfs mount point " + quoted(s.target) +
                      " (the container's root must be able to search every directory above it: chmod o+x them)");
    return fail_sys("rootfs mount point " + quoted(s.target));
  }
  if (!s.idmap.empty()) {
    if (auto r = attach_tree(tree->get(), -1, s.target, "the idmapped rootfs"); !r) return r;
  } else if (!s.storage_src.empty()) {
    // storage: overlay, loop, lvm, zfs: mounted with the options as data.
    if (auto r = storage::mount_rootfs(s.storage_src, s.target, s.flags, s.data); !r)
      return unexpected(with_context(r.error(), "lxc.rootfs.path " + quoted(s.storage_src)));
  } else if (::mount(s.source.c_str(), s.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) {
    return fail_sys("rbind " + quoted(s.source) + " on " + quoted(s.target));
  }
  st.root.reset(::open(s.target.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!st.root) return fail_sys("open " + quoted(s.target));
  if (s.remount)
    if (auto r = remount_bind(st.root.get(), s.flags, false, quoted(s.target)); !r) return r;
  if (s.propagation)
    if (auto r = set_propagation(st.root.get(), s.propagation, quoted(s.target)); !r) return r;
  return {};
}

Result<void> apply_mkdir(const ApplyState& st, const Step& s) {
  ResolveOptions o;
  o.create = Create::Dir;
  o.dir_mode = s.mode;
  auto fd = detail::open_in_root(st, s.target, o);
  if (!fd) return unexpected(fd.error());
  return {};
}

Result<void> apply_mount(const ApplyState& st, const Step& s) {
  // Taken first: whatever fails below, the next step gets its own tree.
  Result<UniqueFd> tree = s.idmap.empty() ? Result<UniqueFd>(UniqueFd()) : take_idmapped(st, s);
  if (!tree) return unexpected(tree.error());
  const bool bind = (s.flags & MS_BIND) != 0;
  UniqueFd src_fd;
  std::string source = s.source;
  if (s.source_in_rootfs) {
    auto fd = detail::open_in_root(st, s.source);
    if (!fd) return unexpected(with_context(std::move(fd.error()), "source"));
    src_fd = std::move(*fd);
    source = fd_path(src_fd.get());
  } else if (bind && s.mode) {
    // The console: LXC makes it 0620 before binding it.
    if (::chmod(s.source.c_str(), s.mode) < 0)
      kLog.warn("{}: chmod {} failed: {}", s.origin, quoted(s.source), describe(sys_error("chmod")));
  }
  ResolveOptions o;
  o.create = s.create;
  auto target = detail::open_in_root(st, s.target, o);
  if (!target) return unexpected(with_context(std::move(target.error()), "target"));

  // A bind takes no flags but MS_REC and no data; the rest is the remount's.
  const unsigned long flags = bind ? (s.flags & (MS_BIND | MS_REC)) : s.flags;
  const char* fstype = bind ? nullptr : or_null(s.fstype);
  const char* data = bind ? nullptr : or_null(s.data);
  const std::string shown = quoted(s.target);
  if (!s.idmap.empty()) {
    if (auto r = attach_tree(tree->get(), target->get(), s.target, "idmapped " + quoted(s.source)); !r) return r;
  } else if (::mount(or_null(source), fd_path(target->get()).c_str(), fstype, flags, data) < 0)
    return fail_sys(std::string(bind ? "bind " : "mount ") + quoted(s.source) + " on " + shown +
                    (fstype ? std::string(" (type ") + fstype + ")" : ""));
  if (!s.remount && !s.propagation) return {};

  auto mounted = detail::open_in_root(st, s.target);
  if (!mounted) return unexpected(with_context(std::move(mounted.error()), "reopen target"));
  if (s.remount)
    if (auto r = remount_bind(mounted->get(), s.flags, s.keep_dev, shown); !r) return r;
  if (s.propagation)
    if (auto r = set_propagation(mounted->get(), s.propagation, shown); !r) return r;
  return {};
}

Result<void> apply_move(const ApplyState& st, const Step& s) {
  auto src = detail::open_in_root(st, s.source);
  if (!src) return unexpected(with_context(std::move(src.error()), "source"));
  auto dst = detail::open_in_root(st, s.target);
  if (!dst) return unexpected(with_context(std::move(dst.error()), "target"));
  if (::mount(fd_path(src->get()).c_str(), fd_path(dst->get()).c_str(), nullptr, MS_MOVE, nullptr) < 0)
    return fail_sys("move mount " + quoted(s.source) + " to " + quoted(s.target));
  return {};
}

Result<void> apply_umount(const ApplyState& st, const Step& s) {
  for (int n = 0; n < 256; ++n) {
    auto fd = detail::open_in_root(st, s.target);
    if (!fd) return unexpected(fd.error());
    if (::umount2(fd_path(fd->get()).c_str(), MNT_DETACH) == 0) {
      if (!s.all) return {};
      continue;
    }
    // EINVAL: nothing (more) mounted there.
    if (errno == EINVAL && s.all) return {};
    return fail_sys("umount " + quoted(s.target));
  }
  return fail(ELOOP, "umount " + quoted(s.target) + ": too many mounts stacked");
}

Result<void> apply_symlink(const ApplyState& st, const Step& s) {
  auto parent = detail::open_parent(st, s.target, false);
  if (!parent) return unexpected(parent.error());
  const int dir = parent->first.get();
  const std::string& name = parent->second;
  if (s.replace) {
    if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys("remove " + quoted(s.target));
  } else {
    struct stat sb {};
    if (::fstatat(dir, name.c_str(), &sb, 0) == 0) return {};  // something usable is there already
  }
  if (::symlinkat(s.source.c_str(), dir, name.c_str()) == 0) return {};
  if (errno == EEXIST && !s.replace) return {};
  if (errno == EROFS) {
    kLog.warn("{}: cannot create {} on a read-only filesystem", s.origin, quoted(s.target));
    return {};
  }
  return fail_sys("symlink " + quoted(s.target) + " -> " + quoted(s.source));
}

Result<void> apply_hook(const ApplyState& st, const Step& s) {
  if (!st.ctx->run_hook) return fail(EINVAL, "hooks are configured but the start sequence gave no way to run them");
  return st.ctx->run_hook(s.hook);
}

Result<void> apply_propagation(const Step& s) {
  // After pivot_root: a plain path in the container.
  if (::mount(nullptr, s.target.c_str(), nullptr, s.propagation, nullptr) < 0)
    return fail_sys("change propagation of " + quoted(s.target));
  return {};
}

Result<void> apply_step(ApplyState& st, const Step& s) {
  switch (s.kind) {
    case StepKind::MakeRslave:
      return apply_make_rslave(s);
    case StepKind::BindRootfs:
      return apply_bind_rootfs(st, s);
    case StepKind::Mkdir:
      return apply_mkdir(st, s);
    case StepKind::Mount:
      return apply_mount(st, s);
    case StepKind::Move:
      return apply_move(st, s);
    case StepKind::Umount:
      return apply_umount(st, s);
    case StepKind::Device:
      return detail::apply_device(st, s);
    case StepKind::Devpts:
      return detail::apply_devpts(st, s);
    case StepKind::Ptmx:
      return detail::apply_ptmx(st, s);
    case StepKind::Symlink:
      return apply_symlink(st, s);
    case StepKind::Hook:
      return apply_hook(st, s);
    case StepKind::PivotRoot:
      return detail::apply_pivot_root(st, s);
    case StepKind::Propagation:
      return apply_propagation(s);
    case StepKind::BootId:
      return detail::apply_boot_id(st, s);
  }
  return fail(EINVAL, "unknown step");
}

}  // namespace

namespace detail {

Result<UniqueFd> open_in_root(const ApplyState& st, const std::string& path, const ResolveOptions& opts) {
  if (!st.root) return fail(EBADF, "no container root to resolve " + quoted(path) + " in");
  return resolve_in_root(st.root.get(), path, opts);
}

Result<std::pair<UniqueFd, std::string>> open_parent(const ApplyState& st, const std::string& path,
                                                     bool create_parents) {
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return fail(EINVAL, "no file name in " + quoted(path));
  ResolveOptions o;
  o.create = create_parents ? Create::Dir : Create::None;
  auto fd = open_in_root(st, dir, o);
  if (!fd) return unexpected(fd.error());
  return std::pair<UniqueFd, std::string>(std::move(*fd), std::move(name));
}

Result<void> bind_host(const std::string& source, int target_fd, const std::string& target) {
  if (::mount(source.c_str(), fd_path(target_fd).c_str(), nullptr, MS_BIND, nullptr) < 0)
    return fail_sys("bind " + quoted(source) + " on " + quoted(target));
  return {};
}

}  // namespace detail

Result<void> apply_plan(const MountPlan& plan, const RootfsContext& ctx) {
  ApplyState st;
  st.plan = &plan;
  st.ctx = &ctx;
  // mknod of devices needs CAP_MKNOD in the initial user namespace.
  if (ctx.userns) st.devnodes = ApplyState::DevNodes::Bind;
  if (plan.root_mount.empty()) {
    // No rootfs: the targets are taken from this namespace's /.
    st.root.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!st.root) return fail_sys("open /");
  }
  for (const auto& s : plan.steps) {
    kLog.debug("{}: {}", s.origin, to_string(s));
    auto r = apply_step(st, s);
    if (r) continue;
    const Error& e = r.error();
    // A path that would leave the rootfs is refused even for optional entries.
    if (e.code != EXDEV && (s.optional || (s.skip_missing && e.code == ENOENT))) {
      // Best-effort unmounts fail in the normal case (nothing mounted).
      if (s.kind == StepKind::Umount)
        kLog.debug("{}: {} skipped: {}", s.origin, to_string(s), describe(e));
      else
        kLog.info("{}: {} skipped: {}", s.origin, to_string(s), describe(e));
      continue;
    }
    return unexpected(with_context(std::move(r.error()), s.origin));
  }
  return {};
}

Result<void> setup_rootfs(const config::Conf& conf, const RootfsContext& ctx) {
  auto plan = plan_mounts(conf, ctx);
  if (!plan) return unexpected(with_context(std::move(plan.error()), "rootfs"));
  kLog.debug("mount plan for {}:\n{}", ctx.name, to_string(*plan));
  if (auto r = apply_plan(*plan, ctx); !r) return unexpected(with_context(std::move(r.error()), "rootfs"));
  return {};
}

}  // namespace lxc::rootfs
