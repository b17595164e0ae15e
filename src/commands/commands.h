// Client side of the command socket (see protocol.h), used by the tools, and
// the small server helpers that the monitor's main loop uses.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <unordered_set>

#include "base/result.h"
#include "base/unique_fd.h"
#include "commands/protocol.h"
#include "state/state.h"

namespace lxc::commands {

struct Response {
  int32_t ret = 0;
  std::string data;
  UniqueFd fd;  // when the monitor passed one
};

// The default time a tool waits for a monitor's answer.
inline constexpr std::chrono::milliseconds kDefaultTimeout{5000};

// Connects to the container's monitor. ECONNREFUSED/ENOENT mean no monitor
// (the container is not running); EPERM that the socket is held by a process
// that is neither root, nor this user, nor the owner of lxcpath: no monitor
// of ours, and nothing it would say is believed.
Result<UniqueFd> connect(const std::string& lxcpath, const std::string& name);
// The same for any abstract socket address (LXC's monitors: lxc_monitor.h).
Result<UniqueFd> connect_abstract(const std::string& address, const std::string& lxcpath, const std::string& name);

// Sends one request and reads the response. A monitor that does not answer
// within timeout gives ETIMEDOUT with a message that says so.
Result<Response> call(const std::string& lxcpath, const std::string& name, Cmd cmd, int64_t arg = 0,
                      std::string_view data = {}, std::chrono::milliseconds timeout = kDefaultTimeout);

// The container's state: STOPPED when no monitor answers the socket. Where
// no lxcpp monitor serves it, LXC's is asked (lxc_monitor.h).
Result<State> get_state(const std::string& lxcpath, const std::string& name);
// Init's pid in the host's pid namespace (from LXC's monitor too).
Result<pid_t> get_init_pid(const std::string& lxcpath, const std::string& name);
bool is_running(const std::string& lxcpath, const std::string& name);

// The abstract socket addresses bound in this network namespace (from
// /proc/net/unix), none when it cannot be read. For listing many
// containers: one read instead of a connect() per stopped one.
std::optional<std::unordered_set<std::string>> bound_abstract_addresses();
// Whether a monitor (lxcpp's or LXC's) may serve the container, given them.
bool may_have_monitor(const std::unordered_set<std::string>& bound, const std::string& lxcpath,
                      const std::string& name);

// ---- server side ----

// Binds and listens on the container's abstract socket. EADDRINUSE means
// another monitor serves this container.
Result<UniqueFd> listen(const std::string& lxcpath, const std::string& name);
// Reads a request header and its data from a connected client.
Result<std::pair<RequestHeader, std::string>> read_request(int fd);
// Sends a response, with an optional fd.
Result<void> send_response(int fd, int32_t ret, std::string_view data = {}, int pass_fd = -1);

// Low-level helpers, shared with the start sync socket.
Result<void> write_all(int fd, const void* buf, size_t len);
Result<void> read_all(int fd, void* buf, size_t len);
Result<void> send_fd(int sock, int fd, const void* buf, size_t len);
Result<UniqueFd> recv_fd(int sock, void* buf, size_t len);

}  // namespace lxc::commands
