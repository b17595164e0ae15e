// Backing stores for a container's root filesystem ("lxc-create -B TYPE").
// One interface for every type: a backend creates the storage for a new
// container, says which lxc.rootfs.path values are its own, and destroys the
// storage again. Only "dir" exists so far; btrfs, overlay, loop, lvm, zfs,
// nbd and rbd are valid type names (as in LXC) that have no backend yet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::storage {

// What lxc-create's options say about the storage to make.
struct Spec {
  std::string dir;  // --dir: where the rootfs directory goes (dir backend)
  std::string fstype;
  uint64_t fssize = 0;  // bytes; 0 = the backend's default
  std::string lvname, vgname, thinpool;
  std::string zfsroot;
  std::string rbdname, rbdpool;
};

// A rootfs made by Backend::create.
struct Rootfs {
  std::string type;      // "dir"
  std::string src;       // the lxc.rootfs.path value: "dir:/var/lib/lxc/c1/rootfs"
  std::string path;      // the directory a template fills
  bool created = false;  // the directory did not exist before (a failed create removes it)
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
  // Checks, without changing anything, that destroy(src) can go ahead: the
  // storage is there and removing it stays within its own filesystem.
  virtual Result<void> check_destroy(std::string_view src) const = 0;
  virtual Result<void> destroy(std::string_view src) const = 0;
};

// The type names lxc-create accepts for -B (LXC's is_valid_storage_type);
// "best" and "none" are handled by the tool.
bool is_valid_type(std::string_view type);

// The backend for a -B type: nullptr when the type has no backend in lxcpp yet.
// "none" is an alias of "dir", "overlayfs" of "overlay", as in LXC.
const Backend* find_backend(std::string_view type);

// The backend for an empty type (-B not given) or "best". LXC's "best" tries
// btrfs, zfs, lvm, dir and rbd in turn; lxcpp has only dir so far, so both
// give dir.
const Backend* default_backend(std::string_view type);

// The backend an lxc.rootfs.path value belongs to, or nullptr.
const Backend* backend_for_src(std::string_view src);

// The type prefix of an lxc.rootfs.path value ("dir" for "dir:/x"; "" when
// the value has no known prefix).
std::string_view src_type(std::string_view src);
// The value without its type prefix ("/x" for "dir:/x" and for "/x").
std::string_view src_path(std::string_view src);

}  // namespace lxc::storage
