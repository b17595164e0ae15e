// The container-side filesystem setup: from making / a dependent mount to
// pivot_root. The work is split in two so that it can be tested without
// root: plan_mounts() turns the config into an ordered list of steps (pure
// data), apply_plan() carries them out. setup_rootfs() does both.
//
// The start sequence calls setup_rootfs() in the container's first process,
// after unshare(CLONE_NEWNS) (and, with lxc.idmap, inside the new user
// namespace), before exec. Everything here returns errors as values.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "config/conf.h"

namespace lxc::rootfs {

// One cgroup hierarchy of the host, as the cgroups module sees it, for
// lxc.mount.auto = cgroup*.
struct CgroupHierarchy {
  // Directory under /sys/fs/cgroup: "cpu,cpuacct", "systemd", "unified".
  // Empty for the single hierarchy of a pure cgroup2 host.
  std::string mountpoint;
  // cgroup v1 mount options naming the hierarchy: "cpu", "cpuacct",
  // "name=systemd". Empty for cgroup2.
  std::vector<std::string> controllers;
  bool unified = false;  // a cgroup2 hierarchy
  // The container's cgroup in this hierarchy: its host path
  // ("/sys/fs/cgroup/cpu/lxc.payload.c1") and its path below the hierarchy
  // root ("lxc.payload.c1"). Only used without a cgroup namespace.
  std::string host_path;
  std::string cgroup;
};

struct CgroupMounts {
  bool unified_only = false;  // pure cgroup2 host (LXC's "unified layout")
  bool cgroupns = false;      // the container has its own cgroup namespace
  std::vector<CgroupHierarchy> hierarchies;  // empty: no cgroup mounts at all
};

struct RootfsContext {
  std::string name;
  std::string lxcpath;
  // Host path of the root filesystem ("dir:" stripped, storage mounted).
  // Empty: the container shares the host's root; nothing is pivoted and
  // mount targets are taken from the host's / (in the new mount namespace).
  std::string rootfs;
  std::string console_pty;              // host path of the pty slave for /dev/console; "" = none
  std::vector<std::string> tty_ptys;    // host pty slaves for /dev/tty1..N; must match lxc.tty.max
  bool userns = false;                  // inside a new user namespace: device nodes are bound from the host
  CgroupMounts cgroups;
  // Runs the lxc.hook.mount and lxc.hook.autodev hooks at LXC's points (after
  // the mounts, before /dev is populated), in this process and its mount
  // namespace, before pivot_root. Called only when conf has such hooks.
  std::function<Result<void>(config::HookType)> run_hook;
  // idmap= (lxc.rootfs.options, bind mount entries): the next detached,
  // idmapped copy of a step's source, which only the monitor can make (it
  // needs privilege over the source's filesystem). Handed out in plan order:
  // the steps of idmapped_trees(plan).
  std::function<Result<UniqueFd>()> next_idmapped_tree;
};

enum class Create { None, Dir, File };

enum class StepKind {
  MakeRslave,   // "/" of this mount namespace becomes MS_SLAVE|MS_REC
  BindRootfs,   // rbind source (host path) on target (host path), then options
  Mkdir,        // target in the rootfs, mode
  Mount,        // mount(2): a new filesystem, or a bind when flags has MS_BIND
  Move,         // MS_MOVE source (in the rootfs) to target
  Umount,       // umount2(target, MNT_DETACH)
  Device,       // char device node target (major:minor); bind the host's node when mknod is refused
  Devpts,       // a new devpts instance on target; data, then data_fallbacks, are tried
  Ptmx,         // bind dev/pts/ptmx on dev/ptmx; a symlink when that fails
  Symlink,      // target -> source
  Hook,         // ctx.run_hook(hook)
  PivotRoot,    // pivot_root into the new root, detach the old one, chdir("/")
  Propagation,  // after pivot_root: change the propagation of target (a container path)
  BootId,       // after pivot_root: a private /proc/sys/kernel/random/boot_id
};

struct Step {
  StepKind kind = StepKind::Mount;
  std::string origin;  // the config entry that asked for the step, for messages
  // Mount: a filesystem source ("proc", "tmpfs"), a host path (binds), or a
  // path in the rootfs when source_in_rootfs. Symlink: the link's content.
  std::string source;
  bool source_in_rootfs = false;
  // A path relative to the container's root ("proc/sys"), except for
  // MakeRslave and BindRootfs (host paths) and the steps after PivotRoot.
  std::string target;
  std::string fstype;
  unsigned long flags = 0;        // MS_* for mount(2)
  std::string data;
  std::vector<std::string> data_fallbacks;  // Devpts
  bool remount = false;           // after a bind: MS_REMOUNT|MS_BIND with flags, keeping locked flags
  bool keep_dev = false;          // the "dev" option: do not carry nodev over from the source on remount
  unsigned long propagation = 0;  // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC), applied after
  Create create = Create::None;   // create the target (and missing parents) first
  mode_t mode = 0;                // Mkdir, Device; a bind of a host pty: chmod'ed to this first
  unsigned major = 0, minor = 0;  // Device
  bool optional = false;          // a failure is logged and the step skipped
  bool skip_missing = false;      // ENOENT on source or target skips the step (automounts, as LXC)
  bool all = false;               // Umount: every mount stacked on target
  bool replace = false;           // Symlink: remove what is there first (else keep it)
  config::HookType hook = config::HookType::Mount;  // Hook
  // BindRootfs, Mount (a bind of a host path): idmap=container or
  // idmap=PATH of a user namespace file. The source is attached from
  // ctx.next_idmapped_tree instead of being bound.
  std::string idmap;
  // storage: BindRootfs of a rootfs that is not a directory (overlay, loop,
  // lvm, zfs): the lxc.rootfs.path value, mounted on target by its backend
  // (storage::mount_rootfs) with flags and data instead of the rbind.
  std::string storage_src;
};

struct MountPlan {
  std::string rootfs;      // host path of the rootfs; "" = the host's root
  std::string root_mount;  // host path of the new root (lxc.rootfs.mount or rootfs); "" = no pivot
  std::vector<Step> steps;
};

// Computes every step, in LXC's order. Pure except that it reads
// lxc.mount.fstab. Errors name the config key or entry.
Result<MountPlan> plan_mounts(const config::Conf& conf, const RootfsContext& ctx);
// Carries out a plan in the calling process. Errors name the step's origin.
Result<void> apply_plan(const MountPlan& plan, const RootfsContext& ctx);
// What the monitor makes for ctx.next_idmapped_tree, in the order the steps
// take them: detached copies of these sources (recursive for an rbind),
// idmapped with the container's user namespace (idmap=container) or the one
// at idmap (a path).
struct IdmappedTree {
  std::string origin;  // the key that asked for it, for messages
  std::string source;  // host path
  bool recursive = false;
  bool optional = false;  // a failure skips the entry (the child is told so)
  std::string idmap;
};
std::vector<IdmappedTree> idmapped_trees(const MountPlan& plan);
// Makes one: open_tree(OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_IDMAP).
// container_userns_fd is used for idmap=container.
Result<UniqueFd> make_idmapped_tree(const IdmappedTree& t, int container_userns_fd);
// plan_mounts + apply_plan.
Result<void> setup_rootfs(const config::Conf& conf, const RootfsContext& ctx);

// One line per step, e.g. "mount proc on proc type proc (nosuid,nodev,noexec)";
// used in logs and tests.
std::string to_string(const Step& step);
std::string to_string(const MountPlan& plan);

// ---- Parsing (mount_options.cc) ----

// One fstab line (lxc.mount.entry, or a line of lxc.mount.fstab), with
// getmntent's octal escapes (\040 etc.) decoded. dump and pass may be left out.
struct FstabEntry {
  std::string source, target, fstype, options;
  int dump = 0, pass = 0;
};
Result<FstabEntry> parse_fstab_line(std::string_view line);
// Skips blank lines and lines starting with '#'. Errors name the line number.
Result<std::vector<FstabEntry>> parse_fstab(std::string_view text);

struct MountOptions {
  unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, ... and MS_BIND / MS_BIND|MS_REC
  unsigned long cleared = 0;      // flags an option turned off (rw, suid, dev, exec, ...)
  unsigned long propagation = 0;  // MS_SHARED, MS_SLAVE|MS_REC, ...
  std::string data;               // filesystem options: everything with '='
  bool bind = false, recursive = false;
  bool create_dir = false, create_file = false, optional = false, relative = false;
  std::string idmap;                 // idmap=PATH|container
  std::vector<std::string> ignored;  // flags that are neither VFS flags nor LXC's
};
// LXC's rules: LXC's own options (create=dir, create=file, optional,
// relative, idmap=) are taken out; known VFS flags set or clear MS_* bits;
// propagation flags are kept apart; anything with '=' is passed as data;
// other flags are ignored (and listed in ignored).
MountOptions parse_mount_options(std::string_view options);

// lxc.mount.auto tokens, folded as LXC does (a later token of a kind wins).
struct AutoMounts {
  enum class Proc { None, Mixed, Rw } proc = Proc::None;
  enum class Sys { None, Ro, Mixed, Rw } sys = Sys::None;
  enum class CgroupKind { None, Cgroup, Full, Cgroup2 } cgroup = CgroupKind::None;
  enum class CgroupMode { NoSpec, Mixed, Ro, Rw } cgroup_mode = CgroupMode::NoSpec;
  bool cgroup_force = false;
  std::optional<std::pair<std::string, std::string>> shmounts;  // host path, container path
};
Result<AutoMounts> parse_mount_auto(const std::vector<std::string>& tokens);

// ---- Path resolution inside the rootfs (resolve.cc) ----

struct ResolveOptions {
  Create create = Create::None;  // create missing components (directories; the last one as Create says)
  bool follow_last = true;       // follow a symlink in the last component
  mode_t dir_mode = 0755;
};
// Opens path (O_PATH) below root_fd the way the container will see it:
// absolute symlinks start again at root_fd, "." and empty components are
// skipped. A path that would climb above root_fd, through ".." or through a
// symlink, is refused with EXDEV and a message naming the component. The
// walk is done component by component with O_NOFOLLOW; when the kernel has
// openat2, the result is then reopened with RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS and must be the same inode.
Result<UniqueFd> resolve_in_root(int root_fd, std::string_view path, const ResolveOptions& opts = {});
// The component walk alone (the fallback for kernels without openat2).
Result<UniqueFd> walk_in_root(int root_fd, std::string_view path, const ResolveOptions& opts = {});
// "/proc/self/fd/N", for handing a resolved fd to mount(2).
std::string fd_path(int fd);

}  // namespace lxc::rootfs
