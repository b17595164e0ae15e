// What lxc-console and lxc-monitor need from a running container's monitor,
// beyond api::Container: a tty's pty master, and a state subscription.
#pragma once

#include <string>

#include "api/container.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "state/state.h"

namespace lxc::api {

struct ConsoleTty {
  UniqueFd master;  // the pty master (shared with the monitor)
  int tty = 0;      // the tty number it belongs to (0: /dev/console)
};
// Asks the monitor for tty (0: the console, -1: the first free one). ESRCH
// when the container is not running; the monitor's code and text otherwise.
Result<ConsoleTty> open_console(const Container& c, int tty);

// Subscribes to the container's state changes. The first read_state_change()
// gives the current state. ESRCH when no monitor answers.
Result<UniqueFd> subscribe_state(const Container& c);
// The next state pushed on a subscription; an Error (EPIPE) when the monitor
// went away, which means STOPPED.
Result<State> read_state_change(int fd);

}  // namespace lxc::api
