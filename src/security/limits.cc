#include "security/limits.h"

#include <sys/resource.h>

#include <string_view>
#include <utility>

#include "base/strings.h"

namespace lxc::security {

namespace {

Result<int> rlimit_resource(std::string_view name) {
  static constexpr std::pair<std::string_view, int> kLimits[] = {
      {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
      {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
      {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
      {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
      {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
      {"stack", RLIMIT_STACK}};
  for (auto [n, r] : kLimits)
    if (n == name) return r;
  return fail(EINVAL, "unknown resource " + std::string(name));
}

}  // namespace

Result<void> apply_prlimits(const config::Conf& conf) {
  for (const auto& [key, value] : conf.prlimits) {
    auto res = rlimit_resource(key);
    if (!res) return unexpected(res.error());
    auto parse = [](std::string_view s) -> rlim_t {
      if (s == "unlimited") return RLIM_INFINITY;
      return static_cast<rlim_t>(parse_u64(s).value_or(0));
    };
    struct rlimit rl {};
    auto colon = value.find(':');
    rl.rlim_cur = parse(std::string_view(value).substr(0, colon));
    rl.rlim_max = colon == std::string::npos ? rl.rlim_cur : parse(std::string_view(value).substr(colon + 1));
    if (::setrlimit(*res, &rl) < 0) return fail_sys("lxc.prlimit." + key + " = " + value);
  }
  return {};
}

}  // namespace lxc::security
