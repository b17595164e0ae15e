#include "storage/remove_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"

namespace lxc::storage {
namespace {


// Where a directory lies: its device and, when the kernel reports it, its mount.
struct Place {
  dev_t dev = 0;
  uint64_t mnt_id = 0;
  bool have_mnt_id = false;
};

Result<Place> place_of(int fd, const std::string& what) {
  Place p;
  struct statx stx {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) == 0) {
    p.dev = ::makedev(stx.stx_dev_major, stx.stx_dev_minor);
    if (stx.stx_mask & STATX_MNT_ID) {
      p.mnt_id = stx.stx_mnt_id;
      p.have_mnt_id = true;
    }
    return p;
  }
  struct stat st {};
  if (::fstat(fd, &st) < 0) return fail_sys("stat " + what);
  p.dev = st.st_dev;
  return p;
}

Result<void> remove_children(int dirfd, const std::string& where, const Place& top) {
  std::vector<std::string> names;
  {
    int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return fail_sys("dup " + where);
    DIR* d = ::fdopendir(dup);
    if (!d) {
      ::close(dup);
      return fail_sys("opendir " + where);
    }
    while (struct dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
  }
  for (const auto& name : names) {
    std::string path = where + "/" + name;
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) continue;
      return fail_sys("stat " + path);
    }
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != top.dev) return fail(EXDEV, "not removing " + path + ": it is on another filesystem");
      UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub) return fail_sys("open " + path);
      // A directory its owner cannot search (busybox's 644 etc/udhcpc) is
      // opened all the same; make it searchable before going in.
      if ((st.st_mode & 0700) != 0700 && st.st_uid == ::geteuid()) ::fchmod(sub.get(), (st.st_mode & 07777) | 0700);
      auto here = place_of(sub.get(), path);
      if (!here) return unexpected(here.error());
      if (here->dev != top.dev || (top.have_mnt_id && here->have_mnt_id && here->mnt_id != top.mnt_id))
        return fail(EXDEV, "not removing " + path + ": it is a mount point");
      if (auto r = remove_children(sub.get(), path, top); !r) return r;
      sub.reset();
      if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) return fail_sys("rmdir " + path);
    } else if (::unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) {
      return fail_sys("unlink " + path);
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> parse_mount_points(std::string_view mountinfo) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < mountinfo.size()) {
    size_t end = mountinfo.find('\n', pos);
    if (end == std::string_view::npos) end = mountinfo.size();
    std::string_view line = mountinfo.substr(pos, end - pos);
    pos = end + 1;
    // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ..."
    size_t field = 0, start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ' ') continue;
      if (field == 4) {
        out.push_back(unescape_octal(line.substr(start, i - start)));
        break;
      }
      ++field;
      start = i + 1;
    }
  }
  return out;
}

Result<std::vector<std::string>> mounts_at_or_below(const std::string& path) {
  std::vector<std::string> found;
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) {
    if (errno == ENOENT) return found;
    return fail_sys("resolve " + path);
  }
  std::string canon = buf;
  auto info = read_file("/proc/self/mountinfo");
  if (!info) return unexpected(info.error());
  for (auto& mp : parse_mount_points(*info)) {
    if (mp == canon || (mp.size() > canon.size() && mp.starts_with(canon) && (canon == "/" || mp[canon.size()] == '/')))
      found.push_back(std::move(mp));
  }
  return found;
}

Result<void> check_no_mounts(const std::string& path) {
  auto mounts = mounts_at_or_below(path);
  if (!mounts) return unexpected(mounts.error());
  if (mounts->empty()) return {};
  const std::string& m = mounts->front();
  return fail(EBUSY, "refusing to remove " + path + ": " + m + " is a mount point; unmount it first");
}

Result<void> remove_tree(const std::string& path) {
  if (path.empty() || path == "/") return fail(EINVAL, "refusing to remove \"" + path + "\"");
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys("stat " + path);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) return fail_sys("unlink " + path);
    return {};
  }
  if (auto r = check_no_mounts(path); !r) return r;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  auto top = place_of(fd.get(), path);
  if (!top) return unexpected(top.error());
  if (auto r = remove_children(fd.get(), path, *top); !r) return r;
  fd.reset();
  if (::rmdir(path.c_str()) < 0 && errno != ENOENT) return fail_sys("rmdir " + path);
  return {};
}

}  // namespace lxc::storage
