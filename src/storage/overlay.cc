#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/file.h"
#include "base/unique_fd.h"
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

Result<bool> overlay_write_offline(std::string_view src, const std::string& rel, std::string_view content) {
  auto [lower, upper] = overlay_dirs(src);
  if (lower.empty() || upper.empty() || path_exists(dirname_of(upper) + "/" + kTmpfsMarker)) return false;
  auto slash = rel.rfind('/');
  if (slash == std::string::npos || rel.find('/') != slash) return false;  // one directory level: "dir/file"
  const std::string dir = rel.substr(0, slash);
  struct stat st {};
  auto kind = [&](const std::string& p) -> int {  // 0 absent, else S_IFMT; -1 on error
    if (::lstat(p.c_str(), &st) == 0) return static_cast<int>(st.st_mode & S_IFMT);
    return errno == ENOENT ? 0 : -1;
  };
  const std::string up_dir = upper + "/" + dir, up_file = upper + "/" + rel;
  auto write_into = [&](const std::string& path, int flags, mode_t mode) -> Result<bool> {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | flags, mode));
    if (!fd) return fail_sys("open " + path);
    if (auto r = write_all(fd.get(), content, path); !r) return unexpected(r.error());
    return true;
  };
  int up_dir_kind = kind(up_dir);
  if (up_dir_kind == S_IFDIR) {
    char opaque[2] = {};
    if (::lgetxattr(up_dir.c_str(), "trusted.overlay.opaque", opaque, 1) >= 0 || errno != ENODATA) return false;
    int k = kind(up_file);
    if (k == S_IFREG) return write_into(up_file, 0, 0);
    if (k != 0) return false;  // a whiteout, a link...
  } else if (up_dir_kind != 0) {
    return false;
  }
  // Not in the upper layer: copy it up from the lower one, if it is there.
  if (kind(lower + "/" + dir) != S_IFDIR) return false;
  const struct stat dir_st = st;
  int k = kind(lower + "/" + rel);
  if (k == 0) return true;
  if (k != S_IFREG) return false;
  const struct stat file_st = st;
  if (up_dir_kind == 0) {
    if (::mkdir(up_dir.c_str(), dir_st.st_mode & 07777) < 0) return fail_sys("mkdir " + up_dir);
    if (::chown(up_dir.c_str(), dir_st.st_uid, dir_st.st_gid) < 0 || ::chmod(up_dir.c_str(), dir_st.st_mode & 07777) < 0)
      return fail_sys("copy the owner and mode of " + lower + "/" + dir);
  }
  auto r = write_into(up_file, O_CREAT | O_EXCL, file_st.st_mode & 07777);
  if (!r) return r;
  if (::chown(up_file.c_str(), file_st.st_uid, file_st.st_gid) < 0 || ::chmod(up_file.c_str(), file_st.st_mode & 07777) < 0)
    return fail_sys("copy the owner and mode of " + lower + "/" + rel);
  return true;
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
  // The upper layer only: the work directory is made when it is mounted.
  if (auto m = mkdir_p(upper, 0755); !m) return unexpected(m.error());
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
