#include "console/pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace lxc::console {

Result<Pty> open_pty() {
  Pty p;
  p.master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.master) return fail_sys("open /dev/ptmx");
  if (::grantpt(p.master.get()) < 0 || ::unlockpt(p.master.get()) < 0) return fail_sys("unlock pty");
  char name[64];
  if (::ptsname_r(p.master.get(), name, sizeof name) != 0) return fail_sys("ptsname");
  p.slave_path = name;
  p.slave.reset(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!p.slave) return fail_sys("open " + p.slave_path);
  return p;
}

void copy_winsize(int from, int to) {
  struct winsize ws {};
  if (::ioctl(from, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

Result<RawMode> RawMode::enter(int fd) {
  RawMode m;
  if (::tcgetattr(fd, &m.saved_) < 0) return fail_sys("tcgetattr");
  struct termios raw = m.saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd, TCSAFLUSH, &raw) < 0) return fail_sys("tcsetattr");
  m.fd_ = fd;
  return m;
}

RawMode& RawMode::operator=(RawMode&& o) noexcept {
  restore();
  fd_ = o.fd_;
  saved_ = o.saved_;
  o.fd_ = -1;
  return *this;
}

void RawMode::restore() {
  if (fd_ >= 0) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  fd_ = -1;
}

void RingBuffer::write(const char* data, size_t len) {
  if (buf_.empty()) return;
  if (len >= buf_.size()) {
    data += len - buf_.size();
    len = buf_.size();
  }
  size_t first = std::min(len, buf_.size() - head_);
  std::copy(data, data + first, buf_.begin() + static_cast<long>(head_));
  std::copy(data + first, data + len, buf_.begin());
  head_ = (head_ + len) % buf_.size();
  used_ = std::min(buf_.size(), used_ + len);
}

std::string RingBuffer::contents() const {
  if (used_ < buf_.size()) return buf_.substr(0, used_);
  return buf_.substr(head_) + buf_.substr(0, head_);
}

}  // namespace lxc::console
