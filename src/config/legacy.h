// Keys LXC 2.x used and LXC 3 renamed or dropped: the table behind
// lxc-update-config and behind the "use ... instead" errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lxc::config {

struct LegacyKey {
  std::string_view old_name;
  std::string_view new_name;  // empty: the key was dropped without replacement
};

// The replacement for a legacy key ("lxc.utsname" → "lxc.uts.name",
// "lxc.network.0.ipv4" → "lxc.net.0.ipv4.address"), or nullopt when the key is
// not a legacy one. A dropped key maps to an empty string.
std::optional<std::string> legacy_replacement(std::string_view key);

// Rewrites a whole config text as lxc-update-config does: renames legacy keys
// (comments too), numbers unindexed lxc.network.* blocks, turns
// lxc.rootfs + lxc.rootfs.backend into lxc.rootfs.path with a driver prefix
// and drops lxc.rootfs.backend, lxc.pivotdir and lxc.kmsg.
std::string update_config_text(std::string_view text);

}  // namespace lxc::config
