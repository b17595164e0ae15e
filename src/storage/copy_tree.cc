#include "storage/copy_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "base/unique_fd.h"

namespace lxc::storage {
namespace {

struct Copier {
  int dst_root = -1;
  uint64_t top_mnt = 0;
  bool have_mnt = false;
  std::map<std::pair<dev_t, ino_t>, std::string> hardlinks;  // source inode -> path below dst_root
  CopyStats stats;

  Result<void> copy_dir(int sfd, int dfd, const std::string& rel);
  Result<void> copy_entry(int sdir, int ddir, const std::string& name, const std::string& rel);
};

// A file whose extended attributes are read or written: through its fd, or
// (for an O_PATH descriptor of a device node, which the f*xattr calls do not
// take) through its /proc/self/fd path, which the plain calls follow.
struct XattrFile {
  int fd = -1;
  std::string path;
  ssize_t list(char* buf, size_t size) const {
    return fd >= 0 ? ::flistxattr(fd, buf, size) : ::listxattr(path.c_str(), buf, size);
  }
  ssize_t get(const char* name, void* buf, size_t size) const {
    return fd >= 0 ? ::fgetxattr(fd, name, buf, size) : ::getxattr(path.c_str(), name, buf, size);
  }
  int set(const char* name, const void* buf, size_t size) const {
    return fd >= 0 ? ::fsetxattr(fd, name, buf, size, 0) : ::setxattr(path.c_str(), name, buf, size, 0);
  }
};

Result<void> copy_xattrs(const XattrFile& from, const XattrFile& to, const std::string& shown) {
  std::vector<char> names(4096);
  ssize_t n;
  for (;;) {
    n = from.list(names.data(), names.size());
    if (n >= 0) break;
    if (errno == ENOTSUP) return {};
    if (errno != ERANGE) return fail_sys("list xattrs of " + shown);
    names.resize(names.size() * 4);
  }
  std::vector<char> value(4096);
  for (ssize_t i = 0; i < n;) {
    const char* name = names.data() + i;
    i += static_cast<ssize_t>(strlen(name)) + 1;
    ssize_t len;
    for (;;) {
      len = from.get(name, value.data(), value.size());
      if (len >= 0 || errno != ERANGE) break;
      value.resize(value.size() * 4);
    }
    if (len < 0) {
      if (errno == ENODATA) continue;
      return fail_sys(std::string("read xattr ") + name + " of " + shown);
    }
    if (to.set(name, value.data(), static_cast<size_t>(len)) < 0) {
      // A target filesystem without that namespace (user xattrs on tmpfs):
      // skipped, as rsync -X reports and goes on.
      if (errno == ENOTSUP || errno == EOPNOTSUPP) continue;
      return fail_sys(std::string("set xattr ") + name + " on copy of " + shown);
    }
  }
  return {};
}

std::string proc_fd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// Owner, mode, xattrs, times: in that order, since chown clears setuid bits
// and file capabilities.
Result<void> copy_metadata(int dfd, const struct stat& st, int sfd, const std::string& shown) {
  if (::fchown(dfd, st.st_uid, st.st_gid) < 0) return fail_sys("chown copy of " + shown);
  if (::fchmod(dfd, st.st_mode & 07777) < 0) return fail_sys("chmod copy of " + shown);
  if (auto r = copy_xattrs({sfd, {}}, {dfd, {}}, shown); !r) return r;
  struct timespec ts[2] = {st.st_atim, st.st_mtim};
  if (::futimens(dfd, ts) < 0) return fail_sys("set times of copy of " + shown);
  return {};
}

Result<uint64_t> copy_data(int in, int out, off_t size, const std::string& shown) {
  uint64_t copied = 0;
  off_t pos = 0;
  while (pos < size) {
    // Holes stay holes: copy the data segments only.
    off_t data = ::lseek(in, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole up to the end
      data = pos;                 // no SEEK_DATA: copy everything
    }
    off_t hole = ::lseek(in, data, SEEK_HOLE);
    if (hole < 0 || hole > size) hole = size;
    off_t in_off = data, out_off = data;
    while (in_off < hole) {
      ssize_t n = ::copy_file_range(in, &in_off, out, &out_off, static_cast<size_t>(hole - in_off), 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
        char buf[1 << 16];
        ssize_t r = ::pread(in, buf, std::min<off_t>(sizeof buf, hole - in_off), in_off);
        if (r < 0) return fail_sys("read " + shown);
        if (r == 0) break;
        for (ssize_t done = 0; done < r;) {
          ssize_t w = ::pwrite(out, buf + done, static_cast<size_t>(r - done), out_off);
          if (w < 0) return fail_sys("write copy of " + shown);
          done += w;
          out_off += w;
        }
        in_off += r;
        n = r;
      } else if (n < 0) {
        return fail_sys("copy " + shown);
      }
      if (n == 0) break;  // the file shrank meanwhile
      copied += static_cast<uint64_t>(n);
    }
    pos = hole;
  }
  if (::ftruncate(out, size) < 0) return fail_sys("size copy of " + shown);
  return copied;
}

Result<void> Copier::copy_entry(int sdir, int ddir, const std::string& name, const std::string& rel) {
  struct stat st {};
  if (::fstatat(sdir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys("stat " + rel);
  }
  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
    auto key = std::make_pair(st.st_dev, st.st_ino);
    if (auto it = hardlinks.find(key); it != hardlinks.end()) {
      if (::linkat(dst_root, it->second.c_str(), ddir, name.c_str(), 0) < 0) return fail_sys("link " + rel);
      ++stats.links;
      return {};
    }
    hardlinks.emplace(key, rel);
  }
  if (S_ISDIR(st.st_mode)) {
    UniqueFd sfd(::openat(sdir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sfd) return fail_sys("open " + rel);
    // A new filesystem brings its own lost+found: an existing directory is reused.
    if (::mkdirat(ddir, name.c_str(), 0700) < 0) {
      struct stat dst {};
      if (errno != EEXIST || ::fstatat(ddir, name.c_str(), &dst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(dst.st_mode))
        return fail_sys("mkdir copy of " + rel);
    }
    UniqueFd dfd(::openat(ddir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dfd) return fail_sys("open copy of " + rel);
    bool other_mount = false;
    struct statx sx {};
    if (have_mnt && ::statx(sfd.get(), "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID))
      other_mount = sx.stx_mnt_id != top_mnt;
    ++stats.dirs;
    if (!other_mount)
      if (auto r = copy_dir(sfd.get(), dfd.get(), rel); !r) return r;
    return copy_metadata(dfd.get(), st, sfd.get(), rel);
  }
  if (S_ISREG(st.st_mode)) {
    UniqueFd in(::openat(sdir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME));
    if (!in && errno == EPERM) in.reset(::openat(sdir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) return fail_sys("open " + rel);
    UniqueFd out(::openat(ddir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) return fail_sys("create copy of " + rel);
    auto n = copy_data(in.get(), out.get(), st.st_size, rel);
    if (!n) return unexpected(n.error());
    stats.bytes += *n;
    ++stats.files;
    return copy_metadata(out.get(), st, in.get(), rel);
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlinkat(sdir, name.c_str(), target.data(), target.size());
    if (n < 0) return fail_sys("readlink " + rel);
    target.resize(static_cast<size_t>(n));
    if (::symlinkat(target.c_str(), ddir, name.c_str()) < 0) return fail_sys("symlink copy of " + rel);
    if (::fchownat(ddir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_sys("chown copy of " + rel);
    struct timespec ts[2] = {st.st_atim, st.st_mtim};
    ::utimensat(ddir, name.c_str(), ts, AT_SYMLINK_NOFOLLOW);
    ++stats.links;
    return {};
  }
  // Device nodes, fifos, sockets.
  if (::mknodat(ddir, name.c_str(), st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0)
    return fail_sys("mknod copy of " + rel);
  UniqueFd dfd(::openat(ddir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!dfd) return fail_sys("open copy of " + rel);
  // fchown/fchmod do not take O_PATH descriptors; the /proc path does.
  std::string dp = proc_fd(dfd.get());
  if (::chown(dp.c_str(), st.st_uid, st.st_gid) < 0) return fail_sys("chown copy of " + rel);
  if (::chmod(dp.c_str(), st.st_mode & 07777) < 0) return fail_sys("chmod copy of " + rel);
  UniqueFd sfd(::openat(sdir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (sfd)
    if (auto r = copy_xattrs({-1, proc_fd(sfd.get())}, {-1, dp}, rel); !r) return r;
  struct timespec ts[2] = {st.st_atim, st.st_mtim};
  ::utimensat(ddir, name.c_str(), ts, AT_SYMLINK_NOFOLLOW);
  ++stats.others;
  return {};
}

Result<void> Copier::copy_dir(int sfd, int dfd, const std::string& rel) {
  std::vector<std::string> names;
  {
    int dup = ::fcntl(sfd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return fail_sys("dup " + rel);
    DIR* d = ::fdopendir(dup);
    if (!d) {
      ::close(dup);
      return fail_sys("opendir " + rel);
    }
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    int err = errno;
    ::closedir(d);
    if (err) return fail(err, "read directory " + rel);
  }
  for (const auto& name : names)
    if (auto r = copy_entry(sfd, dfd, name, rel.empty() ? name : rel + "/" + name); !r) return r;
  return {};
}

}  // namespace

Result<CopyStats> copy_tree(const std::string& src, const std::string& dst) {
  UniqueFd sfd(::open(src.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!sfd) return fail_sys("open " + src);
  UniqueFd dfd(::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dfd) return fail_sys("open " + dst);
  struct stat st {};
  if (::fstat(sfd.get(), &st) < 0) return fail_sys("stat " + src);
  Copier c;
  c.dst_root = dfd.get();
  struct statx sx {};
  if (::statx(sfd.get(), "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID)) {
    c.top_mnt = sx.stx_mnt_id;
    c.have_mnt = true;
  }
  if (auto r = c.copy_dir(sfd.get(), dfd.get(), ""); !r) return unexpected(with_context(r.error(), "copy " + src));
  if (auto r = copy_metadata(dfd.get(), st, sfd.get(), src); !r) return unexpected(r.error());
  return c.stats;
}

}  // namespace lxc::storage
