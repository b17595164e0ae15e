#include "storage/backend.h"

#include <sys/stat.h>

#include <array>

#include "base/file.h"
#include "config/system.h"
#include "log/log.h"
#include "storage/dir.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

// LXC's storage types. The order is irrelevant except for documentation.
constexpr std::array<std::string_view, 9> kValidTypes = {"dir",     "btrfs",     "loop", "lvm", "nbd",
                                                         "overlay", "overlayfs", "rbd",  "zfs"};

const Backend* registry(std::string_view type) {
  static const DirBackend dir;
  static const BtrfsBackend btrfs;
  static const OverlayBackend overlay;
  static const LoopBackend loop;
  static const LvmBackend lvm;
  static const ZfsBackend zfs;
  if (type == "dir") return &dir;
  if (type == "btrfs") return &btrfs;
  if (type == "overlay") return &overlay;
  if (type == "loop") return &loop;
  if (type == "lvm") return &lvm;
  if (type == "zfs") return &zfs;
  return nullptr;  // nbd, rbd
}

}  // namespace

bool is_valid_type(std::string_view type) {
  for (auto t : kValidTypes)
    if (t == type) return true;
  return false;
}

const Backend* find_backend(std::string_view type) {
  if (type == "none") type = "dir";
  if (type == "overlayfs") type = "overlay";
  return registry(type);
}

const Backend* default_backend(std::string_view type, const std::string& dest, const Spec& spec) {
  if (type.empty()) return registry("dir");
  if (type != "best") return nullptr;
  // LXC's order: btrfs, zfs, lvm, then dir (rbd needs a pool it cannot guess).
  if (!dest.empty()) {
    std::string probe = dest;
    while (!probe.empty() && !path_exists(probe)) probe = dirname_of(probe);
    if (!probe.empty() && on_btrfs(probe)) return registry("btrfs");
  }
  if (zfs_dataset_exists(spec.zfsroot.empty() ? config::bdev_default("lxc.bdev.zfs.root") : spec.zfsroot))
    return registry("zfs");
  if (lvm_usable() && lvm_vg_exists(spec.vgname.empty() ? config::bdev_default("lxc.bdev.lvm.vg") : spec.vgname))
    return registry("lvm");
  kLog.debug("best storage for {}: dir", dest);
  return registry("dir");
}

std::string_view src_type(std::string_view src) {
  auto colon = src.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view prefix = src.substr(0, colon);
  return is_valid_type(prefix) ? prefix : std::string_view{};
}

std::string_view src_path(std::string_view src) {
  std::string_view t = src_type(src);
  return t.empty() ? src : src.substr(t.size() + 1);
}

std::string detect_type(std::string_view src) {
  std::string_view t = src_type(src);
  if (t == "overlayfs") return "overlay";
  if (!t.empty()) return std::string(t);
  for (std::string_view candidate : {"btrfs", "loop", "lvm", "dir"})
    if (registry(candidate)->owns(src)) return std::string(candidate);
  return {};
}

const Backend* backend_for_src(std::string_view src) {
  std::string t = detect_type(src);
  return t.empty() ? nullptr : find_backend(t);
}

Result<std::string> rootfs_dir(std::string_view src, const std::string& container_dir) {
  const Backend* b = backend_for_src(src);
  if (!b || !b->needs_mount()) return std::string(src_path(src));
  std::string dir = container_dir + "/rootfs";
  if (auto r = make_mount_point(dir); !r) return unexpected(r.error());
  return dir;
}

Result<void> mount_rootfs(std::string_view src, const std::string& target, unsigned long flags,
                          const std::string& data) {
  const Backend* b = backend_for_src(src);
  if (!b) return fail(EINVAL, "lxc.rootfs.path " + std::string(src) + ": unknown or unsupported storage");
  auto r = b->mount(src, target, flags, data);
  if (!r) return unexpected(with_context(r.error(), std::string(b->type()) + " storage"));
  return {};
}

}  // namespace lxc::storage
