#include "storage/dir.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "base/file.h"
#include "log/log.h"
#include "storage/remove_tree.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

bool is_symlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

Result<void> bind_dir(const std::string& dir, const std::string& target, unsigned long flags) {
  if (::mount(dir.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return fail_sys("rbind " + dir + " on " + target);
  unsigned long extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
  if (extra && ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | extra, nullptr) < 0)
    return fail_sys("remount " + target);
  return {};
}

Result<void> make_mount_point(const std::string& dest) {
  if (auto r = mkdir_p(dest, 0755); !r) return unexpected(with_context(r.error(), "mount point"));
  return {};
}

Result<Rootfs> Backend::snapshot(std::string_view, const Place&, const Spec&) const {
  return fail(EOPNOTSUPP, "the " + std::string(type()) + " storage driver does not support snapshots");
}

bool DirBackend::owns(std::string_view src) const {
  if (src.starts_with("dir:")) return true;
  return src_type(src).empty() && !src.empty() && src.front() == '/' && is_dir(std::string(src));
}

Result<Rootfs> DirBackend::create(const std::string& dest, std::string_view, const Spec& spec) const {
  Rootfs r;
  r.type = "dir";
  r.path = spec.dir.empty() ? dest : spec.dir;
  while (r.path.size() > 1 && r.path.back() == '/') r.path.pop_back();
  if (r.path.empty()) return fail(EINVAL, "dir storage: empty rootfs path");
  r.created = !path_exists(r.path);
  if (auto m = mkdir_p(r.path, 0755); !m) return unexpected(with_context(m.error(), "dir storage"));
  r.src = "dir:" + r.path;
  kLog.debug("rootfs directory {} ({})", r.path, r.created ? "created" : "already there");
  return r;
}

Result<void> DirBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                               const std::string&) const {
  return bind_dir(std::string(src_path(src)), target, flags);
}

Result<void> DirBackend::check_destroy(std::string_view src) const {
  std::string path(src_path(src));
  if (!path_exists(path) || is_symlink(path)) return {};
  if (!is_dir(path)) return fail(ENOTDIR, "rootfs " + path + " is not a directory");
  return check_no_mounts(path);
}

Result<void> DirBackend::destroy(std::string_view src) const {
  std::string path(src_path(src));
  // A rootfs that is a symbolic link is never followed: what it points to
  // was not made by lxc-create. The link itself goes with the container dir.
  if (is_symlink(path)) {
    kLog.warn("rootfs {} is a symbolic link; not removing what it points to", path);
    return {};
  }
  return remove_tree(path);
}

}  // namespace lxc::storage
