// Destroying a stopped container: lxc-destroy's work once its options are parsed.
#pragma once

#include "api/container.h"
#include "base/result.h"

namespace lxc::api {

enum class RunState { Stopped, Running };

// Whether the container is running (its monitor answers).
RunState probe_run_state(const Container& c);

struct DestroyOptions {
  bool force = false;      // -f: stop a running container first
  bool snapshots = false;  // -s: destroy LXCPATH/NAME/snaps/* too
  std::string rcfile;      // --rcfile: the config naming the rootfs, instead of LXCPATH/NAME/config
  // lxc-snapshot -r over the original: the container goes but its snaps/
  // directory stays (LXC's container_destroy), and so no snapshot check.
  bool keep_snapshots_dir = false;
};

// Removes the container's storage (when lxc.rootfs.managed) and LXCPATH/NAME,
// under the container lock. Everything is checked before anything is
// deleted: a rootfs or container dir with a mount point at or below it makes
// it refuse (EBUSY), and the removal never follows a symbolic link nor
// leaves a filesystem. Errors carry LXC's messages: "Container is not
// defined", "Destroying NAME failed: NAME has snapshots", "... has clones"
// (lxc_snapshots lists dependents), "NAME is running". With snapshots (-s),
// the clones that depend on it and its snapshots go first. A clone leaves
// its base's lxc_snapshots.
Result<void> destroy(const Container& c, const DestroyOptions& o);

}  // namespace lxc::api
