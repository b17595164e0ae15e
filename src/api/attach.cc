#include "api/container.h"
#include "base/strings.h"

namespace lxc::api {

Result<int> Container::attach(const attach::AttachOptions& opts) const {
  attach::Target t;
  auto pid = init_pid();
  if (!pid) return unexpected(pid.error());
  t.init_pid = *pid;
  if (auto paths = cgroup_paths()) t.cgroup_paths = *paths;
  // The running container's own view of its configuration.
  auto list = [&](std::string_view key) {
    auto v = get_running_config_item(key);
    return v ? split(*v, "\n") : std::vector<std::string>{};
  };
  t.cap_drop = list("lxc.cap.drop");
  t.cap_keep = list("lxc.cap.keep");
  t.environment = list("lxc.environment");
  t.userns = !list("lxc.idmap").empty();
  if (auto v = get_running_config_item("lxc.seccomp.profile")) t.seccomp_profile = *v;
  return attach::run(t, opts);
}

}  // namespace lxc::api
