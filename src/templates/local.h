// The local template, built in: a container from a rootfs tarball on disk
// (LXC 6's lxc-local, with its options):
//   lxc-create -t local -n NAME -- --fstree ROOTFS.tar[.gz|.xz|.zst|.bz2]
//                                  [--metadata META.tar.xz] [--no-dev]
// The metadata tarball is the download template's (config, fstab, excludes,
// templates, create-message; see image.h). Unlike LXC 5, which refuses an
// image without one, metadata and its config are optional: without them the
// container gets lxcpp's distribution defaults (local_default_config), which
// boot a systemd or sysvinit distribution such as a Gentoo stage3 or a
// debootstrapped Debian.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "templates/template.h"

namespace lxc::templates {

inline constexpr std::string_view kLocalScriptPath = "/usr/share/lxc/templates/lxc-local";

std::unique_ptr<Template> local_template();

// The "# Distribution configuration" of an image without a config:
// common.conf by lxc.include when it is installed in kLxcTemplateConfig
// (lxcpp installs its own there), else (lxcpp run from a build tree) the same
// essentials written out: mounts, ttys, dropped capabilities, the device
// allow-list.
std::string local_default_config(bool have_common_conf);

}  // namespace lxc::templates
