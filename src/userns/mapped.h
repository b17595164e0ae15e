// Work on a container's files by an unprivileged user: a child process that
// is root of a new user namespace mapping the container's lxc.idmap plus the
// caller's own uid and gid (at the lowest id no map covers), as LXC's
// userns_exec_full. There it may chown files between the caller and the
// container's ids, and remove files the container's ids own.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::userns {

struct MappedIds {
  uid_t self_uid;  // the caller's uid and gid as seen inside
  gid_t self_gid;
};

// Runs fn in such a child (through newuidmap/newgidmap) and waits for it. fn
// returns 0 on success or an errno value, which becomes the error's code;
// `what` names the work in the error.
Result<void> run_mapped(const std::vector<config::IdMap>& idmaps, const std::function<int(const MappedIds&)>& fn,
                        const std::string& what);

// The same for work that reports a Result: its error is logged from the
// child (with its message) and comes back with its code.
Result<void> run_mapped(const std::vector<config::IdMap>& idmaps, const std::function<Result<void>()>& work,
                        const std::string& what);

// Inside run_mapped: every entry of the tree at path (itself included, not
// crossing into other filesystems' mounts, symlinks not followed) that the
// caller owns goes to the container's root (uid and gid 0 inside), as the
// files of a rootfs an unprivileged user made. 0 or an errno value.
int chown_tree_to_root(const std::string& path, const MappedIds& ids);

}  // namespace lxc::userns
