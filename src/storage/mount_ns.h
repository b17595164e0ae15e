// A private mount namespace for the calling process, for the time it takes
// to fill or copy a storage that must be mounted (a loop image, an overlay,
// a logical volume). Whatever is mounted in it is gone when it ends, even if
// the process dies: no mount, and so no loop device, can leak to the host.
#pragma once

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::storage {

class PrivateMounts {
 public:
  // unshare(CLONE_NEWNS), "/" made a dependent (MS_SLAVE) mount so that
  // nothing propagates back. The process must be single-threaded.
  static Result<PrivateMounts> enter();
  PrivateMounts(PrivateMounts&&) noexcept = default;
  PrivateMounts& operator=(PrivateMounts&&) noexcept = default;
  // Goes back to the namespace the process was in (and its working
  // directory); the private one, no longer used, is freed with its mounts.
  ~PrivateMounts();

 private:
  PrivateMounts(UniqueFd ns, UniqueFd cwd) : ns_(std::move(ns)), cwd_(std::move(cwd)) {}
  UniqueFd ns_;
  UniqueFd cwd_;
};

}  // namespace lxc::storage
