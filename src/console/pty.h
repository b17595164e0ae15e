// Pseudo-terminals for the container's console and ttys, the console ring
// buffer, and the raw mode of the user's terminal.
#pragma once

#include <termios.h>

#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::console {

struct Pty {
  UniqueFd master;
  UniqueFd slave;
  std::string slave_path;  // /dev/pts/N in the namespace that opened it
};

// Opens a new pty pair (O_CLOEXEC on both ends).
Result<Pty> open_pty();

// Copies the window size of one terminal to another (no-op when from is not
// a terminal).
void copy_winsize(int from, int to);

// Puts a terminal in raw mode until the guard goes away.
class RawMode {
 public:
  RawMode() = default;
  static Result<RawMode> enter(int fd);
  RawMode(RawMode&& o) noexcept : fd_(o.fd_), saved_(o.saved_) { o.fd_ = -1; }
  RawMode& operator=(RawMode&& o) noexcept;
  ~RawMode() { restore(); }
  void restore();

 private:
  int fd_ = -1;
  struct termios saved_ {};
};

// A fixed-size ring of the most recent console output (lxc.console.buffer.size).
class RingBuffer {
 public:
  explicit RingBuffer(size_t size = 0) : buf_(size, '\0') {}
  void write(const char* data, size_t len);
  std::string contents() const;
  void clear() { used_ = 0, head_ = 0; }
  size_t capacity() const { return buf_.size(); }

 private:
  std::string buf_;
  size_t head_ = 0;  // next write position
  size_t used_ = 0;
};

}  // namespace lxc::console
