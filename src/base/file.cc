#include "base/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/random.h"
#include "base/unique_fd.h"

namespace lxc {

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return fail_sys("stat " + path);
  if (S_ISDIR(st.st_mode)) return fail(EISDIR, "read " + path);
  // Read straight into the result, sized from st_size (plus one byte to see
  // the end): a 2 MB busybox takes one allocation and one copy, not a chain
  // of reallocations. Files that report no size (/proc, cgroupfs) are read
  // through a small buffer on the stack: a long-lived process (the monitor)
  // keeps whatever heap it once touched.
  std::string out;
  if (st.st_size <= 0) {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_sys("read " + path);
      if (n == 0) return out;
      if (out.size() + static_cast<size_t>(n) > max_bytes) return fail(EFBIG, "read " + path);
      out.append(buf, static_cast<size_t>(n));
    }
  }
  out.resize(std::min(static_cast<size_t>(st.st_size) + 1, max_bytes + 1));
  size_t len = 0;
  for (;;) {
    if (len == out.size()) {
      if (len > max_bytes) return fail(EFBIG, "read " + path);
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    ssize_t n = ::read(fd.get(), out.data() + len, out.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("read " + path);
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  if (len > max_bytes) return fail(EFBIG, "read " + path);
  out.resize(len);
  return out;
}

Result<MappedFile> MappedFile::open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return fail_sys("stat " + path);
  if (!S_ISREG(st.st_mode)) return fail(EINVAL, "map " + path + ": not a regular file");
  if (st.st_size == 0) return MappedFile(nullptr, 0);
  auto size = static_cast<size_t>(st.st_size);
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (p == MAP_FAILED) return fail_sys("map " + path);
  return MappedFile(p, size);
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (data_) ::munmap(data_, size_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

Result<void> write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("write " + what);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> read_to_end(int fd, const std::string& what) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read " + what);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

namespace {

// A suffix for a temporary name (O_EXCL makes any clash a retry, never a
// shared file).
unsigned temp_suffix() {
  unsigned v = 0;
  random_bytes(&v, sizeof v);
  return v;
}

}  // namespace

Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  std::string dir = dirname_of(path);
  std::string tmp;
  UniqueFd fd;
  for (int attempt = 0; attempt < 16 && !fd; ++attempt) {
    tmp = dir + "/." + basename_of(path) + ".tmp" + std::to_string(temp_suffix() % 1000000);
    fd.reset(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd && errno != EEXIST) return fail_sys("create " + tmp);
  }
  if (!fd) return fail(EEXIST, "create temporary file for " + path);
  // Replacing a file: flush the new one before the rename, so that a crash
  // leaves the old content or the new, never an empty file. A new file has
  // nothing to lose (as the rootfs a template writes next to it), and two
  // fsyncs cost lxc-create more than all its other work.
  const bool replacing = ::access(path.c_str(), F_OK) == 0;
  auto cleanup = [&] { ::unlink(tmp.c_str()); };
  if (auto r = write_all(fd.get(), content, tmp); !r) {
    cleanup();
    return r;
  }
  if (::fchmod(fd.get(), mode) < 0 || (replacing && ::fsync(fd.get()) < 0)) {
    auto e = sys_error("sync " + tmp);
    cleanup();
    return unexpected(e);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    auto e = sys_error("rename " + tmp + " to " + path);
    cleanup();
    return unexpected(e);
  }
  if (!replacing) return {};
  UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd) ::fsync(dfd.get());
  return {};
}

Result<void> append_file(const std::string& path, std::string_view content, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd) return fail_sys("open " + path);
  return write_all(fd.get(), content, path);
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string dirname_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

std::string basename_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  return pos == std::string::npos ? path : path.substr(pos + 1);
}

Result<void> mkdir_p(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  // The deepest directory first: usually it or its parent exists, and one or
  // two mkdir calls do instead of one per component.
  if (::mkdir(path.c_str(), mode) == 0) return {};
  if (errno == ENOENT) {
    std::string parent = path;
    while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
    auto slash = parent.rfind('/');
    if (slash != std::string::npos && slash > 0) {
      if (auto r = mkdir_p(parent.substr(0, slash), mode); !r) return r;
      if (::mkdir(path.c_str(), mode) == 0) return {};
      if (errno == EEXIST) {
        if (!is_dir(path)) return fail(ENOTDIR, "mkdir " + path);
        return {};
      }
    }
    return fail_sys("mkdir " + path);
  }
  if (errno != EEXIST) return fail_sys("mkdir " + path);
  if (!is_dir(path)) return fail(ENOTDIR, "mkdir " + path);
  return {};
}

void stdio_to_dev_null() {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
  if (null > 2) ::close(null);
}

}  // namespace lxc
