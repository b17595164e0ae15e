// The monitors of LXC itself ("[lxc monitor] LXCPATH NAME"), which serve a
// command socket at "@LXCPATH/NAME/command" (or "@lxc/HASH/command" when
// that does not fit, HASH the 64-bit FNV-1a of "LXCPATH/NAME" in 16 hex
// digits). When a container's lxcpp monitor does not answer, the tools ask
// there, so that a container LXC started (before lxcpp replaced LXC, or
// next to it) is seen running with its init, is not started a second time,
// can be attached to and stopped.
//
// LXC's wire format (LXC 5.0; the same on every LP64 ABI): a request is
// {int32 cmd, int32 datalen, 8 bytes that were a pointer in the client}, an
// answer {int32 ret, int32 datalen, 8 bytes} with a small result (state,
// pid) in those 8 bytes. Its stop command is not answered: the monitor
// closes the connection once init has the signal. The process holding the
// address is believed on the same terms as an lxcpp monitor (see
// commands::connect).
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "state/state.h"

namespace lxc::commands::lxc_monitor {

std::string socket_name(const std::string& lxcpath, const std::string& name);

// ESRCH when no LXC monitor serves the container.
Result<State> get_state(const std::string& lxcpath, const std::string& name);
Result<pid_t> get_init_pid(const std::string& lxcpath, const std::string& name);
// LXC's stop command: its monitor sends init lxc.signal.stop (SIGKILL unless set).
Result<void> stop(const std::string& lxcpath, const std::string& name);

}  // namespace lxc::commands::lxc_monitor
