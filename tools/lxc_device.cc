// lxc-device: add a host device node or network interface to a running
// container, or take it away again (del).
//
//   lxc-device -n NAME [-P PATH] add|del DEVICE [NAME]
//
// DEVICE is a path under /dev (a character or block device: the node is made
// in the container's /dev with the same numbers and mode, and allowed in its
// devices cgroup; del removes the node and denies it again) or the name of a
// network interface (add: moved from the host into the container, renamed to
// NAME when given; del: moved from the container back to the host, renamed to
// NAME when given).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "api/container.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_device_main(int argc, char** argv) {
  ToolSpec spec{"lxc-device",
                "--name=NAME -- add|del DEV [DEV_NAME]",
                "lxc-device attach or detach DEV to or from container.",
                "",
                "",
                {},
                nullptr};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "lxc-device: %s must be run as root\n", spec.prog.data());
    return 1;
  }
  if (args.rest.size() < 2 || args.rest.size() > 3 || (args.rest[0] != "add" && args.rest[0] != "del")) {
    std::fprintf(stderr, "lxc-device: Usage: lxc-device -n NAME add|del DEV [DEV_NAME]\n");
    return 1;
  }
  const std::string& action = args.rest[0];
  const std::string& dev = args.rest[1];
  std::string dst = args.rest.size() == 3 ? args.rest[2] : std::string();
  api::Container c(args.name, args.lxcpath());
  if (!c.is_running()) {
    std::fprintf(stderr, "lxc-device: Container %s is not running.\n", args.name.c_str());
    return 1;
  }
  // A path is a device node, anything else a network interface.
  const bool add = action == "add";
  Result<void> r = dev.starts_with("/") ? (add ? c.add_device_node(dev, dst) : c.remove_device_node(dev, dst))
                                        : (add ? c.attach_interface(dev, dst) : c.detach_interface(dev, dst));
  if (!r) {
    if (!args.quiet)
      std::fprintf(stderr, "lxc-device: Failed to %s %s %s %s: %s\n", action.c_str(), dev.c_str(),
                   action == "add" ? "to" : "from", args.name.c_str(), describe(r.error()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace lxc::tools
