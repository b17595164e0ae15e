#include "storage/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "base/file.h"
#include "config/system.h"

namespace lxc::storage {
namespace {

std::string lock_root() { return config::default_paths().run_dir + "/lock"; }

std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (!::getcwd(cwd, sizeof cwd)) return "/" + path;
  return std::string(cwd) + "/" + path;
}

// Keeps a path below the lock root: "." and ".." components and repeated
// slashes are dropped (the lock name only has to be stable per lxcpath).
std::string normalized(const std::string& path) {
  std::string out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      auto slash = out.find_last_of('/');
      out.resize(slash == std::string::npos ? 0 : slash);
      continue;
    }
    out += "/" + part;
  }
  return out;
}

}  // namespace

std::string lock_file_path(const std::string& lxcpath, const std::string& name) {
  return lock_root() + normalized(absolute(lxcpath)) + "/." + name;
}

Result<ContainerLock> ContainerLock::acquire(const std::string& lxcpath, const std::string& name, bool wait) {
  std::string path = lock_file_path(lxcpath, name);
  // The lock directory is there but for the first lock in an lxcpath: the
  // file first, the directory only when it is missing.
  auto lock = acquire_file(path, wait);
  if (lock || lock.error().code != ENOENT) return lock;
  if (auto r = mkdir_p(dirname_of(path), 0755); !r) return unexpected(with_context(r.error(), "lock"));
  return acquire_file(path, wait);
}

Result<ContainerLock> ContainerLock::acquire_file(const std::string& path, bool wait) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return fail_sys("open lock file " + path);
  int op = LOCK_EX | (wait ? 0 : LOCK_NB);
  while (::flock(fd.get(), op) < 0) {
    if (errno == EINTR) continue;
    return fail_sys("lock " + path);
  }
  return ContainerLock(std::move(fd), path);
}

}  // namespace lxc::storage
