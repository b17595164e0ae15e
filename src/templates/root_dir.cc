#include "templates/root_dir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/file.h"

namespace lxc::templates {
namespace {

// openat2(RESOLVE_IN_ROOT), falling back to openat on kernels before 5.6.
int open_in_root(int rootfd, const std::string& rel, int flags) {
  static bool have_openat2 = true;
  if (have_openat2) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    int fd = static_cast<int>(::syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how));
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return fd;
    have_openat2 = false;  // seccomp filters answer EPERM too
  }
  return ::openat(rootfd, rel.c_str(), flags | O_CLOEXEC);
}

std::string clean(std::string_view rel) {
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  while (!rel.empty() && rel.back() == '/') rel.remove_suffix(1);
  return rel.empty() ? std::string(".") : std::string(rel);
}

}  // namespace

Result<RootDir> RootDir::open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail_sys("open rootfs " + path);
  return RootDir(std::move(fd), path);
}

Result<UniqueFd> RootDir::open_dir(std::string_view rel) const {
  std::string r = clean(rel);
  UniqueFd fd(open_in_root(fd_.get(), r, O_RDONLY | O_DIRECTORY));
  if (!fd) return fail_sys("open " + path_ + "/" + r);
  return fd;
}

Result<UniqueFd> RootDir::open_parent(std::string_view rel, std::string& leaf) const {
  std::string r = clean(rel);
  auto slash = r.find_last_of('/');
  leaf = slash == std::string::npos ? r : r.substr(slash + 1);
  return open_dir(slash == std::string::npos ? std::string_view(".") : std::string_view(r).substr(0, slash));
}

Result<void> RootDir::make_dirs(std::string_view rel, mode_t mode) const {
  std::string r = clean(rel);
  // Deepest first: the parent is usually there already (the root itself, or
  // made just before), and one mkdirat does instead of opening every level
  // from the root again.
  if (r != ".") {
    auto slash = r.find_last_of('/');
    UniqueFd parent_fd;
    if (slash != std::string::npos) {
      parent_fd.reset(open_in_root(fd_.get(), r.substr(0, slash), O_RDONLY | O_DIRECTORY));
      if (!parent_fd && errno != ENOENT) return fail_sys("open " + path_ + "/" + r.substr(0, slash));
    }
    if (slash == std::string::npos || parent_fd) {
      int parent = parent_fd ? parent_fd.get() : fd_.get();
      std::string leaf = slash == std::string::npos ? r : r.substr(slash + 1);
      if (::mkdirat(parent, leaf.c_str(), mode) == 0) {
        // Made just now in a parent resolved inside the root: chmod it
        // through that parent, never following a link.
        UniqueFd fd(::openat(parent, leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) return fail_sys("open " + path_ + "/" + r);
        if (::fchmod(fd.get(), mode) < 0) return fail_sys("chmod " + path_ + "/" + r);
        return {};
      }
      if (errno != EEXIST) return fail_sys("mkdir " + path_ + "/" + r);
      return chmod(r, mode);
    }
  }
  // A missing parent: every level from the root.
  size_t pos = 0;
  for (;;) {
    size_t end = r.find('/', pos);
    std::string prefix = r.substr(0, end);
    std::string leaf;
    auto parent = open_parent(prefix, leaf);
    if (!parent) return unexpected(parent.error());
    // Intermediate directories get 0777 & ~umask, as mkdir -p makes them.
    mode_t m = end == std::string::npos ? mode : 0777;
    if (::mkdirat(parent->get(), leaf.c_str(), m) < 0 && errno != EEXIST)
      return fail_sys("mkdir " + path_ + "/" + prefix);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return chmod(r, mode);
}

Result<void> RootDir::chmod(std::string_view rel, mode_t mode) const {
  std::string r = clean(rel);
  // O_PATH fds take no fchmod; a real open of the (resolved) target does.
  UniqueFd fd(open_in_root(fd_.get(), r, O_RDONLY | O_NONBLOCK | O_NOCTTY));
  if (!fd) return fail_sys("open " + path_ + "/" + r);
  if (::fchmod(fd.get(), mode) < 0) return fail_sys("chmod " + path_ + "/" + r);
  return {};
}

Result<std::string> RootDir::read_file(std::string_view rel, mode_t* mode) const {
  std::string leaf;
  auto parent = open_parent(rel, leaf);
  if (!parent) return unexpected(parent.error());
  std::string what = path_ + "/" + clean(rel);
  UniqueFd fd(::openat(parent->get(), leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return fail_sys("open " + what);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return fail_sys("stat " + what);
  if (!S_ISREG(st.st_mode)) return fail(EINVAL, what + " is not a regular file");
  if (mode) *mode = st.st_mode & 07777;
  // Reopened through the fd: the file checked above, whatever the path does since.
  auto content = lxc::read_file("/proc/self/fd/" + std::to_string(fd.get()));
  if (!content) return unexpected(with_context(content.error(), what));
  return content;
}

Result<void> RootDir::write_file(std::string_view rel, std::string_view content, mode_t mode, bool append) const {
  std::string leaf;
  auto parent = open_parent(rel, leaf);
  if (!parent) return unexpected(parent.error());
  std::string what = path_ + "/" + clean(rel);
  int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  UniqueFd fd(::openat(parent->get(), leaf.c_str(), flags, mode));
  if (!fd) return fail_sys("create " + what);
  if (auto r = write_all(fd.get(), content, what); !r) return r;
  if (::fchmod(fd.get(), mode) < 0) return fail_sys("chmod " + what);
  return {};
}

}  // namespace lxc::templates
