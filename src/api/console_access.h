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
  UniqueFd master;      // the pty master (shared with the monitor)
  int tty = 0;          // the tty number it belongs to (0: /dev/console)
  UniqueFd connection;  // the tty stays ours while this is open
};
// Asks the monitor for tty (0: the console, -1: the first free one). ESRCH
// when the container is not running; the monitor's code and text otherwise
// (EBUSY: in use by another client, or none free; EINVAL: no such tty).
Result<ConsoleTty> open_console(const Container& c, int tty);

// The console ring buffer (lxc.console.buffer.size) as liblxc's console_log
// API gives it; clear empties it (and rotates lxc.console.logfile when
// lxc.console.rotate is on).
Result<std::string> console_log(const Container& c, bool clear);

// Subscribes to the container's state changes. The first read_state_change()
// gives the current state. ESRCH when no monitor answers.
Result<UniqueFd> subscribe_state(const Container& c);
// The next state pushed on a subscription; an Error (EPIPE) when the monitor
// went away, which means STOPPED.
Result<State> read_state_change(int fd);

}  // namespace lxc::api
