// The backends, one class each: dir (dir.cc), btrfs (btrfs.cc), overlay
// (overlay.cc), loop (loop.cc), lvm (lvm.cc), zfs (zfs.cc). Their rootfs
// values are described in backend.h.
#pragma once

#include "storage/backend.h"

namespace lxc::storage {

// The rootfs is a plain directory, by default LXCPATH/NAME/rootfs, or the
// one given with --dir. lxc.rootfs.path gets "dir:PATH".
class DirBackend final : public Backend {
 public:
  std::string_view type() const override { return "dir"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  bool needs_mount() const override { return false; }
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};

// A btrfs subvolume at LXCPATH/NAME/rootfs; copies on the same filesystem
// and snapshots are btrfs snapshots (libbtrfsutil, no btrfs program).
class BtrfsBackend final : public Backend {
 public:
  std::string_view type() const override { return "btrfs"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  bool needs_mount() const override { return false; }
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  bool can_snapshot(std::string_view orig_type) const override { return orig_type == "btrfs"; }
  Result<Rootfs> snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};
// Whether path is on a btrfs filesystem.
bool on_btrfs(const std::string& path);

// An overlay of a read-only lower directory (the base's rootfs) and the
// container's own upper directory LXCPATH/NAME/overlay/delta.
class OverlayBackend final : public Backend {
 public:
  std::string_view type() const override { return "overlay"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  bool can_snapshot(std::string_view orig_type) const override {
    return orig_type == "dir" || orig_type == "btrfs" || orig_type == "overlay";
  }
  Result<Rootfs> snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};
// "overlay:LOWER:UPPER" -> {LOWER, UPPER}; empty strings when malformed.
// lxc-copy -e -t: the upper layer of this overlay is put on a tmpfs (in the
// container's mount namespace) each time it is mounted: a marker file
// "tmpfs" beside the delta says so.
Result<void> mark_upper_on_tmpfs(std::string_view src);
std::pair<std::string, std::string> overlay_dirs(std::string_view src);
// Replaces the content of file rel ("etc/hostname") of an overlay rootfs
// that is not mounted, by writing it into the upper layer the way overlayfs
// copies a file up (its directory and the file made in the upper layer with
// the lower's owner and mode). The kernel allows such offline changes to the
// upper layer. Returns false, changing nothing, when it cannot be done that
// way (a link, a tmpfs upper, an opaque or odd entry): then mount and write.
// A file that is not there is left absent (true).
Result<bool> overlay_write_offline(std::string_view src, const std::string& rel, std::string_view content);

// An image file LXCPATH/NAME/rootdev with a filesystem, mounted through a
// loop device.
class LoopBackend final : public Backend {
 public:
  std::string_view type() const override { return "loop"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  uint64_t size(std::string_view src) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};

// A logical volume /dev/VG/LV (lvm2's tools: LVM has no stable library).
class LvmBackend final : public Backend {
 public:
  std::string_view type() const override { return "lvm"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  bool can_snapshot(std::string_view orig_type) const override { return orig_type == "lvm"; }
  Result<Rootfs> snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const override;
  uint64_t size(std::string_view src) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};
// Whether lvm can be used here: its tools and the device mapper.
bool lvm_usable();
// Whether volume group vg exists.
bool lvm_vg_exists(const std::string& vg);

// A zfs dataset ZFSROOT/NAME (zfs's tool, as LXC).
class ZfsBackend final : public Backend {
 public:
  std::string_view type() const override { return "zfs"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                     const std::string& data) const override;
  bool can_snapshot(std::string_view orig_type) const override { return orig_type == "zfs"; }
  Result<Rootfs> snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};
// Whether dataset exists (zfs list).
bool zfs_dataset_exists(const std::string& dataset);

// A recursive bind of a directory, then a remount with flags (ro, nosuid...).
Result<void> bind_dir(const std::string& dir, const std::string& target, unsigned long flags);

// The mount point LXC makes for storage that must be mounted: dest made if missing.
Result<void> make_mount_point(const std::string& dest);

}  // namespace lxc::storage
