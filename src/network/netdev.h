// Moving network interfaces between network namespaces (libnl-route-3).
// Used by the start sequence (network::Session) and by lxc-device.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "base/result.h"

namespace lxc::network {

// Moves the interface `ifname` of the caller's network namespace into the
// network namespace of process `pid`, renamed to `new_name` when given.
Result<void> move_link_to_netns(std::string_view ifname, pid_t pid, std::string_view new_name = {});
// The same into the network namespace open as `netns_fd` (/proc/PID/ns/net).
Result<void> move_link_to_netns_fd(std::string_view ifname, int netns_fd, std::string_view new_name = {});
// The reverse: moves `ifname` out of the namespace `netns_fd` into the
// caller's network namespace, renamed to `new_name` when given.
Result<void> move_link_from_netns(int netns_fd, std::string_view ifname, std::string_view new_name = {});

// Whether the caller's network namespace has an interface of that name.
bool link_exists(std::string_view ifname);

}  // namespace lxc::network
