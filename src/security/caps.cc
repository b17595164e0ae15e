#include "security/caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>

#include "base/strings.h"

namespace lxc::security {
namespace {

int last_cap() {
  static int last = [] {
    for (int c = 63; c >= 0; --c)
      if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0) return c;
    return CAP_LAST_CAP;
  }();
  return last;
}

Result<int> cap_number(const std::string& name) {
  if (auto n = parse_u64(name)) {
    if (static_cast<int>(*n) > last_cap()) return fail(EINVAL, "capability " + name + " is not known to this kernel");
    return static_cast<int>(*n);
  }
  std::string lower = to_lower(name);
  if (!lower.starts_with("cap_")) lower = "cap_" + lower;
  cap_value_t v;
  if (cap_from_name(lower.c_str(), &v) < 0) return fail(EINVAL, "unknown capability " + name);
  return static_cast<int>(v);
}

}  // namespace

Result<std::vector<int>> caps_to_drop(const config::Conf& conf) {
  // LXC refuses the start rather than pick one of the two.
  if (!conf.cap_keep.empty() && !conf.cap_drop.empty())
    return fail(EINVAL,
                "Container requests lxc.cap.drop and lxc.cap.keep: either use lxc.cap.drop or lxc.cap.keep, not both");
  std::vector<int> drop;
  if (!conf.cap_keep.empty()) {
    std::vector<int> keep;
    for (const auto& name : conf.cap_keep) {
      if (name == "none") continue;
      auto n = cap_number(name);
      if (!n) return unexpected(with_context(n.error(), "lxc.cap.keep"));
      keep.push_back(*n);
    }
    for (int c = 0; c <= last_cap(); ++c)
      if (std::find(keep.begin(), keep.end(), c) == keep.end()) drop.push_back(c);
    return drop;
  }
  for (const auto& name : conf.cap_drop) {
    auto n = cap_number(name);
    if (!n) return unexpected(with_context(n.error(), "lxc.cap.drop"));
    drop.push_back(*n);
  }
  return drop;
}

Result<void> apply_capabilities(const config::Conf& conf) {
  auto drop = caps_to_drop(conf);
  if (!drop) return unexpected(drop.error());
  for (int c : *drop)
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) return fail_sys("drop capability " + std::to_string(c));
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  cap_t caps = cap_get_proc();
  if (!caps) return fail_sys("cap_get_proc");
  // Effective and permitted stay: the identity switch that follows needs
  // them, and root's execve recomputes both from the bounding set.
  cap_clear_flag(caps, CAP_INHERITABLE);
  int rc = cap_set_proc(caps);
  cap_free(caps);
  if (rc < 0) return fail_sys("set capabilities");
  return {};
}

}  // namespace lxc::security
