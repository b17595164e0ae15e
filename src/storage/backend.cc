#include "storage/backend.h"

#include <array>

#include "storage/dir.h"

namespace lxc::storage {
namespace {

// LXC's storage types. The order is irrelevant except for documentation.
constexpr std::array<std::string_view, 9> kValidTypes = {"dir",     "btrfs",     "loop", "lvm", "nbd",
                                                         "overlay", "overlayfs", "rbd",  "zfs"};

const Backend* registry(std::string_view type) {
  static const DirBackend dir;
  // Future backends get a row here: btrfs, overlay, loop, lvm, zfs, nbd, rbd.
  if (type == "dir") return &dir;
  return nullptr;
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

const Backend* default_backend(std::string_view type) {
  if (!type.empty() && type != "best") return nullptr;
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

const Backend* backend_for_src(std::string_view src) {
  std::string_view t = src_type(src);
  if (!t.empty()) return find_backend(t);
  // No prefix: LXC probes the path; a plain directory is a dir rootfs.
  const Backend* dir = registry("dir");
  return dir->owns(src) ? dir : nullptr;
}

}  // namespace lxc::storage
