// Resolving a path inside the container's root without ever leaving it.
//
// RESOLVE_IN_ROOT alone cannot be the whole answer: it clamps ".." at the
// root instead of failing, so a mount entry aimed at "../../etc" would
// silently land on the container's /etc. The component walk below gives the
// policy (refuse, and say which component escaped); openat2 then re-opens the
// result under the kernel's own confinement when the kernel has it.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <deque>

#include "base/strings.h"
#include "log/log.h"
#include "rootfs/quote.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

using detail::quoted;

constexpr log::Logger kLog("rootfs");
constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

std::string join_walked(const std::vector<std::string>& walked, std::string_view last = {}) {
  std::string out = join(walked, "/");
  if (!last.empty()) {
    if (!out.empty()) out += '/';
    out += last;
  }
  return out.empty() ? "/" : out;
}

Result<std::string> read_link(int fd, const std::string& shown) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
    if (n < 0) return fail_sys("readlink " + quoted(shown));
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

// 1: openat2 works; 0: not available (old kernel, or a seccomp filter).
int g_openat2 = -1;

}  // namespace

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Result<UniqueFd> walk_in_root(int root_fd, std::string_view path, const ResolveOptions& opts) {
  std::vector<UniqueFd> stack;  // open directories from the root down; never walks up through the kernel
  std::vector<std::string> walked;  // their names, for messages
  stack.emplace_back(::fcntl(root_fd, F_DUPFD_CLOEXEC, 3));
  if (!stack.back()) return fail_sys("dup root fd");

  std::deque<std::string> todo;
  for (auto& c : split(path, "/"))
    if (c != ".") todo.push_back(std::move(c));
  std::string via;  // the last symlink followed, for messages
  int links = 0;

  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    const bool last = todo.empty();
    if (c == ".") continue;  // from a symlink's target
    if (c == "..") {
      if (stack.size() == 1)
        return fail(EXDEV, quoted(path) + " leaves the rootfs " +
                               (via.empty() ? std::string("through \"..\"") : "through symlink " + via));
      stack.pop_back();
      walked.pop_back();
      continue;
    }
    const int dir = stack.back().get();
    const std::string shown = join_walked(walked, c);
    UniqueFd fd(::openat(dir, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == ENOENT && opts.create != Create::None) {
      if (!last || opts.create == Create::Dir) {
        if (::mkdirat(dir, c.c_str(), opts.dir_mode) < 0 && errno != EEXIST) return fail_sys("mkdir " + quoted(shown));
      } else {
        // A regular file as a mount point for a file bind mount (LXC uses mode 0000).
        int f = ::openat(dir, c.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0000);
        if (f < 0 && errno != EEXIST) return fail_sys("create " + quoted(shown));
        if (f >= 0) ::close(f);
      }
      fd.reset(::openat(dir, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!fd) return fail_sys("open " + quoted(shown));
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) return fail_sys("stat " + quoted(shown));

    if (S_ISLNK(st.st_mode)) {
      if (last && !opts.follow_last) return fd;
      if (++links > kMaxSymlinks) return fail(ELOOP, "too many symlinks resolving " + quoted(path));
      auto target = read_link(fd.get(), shown);
      if (!target) return unexpected(target.error());
      if (target->empty()) return fail(ENOENT, "empty symlink " + quoted(shown));
      via = quoted(shown) + " -> " + quoted(*target);
      auto parts = split(*target, "/");
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(std::move(*it));
      // An absolute link means the container's root, never the host's.
      if (target->front() == '/') {
        stack.resize(1);
        walked.clear();
      }
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode)) return fail(ENOTDIR, "open " + quoted(shown));
    stack.push_back(std::move(fd));
    walked.push_back(c);
  }
  return std::move(stack.back());
}

namespace {

// openat2 of rel under root_fd; -1 with errno on failure. Unavailable
// (ENOSYS: old kernel, EPERM: a seccomp filter) is remembered in g_openat2.
int open_in_root(int root_fd, const std::string& rel, uint64_t flags, uint64_t resolve) {
  struct open_how how {};
  how.flags = flags;
  how.resolve = resolve;
  int fd = -1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    fd = static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
    if (fd >= 0 || errno != EAGAIN) break;  // EAGAIN: a concurrent rename or mount; try again
  }
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
    kLog.debug("openat2 unavailable ({}), resolving with the component walk only", errno == ENOSYS ? "ENOSYS" : "EPERM");
    g_openat2 = 0;
    errno = ENOSYS;
  } else if (fd >= 0) {
    g_openat2 = 1;
  }
  return fd;
}

}  // namespace

Result<UniqueFd> resolve_in_root(int root_fd, std::string_view path, const ResolveOptions& opts) {
  std::string rel(path);
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  if (rel.empty()) rel = ".";
  const uint64_t flags = O_PATH | O_CLOEXEC | (opts.follow_last ? 0 : O_NOFOLLOW);

  // The common case in one system call: a path with no ".." and no symlink
  // on the way (RESOLVE_NO_SYMLINKS; a trailing one is returned itself when
  // it is not to be followed, as the walk does) cannot leave the root, so
  // the walk would find the same file. Anything else, or a path still to be
  // made, takes the walk below.
  const auto parts = split(rel, "/");
  if (g_openat2 != 0 && std::find(parts.begin(), parts.end(), "..") == parts.end()) {
    int fd = open_in_root(root_fd, rel, flags, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
    if (fd >= 0) return UniqueFd(fd);
  }

  auto walked = walk_in_root(root_fd, path, opts);
  if (!walked || g_openat2 == 0) return walked;
  int fd = open_in_root(root_fd, rel, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && g_openat2 == 0) return walked;
  if (fd < 0) return fail_sys("openat2 " + quoted(path));
  UniqueFd kernel(fd);
  struct stat a {}, b {};
  if (::fstat(walked->get(), &a) < 0 || ::fstat(kernel.get(), &b) < 0) return fail_sys("stat " + quoted(path));
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return fail(EAGAIN, quoted(path) + " changed while it was being resolved");
  return kernel;
}

}  // namespace lxc::rootfs
