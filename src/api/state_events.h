// State subscriptions that also carry init's exit status (lxc-monitor).
// Defined in lifecycle.cc.
#pragma once

#include "api/container.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::api {

struct StateEvent {
  bool exited = false;   // true: exit_status is init's wait status, state unset
  int exit_status = 0;
  State state = State::Stopped;
};

// As subscribe_state, and the monitor also sends init's wait status when it
// is reaped (before STOPPING). ESRCH when no monitor answers.
Result<UniqueFd> subscribe_state_events(const Container& c);
// The next message on such a subscription; an Error (EPIPE) when the
// monitor went away, which means STOPPED.
Result<StateEvent> read_state_event(int fd);

}  // namespace lxc::api
