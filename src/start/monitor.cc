#include "start/monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/memory.h"
#include "commands/commands.h"
#include "config/keys.h"
#include "log/log.h"
#include "state/broadcast.h"

namespace lxc::start {
namespace {

constexpr log::Logger kLog("monitor");
// How long the monitor waits with nothing to do before it drops its code pages.
constexpr int kIdleBeforeDrop = 2000;  // ms

void set_client_timeout(int fd) {
  struct timeval tv {
    1, 0
  };
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

namespace {
sigset_t monitor_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::sigaddset(&set, s);
  return set;
}
}  // namespace

void Monitor::block_signals() {
  sigset_t set = monitor_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

Monitor::Monitor(std::string name, std::string lxcpath, const config::Conf& conf, UniqueFd listener)
    : name_(std::move(name)),
      lxcpath_(std::move(lxcpath)),
      conf_(conf),
      listener_(std::move(listener)),
      ring_(conf.console_buffer_size.value_or(0)) {
  block_signals();
  sigset_t set = monitor_signals();
  signal_fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  state_broadcast::send_state(lxcpath_, name_, state_);  // STARTING, for lxc-monitor
}

void Monitor::set_console(UniqueFd master, bool proxy_stdio) {
  console_ = std::move(master);
  proxy_stdio_ = proxy_stdio;
  stdin_open_ = proxy_stdio;
}

Result<void> Monitor::set_console_device(UniqueFd fd) {
  auto raw = console::RawMode::enter(fd.get());
  if (!raw) return unexpected(raw.error());
  device_raw_ = std::move(*raw);
  device_ = std::move(fd);
  return {};
}

void Monitor::set_console_log(const std::string& path) {
  if (path.empty()) return;
  if (auto r = console_log_.open(path, conf_.console_size.value_or(0), conf_.console_rotate); !r)
    kLog.warn("{}", describe(r.error()));
}

void Monitor::set_state(State s) {
  if (s == state_) return;
  state_ = s;
  kLog.info("{} is {}", name_, state_name(s));
  state_broadcast::send_state(lxcpath_, name_, s);  // lxc-monitor
  // Push the change to every subscriber; drop the ones that went away.
  for (auto it = state_clients_.begin(); it != state_clients_.end();) {
    if (!commands::send_response(it->fd.get(), static_cast<int32_t>(s))) {
      it = state_clients_.erase(it);
    } else {
      ++it;
    }
  }
}

void Monitor::report_exit(int wait_status) {
  state_broadcast::send_exit(lxcpath_, name_, wait_status);
  int32_t status = wait_status;
  std::string_view data(reinterpret_cast<const char*>(&status), sizeof status);
  for (auto it = state_clients_.begin(); it != state_clients_.end();) {
    if (it->wants_exit_status && !commands::send_response(it->fd.get(), commands::kExitStatusTag, data)) {
      it = state_clients_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Monitor::reap() {
  for (;;) {
    int status = 0;
    pid_t p = ::waitpid(-1, &status, WNOHANG);
    if (p <= 0) break;
    if (p == init_pid_) {
      init_status_ = status;
      init_exited_ = true;
    }
  }
  return init_exited_;
}

void Monitor::pump_console() {
  char buf[8192];
  ssize_t n = ::read(console_.get(), buf, sizeof buf);
  if (n <= 0) {
    // EIO: every slave is closed (init has not opened it yet or is gone).
    if (n < 0 && errno == EAGAIN) return;
    return;
  }
  console_output(buf, static_cast<size_t>(n));
}

void Monitor::pump_stdin() {
  char buf[4096];
  ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
  if (n <= 0) {
    stdin_open_ = false;
    return;
  }
  [[maybe_unused]] auto r = commands::write_all(console_.get(), buf, static_cast<size_t>(n));
}

void Monitor::pump_device() {
  char buf[4096];
  ssize_t n = ::read(device_.get(), buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    release_console_device();  // hung up: the console goes on without it
    return;
  }
  [[maybe_unused]] auto r = commands::write_all(console_.get(), buf, static_cast<size_t>(n));
}

void Monitor::handle_client(int fd) {
  set_client_timeout(fd);
  auto req = commands::read_request(fd);
  if (!req) return;
  auto& [h, data] = *req;
  using commands::Cmd;
  switch (static_cast<Cmd>(h.cmd)) {
    case Cmd::GetState:
      (void)commands::send_response(fd, static_cast<int32_t>(state_));
      break;
    case Cmd::GetInitPid:
      (void)commands::send_response(fd, init_exited_ ? -ESRCH : init_pid_);
      break;
    case Cmd::GetInitPidFd:
      (void)commands::send_response(fd, init_pidfd_ ? 0 : -ESRCH, {}, init_pidfd_.get());
      break;
    case Cmd::GetName:
      (void)commands::send_response(fd, 0, name_);
      break;
    case Cmd::Stop: {
      // arg 0 is the forced stop (lxc-stop -k, and after -t): lxc.signal.stop,
      // SIGKILL unless set, as LXC's stop command.
      int sig = h.arg > 0 ? static_cast<int>(h.arg) : conf_.signal_stop ? conf_.signal_stop : SIGKILL;
      int rc = 0;
      if (init_exited_) {
        rc = -ESRCH;
      } else {
        if (state_ == State::Frozen && hooks_.thaw) (void)hooks_.thaw();
        if (sig == SIGKILL) set_state(State::Stopping);
        if (::kill(init_pid_, sig) < 0) rc = -errno;
      }
      (void)commands::send_response(fd, rc);
      break;
    }
    case Cmd::Freeze:
    case Cmd::Unfreeze: {
      bool freeze = static_cast<Cmd>(h.cmd) == Cmd::Freeze;
      int rc = 0;
      if (!hooks_.freeze) {
        rc = -ENOTSUP;
      } else if (freeze) {
        set_state(State::Freezing);
        auto r = hooks_.freeze();
        if (!r) {
          rc = -(r.error().code ? r.error().code : EIO);
          set_state(State::Running);
        } else {
          set_state(State::Frozen);
        }
      } else {
        auto r = hooks_.thaw();
        if (!r) {
          rc = -(r.error().code ? r.error().code : EIO);
        } else {
          set_state(State::Thawed);
          set_state(State::Running);
        }
      }
      (void)commands::send_response(fd, rc);
      break;
    }
    case Cmd::GetCgroups:
      (void)commands::send_response(fd, 0, hooks_.cgroup_paths ? hooks_.cgroup_paths() : "");
      break;
    case Cmd::GetConfigItem: {
      auto v = config::get_item(conf_, data);
      if (v)
        (void)commands::send_response(fd, 0, *v);
      else
        (void)commands::send_response(fd, -(v.error().code ? v.error().code : EINVAL), v.error().what);
      break;
    }
    case Cmd::GetConfigItems: {
      std::string out;
      int32_t rc = 0;
      for (std::string_view rest = data; !rest.empty();) {
        size_t nl = rest.find('\n');
        std::string_view key = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        auto v = config::get_item(conf_, key);
        if (!v) {
          rc = -(v.error().code ? v.error().code : EINVAL);
          out = std::string(key) + ": " + v.error().what;
          break;
        }
        out += *v;
        out.push_back('\0');
      }
      (void)commands::send_response(fd, rc, out);
      break;
    }
    case Cmd::AddStateClient: {
      // Keep the connection: later transitions are pushed on it.
      if (commands::send_response(fd, static_cast<int32_t>(state_))) {
        // arg = 1: also the exit status of init (lxc-monitor).
        state_clients_.push_back({UniqueFd(::dup(fd)), h.arg == 1, next_client_id_++});
      }
      break;
    }
    case Cmd::Console:
      handle_console_request(fd, h.arg);
      break;
    case Cmd::ConsoleLog: {
      std::string contents = ring_.contents();
      if (h.arg == 1) {
        ring_.clear();
        // As LXC: clearing the buffer also rotates the log file when lxc.console.rotate is on.
        if (console_log_.is_open() && console_log_.rotates())
          if (auto r = console_log_.rotate(); !r) kLog.warn("{}", describe(r.error()));
      }
      (void)commands::send_response(fd, 0, contents);
      break;
    }
    default:
      (void)commands::send_response(fd, -ENOSYS, "unknown command");
  }
}

// ---- console and ttys (lxc-console) ----

// Console output goes to the ring buffer, the log file, lxc-start -F's
// stdout and the console's lxc-console client.
void Monitor::console_output(const char* buf, size_t len) {
  ring_.write(buf, len);
  console_log_.write(std::string_view(buf, len));
  if (proxy_stdio_) (void)commands::write_all(STDOUT_FILENO, buf, len);
  // Non-blocking: a terminal that does not take output loses it.
  if (device_) [[maybe_unused]]
    ssize_t w = ::write(device_.get(), buf, len);
  // Non-blocking: a client that stops reading loses output, not the monitor.
  if (console_peer_) [[maybe_unused]]
    ssize_t w = ::write(console_peer_.get(), buf, len);
}

// A pty whose master goes to the console's client; the monitor copies
// between its slave (raw) and the console.
Result<UniqueFd> Monitor::open_console_proxy() {
  auto p = console::open_pty();
  if (!p) return unexpected(p.error());
  struct termios t {};
  if (::tcgetattr(p->slave.get(), &t) == 0) {
    ::cfmakeraw(&t);
    ::tcsetattr(p->slave.get(), TCSANOW, &t);
  }
  ::fcntl(p->slave.get(), F_SETFL, ::fcntl(p->slave.get(), F_GETFL) | O_NONBLOCK);
  console::copy_winsize(console_.get(), p->slave.get());
  console_peer_ = std::move(p->slave);
  return std::move(p->master);
}

// Console arg: 0 the console, N tty N, -1 the first free tty. Answers -EBUSY
// when the tty has a client (or none is free), -EINVAL out of range.
void Monitor::handle_console_request(int fd, int64_t arg) {
  auto busy = [&](int64_t tty) {
    return std::any_of(console_clients_.begin(), console_clients_.end(), [&](const auto& c) { return c.tty == tty; });
  };
  const int64_t max = static_cast<int64_t>(ttys_.size());
  int64_t n = arg;
  if (n == -1) {
    for (int64_t i = 1; i <= max && n == -1; ++i)
      if (!busy(i)) n = i;
    if (n == -1) {
      (void)commands::send_response(fd, -EBUSY,
                                    max ? "all ttys are busy" : "the container has no tty (lxc.tty.max = 0)");
      return;
    }
  }
  if (n < 0 || n > max) {
    (void)commands::send_response(
        fd, -EINVAL, "tty " + std::to_string(n) + " does not exist (lxc.tty.max = " + std::to_string(max) + ")");
    return;
  }
  if (busy(n)) {
    (void)commands::send_response(
        fd, -EBUSY,
        (n ? "tty " + std::to_string(n) : std::string("the console")) + " is in use by another lxc-console");
    return;
  }
  UniqueFd proxy_master;
  int pass = -1;
  if (n == 0) {
    if (!console_) {
      (void)commands::send_response(fd, -ENODEV, "the container has no console (lxc.console.path = none)");
      return;
    }
    auto m = open_console_proxy();
    if (!m) {
      (void)commands::send_response(fd, -(m.error().code ? m.error().code : EIO), describe(m.error()));
      return;
    }
    proxy_master = std::move(*m);
    pass = proxy_master.get();
  } else {
    pass = ttys_[static_cast<size_t>(n - 1)].get();
  }
  UniqueFd conn(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (conn && commands::send_response(fd, static_cast<int32_t>(n), {}, pass)) {
    console_clients_.push_back({std::move(conn), static_cast<int>(n)});
  } else if (n == 0) {
    console_peer_.reset();
  }
}

void Monitor::add_console_pollfds(std::vector<pollfd>& fds) {
  polled_console_clients_ = console_clients_.size();
  for (const auto& c : console_clients_) fds.push_back({c.conn.get(), POLLIN, 0});
  if (console_peer_) fds.push_back({console_peer_.get(), POLLIN, 0});
}

// A client's connection closing frees its tty; the console client's input
// goes to the console.
void Monitor::handle_console_events(const std::vector<pollfd>& fds, size_t first) {
  const bool had_peer = first + polled_console_clients_ < fds.size() && console_peer_;
  if (had_peer && (fds[first + polled_console_clients_].revents & POLLIN)) {
    char buf[4096];
    ssize_t n = ::read(console_peer_.get(), buf, sizeof buf);
    if (n > 0 && console_) {
      console::copy_winsize(console_peer_.get(), console_.get());
      (void)commands::write_all(console_.get(), buf, static_cast<size_t>(n));
    }
  }
  for (size_t i = polled_console_clients_; i-- > 0;) {
    if (!(fds[first + i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    kLog.debug("lxc-console left tty {}", console_clients_[i].tty);
    if (console_clients_[i].tty == 0) console_peer_.reset();
    console_clients_.erase(console_clients_.begin() + static_cast<long>(i));
  }
}

// ---- end console and ttys ----

int Monitor::run() {
  if (console_) ::fcntl(console_.get(), F_SETFL, ::fcntl(console_.get(), F_GETFL) | O_NONBLOCK);
  // Init may have exited already (lxc-execute -- /bin/true): its SIGCHLD is
  // pending in the signalfd, but reap now rather than rely on it.
  reap();
  while (!init_exited_) {
    std::vector<pollfd> fds;
    fds.push_back({signal_fd_.get(), POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    int console_idx = -1, stdin_idx = -1;
    if (console_) {
      console_idx = static_cast<int>(fds.size());
      fds.push_back({console_.get(), POLLIN, 0});
    }
    if (stdin_open_) {
      stdin_idx = static_cast<int>(fds.size());
      fds.push_back({STDIN_FILENO, POLLIN, 0});
    }
    int device_idx = -1;
    if (device_ && console_) {
      device_idx = static_cast<int>(fds.size());
      fds.push_back({device_.get(), POLLIN, 0});
    }
    size_t clients_idx = fds.size();
    std::vector<uint64_t> polled_clients;
    for (auto& c : state_clients_) {
      fds.push_back({c.fd.get(), POLLIN, 0});
      polled_clients.push_back(c.id);
    }
    size_t console_clients_idx = fds.size();
    add_console_pollfds(fds);

    // After a spell with nothing to do here (the boot's console output
    // done, a command answered), the code that ran is dropped from our page
    // tables: an idle monitor maps little more than this loop.
    int n = ::poll(fds.data(), fds.size(), code_mapped_ ? kIdleBeforeDrop : -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      kLog.error("poll: {}", std::strerror(errno));
      break;
    }
    if (n == 0) {
      // Logged first: nothing but the poll should run after the drop.
      kLog.trace("idle: dropping the code pages");
      code_mapped_ = false;
      (void)drop_code_pages();
      continue;
    }
    code_mapped_ = true;
    handle_console_events(fds, console_clients_idx);
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (::read(signal_fd_.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) continue;
        // A signal to the monitor (Ctrl-C with -F, kill) stops the container
        // the way LXC does: it is passed to init.
        if (!init_exited_) ::kill(init_pid_, static_cast<int>(si.ssi_signo) == SIGINT ? SIGKILL : SIGTERM);
      }
      reap();
    }
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int c = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) break;
        // Only root and the container's owner may talk to the monitor.
        struct ucred cred {};
        socklen_t len = sizeof cred;
        if (::getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && (cred.uid == 0 || cred.uid == ::geteuid()))
          handle_client(c);
        ::close(c);
      }
    }
    if (console_idx >= 0 && !init_exited_ && (fds[console_idx].revents & (POLLIN | POLLHUP))) {
      if (fds[console_idx].revents & POLLIN)
        pump_console();
      else {
        // No slave open (yet, or init just died): avoid spinning on POLLHUP,
        // but wake at once for init's SIGCHLD, which ends the run.
        struct pollfd sig = {signal_fd_.get(), POLLIN, 0};
        ::poll(&sig, 1, 10);
      }
    }
    if (stdin_idx >= 0 && (fds[stdin_idx].revents & (POLLIN | POLLHUP))) pump_stdin();
    if (device_idx >= 0 && (fds[device_idx].revents & (POLLIN | POLLHUP | POLLERR))) pump_device();
    // A subscriber that hung up (or sent what it should not) goes. By id:
    // handling a command above may have dropped subscribers (a failed send)
    // or added one, so positions have moved, and a new one may have the
    // number of a closed one's fd.
    for (size_t i = 0; i < polled_clients.size(); ++i) {
      if (!(fds[clients_idx + i].revents & (POLLHUP | POLLERR | POLLIN))) continue;
      for (auto& c : state_clients_)
        if (c.id == polled_clients[i]) c.fd.reset();
    }
    std::erase_if(state_clients_, [](const StateClient& c) { return !c.fd; });
  }
  if (console_) {
    // Whatever init wrote last.
    for (int i = 0; i < 16; ++i) {
      char buf[8192];
      ssize_t r = ::read(console_.get(), buf, sizeof buf);
      if (r <= 0) break;
      console_output(buf, static_cast<size_t>(r));
    }
  }
  return init_status_;
}

}  // namespace lxc::start
