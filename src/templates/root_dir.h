// Writing files into a rootfs being built. Every path is relative to the
// rootfs and resolved inside it (openat2 RESOLVE_IN_ROOT where the kernel has
// it), so a symbolic link already in a reused rootfs cannot send a write to
// the host. Only the last component is never followed.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::templates {

class RootDir {
 public:
  static Result<RootDir> open(const std::string& path);

  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }

  // A directory fd for rel ("" or "." for the root itself).
  Result<UniqueFd> open_dir(std::string_view rel) const;
  // mkdir -p rel, then chmod mode on rel itself (as "mkdir -p; chmod").
  Result<void> make_dirs(std::string_view rel, mode_t mode) const;
  Result<void> chmod(std::string_view rel, mode_t mode) const;
  // The content of the regular file rel (the last component not followed);
  // its mode in *mode when given.
  Result<std::string> read_file(std::string_view rel, mode_t* mode = nullptr) const;
  // Creates or replaces (append: appends to) a regular file, then sets mode.
  Result<void> write_file(std::string_view rel, std::string_view content, mode_t mode, bool append = false) const;

 private:
  RootDir(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  // The parent directory of rel and rel's last component.
  Result<UniqueFd> open_parent(std::string_view rel, std::string& leaf) const;
  UniqueFd fd_;
  std::string path_;
};

}  // namespace lxc::templates
