#include "console/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/file.h"

namespace lxc::console {

Result<void> LogFile::open(const std::string& path, uint64_t size, bool rotate) {
  path_ = path;
  size_ = size;
  rotate_ = rotate;
  return reopen();
}

Result<void> LogFile::reopen() {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd_) return fail_sys("open the console log " + path_);
  return {};
}

Result<void> LogFile::rotate() {
  if (path_.empty()) return fail(EBADF, "no console log file");
  fd_.reset();
  if (::rename(path_.c_str(), (path_ + ".1").c_str()) < 0 && errno != ENOENT)
    return fail_sys("rotate the console log " + path_);
  return reopen();
}

void LogFile::write(std::string_view data) {
  if (!fd_ || data.empty()) return;
  auto put = [this](std::string_view d) { (void)write_all(fd_.get(), d, "console log"); };
  struct stat st {};
  if (size_ == 0 || ::fstat(fd_.get(), &st) < 0 || !S_ISREG(st.st_mode)) return put(data);
  const uint64_t used = static_cast<uint64_t>(st.st_size);
  const uint64_t left = used < size_ ? size_ - used : 0;
  if (data.size() <= left) return put(data);
  if (left == 0 && !rotate_) {
    // Full and not rotated: start the file over with the newest output.
    if (::ftruncate(fd_.get(), 0) < 0) return;
    return put(data.size() <= size_ ? data : data.substr(data.size() - size_));
  }
  put(data.substr(0, left));
  data.remove_prefix(left);
  if (!rotate_) return;  // the rest is lost; the next write starts over
  if (!rotate()) return;
  put(data.size() <= size_ ? data : data.substr(data.size() - size_));
}

}  // namespace lxc::console
