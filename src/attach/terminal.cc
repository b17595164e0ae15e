// lxc-attach's side of the attached command's terminal: a pty from the
// container's devpts, and the proxy loop that copies between it and the
// user's terminal while forwarding signals to the command.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "attach/internal.h"
#include "base/file.h"
#include "console/pty.h"

namespace lxc::attach::detail {
namespace {

constexpr int kForwarded[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};

// A master and its peer from a ptmx device; TIOCGPTPEER opens the slave in
// the master's own devpts instance without a path lookup in the container.
Result<AttachPty> pty_from(const std::string& ptmx) {
  AttachPty p;
  p.master.reset(::open(ptmx.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.master) return fail_sys("open " + ptmx);
  int unlock = 0;
  if (::ioctl(p.master.get(), TIOCSPTLCK, &unlock) < 0) return fail_sys("unlock a pty of " + ptmx);
  p.slave.reset(::ioctl(p.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.slave) return fail_sys("open the peer of a pty of " + ptmx);
  return p;
}

bool write_fully(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

class Proxy {
 public:
  Proxy(pid_t child, const ProxyFds& fds) : child_(child), f_(fds), in_open_(fds.in >= 0) {}

  // Until the child exits. False when poll fails.
  Result<void> loop(int sigfd, int child_pidfd) {
    if (f_.master >= 0) {
      ::fcntl(f_.master, F_SETFL, ::fcntl(f_.master, F_GETFL) | O_NONBLOCK);
      console::copy_winsize(f_.winsize, f_.master);
    }
    for (;;) {
      short master_events = master_open_ ? static_cast<short>(POLLIN | (pending_.empty() ? 0 : POLLOUT)) : 0;
      pollfd fds[4] = {{sigfd, POLLIN, 0},
                       {child_pidfd, POLLIN, 0},
                       {master_open_ ? f_.master : -1, master_events, 0},
                       {in_open_ && pending_.size() < kMaxPending ? f_.in : -1, POLLIN, 0}};
      if (::poll(fds, 4, -1) < 0) {
        if (errno == EINTR) continue;
        return fail_sys("poll");
      }
      if (fds[0].revents & POLLIN) on_signals(sigfd);
      if (fds[2].revents & POLLIN)
        read_master();
      else if (fds[2].revents & (POLLHUP | POLLERR))
        master_open_ = false;
      if (fds[2].revents & POLLOUT) flush_input();
      if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) read_input();
      if (fds[1].revents & POLLIN) return {};
    }
  }

  // After the child exited: what it wrote last is still in the pty. Read
  // until every slave is closed (EIO), or until it stays silent briefly
  // when a background process of the command still holds the pty.
  void drain() {
    while (master_open_) {
      pollfd p{f_.master, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) break;
      if (!(p.revents & POLLIN)) break;
      read_master();
    }
  }

 private:
  static constexpr size_t kMaxPending = 64 * 1024;

  void on_signals(int sigfd) {
    signalfd_siginfo si;
    while (::read(sigfd, &si, sizeof si) == sizeof si) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGWINCH) {
        if (f_.master >= 0) console::copy_winsize(f_.winsize, f_.master);
      } else if (sig != SIGCHLD) {
        ::kill(child_, sig);
      }
    }
  }

  void read_master() {
    char buf[16384];
    ssize_t n = ::read(f_.master, buf, sizeof buf);
    if (n > 0) {
      write_fully(f_.out, buf, static_cast<size_t>(n));
      if (f_.log >= 0) write_fully(f_.log, buf, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      master_open_ = false;  // EIO: no slave is open any more
    }
  }

  void read_input() {
    char buf[4096];
    ssize_t n = ::read(f_.in, buf, sizeof buf);
    if (n > 0) {
      pending_.append(buf, static_cast<size_t>(n));
      flush_input();
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      in_open_ = false;  // the user's terminal hung up
    }
  }

  void flush_input() {
    while (!pending_.empty() && master_open_) {
      ssize_t w = ::write(f_.master, pending_.data(), pending_.size());
      if (w > 0) {
        pending_.erase(0, static_cast<size_t>(w));
      } else {
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno != EAGAIN) pending_.clear();
        break;
      }
    }
  }

  pid_t child_;
  ProxyFds f_;
  bool in_open_;
  bool master_open_ = f_.master >= 0;
  std::string pending_;  // input the pty did not take yet
};

}  // namespace

sigset_t proxy_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int s : kForwarded) ::sigaddset(&set, s);
  ::sigaddset(&set, SIGWINCH);
  ::sigaddset(&set, SIGCHLD);
  return set;
}

Result<AttachPty> open_attach_pty(pid_t init_pid, uid_t owner, gid_t group) {
  const std::string root = "/proc/" + std::to_string(init_pid) + "/root/dev/";
  Result<AttachPty> p = fail(ENOENT, "no ptmx");
  for (const char* ptmx : {"pts/ptmx", "ptmx"}) {
    p = pty_from(root + ptmx);
    if (p) {
      p->in_container = true;
      break;
    }
  }
  if (!p) {
    // No devpts of its own, or all of lxc.pty.max in use: a host pty.
    auto h = console::open_pty();
    if (!h) return unexpected(h.error());
    p = AttachPty{std::move(h->master), std::move(h->slave), false};
  }
  // The command's own terminal, as a login would have it.
  if (::fchown(p->slave.get(), owner, group) < 0 || ::fchmod(p->slave.get(), 0620) < 0)
    return fail_sys("chown the pty to " + std::to_string(owner) + ":" + std::to_string(group));
  return p;
}

Result<int> proxy_and_wait(pid_t child, int child_pidfd, const ProxyFds& fds) {
  sigset_t set = proxy_signals();
  UniqueFd sigfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sigfd) return fail_sys("signalfd");
  Proxy proxy(child, fds);
  auto r = proxy.loop(sigfd.get(), child_pidfd);
  if (r) proxy.drain();
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return fail_sys("wait for the attached process");
  }
  if (!r) return unexpected(r.error());
  return status;
}

}  // namespace lxc::attach::detail
