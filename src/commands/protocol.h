// The command socket between a container's monitor and the tools: an
// abstract unix stream socket per container, one request and one response
// per connection (AddStateClient keeps the connection for state pushes).
// Numbers go over the wire and never change.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace lxc::commands {

enum class Cmd : uint32_t {
  GetState = 1,        // ret = State
  GetInitPid = 2,      // ret = pid of the container's init (host view)
  Stop = 3,            // arg = signal (0: lxc.signal.stop, default SIGKILL); ret 0 when sent
  Freeze = 4,          // ret 0 when FROZEN
  Unfreeze = 5,        // ret 0 when RUNNING again
  GetCgroups = 6,      // data = the serialized cgroup paths
  GetConfigItem = 7,   // data in = key; data out = value
  AddStateClient = 8,  // ret = current state; later messages: one State each (ret) until STOPPED
  Console = 9,         // arg = tty number (0 = console, -1 = first free); fd = pty master; ret = tty number.
                       // The client keeps the connection open: the tty is its own (-EBUSY for
                       // others) until it closes it. -EINVAL: no such tty; -ENODEV: no console.
  ConsoleLog = 10,     // arg = 1 to clear; data = the console ring buffer
  GetName = 11,        // data = container name (for sanity checks)
  SetConfigItem = 12,  // data in = "key\0value"
  GetInitPidFd = 13,   // fd = pidfd of init
  GetConfigItems = 14, // data in = keys, '\n'-separated; data out = their values in order, each followed
                       // by '\0' (lxc-attach: one round trip instead of one per key)
};

struct RequestHeader {
  uint32_t cmd = 0;
  uint32_t datalen = 0;
  int64_t arg = 0;
};

struct ResponseHeader {
  int32_t ret = 0;  // >= 0 success (command-specific), < 0 -errno
  uint32_t datalen = 0;
};

inline constexpr uint32_t kMaxData = 1u << 20;

// On an AddStateClient subscription made with arg = 1, the monitor sends,
// when init is reaped and before STOPPING, one message with ret =
// kExitStatusTag (no State has this value) and 4 bytes of data: init's wait
// status (int32, host order). Subscriptions with arg = 0 never see it.
inline constexpr int32_t kExitStatusTag = 0x100;

// The abstract socket name (without the leading NUL) for a container:
// "lxcpp/LXCPATH/NAME/command", hashed when it would not fit in sun_path.
std::string socket_name(const std::string& lxcpath, const std::string& name);

}  // namespace lxc::commands
