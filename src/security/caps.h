// lxc.cap.drop and lxc.cap.keep: the container's capability bounding set.
#pragma once

#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::security {

// The capabilities to remove from the bounding set for conf, as numbers.
// An error when both cap.keep and cap.drop are set, as in LXC.
Result<std::vector<int>> caps_to_drop(const config::Conf& conf);
// Drops them from the calling process's bounding set and clears the
// inheritable and ambient sets; root's execve then gets exactly the rest.
// Call it before switching to lxc.init.uid (dropping needs CAP_SETPCAP).
Result<void> apply_capabilities(const config::Conf& conf);

}  // namespace lxc::security
