#include "cgroups/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"

namespace lxc::cgroups::fs {

std::string join(std::string_view a, std::string_view b) {
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  while (a.size() > 1 && a.back() == '/') a.remove_suffix(1);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

std::string parent(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Result<void> write(const std::string& path, std::string_view value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return fail_sys("open " + path);
  for (;;) {
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("write " + path);
    if (static_cast<size_t>(n) != value.size()) return fail(EIO, "short write to " + path);
    return {};
  }
}

Result<std::string> read(const std::string& path) { return lxc::read_file(path, 16u << 20); }

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> subdirs(const std::string& dir) {
  std::vector<std::string> out;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return out;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(::dirfd(d.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir) out.emplace_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<pid_t> procs(const std::string& dir) {
  std::vector<pid_t> out;
  auto text = read(join(dir, "cgroup.procs"));
  if (!text) return out;
  for (const std::string& tok : split(*text, " \n")) {
    auto v = parse_u64(tok);
    if (v && *v > 0 && *v < 0x7fffffff) out.push_back(static_cast<pid_t>(*v));
  }
  return out;
}

std::vector<pid_t> tree_procs(const std::string& dir) {
  std::vector<pid_t> out = procs(dir);
  for (const std::string& sub : subdirs(dir)) {
    auto more = tree_procs(join(dir, sub));
    out.insert(out.end(), more.begin(), more.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// One pass, deepest first. errno of the first failure. A cgroup without
// cgroups below it goes with one rmdir; only one that refuses is listed,
// which costs a read of its every file. (Refusals other than EBUSY walk too:
// inside an unprivileged container's id mapping the container's root may
// not remove its cgroup, but must remove the ones its init made below it.)
int remove_once(const std::string& dir) {
  if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
  int first = 0;
  for (const std::string& sub : subdirs(dir))
    if (int e = remove_once(join(dir, sub)); e && !first) first = e;
  if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return first;
  return first ? first : errno;
}

}  // namespace

Result<void> remove_tree(const std::string& dir, Clock::time_point deadline) {
  std::chrono::milliseconds pause(5);
  for (;;) {
    int e = remove_once(dir);
    if (e == 0) return {};
    if ((e != EBUSY && e != ENOTEMPTY) || Clock::now() >= deadline) return fail(e, "remove cgroup " + dir);
    sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

void sleep_for(std::chrono::milliseconds ms) {
  struct timespec ts {};
  ts.tv_sec = ms.count() / 1000;
  ts.tv_nsec = (ms.count() % 1000) * 1000000;
  while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

}  // namespace lxc::cgroups::fs
