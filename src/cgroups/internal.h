// Internal to src/cgroups: helpers shared by cgroup.cc and control.cc.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "cgroups/cgroup.h"
#include "cgroups/fs.h"

namespace lxc::cgroups::detail {

// Creates start/rel (both relative to h.mountpoint, start existing) one level
// at a time, initializing v1 cpuset on the way. The last level must be new
// (EEXIST otherwise) unless leaf_may_exist. Returns the highest directory it
// created, "" when none; on failure removes what it created.
Result<std::string> make_tree(const Hierarchy& h, const std::string& start, const std::string& rel, bool leaf_may_exist);

// Writes FROZEN or THAWED to dir/freezer.state and polls until it reads back
// so (a v1 freeze passes through FREEZING; the write is repeated meanwhile).
Result<void> v1_freeze_state(const std::string& dir, std::string_view state, fs::Clock::time_point deadline);

}  // namespace lxc::cgroups::detail
