#include <sys/mount.h>
#include <sys/stat.h>

#include "base/file.h"
#include "log/log.h"
#include "storage/copy_tree.h"
#include "storage/dir.h"
#include "storage/remove_tree.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

// LXC 5's layout: the upper directory is LXCPATH/NAME/overlay/delta and the
// work directory overlay/work beside it. Older LXC wrote NAME/delta0 with
// NAME/olwork; such a work directory is used when it is there.
std::string work_dir_for(const std::string& upper) {
  std::string parent = dirname_of(upper);
  if (is_dir(parent + "/olwork")) return parent + "/olwork";
  return parent + "/work";
}

Result<void> make_delta(const std::string& upper) {
  if (auto r = mkdir_p(upper, 0755); !r) return r;
  return mkdir_p(work_dir_for(upper), 0755);
}

constexpr const char* kTmpfsMarker = "tmpfs";

}  // namespace

Result<void> mark_upper_on_tmpfs(std::string_view src) {
  auto [lower, upper] = overlay_dirs(src);
  if (upper.empty()) return fail(EINVAL, "A container can only be placed on a tmpfs when the overlay storage driver is used");
  return write_file_atomic(dirname_of(upper) + "/" + kTmpfsMarker, "", 0644);
}

std::pair<std::string, std::string> overlay_dirs(std::string_view src) {
  std::string_view rest;
  if (src.starts_with("overlay:")) rest = src.substr(8);
  else if (src.starts_with("overlayfs:")) rest = src.substr(10);
  else return {};
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view lower = rest.substr(0, colon);
  if (lower.starts_with("dir:")) lower.remove_prefix(4);
  if (lower.starts_with("btrfs:")) lower.remove_prefix(6);
  return {std::string(lower), std::string(rest.substr(colon + 1))};
}

bool OverlayBackend::owns(std::string_view src) const {
  return src.starts_with("overlay:") || src.starts_with("overlayfs:");
}

// lxc-create -B overlay: as LXC, the lower directory is the container's own
// rootfs directory and the template writes through the overlay into delta.
Result<Rootfs> OverlayBackend::create(const std::string& dest, std::string_view, const Spec&) const {
  Rootfs r;
  r.type = "overlay";
  r.path = dest;
  std::string upper = dirname_of(dest) + "/overlay/delta";
  r.created = !path_exists(dest);
  if (auto m = mkdir_p(dest, 0755); !m) return unexpected(m.error());
  if (auto m = make_delta(upper); !m) return unexpected(m.error());
  r.src = "overlay:" + dest + ":" + upper;
  return r;
}

Result<void> OverlayBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                                   const std::string& data) const {
  auto [lower, upper] = overlay_dirs(src);
  if (lower.empty() || upper.empty()) return fail(EINVAL, "bad overlay rootfs " + std::string(src));
  std::string layer_dir = dirname_of(upper);
  if (path_exists(layer_dir + "/" + kTmpfsMarker)) {
    // Only in this mount namespace: the changes go when the container stops.
    if (::mount("none", layer_dir.c_str(), "tmpfs", 0, "mode=0755") < 0) return fail_sys("mount tmpfs on " + layer_dir);
  }
  if (auto r = make_delta(upper); !r) return r;
  std::string opts = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work_dir_for(upper);
  if (!data.empty()) opts += "," + data;
  if (::mount("overlay", target.c_str(), "overlay", flags & ~(MS_BIND | MS_REC), opts.c_str()) < 0)
    return fail_sys("mount overlay (" + opts + ") on " + target);
  kLog.debug("mounted overlay {} on {}", opts, target);
  return {};
}

// An overlay of a directory (dir or btrfs) or, for an overlay container, a
// new overlay on the same lower directory with a copy of its delta.
Result<Rootfs> OverlayBackend::snapshot(std::string_view orig_src, const Place& to, const Spec&) const {
  Rootfs r;
  r.type = "overlay";
  r.path = to.rootfs();
  std::string upper = to.dir() + "/overlay/delta";
  std::string lower, old_upper;
  if (owns(orig_src)) {
    std::tie(lower, old_upper) = overlay_dirs(orig_src);
    if (lower.empty()) return fail(EINVAL, "bad overlay rootfs " + std::string(orig_src));
  } else {
    lower = std::string(src_path(orig_src));
    if (!is_dir(lower)) return fail(ENOTDIR, "overlay snapshot: " + lower + " is not a directory");
  }
  if (auto m = mkdir_p(r.path, 0755); !m) return unexpected(m.error());
  r.created = true;
  if (auto m = make_delta(upper); !m) return unexpected(m.error());
  if (!old_upper.empty() && is_dir(old_upper)) {
    auto c = copy_tree(old_upper, upper);
    if (!c) return unexpected(c.error());
  }
  r.src = "overlay:" + lower + ":" + upper;
  return r;
}

Result<void> OverlayBackend::check_destroy(std::string_view src) const {
  auto [lower, upper] = overlay_dirs(src);
  if (upper.empty()) return fail(EINVAL, "bad overlay rootfs " + std::string(src));
  if (auto r = check_no_mounts(upper); !r) return r;
  return {};
}

// Only the container's own layer goes: the lower directory is its base's.
Result<void> OverlayBackend::destroy(std::string_view src) const {
  auto [lower, upper] = overlay_dirs(src);
  if (upper.empty()) return fail(EINVAL, "bad overlay rootfs " + std::string(src));
  if (auto r = remove_tree(upper); !r) return r;
  std::string work = work_dir_for(upper);
  if (auto r = remove_tree(work); !r) return r;
  return {};
}

}  // namespace lxc::storage
