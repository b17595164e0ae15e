#include "commands/lxc_monitor.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cstdint>
#include <cstdio>

#include "base/strings.h"
#include "commands/commands.h"

namespace lxc::commands::lxc_monitor {
namespace {

// LXC's lxc_cmd_t values.
enum : int32_t { kStop = 2, kGetState = 3, kGetInitPid = 4 };

struct WireRequest {
  int32_t cmd = 0;
  int32_t datalen = 0;
  uint64_t data = 0;
};
struct WireResponse {
  int32_t ret = 0;
  int32_t datalen = 0;
  uint64_t data = 0;
};
static_assert(sizeof(WireRequest) == 16 && sizeof(WireResponse) == 16);

Result<UniqueFd> connect_to(const std::string& lxcpath, const std::string& name) {
  auto fd = connect_abstract(socket_name(lxcpath, name), lxcpath, name);
  if (!fd && (fd.error().code == ECONNREFUSED || fd.error().code == ENOENT))
    return fail(ESRCH, name + " is not running under LXC");
  if (fd) {
    // A wedged monitor: the tools time out as with lxcpp's own.
    struct timeval tv {};
    tv.tv_sec = kDefaultTimeout.count() / 1000;
    ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd->get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  return fd;
}

// One request with no data; the answer's 8-byte result.
Result<uint64_t> ask(const std::string& lxcpath, const std::string& name, int32_t cmd) {
  auto fd = connect_to(lxcpath, name);
  if (!fd) return unexpected(fd.error());
  WireRequest req{cmd, 0, 0};
  if (auto r = write_all(fd->get(), &req, sizeof req); !r) return unexpected(r.error());
  WireResponse rsp;
  if (auto r = read_all(fd->get(), &rsp, sizeof rsp); !r) {
    // Closed without an answer: the monitor is going away with its container.
    if (r.error().code == ECONNRESET) return fail(ESRCH, name + " is not running under LXC");
    return unexpected(with_context(r.error(), "LXC's monitor of " + name));
  }
  if (rsp.ret < 0) return fail(-rsp.ret, "LXC's monitor of " + name);
  return rsp.data;
}

}  // namespace

std::string socket_name(const std::string& lxcpath, const std::string& name) {
  std::string full = lxcpath + "/" + name + "/command";
  if (full.size() + 1 <= sizeof(sockaddr_un::sun_path)) return full;
  char buf[40];
  std::snprintf(buf, sizeof buf, "lxc/%016llx/command",
                static_cast<unsigned long long>(fnv1a_64(lxcpath + "/" + name)));
  return buf;
}

Result<State> get_state(const std::string& lxcpath, const std::string& name) {
  auto v = ask(lxcpath, name, kGetState);
  if (!v) return unexpected(v.error());
  if (*v > static_cast<uint64_t>(State::Thawed)) return fail(EPROTO, "LXC's monitor of " + name + ": unknown state");
  return static_cast<State>(*v);
}

Result<pid_t> get_init_pid(const std::string& lxcpath, const std::string& name) {
  auto v = ask(lxcpath, name, kGetInitPid);
  if (!v) return unexpected(v.error());
  if (*v == 0 || *v > INT32_MAX) return fail(ESRCH, name + " has no init process");
  return static_cast<pid_t>(*v);
}

Result<void> stop(const std::string& lxcpath, const std::string& name) {
  auto fd = connect_to(lxcpath, name);
  if (!fd) return unexpected(fd.error());
  WireRequest req{kStop, 0, 0};
  if (auto r = write_all(fd->get(), &req, sizeof req); !r) return unexpected(r.error());
  // No answer: the monitor closes the connection when init has the signal.
  WireResponse rsp;
  if (read_all(fd->get(), &rsp, sizeof rsp) && rsp.ret < 0) return fail(-rsp.ret, "LXC's monitor of " + name + ": stop");
  return {};
}

}  // namespace lxc::commands::lxc_monitor
