#include "console/proxy.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>

#include "base/unique_fd.h"
#include "commands/commands.h"
#include "commands/protocol.h"
#include "console/pty.h"
#include "state/state.h"

namespace lxc::console {

std::optional<int> parse_escape(std::string_view s) {
  if (s.size() == 2 && s[0] == '^' && std::isalpha(static_cast<unsigned char>(s[1]))) return s[1] & 0x1f;
  if (s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0]))) return s[0] & 0x1f;
  return std::nullopt;
}

std::string banner(int tty, int escape) {
  char c = static_cast<char>('a' + escape - 1);
  std::string e = std::string("Ctrl+") + c;
  return "\nConnected to tty " + std::to_string(tty) + "\nType <" + e + " q> to exit the console, <" + e + " " + e +
         "> to enter " + e + " itself\n";
}

EscapeFilter::Output EscapeFilter::feed(std::string_view in) {
  Output out;
  for (char ch : in) {
    int c = static_cast<unsigned char>(ch);
    if (escape_ >= 1) {
      if (c == escape_ && !saw_escape_) {
        saw_escape_ = true;
        continue;
      }
      if (c == 'q' && saw_escape_) {
        saw_escape_ = false;
        out.detach = true;
        return out;
      }
      saw_escape_ = false;
    }
    out.forward.push_back(ch);
  }
  return out;
}

namespace {

// Blocks sigs for the lifetime of the object and reads them from a signalfd.
class SignalBlock {
 public:
  explicit SignalBlock(std::initializer_list<int> sigs) {
    sigset_t set;
    ::sigemptyset(&set);
    for (int s : sigs) ::sigaddset(&set, s);
    ::sigprocmask(SIG_BLOCK, &set, &old_);
    fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~SignalBlock() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t old_;
  UniqueFd fd_;
};

bool write_ignoring_errors(int fd, const char* p, size_t n) {
  return static_cast<bool>(commands::write_all(fd, p, n));
}

}  // namespace

Result<ProxyEnd> run_proxy(const ProxyOptions& o) {
  SignalBlock sigs{SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT};
  if (sigs.fd() < 0) return fail_sys("signalfd");
  copy_winsize(o.in_fd, o.master_fd);
  EscapeFilter filter(o.escape);
  // POLLHUP on the master: no process has the slave open right now (getty
  // respawning); look again after a pause instead of spinning.
  auto hup_until = std::chrono::steady_clock::time_point{};
  char buf[8192];
  for (;;) {
    const bool master_paused = std::chrono::steady_clock::now() < hup_until;
    pollfd fds[4] = {{sigs.fd(), POLLIN, 0}, {o.in_fd, POLLIN, 0}, {master_paused ? -1 : o.master_fd, POLLIN, 0},
                     {o.state_fd, POLLIN, 0}};
    int n = ::poll(fds, 4, master_paused ? 50 : -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("poll");
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sigs.fd(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH) copy_winsize(o.in_fd, o.master_fd);
        else return ProxyEnd::Signaled;
      }
    }
    if (fds[2].revents & POLLIN) {
      ssize_t r = ::read(o.master_fd, buf, sizeof buf);
      if (r > 0) write_ignoring_errors(o.out_fd, buf, static_cast<size_t>(r));
      else if (r < 0 && errno != EAGAIN && errno != EINTR) hup_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    } else if (fds[2].revents & (POLLHUP | POLLERR)) {
      hup_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = ::read(o.in_fd, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) return ProxyEnd::InputClosed;
      if (r > 0) {
        auto out = filter.feed(std::string_view(buf, static_cast<size_t>(r)));
        if (!out.forward.empty()) write_ignoring_errors(o.master_fd, out.forward.data(), out.forward.size());
        if (out.detach) return ProxyEnd::Detached;
      }
    }
    if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) {
      commands::ResponseHeader h;
      if (!commands::read_all(o.state_fd, &h, sizeof h) || h.ret == static_cast<int32_t>(State::Stopped)) {
        // Drain what the container wrote last.
        for (int i = 0; i < 16; ++i) {
          pollfd p{o.master_fd, POLLIN, 0};
          if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) break;
          ssize_t r = ::read(o.master_fd, buf, sizeof buf);
          if (r <= 0) break;
          write_ignoring_errors(o.out_fd, buf, static_cast<size_t>(r));
        }
        return ProxyEnd::ContainerStopped;
      }
    }
  }
}

}  // namespace lxc::console
