// LXC's container images: a rootfs tarball plus a metadata tarball with
//   config, fstab         the distribution's config lines and mount table
//   excludes              tar exclude patterns for the rootfs
//   templates             rootfs files whose placeholders get filled
//   create-message        printed once the container is made
//   expiry                (download) when a cached copy is stale, in epoch seconds
// Each file may come as NAME-user / NAME-system (for the mode: "user" in a
// user namespace or for an unprivileged container) and NAME.COMPAT (the
// template's compatibility level: download 7, local 5); LXC's lookup takes the
// mode variant first, then a compat variant of that. The placeholders
// LXC_NAME, LXC_PATH, LXC_ROOTFS, LXC_TEMPLATE_CONFIG and LXC_HOOK_DIR are
// replaced in config, fstab and the listed rootfs files, in that order.
//
// The local and download templates share this: they extract the rootfs,
// then install_image rewrites LXCPATH/NAME/config in LXC's layout:
//   <what the config had that is not an lxc.* line (comments)>
//   # Distribution configuration      <- the image's config
//   # Container specific configuration <- the lxc.* lines lxc-create wrote
//   lxc.mount.fstab = LXCPATH/NAME/fstab (if the image has an fstab)
//   lxc.uts.name = NAME
//   # Network configuration           <- the lxc.net.0 lines lxc-create wrote
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"
#include "templates/template.h"

namespace lxc::templates {

// Where lxcpp installs LXC's config snippets (common.conf, debian.common.conf,
// common.seccomp...) and hooks, which image configs name through the
// LXC_TEMPLATE_CONFIG and LXC_HOOK_DIR placeholders: DATADIR/lxc/config and
// DATADIR/lxc/hooks, so /usr/share/lxc/config and /usr/share/lxc/hooks (LXC's
// own paths) with the prefix /usr, and a config made by either works with the
// other.
extern const std::string_view kLxcTemplateConfig;
extern const std::string_view kLxcHookDir;

struct ImageMeta {
  std::map<std::string, std::string> files;  // from the metadata tarball
  std::string mode = "system";               // "system" or "user"
  int compat = 5;
  // LXC's relevant_file: the content of NAME-MODE / NAME.COMPAT variants, or nullptr.
  const std::string* find(std::string_view name) const;
};

struct Placeholders {
  std::string name, path, rootfs;
  std::string template_config{kLxcTemplateConfig};
  std::string hook_dir{kLxcHookDir};
};

// Replaces the placeholders, one after the other as LXC's sed calls do.
std::string fill_placeholders(std::string_view text, const Placeholders& p);

// The non-empty lines of a list file (excludes, templates), trimmed of '\r'.
std::vector<std::string> list_lines(std::string_view text);

// LXC's config rewrite (see the top of this file). dist_config is the
// image's config; has_fstab adds lxc.mount.fstab.
std::string image_config(std::string_view initial, std::string_view dist_config, bool has_fstab, std::string_view name,
                         std::string_view path);

// "user" for an unprivileged container (an idmap) or in a user namespace
// that does not map the whole id range; "system" otherwise.
std::string image_mode(const std::vector<config::IdMap>& idmap);

// After the rootfs is extracted: /dev/pts, the config (dist_config is the
// image's config), the fstab, the placeholders, CentOS' mingetty fix, and
// the create-message on stdout unless quiet.
Result<void> install_image(const Request& req, const ImageMeta& meta, std::string_view dist_config);

}  // namespace lxc::templates
