// lxc.system.conf(5): the host-wide settings and where LXC keeps its files,
// for root (/etc/lxc, /var/lib/lxc, ...) and for other users (~/.config/lxc,
// ~/.local/share/lxc, ...).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::config {

struct Paths {
  std::string config_dir;      // /etc/lxc or ~/.config/lxc
  std::string system_conf;     // lxc.conf in config_dir
  std::string default_config;  // default.conf in config_dir
  std::string lxcpath;         // /var/lib/lxc or ~/.local/share/lxc
  std::string log_dir;         // /var/log/lxc or ~/.cache/lxc
  std::string cache_dir;       // /var/cache/lxc or ~/.cache/lxc
  std::string usernet;         // /etc/lxc/lxc-usernet
  // lxcpp's runtime files (locks, lxc-monitor's sockets): /run/lxcpp, or
  // $XDG_RUNTIME_DIR/lxcpp (~/.cache/lxcpp/run without it).
  std::string run_dir;
};

// The default locations for the current effective user.
Paths default_paths();

// The keys of lxc.system.conf, in the order lxc-config -l lists them.
std::span<const std::string_view> system_keys();

// A system setting: the value from lxc.conf when it sets one, else the
// default. nullopt when the key has no value ("is not set"); an Error for an
// unknown key. conf_file overrides the location of lxc.conf (for tests and
// --rcfile-less tools); empty means default_paths().system_conf.
Result<std::optional<std::string>> system_value(std::string_view key, const std::string& conf_file = {});

// The lxcpath to use when no -P is given.
std::string default_lxcpath();

// lxc.bdev.lvm.vg, lxc.bdev.lvm.thin_pool or lxc.bdev.zfs.root: what the lvm
// and zfs storage use when lxc-create gives no --vgname, --thinpool or
// --zfsroot; LXC's "lxc" unless lxc.conf sets it.
std::string bdev_default(std::string_view key, const std::string& conf_file = {});

}  // namespace lxc::config
