// lxc-cgroup's view of a running container's cgroups: one file, read or
// written through the paths the monitor reports (Cmd::GetCgroups).
#pragma once

#include <string>
#include <string_view>

#include "api/container.h"
#include "base/result.h"

namespace lxc::api {

// The contents of KEY (e.g. "memory.limit_in_bytes") in the container's
// cgroup, as the kernel gives it (trailing newline included). ESRCH when the
// container is not running.
Result<std::string> get_cgroup_item(const Container& c, std::string_view key);
// Writes VALUE to KEY. ESRCH when not running.
Result<void> set_cgroup_item(const Container& c, std::string_view key, std::string_view value);

}  // namespace lxc::api
