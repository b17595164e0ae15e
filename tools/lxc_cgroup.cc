// lxc-cgroup: read or write one file of a running container's cgroup.
#include <cstdio>

#include "api/cgroup_access.h"
#include "api/container.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_cgroup_main(int argc, char** argv) {
  ToolSpec spec{"lxc-cgroup", "--name=NAME state-object [value]",
                "Get or set the value of a state object (for example, 'cpuset.cpus')\n"
                "in the container's cgroup for the corresponding subsystem.",
                "", "", {}, nullptr};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (args.rest.empty()) {
    std::fprintf(stderr, "lxc-cgroup: Missing state object\n");
    return 1;
  }
  if (args.rest.size() > 2) {
    std::fprintf(stderr, "lxc-cgroup: too many arguments\n");
    return 1;
  }
  const std::string& key = args.rest[0];
  api::Container c(args.name, args.lxcpath());
  if (!c.is_running()) {
    if (!args.quiet) std::fprintf(stderr, "lxc-cgroup: '%s:%s' is not running\n", c.lxcpath().c_str(), c.name().c_str());
    return 1;
  }
  if (args.rest.size() == 2) {
    const std::string& value = args.rest[1];
    if (auto r = api::set_cgroup_item(c, key, value); !r) {
      if (!args.quiet)
        std::fprintf(stderr, "lxc-cgroup: Failed to assign '%s' value to '%s' for '%s': %s\n", value.c_str(),
                     key.c_str(), c.name().c_str(), describe(r.error()).c_str());
      return 1;
    }
    return 0;
  }
  auto v = api::get_cgroup_item(c, key);
  if (!v) {
    if (!args.quiet)
      std::fprintf(stderr, "lxc-cgroup: Failed to retrieve value of '%s' for '%s:%s': %s\n", key.c_str(),
                   c.lxcpath().c_str(), c.name().c_str(), describe(v.error()).c_str());
    return 1;
  }
  // As LXC: the file's bytes as they are (the kernel's trailing newline included).
  std::fwrite(v->data(), 1, v->size(), stdout);
  return 0;
}

}  // namespace lxc::tools
