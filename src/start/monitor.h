// Internal to start/: the monitor's main loop once the container runs. It
// owns init, the console and tty masters and the command socket, answers the
// tools, tells state clients about every transition, and cleans up when init
// exits.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "config/conf.h"
#include "console/log_file.h"
#include "console/pty.h"
#include "state/state.h"

namespace lxc::start {

struct MonitorHooks {
  std::function<Result<void>()> freeze;
  std::function<Result<void>()> thaw;
  std::function<std::string()> cgroup_paths;
};

class Monitor {
 public:
  Monitor(std::string name, std::string lxcpath, const config::Conf& conf, UniqueFd listener);

  // Blocks the signals the monitor reads from its signalfd. Call it before
  // the container's init is cloned: a SIGCHLD that arrives before the
  // Monitor exists must stay pending, not be discarded.
  static void block_signals();

  // The container's init; again after a reboot.
  void set_init(pid_t pid, UniqueFd pidfd) {
    init_pid_ = pid;
    init_pidfd_ = std::move(pidfd);
    init_exited_ = false;
    init_status_ = 0;
  }
  // The console pty master; with proxy_stdio its traffic also goes to and
  // from this process's stdin/stdout (lxc-start -F).
  void set_console(UniqueFd master, bool proxy_stdio);
  // A terminal (lxc-start -c, lxc.console.path) that the console is proxied
  // to and from, in raw mode until the monitor ends.
  Result<void> set_console_device(UniqueFd fd);
  // Gives that terminal back as it was (before STOPPED is reported).
  void release_console_device() {
    device_raw_.restore();
    device_.reset();
  }
  void set_console_log(const std::string& path);
  void add_tty(UniqueFd master) { ttys_.push_back(std::move(master)); }
  void set_hooks(MonitorHooks h) { hooks_ = std::move(h); }

  State state() const { return state_; }
  // Stops answering the command socket (the container is gone); state
  // clients already connected still hear the last transition.
  void close_listener() { listener_.reset(); }
  void set_state(State s);
  // Tells the state clients that asked for it (AddStateClient arg = 1) how
  // init ended: a kExitStatusTag message carrying the wait status.
  void report_exit(int wait_status);

  // Serves until init has exited; returns init's wait status.
  int run();

 private:
  void handle_client(int fd);
  // ---- console and ttys (lxc-console) ----
  void handle_console_request(int fd, int64_t tty);
  Result<UniqueFd> open_console_proxy();
  void add_console_pollfds(std::vector<struct pollfd>& fds);
  void handle_console_events(const std::vector<struct pollfd>& fds, size_t first);
  void console_output(const char* buf, size_t len);
  // ---- end console and ttys ----
  void pump_console();
  void pump_stdin();
  void pump_device();
  bool reap();

  std::string name_;
  std::string lxcpath_;
  const config::Conf& conf_;
  UniqueFd listener_;
  UniqueFd signal_fd_;
  pid_t init_pid_ = -1;
  UniqueFd init_pidfd_;
  int init_status_ = 0;
  bool init_exited_ = false;
  bool code_mapped_ = true;  // code may have been mapped since drop_code_pages() last ran
  State state_ = State::Starting;
  UniqueFd console_;
  bool proxy_stdio_ = false;
  bool stdin_open_ = false;
  UniqueFd device_;  // set_console_device's terminal
  console::RawMode device_raw_;
  console::LogFile console_log_;
  console::RingBuffer ring_;
  std::vector<UniqueFd> ttys_;
  // A client of lxc-console holds its tty (0: the console) for as long as
  // its command connection stays open.
  struct ConsoleClient {
    UniqueFd conn;
    int tty = 0;
  };
  std::vector<ConsoleClient> console_clients_;
  // The console's client gets a pty of its own, proxied here: the monitor
  // reads the console itself (ring buffer, log, lxc-start -F).
  UniqueFd console_peer_;  // the slave of that pty; its master went to the client
  size_t polled_console_clients_ = 0;
  struct StateClient {
    UniqueFd fd;
    bool wants_exit_status = false;
    uint64_t id = 0;  // told apart by this, not by position or fd number (see run())
  };
  std::vector<StateClient> state_clients_;
  uint64_t next_client_id_ = 1;
  MonitorHooks hooks_;
};

}  // namespace lxc::start
