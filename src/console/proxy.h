// lxc-console's side of a tty: the user's terminal proxied to a pty master
// that the container's monitor handed over, with LXC's escape sequence
// (<Ctrl+a q> detaches, <Ctrl+a Ctrl+a> sends Ctrl+a).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::console {

// The escape prefix of lxc-console -e: "^b" or "b" (either case) is Ctrl+b
// (2). nullopt when s is neither form.
std::optional<int> parse_escape(std::string_view s);

// The "Connected to tty N" banner LXC prints on stderr (escape 1 = Ctrl+a).
std::string banner(int tty, int escape);

// The escape state machine, byte by byte as LXC's stdin callback: the prefix
// is held back; prefix + 'q' detaches; prefix + anything else sends only that
// byte (so prefix + prefix sends one prefix). escape < 1 disables it.
class EscapeFilter {
 public:
  explicit EscapeFilter(int escape) : escape_(escape) {}
  struct Output {
    std::string forward;  // bytes for the pty
    bool detach = false;  // the user asked to leave; input after 'q' is dropped
  };
  Output feed(std::string_view in);
  bool saw_escape() const { return saw_escape_; }

 private:
  int escape_;
  bool saw_escape_ = false;
};

struct ProxyOptions {
  int in_fd = 0;        // the user's terminal (or any input)
  int out_fd = 1;
  int master_fd = -1;   // the pty master from the monitor
  int state_fd = -1;    // an AddStateClient connection: EOF or STOPPED ends the proxy; -1: none
  int escape = 1;
};

enum class ProxyEnd {
  Detached,          // <escape q>
  InputClosed,       // EOF on in_fd
  ContainerStopped,  // the monitor said STOPPED or went away
  Signaled,          // SIGTERM or SIGHUP
};

// Copies in_fd -> master (through EscapeFilter) and master -> out_fd until
// one of the ProxyEnd events. The window size of in_fd goes to the pty at the
// start and on each SIGWINCH. SIGWINCH, SIGTERM, SIGHUP, SIGINT and SIGQUIT are blocked while
// it runs (read through a signalfd) so that the caller always gets to restore
// its terminal. A master without an open slave (getty between respawns) is
// retried rather than treated as the end.
Result<ProxyEnd> run_proxy(const ProxyOptions& opts);

}  // namespace lxc::console
