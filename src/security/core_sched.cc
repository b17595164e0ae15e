#include "security/core_sched.h"

#include <sys/prctl.h>

#include <cerrno>
#include <string>

namespace lxc::security {
namespace {

// <linux/prctl.h> of older headers lacks these.
constexpr int kPrSchedCore = 62;
constexpr unsigned long kGet = 0, kCreate = 1, kShareFrom = 3;
constexpr unsigned long kScopeThread = 0, kScopeThreadGroup = 1;

Result<void> sched_core(unsigned long op, pid_t pid, unsigned long scope, unsigned long arg, const std::string& what) {
  if (::prctl(kPrSchedCore, op, static_cast<unsigned long>(pid), scope, arg) == 0) return {};
  // EINVAL: no CONFIG_SCHED_CORE; ENODEV: built in, but this machine has no SMT.
  if (errno == EINVAL) return fail(EINVAL, what + ": this kernel does not support core scheduling (CONFIG_SCHED_CORE)");
  if (errno == ENODEV)
    return fail(ENODEV, what + ": core scheduling is unavailable here (the CPUs have no SMT siblings)");
  return fail_sys(what);
}

}  // namespace

Result<void> create_core_sched_domain(pid_t pid) {
  return sched_core(kCreate, pid, kScopeThreadGroup, 0,
                    "create a core scheduling domain for pid " + std::to_string(pid));
}

Result<uint64_t> core_sched_cookie(pid_t pid) {
  uint64_t cookie = 0;
  if (auto r = sched_core(kGet, pid, kScopeThread, reinterpret_cast<unsigned long>(&cookie),
                          "read the core scheduling cookie of pid " + std::to_string(pid));
      !r)
    return unexpected(r.error());
  return cookie;
}

Result<void> join_core_sched_domain(pid_t pid) {
  return sched_core(kShareFrom, pid, kScopeThread, 0,
                    "join the core scheduling domain of pid " + std::to_string(pid));
}

}  // namespace lxc::security
