// Internal to rootfs/: the state shared by the step executors while a plan
// is applied (mount.cc dispatches; devices.cc and pivot_root.cc do their
// steps).
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs::detail {

struct ApplyState {
  const MountPlan* plan = nullptr;
  const RootfsContext* ctx = nullptr;
  UniqueFd root;  // the container's root until pivot_root
  // How /dev nodes can be made here (LXC's LXC_DEVNODE_* states): mknod
  // untested, mknod works and the node opens, mknod works but the node does
  // not open (bind the host's over it), or mknod is refused (user namespace).
  enum class DevNodes { Mknod, Open, Partial, Bind } devnodes = DevNodes::Mknod;
};

// Resolves a path in the container's root (see resolve_in_root), with the
// path named in errors.
Result<UniqueFd> open_in_root(const ApplyState& st, const std::string& path, const ResolveOptions& opts = {});
// The directory holding path's last component (created as needed when
// create_parents), and that component.
Result<std::pair<UniqueFd, std::string>> open_parent(const ApplyState& st, const std::string& path, bool create_parents);
// Binds a host path onto an opened target.
Result<void> bind_host(const std::string& source, int target_fd, const std::string& target);

Result<void> apply_device(ApplyState& st, const Step& s);
Result<void> apply_devpts(ApplyState& st, const Step& s);
Result<void> apply_ptmx(ApplyState& st, const Step& s);
Result<void> apply_boot_id(ApplyState& st, const Step& s);
Result<void> apply_pivot_root(ApplyState& st, const Step& s);

}  // namespace lxc::rootfs::detail
