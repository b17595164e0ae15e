// Waiting for the one command a tool runs (lxc-usernsexec, lxc-unshare) the
// way a shell would: ^C and ^\ at the terminal reach the command, which
// decides; a SIGTERM or SIGHUP sent to the tool is passed on to it.
#pragma once

#include <sys/types.h>

#include "base/result.h"

namespace lxc::userns {

// Ignores SIGINT and SIGQUIT and relays SIGTERM and SIGHUP to `pid`.
void relay_signals_to(pid_t pid);

// Waits for `pid` and returns its exit status, or 128+N when signal N ended
// it (as a shell reports it).
Result<int> wait_exit_status(pid_t pid);

}  // namespace lxc::userns
