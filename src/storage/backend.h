// Backing stores for a container's root filesystem ("lxc-create -B TYPE",
// "lxc-copy -B TYPE"). One interface for every type: a backend creates the
// storage for a new container, snapshots it, mounts it at start, says which
// lxc.rootfs.path values are its own, and destroys the storage again.
//
// Types and their lxc.rootfs.path values, as LXC 5 writes them:
//   dir      dir:LXCPATH/NAME/rootfs (or a bare path)
//   btrfs    btrfs:LXCPATH/NAME/rootfs (a subvolume)
//   overlay  overlay:LOWER:LXCPATH/NAME/overlay/delta (work dir: overlay/work beside the delta)
//   loop     loop:LXCPATH/NAME/rootdev (an image file holding a filesystem)
//   lvm      lvm:/dev/VG/LV
//   zfs      zfs:POOL/NAME
// nbd and rbd are valid type names without a backend in lxcpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::storage {

// What lxc-create's (or lxc-copy's) options say about the storage to make.
struct Spec {
  std::string dir;  // --dir: where the rootfs directory goes (dir backend)
  std::string fstype;
  uint64_t fssize = 0;  // bytes; 0 = the backend's default
  std::string lvname, vgname, thinpool;
  std::string zfsroot;
  std::string rbdname, rbdpool;
};

// A rootfs made by Backend::create or Backend::snapshot.
struct Rootfs {
  std::string type;      // "dir", "loop", ...
  std::string src;       // the lxc.rootfs.path value: "dir:/var/lib/lxc/c1/rootfs"
  std::string path;      // the directory a template fills: the tree itself, or where it is mounted
  bool created = false;  // the storage did not exist before (a failed create destroys it)
};

// Where a new container's storage goes: LXCPATH/NAME.
struct Place {
  std::string lxcpath;
  std::string name;
  std::string dir() const { return lxcpath + "/" + name; }
  std::string rootfs() const { return dir() + "/rootfs"; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view type() const = 0;
  // Whether an lxc.rootfs.path value belongs to this backend.
  virtual bool owns(std::string_view src) const = 0;
  // Makes the storage. dest is where LXC puts it by default: LXCPATH/NAME/rootfs,
  // or the existing rootfs of a config that already names one.
  virtual Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const = 0;
  // False when the rootfs value names a directory that is used in place
  // (dir, btrfs); true when it must be mounted somewhere first.
  virtual bool needs_mount() const { return true; }
  // Mounts the storage of src on target (an existing directory) with the
  // MS_* flags and filesystem data of lxc.rootfs.options. Directories are
  // bind-mounted (recursively). The caller is in a mount namespace of its
  // own; a loop device is attached with autoclear, so it goes with the mount.
  virtual Result<void> mount(std::string_view src, const std::string& target, unsigned long flags,
                             const std::string& data) const = 0;
  // Whether snapshot() works from a rootfs of type orig_type.
  virtual bool can_snapshot(std::string_view orig_type) const {
    (void)orig_type;
    return false;
  }
  // A copy-on-write copy of orig_src for the container at `to`. The storage
  // is only made here: lxc.rootfs.path, dependencies and the config are the
  // caller's.
  virtual Result<Rootfs> snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const;
  // The size of the storage in bytes when it has one (block devices, image
  // files); 0 otherwise. A copy into a block device type gets that size
  // unless -L says otherwise.
  virtual uint64_t size(std::string_view src) const {
    (void)src;
    return 0;
  }
  // Checks, without changing anything, that destroy(src) can go ahead: the
  // storage is there and removing it stays within its own filesystem.
  virtual Result<void> check_destroy(std::string_view src) const = 0;
  virtual Result<void> destroy(std::string_view src) const = 0;
};

// The type names lxc-create accepts for -B (LXC's is_valid_storage_type);
// "best" and "none" are handled by the tool.
bool is_valid_type(std::string_view type);

// The backend for a -B type: nullptr when the type has no backend in lxcpp.
// "none" is an alias of "dir", "overlayfs" of "overlay", as in LXC.
const Backend* find_backend(std::string_view type);

// The backend for an empty type (-B not given: dir) or "best": as LXC, the
// first of btrfs, zfs, lvm that can hold a container at dest (dest on a
// btrfs filesystem; a zfs root or volume group that exists), else dir.
// nullptr for any other type.
const Backend* default_backend(std::string_view type, const std::string& dest = {}, const Spec& spec = {});

// The backend an lxc.rootfs.path value belongs to, or nullptr.
const Backend* backend_for_src(std::string_view src);

// The type prefix of an lxc.rootfs.path value ("dir" for "dir:/x"; "" when
// the value has no known prefix).
std::string_view src_type(std::string_view src);
// The value without its type prefix ("/x" for "dir:/x" and for "/x").
std::string_view src_path(std::string_view src);
// The storage type of a value: its prefix, or for a bare path what is there
// ("btrfs" for a subvolume, "loop" for a regular file, "lvm"/"dir"...).
std::string detect_type(std::string_view src);

// Where the rootfs tree of a container (LXCPATH/NAME = container_dir) is
// on the host at start: the directory itself for dir and btrfs, else the
// mount point LXC uses for storage that is mounted, container_dir/rootfs
// (made when missing).
Result<std::string> rootfs_dir(std::string_view src, const std::string& container_dir);

// Mounts an lxc.rootfs.path value on target through its backend (the start
// sequence and the tools call this in a mount namespace of their own).
Result<void> mount_rootfs(std::string_view src, const std::string& target, unsigned long flags = 0,
                          const std::string& data = {});

}  // namespace lxc::storage
