#include "api/cgroup_access.h"

#include "cgroups/cgroup.h"

namespace lxc::api {
namespace {

Result<cgroups::Cgroup> running_cgroup(const Container& c) {
  auto text = c.cgroup_paths();
  if (!text) return unexpected(text.error());
  if (text->empty()) return fail(ENOENT, c.name() + ": the monitor reports no cgroups");
  return cgroups::Cgroup::deserialize(*text);
}

}  // namespace

Result<std::string> get_cgroup_item(const Container& c, std::string_view key) {
  auto cg = running_cgroup(c);
  if (!cg) return unexpected(cg.error());
  return cg->get(key);
}

Result<void> set_cgroup_item(const Container& c, std::string_view key, std::string_view value) {
  auto cg = running_cgroup(c);
  if (!cg) return unexpected(cg.error());
  return cg->set(key, value);
}

}  // namespace lxc::api
