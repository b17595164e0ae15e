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

// Where the open directory fd lies, and (in *st) its mode and owner: one
// statx.
Result<Place> place_of(int fd, const std::string& what, struct stat* st = nullptr) {
  Place p;
  struct statx stx {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MODE | STATX_UID | STATX_MNT_ID, &stx) == 0) {
    p.dev = ::makedev(stx.stx_dev_major, stx.stx_dev_minor);
    if (stx.stx_mask & STATX_MNT_ID) {
      p.mnt_id = stx.stx_mnt_id;
      p.have_mnt_id = true;
    }
    if (st) {
      st->st_mode = stx.stx_mode;
      st->st_uid = stx.stx_uid;
    }
    return p;
  }
  struct stat fst {};
  if (::fstat(fd, &fst) < 0) return fail_sys("stat " + what);
  p.dev = fst.st_dev;
  if (st) *st = fst;
  return p;
}

struct Entry {
  std::string name;
  unsigned char type;  // d_type: DT_UNKNOWN when the filesystem does not say
};

// The entries of a directory opened just now (at offset 0), . and .. left
// out. getdents64 on the fd itself: no dup, fdopendir, fstat and fcntl per
// directory as readdir needs.
Result<std::vector<Entry>> list_dir(int dirfd, const std::string& where) {
  std::vector<Entry> out;
  alignas(struct dirent64) char buf[16384];
  for (;;) {
    ssize_t n = ::getdents64(dirfd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read directory " + where);
    if (n == 0) return out;
    for (ssize_t off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
      off += d->d_reclen;
      std::string_view name = d->d_name;
      if (name != "." && name != "..") out.push_back({std::string(name), d->d_type});
    }
  }
}

Result<void> remove_children(int dirfd, const std::string& where, const Place& top, uid_t euid) {
  auto entries = list_dir(dirfd, where);
  if (!entries) return unexpected(entries.error());
  for (const auto& e : *entries) {
    const std::string& name = e.name;
    auto path = [&] { return where + "/" + name; };  // built only when needed
    // What readdir says is not a directory is unlinked without a stat; should
    // it have become one since, unlinkat says EISDIR and it is handled below.
    if (e.type != DT_DIR && e.type != DT_UNKNOWN) {
      if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) continue;
      if (errno != EISDIR) return fail_sys("unlink " + path());
    } else if (e.type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) continue;
        return fail_sys("stat " + path());
      }
      if (!S_ISDIR(st.st_mode)) {
        if (::unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys("unlink " + path());
        continue;
      }
    }
    // A directory: O_NOFOLLOW, so a symlink put in its place is never
    // entered (ELOOP/ENOTDIR: unlinked as what it now is).
    UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) {
      if (errno == ENOENT) continue;
      if (errno == ELOOP || errno == ENOTDIR) {
        if (::unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys("unlink " + path());
        continue;
      }
      return fail_sys("open " + path());
    }
    const std::string sub_path = path();
    struct stat st {};
    auto here = place_of(sub.get(), sub_path, &st);
    if (!here) return unexpected(here.error());
    if (here->dev != top.dev) return fail(EXDEV, "not removing " + sub_path + ": it is on another filesystem");
    if (top.have_mnt_id && here->have_mnt_id && here->mnt_id != top.mnt_id)
      return fail(EXDEV, "not removing " + sub_path + ": it is a mount point");
    // A directory its owner cannot search (busybox's 644 etc/udhcpc) is
    // opened all the same; make it searchable before going in.
    if ((st.st_mode & 0700) != 0700 && st.st_uid == euid) ::fchmod(sub.get(), (st.st_mode & 07777) | 0700);
    if (auto r = remove_children(sub.get(), sub_path, top, euid); !r) return r;
    sub.reset();
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) return fail_sys("rmdir " + sub_path);
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
  if (auto r = remove_children(fd.get(), path, *top, ::geteuid()); !r) return r;
  fd.reset();
  if (::rmdir(path.c_str()) < 0 && errno != ENOENT) return fail_sys("rmdir " + path);
  return {};
}

}  // namespace lxc::storage
