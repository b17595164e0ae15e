#include <btrfsutil.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/file.h"
#include "log/log.h"
#include "storage/dir.h"
#include "storage/remove_tree.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

// errno is set by libbtrfsutil for the errors that come from a syscall.
unexpected<Error> btrfs_fail(enum btrfs_util_error e, const std::string& what) {
  int err = errno ? errno : EIO;
  return fail(err, what + " (" + btrfs_util_strerror(e) + ")");
}

bool is_subvolume(const std::string& path) {
  errno = 0;
  return btrfs_util_is_subvolume(path.c_str()) == BTRFS_UTIL_OK;
}

// The target of a new subvolume or snapshot must not exist; an empty
// directory (the rootfs mount point a clone makes) is removed first.
Result<void> clear_target(const std::string& path) {
  if (!path_exists(path)) return {};
  if (::rmdir(path.c_str()) < 0) return fail_sys("btrfs: " + path + " already exists");
  return {};
}

}  // namespace

bool on_btrfs(const std::string& path) {
  struct statfs sfs {};
  return ::statfs(path.c_str(), &sfs) == 0 && sfs.f_type == BTRFS_SUPER_MAGIC;
}

bool BtrfsBackend::owns(std::string_view src) const {
  if (src.starts_with("btrfs:")) return true;
  if (!src_type(src).empty() || src.empty() || src.front() != '/') return false;
  std::string p(src);
  return on_btrfs(p) && is_subvolume(p);
}

Result<Rootfs> BtrfsBackend::create(const std::string& dest, std::string_view, const Spec& spec) const {
  Rootfs r;
  r.type = "btrfs";
  r.path = spec.dir.empty() ? dest : spec.dir;
  std::string parent = dirname_of(r.path);
  if (auto m = mkdir_p(parent, 0755); !m) return unexpected(m.error());
  if (!on_btrfs(parent)) return fail(EINVAL, "btrfs storage: " + parent + " is not on a btrfs filesystem");
  if (auto c = clear_target(r.path); !c) return unexpected(c.error());
  errno = 0;
  if (auto e = btrfs_util_create_subvolume(r.path.c_str(), 0, nullptr, nullptr); e != BTRFS_UTIL_OK)
    return btrfs_fail(e, "Failed to create btrfs subvolume \"" + r.path + "\"");
  r.created = true;
  r.src = "btrfs:" + r.path;
  kLog.debug("created btrfs subvolume {}", r.path);
  return r;
}

Result<void> BtrfsBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                                 const std::string&) const {
  return bind_dir(std::string(src_path(src)), target, flags);
}

Result<Rootfs> BtrfsBackend::snapshot(std::string_view orig_src, const Place& to, const Spec&) const {
  std::string orig(src_path(orig_src));
  if (!is_subvolume(orig)) return fail(EINVAL, "btrfs snapshot: " + orig + " is not a btrfs subvolume");
  Rootfs r;
  r.type = "btrfs";
  r.path = to.rootfs();
  if (auto c = clear_target(r.path); !c) return unexpected(c.error());
  errno = 0;
  // Nested subvolumes (a container's own /var/lib/machines...) come along, as with LXC's copy.
  if (auto e = btrfs_util_create_snapshot(orig.c_str(), r.path.c_str(), BTRFS_UTIL_CREATE_SNAPSHOT_RECURSIVE,
                                          nullptr, nullptr);
      e != BTRFS_UTIL_OK)
    return btrfs_fail(e, "Failed to create btrfs snapshot \"" + r.path + "\" from \"" + orig + "\"");
  r.created = true;
  r.src = "btrfs:" + r.path;
  kLog.debug("created btrfs snapshot {} from {}", r.path, orig);
  return r;
}

Result<void> BtrfsBackend::check_destroy(std::string_view src) const {
  std::string path(src_path(src));
  if (!path_exists(path)) return {};
  if (!is_subvolume(path)) return fail(EINVAL, "rootfs " + path + " is not a btrfs subvolume");
  return check_no_mounts(path);
}

Result<void> BtrfsBackend::destroy(std::string_view src) const {
  std::string path(src_path(src));
  if (!path_exists(path)) return {};
  errno = 0;
  if (auto e = btrfs_util_delete_subvolume(path.c_str(), BTRFS_UTIL_DELETE_SUBVOLUME_RECURSIVE); e != BTRFS_UTIL_OK)
    return btrfs_fail(e, "Failed to destroy btrfs subvolume \"" + path + "\"");
  kLog.debug("deleted btrfs subvolume {}", path);
  return {};
}

}  // namespace lxc::storage
