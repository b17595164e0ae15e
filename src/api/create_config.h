// The text of a new container's config file, as lxc-create writes it:
//
//   # Template used to create this container: TEMPLATE PATH
//   # Parameters passed to the template: ARGS
//   # For additional config options, please look at lxc.container.conf(5)
//   ...nesting comment...
//   <the base config: -f FILE, else lxc.default_config (default.conf)>
//   lxc.rootfs.path = dir:LXCPATH/NAME/rootfs
//   <the template's lines (busybox: lxc.uts.name, signals, mounts ...)>
//
// LXC does not merge -f with default.conf: -f replaces it. The base config's
// lines are kept as written (comments too, lxc.include unexpanded) except that
// blank lines go and each 'x' of an lxc.net.N.hwaddr value becomes a random
// hex digit. Without a template there is no header.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lxc::api {

using HwaddrFiller = std::function<std::string(std::string_view)>;

// The header LXC prepends once the template has run (ends with a blank line).
std::string config_header(std::string_view template_path, const std::vector<std::string>& args);

// Whether a config line sets an interface's hwaddr: lxc.net.N.hwaddr (and
// LXC 2's lxc.network.N.hwaddr, lxc.net.hwaddr, lxc.network.hwaddr), not in a
// comment, leading white space allowed.
bool is_hwaddr_line(std::string_view line);

// The line with the x/X placeholders of its value filled by fill (which gets
// the value from its first character on); other lines unchanged.
std::string fill_hwaddr_line(std::string_view line, const HwaddrFiller& fill);

// The base config as it goes into the new config file; fill defaults to
// config::randomize_hwaddr.
std::string base_config_text(std::string_view text, const HwaddrFiller& fill = {});

// The final config of a container made by a built-in template.
std::string assemble_config(std::string_view header, std::string_view base, std::string_view rootfs_src,
                            std::string_view template_lines);

}  // namespace lxc::api
