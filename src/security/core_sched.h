// lxc.sched.core: the container's tasks in a core scheduling domain of their
// own, so that the kernel never runs a task from outside it on an SMT sibling
// of one of its tasks (a defence against cross-hyperthread attacks). The
// domain is a cookie the kernel keeps per task; children inherit it.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "base/result.h"

namespace lxc::security {

// A new domain for pid's thread group: the container's init, before it runs
// anything of the container's, so that every task it makes inherits it.
Result<void> create_core_sched_domain(pid_t pid);

// The domain's cookie (0: pid is in none).
Result<uint64_t> core_sched_cookie(pid_t pid);

// The calling thread into pid's domain (lxc-attach: into init's).
Result<void> join_core_sched_domain(pid_t pid);

}  // namespace lxc::security
