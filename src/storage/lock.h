// Per-container locks, so that two lxc-create (or a create and a destroy) of
// one name never run at the same time.
//
// The lock is flock(LOCK_EX) on a file outside the container directory (the
// directory itself comes and goes with the container):
//   root:   /run/lxcpp/lock/LXCPATH/.NAME
//   others: $XDG_RUNTIME_DIR/lxcpp/lock/LXCPATH/.NAME
//           (~/.cache/lxcpp/run/lock/LXCPATH/.NAME without XDG_RUNTIME_DIR)
// LXCPATH is the absolute lxcpath, so /var/lib/lxc/c1 locks
// /run/lxcpp/lock/var/lib/lxc/.c1, as LXC lays out /run/lxc/lock. Lock files
// are never deleted: unlinking a lock file another process has open lets a
// third one lock a new file of the same name. They are empty, on a tmpfs.
// The lock goes with the fd: process exit releases it.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::storage {

std::string lock_file_path(const std::string& lxcpath, const std::string& name);

class ContainerLock {
 public:
  // Waits for the lock when wait is true; otherwise fails with EWOULDBLOCK
  // when someone else holds it.
  static Result<ContainerLock> acquire(const std::string& lxcpath, const std::string& name, bool wait = true);
  // The same on an explicit lock file (its directory must exist).
  static Result<ContainerLock> acquire_file(const std::string& path, bool wait = true);

  ContainerLock(ContainerLock&&) noexcept = default;
  ContainerLock& operator=(ContainerLock&&) noexcept = default;
  const std::string& path() const { return path_; }

 private:
  ContainerLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

}  // namespace lxc::storage
