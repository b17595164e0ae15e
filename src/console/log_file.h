// lxc.console.logfile with lxc.console.size and lxc.console.rotate: the
// console's output on disk, kept within a size as LXC does it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::console {

class LogFile {
 public:
  // Opens (creates, 0600, appending) path. size 0: no limit. With a limit,
  // a full file is rotated to "path.1" when rotate is set, else truncated
  // and written from the start again. Limits apply to regular files only.
  Result<void> open(const std::string& path, uint64_t size, bool rotate);
  bool is_open() const { return static_cast<bool>(fd_); }
  const std::string& path() const { return path_; }

  // Appends console output, minding the limit.
  void write(std::string_view data);
  // Renames the file to "path.1" and starts a new one (when rotate is on:
  // LXC rotates on a clear of the console buffer too).
  Result<void> rotate();
  bool rotates() const { return rotate_; }

 private:
  Result<void> reopen();

  UniqueFd fd_;
  std::string path_;
  uint64_t size_ = 0;
  bool rotate_ = false;
};

}  // namespace lxc::console
