// lxc.prlimit.*: the resource limits of the container's processes (init and
// every attached process).
#pragma once

#include "base/result.h"
#include "config/conf.h"

namespace lxc::security {

// setrlimit() for each lxc.prlimit.NAME = SOFT[:HARD] ("unlimited" allowed)
// on the calling process. Raising a hard limit needs CAP_SYS_RESOURCE in the
// initial user namespace: call it before entering the container's.
Result<void> apply_prlimits(const config::Conf& conf);

}  // namespace lxc::security
