// Dependencies between containers whose storage shares data (an overlay
// clone reads its base's rootfs; an lvm or zfs snapshot needs its origin),
// in LXC's files:
//   LXCPATH/BASE/lxc_snapshots  "CLONE_LXCPATH\nCLONE_NAME\n" per dependent
//                               (LXC 1.0 wrote a count instead; still read)
//   LXCPATH/CLONE/lxc_rdepends  "BASE_LXCPATH\nBASE_NAME\n" per base
// A base with dependents cannot be destroyed ("has clones") or restored over.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace lxc::storage {

struct ContainerRef {
  std::string lxcpath;
  std::string name;
  bool operator==(const ContainerRef&) const = default;
};

// Whether LXCPATH/NAME has dependents (LXC's has_fs_snapshots: a non-empty
// lxc_snapshots file that is not the old format's "0").
bool has_dependents(const std::string& dir);
// The dependents listed in dir/lxc_snapshots (none for the old format).
std::vector<ContainerRef> dependents(const std::string& dir);
// The bases listed in dir/lxc_rdepends.
std::vector<ContainerRef> bases(const std::string& dir);

// Records that `clone` depends on each of `on`: writes clone's
// lxc_rdepends and adds clone to each base's lxc_snapshots.
Result<void> add_dependency(const ContainerRef& clone, const std::vector<ContainerRef>& on);
// Undoes add_dependency for a clone being destroyed: removes it from the
// lxc_snapshots of every base its lxc_rdepends names (a file left empty is
// removed). Bases that are gone are skipped.
Result<void> drop_dependency(const ContainerRef& clone);

}  // namespace lxc::storage
