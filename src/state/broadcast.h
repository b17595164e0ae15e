// State changes of an lxcpath's containers, told to every lxc-monitor that
// watches that lxcpath as they happen (LXC has lxc-monitord and a FIFO for
// this). Each running lxc-monitor binds a datagram socket in
// RUNDIR/monitor/HASH/ (HASH: the FNV-1a of the lxcpath; RUNDIR /run/lxcpp
// for root, $XDG_RUNTIME_DIR/lxcpp for a user), and each container monitor
// sends it every state change and init's exit status. With no lxc-monitor
// running there is no RUNDIR/monitor: one failed access() per change.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "state/state.h"

namespace lxc::state_broadcast {

// The directory of lxcpath's listeners, for this user.
std::string listener_dir(const std::string& lxcpath);

// Tells the listeners of lxcpath; never fails (a listener that has gone is
// removed).
void send_state(const std::string& lxcpath, const std::string& name, State s);
void send_exit(const std::string& lxcpath, const std::string& name, int wait_status);

struct Event {
  std::string lxcpath, name;
  bool exited = false;  // true: exit_status is init's wait status, state unset
  int exit_status = 0;
  State state = State::Stopped;
};

// One lxc-monitor's socket for one lxcpath; removed when destroyed.
class Listener {
 public:
  static Result<Listener> open(const std::string& lxcpath);
  Listener(Listener&&) noexcept;
  Listener& operator=(Listener&&) = delete;
  ~Listener();

  int fd() const { return fd_.get(); }
  // The next event of this lxcpath (the socket is readable); EAGAIN when
  // none is queued (or the message was for another lxcpath with the same
  // hash), EINVAL for a message that is not one.
  Result<Event> receive();

 private:
  Listener(UniqueFd fd, std::string path, std::string lxcpath)
      : fd_(std::move(fd)), path_(std::move(path)), lxcpath_(std::move(lxcpath)) {}
  UniqueFd fd_;
  std::string path_;
  std::string lxcpath_;  // canonical
};

}  // namespace lxc::state_broadcast
