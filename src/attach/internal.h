// Internal to attach/: what the lxc-attach process prepares on the host and
// hands to the attached process, and the pty proxy between the two.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "attach/attach.h"
#include "base/unique_fd.h"
#include "security/lsm.h"
#include "security/seccomp.h"

namespace lxc::attach::detail {

// Everything the attached process needs, opened or computed while the host
// is still in view; it runs child_main() with it and never returns.
struct ChildPlan {
  const Target* target = nullptr;
  const AttachOptions* opts = nullptr;
  int init_pidfd = -1;
  unsigned setns_flags = 0;               // CLONE_NEW* to join with setns(init_pidfd) (never CLONE_NEWPID)
  bool in_userns = false;                 // the parent joined the container's user namespace already
  std::vector<std::string> cgroup_procs;  // cgroup.procs files to write "0" to (no CLONE_INTO_CGROUP)
  security::SeccompProgram seccomp;       // empty: none
  bool load_seccomp = false;
  security::Lsm lsm = security::Lsm::None;
  std::string lsm_label;                  // set for the exec; "" keeps the caller's
  bool drop_caps = true;
  bool join_core_sched = false;             // lxc.sched.core: into init's core scheduling domain
  int pty_slave = -1;                       // -1: no pty
  bool tty_fds[3] = {false, false, false};  // which of stdin, stdout, stderr get the pty slave
  std::string cwd;                          // the caller's, tried inside the container
  int err_fd = -1;                          // a CLOEXEC pipe: a message here means "failed before exec"
  bool errors_said = false;                 // spawn(): err_fd is stderr, where messages are lines of their own
  const int* stdio = nullptr;               // spawn(): the fds that become stdin, stdout and stderr
  uid_t uid = 0;
  gid_t gid = 0;
};

[[noreturn]] void child_main(const ChildPlan& plan);

// A pty pair for the attached command: from the container's own devpts
// (through /proc/PID/root, as LXC prefers) when it has one with a free slot,
// else from the host's. The slave belongs to owner:group (host ids).
struct AttachPty {
  UniqueFd master;
  UniqueFd slave;
  bool in_container = false;
};
Result<AttachPty> open_attach_pty(pid_t init_pid, uid_t owner, gid_t group);

struct ProxyFds {
  int in = -1;       // the user's terminal to read from; -1: none
  int out = -1;      // where the pty's output goes
  int master = -1;   // -1: no pty, only wait and forward signals
  int log = -1;      // -L: a copy of the output
  int winsize = -1;  // the terminal whose size the pty follows
};
// Proxies until the child (pidfd) exits, forwarding SIGTERM, SIGHUP, SIGINT,
// SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM to it and following SIGWINCH, then
// reads what the pty still holds. The caller has blocked those signals and
// SIGCHLD (see proxy_signals()); returns the child's wait status.
Result<int> proxy_and_wait(pid_t child, int child_pidfd, const ProxyFds& fds);
// The signals proxy_and_wait reads from its signalfd.
sigset_t proxy_signals();

}  // namespace lxc::attach::detail
