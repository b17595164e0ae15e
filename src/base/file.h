#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace lxc {

// Reads a whole regular file (up to max_bytes).
Result<std::string> read_file(const std::string& path, size_t max_bytes = 64u << 20);

// A regular file mapped read-only, for reading a big file (a 2 MB busybox)
// without copying it into the heap. The mapping is private and prefaulted;
// it goes with the object. A file truncated by someone else while mapped
// would fault (SIGBUS) on access: for files that are replaced, not rewritten
// in place, such as installed binaries.
class MappedFile {
 public:
  static Result<MappedFile> open(const std::string& path);
  MappedFile(MappedFile&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  MappedFile& operator=(MappedFile&& o) noexcept;
  ~MappedFile();
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Writes a file atomically: a temporary file beside it, rename. Readers see
// the old content or the new one, never a mix. When it replaces a file, the
// new one and the directory are fsynced too, so that a crash cannot leave it
// empty.
Result<void> write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0644);
// Appends content to path with one write (O_APPEND; the file is made with
// mode if missing). For records added to a list in place, as LXC does with
// lxc_snapshots: a reader sees the record whole or not at all.
Result<void> append_file(const std::string& path, std::string_view content, mode_t mode = 0644);
// Writes all of data to fd (retrying short writes and EINTR); what names the
// file in the error.
Result<void> write_all(int fd, std::string_view data, const std::string& what);
// Reads fd from where it is to its end (a pipe until every writer closed it).
Result<std::string> read_to_end(int fd, const std::string& what);
// Points stdin, stdout and stderr at /dev/null (a process that detaches
// from its caller); left as they are if /dev/null cannot be opened.
void stdio_to_dev_null();
bool path_exists(const std::string& path);
bool is_dir(const std::string& path);
std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);
// mkdir -p.
Result<void> mkdir_p(const std::string& path, mode_t mode = 0755);

}  // namespace lxc
