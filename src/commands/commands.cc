#include "commands/commands.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "commands/lxc_monitor.h"
#include "log/log.h"

namespace lxc::commands {
namespace {

constexpr log::Logger kLog("commands");

// The abstract address (sun_path[0] = 0) of name, which fits (socket_name).
socklen_t abstract_addr(const std::string& address, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, address.data(), std::min(address.size(), sizeof addr.sun_path - 1));
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + std::min(address.size(), sizeof addr.sun_path - 1));
}

void set_timeout(int fd, std::chrono::milliseconds t) {
  struct timeval tv {};
  tv.tv_sec = t.count() / 1000;
  tv.tv_usec = (t.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// A monitor runs as root, as the user asking, or as the owner of the
// lxcpath (an unprivileged user's containers, asked about by root). Anyone
// can bind an abstract address: whoever else holds it is not believed, so
// that no init pid it names sends lxc-attach or a signal anywhere.
Result<void> check_server(int fd, const std::string& lxcpath, const std::string& address) {
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return fail_sys("SO_PEERCRED of " + address);
  if (cred.uid == 0 || cred.uid == ::geteuid()) return {};
  struct stat st {};
  if (::stat(lxcpath.c_str(), &st) == 0 && st.st_uid == cred.uid) return {};
  return fail(EPERM, "the command socket @" + address + " is held by pid " + std::to_string(cred.pid) + " of uid " +
                         std::to_string(cred.uid) + ", which is neither root, nor you, nor the owner of " + lxcpath +
                         ": not a monitor to trust");
}

}  // namespace

std::string socket_name(const std::string& lxcpath, const std::string& name) {
  std::string full = "lxcpp/" + lxcpath + "/" + name + "/command";
  if (full.size() + 1 <= sizeof(sockaddr_un::sun_path)) return full;
  char buf[40];
  std::snprintf(buf, sizeof buf, "lxcpp/%016llx/command",
                static_cast<unsigned long long>(fnv1a_64(lxcpath + "/" + name)));
  return buf;
}

Result<void> write_all(int fd, const void* buf, size_t len) {
  const char* p = static_cast<const char*>(buf);
  while (len > 0) {
    ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("write");
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return {};
}

Result<void> read_all(int fd, void* buf, size_t len) {
  char* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = ::read(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("read");
    }
    if (n == 0) return fail(ECONNRESET, "read: connection closed");
    p += n;
    len -= static_cast<size_t>(n);
  }
  return {};
}

Result<void> send_fd(int sock, int fd, const void* buf, size_t len) {
  struct msghdr msg {};
  struct iovec iov {const_cast<void*>(buf), len};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  for (;;) {
    ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("sendmsg");
    if (static_cast<size_t>(n) < len) return write_all(sock, static_cast<const char*>(buf) + n, len - n);
    return {};
  }
}

Result<UniqueFd> recv_fd(int sock, void* buf, size_t len) {
  struct msghdr msg {};
  struct iovec iov {buf, len};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_sys("recvmsg");
  if (n == 0) return fail(ECONNRESET, "recvmsg: connection closed");
  UniqueFd fd;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int got;
      std::memcpy(&got, CMSG_DATA(c), sizeof(int));
      fd.reset(got);
    }
  }
  if (static_cast<size_t>(n) < len) {
    if (auto r = read_all(sock, static_cast<char*>(buf) + n, len - n); !r) return unexpected(r.error());
  }
  return fd;
}

Result<UniqueFd> connect_abstract(const std::string& address, const std::string& lxcpath, const std::string& name) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_sys("socket");
  sockaddr_un addr;
  socklen_t len = abstract_addr(address, addr);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) < 0) return fail_sys("connect to the monitor of " + name);
  if (auto r = check_server(fd.get(), lxcpath, address); !r) return unexpected(r.error());
  return fd;
}

Result<UniqueFd> connect(const std::string& lxcpath, const std::string& name) {
  return connect_abstract(socket_name(lxcpath, name), lxcpath, name);
}

Result<Response> call(const std::string& lxcpath, const std::string& name, Cmd cmd, int64_t arg, std::string_view data,
                      std::chrono::milliseconds timeout) {
  auto fd = connect(lxcpath, name);
  if (!fd) return unexpected(fd.error());
  set_timeout(fd->get(), timeout);
  RequestHeader h{static_cast<uint32_t>(cmd), static_cast<uint32_t>(data.size()), arg};
  auto timed_out = [&](const Error& e) {
    if (e.code == EAGAIN || e.code == EWOULDBLOCK)
      return make_error(ETIMEDOUT, "the monitor of " + name + " did not answer within " +
                                       std::to_string(timeout.count()) + " ms");
    return with_context(e, "command socket of " + name);
  };
  if (auto r = write_all(fd->get(), &h, sizeof h); !r) return unexpected(timed_out(r.error()));
  if (!data.empty())
    if (auto r = write_all(fd->get(), data.data(), data.size()); !r) return unexpected(timed_out(r.error()));
  ResponseHeader rh;
  auto passed = recv_fd(fd->get(), &rh, sizeof rh);
  if (!passed) return unexpected(timed_out(passed.error()));
  Response resp;
  resp.ret = rh.ret;
  resp.fd = std::move(*passed);
  if (rh.datalen > kMaxData) return fail(EPROTO, "command socket of " + name + ": response too large");
  resp.data.resize(rh.datalen);
  if (rh.datalen)
    if (auto r = read_all(fd->get(), resp.data.data(), rh.datalen); !r) return unexpected(timed_out(r.error()));
  return resp;
}

Result<State> get_state(const std::string& lxcpath, const std::string& name) {
  auto r = call(lxcpath, name, Cmd::GetState);
  if (!r) {
    if (r.error().code != ECONNREFUSED && r.error().code != ENOENT) return unexpected(r.error());
    // No lxcpp monitor: LXC's may run it.
    auto lxc = lxc_monitor::get_state(lxcpath, name);
    if (!lxc && lxc.error().code == ESRCH) return State::Stopped;
    return lxc;
  }
  if (r->ret < 0) return fail(-r->ret, "get state of " + name);
  return static_cast<State>(r->ret);
}

Result<pid_t> get_init_pid(const std::string& lxcpath, const std::string& name) {
  auto r = call(lxcpath, name, Cmd::GetInitPid);
  if (!r) {
    if (r.error().code != ECONNREFUSED && r.error().code != ENOENT) return unexpected(r.error());
    auto lxc = lxc_monitor::get_init_pid(lxcpath, name);
    if (!lxc && lxc.error().code == ESRCH) return fail(ESRCH, name + " is not running");
    return lxc;
  }
  if (r->ret <= 0) return fail(r->ret < 0 ? -r->ret : ESRCH, name + " has no init process");
  return static_cast<pid_t>(r->ret);
}

std::optional<std::unordered_set<std::string>> bound_abstract_addresses() {
  auto text = read_file("/proc/net/unix");
  if (!text) return std::nullopt;
  std::unordered_set<std::string> out;
  for (std::string_view line : lines(*text)) {
    // "Num: RefCount Protocol Flags Type St Inode Path": the path is what
    // follows the seventh field (it may hold spaces); '@' marks an abstract one.
    size_t pos = 0;
    for (int field = 0; field < 7 && pos != std::string_view::npos; ++field) {
      pos = line.find_first_not_of(' ', pos);
      if (pos != std::string_view::npos) pos = line.find(' ', pos);
    }
    if (pos == std::string_view::npos || pos + 1 >= line.size() || line[pos + 1] != '@') continue;
    out.emplace(line.substr(pos + 2));
  }
  return out;
}

bool may_have_monitor(const std::unordered_set<std::string>& bound, const std::string& lxcpath,
                      const std::string& name) {
  return bound.contains(socket_name(lxcpath, name)) || bound.contains(lxc_monitor::socket_name(lxcpath, name));
}

bool is_running(const std::string& lxcpath, const std::string& name) {
  auto s = get_state(lxcpath, name);
  return s && *s != State::Stopped;
}

Result<UniqueFd> listen(const std::string& lxcpath, const std::string& name) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return fail_sys("socket");
  sockaddr_un addr;
  socklen_t len = abstract_addr(socket_name(lxcpath, name), addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) < 0) {
    if (errno == EADDRINUSE) {
      if (auto other = connect(lxcpath, name); !other && other.error().code == EPERM) return unexpected(other.error());
      return fail(EADDRINUSE, "container " + name + " is already running (its command socket is in use)");
    }
    return fail_sys("bind the command socket of " + name);
  }
  if (::listen(fd.get(), 64) < 0) return fail_sys("listen");
  kLog.debug("command socket @{} ready", socket_name(lxcpath, name));
  return fd;
}

Result<std::pair<RequestHeader, std::string>> read_request(int fd) {
  RequestHeader h;
  if (auto r = read_all(fd, &h, sizeof h); !r) return unexpected(r.error());
  if (h.datalen > kMaxData) return fail(EPROTO, "request too large");
  std::string data(h.datalen, '\0');
  if (h.datalen)
    if (auto r = read_all(fd, data.data(), h.datalen); !r) return unexpected(r.error());
  return std::make_pair(h, std::move(data));
}

Result<void> send_response(int fd, int32_t ret, std::string_view data, int pass_fd) {
  ResponseHeader h{ret, static_cast<uint32_t>(data.size())};
  if (auto r = send_fd(fd, pass_fd, &h, sizeof h); !r) return r;
  if (!data.empty()) return write_all(fd, data.data(), data.size());
  return {};
}

}  // namespace lxc::commands
