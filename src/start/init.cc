// lxc-execute's init: PID 1 of the container runs the command as its child,
// passes signals on, reaps every orphan, and exits with the command's status.
// It is this process image (no binary is needed inside the container).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "start/child.h"
#include "start/sync.h"

namespace lxc::start {

void run_init(const std::vector<std::string>& argv, int sync_fd) {
  ::prctl(PR_SET_NAME, "init.lxc", 0, 0, 0);
  sigset_t all, old;
  ::sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, &old);

  pid_t child = ::fork();
  if (child < 0) {
    send_error(sync_fd, sys_error("fork the command"));
    ::_exit(1);
  }
  if (child == 0) {
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);
    ::setpgid(0, 0);
    // The command gets the terminal's foreground, so ^C reaches it.
    if (::isatty(0)) ::tcsetpgrp(0, ::getpid());
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    int err = errno;
    send_error(sync_fd, Error{err, "exec " + argv[0]});
    ::_exit(err == ENOENT ? 127 : 126);
  }
  // The sync socket's last copy is the command's: its exec closes it.
  ::close(sync_fd);

  int status = 0;
  bool exited = false;
  for (;;) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      for (;;) {
        int st;
        pid_t p = ::waitpid(-1, &st, WNOHANG);
        if (p <= 0) break;
        if (p == child) {
          status = st;
          exited = true;
        }
      }
      if (exited) break;
      continue;
    }
    // Everything else goes to the command's process group.
    ::kill(-child, sig);
  }
  // Orphans left behind get a chance to end, then are killed: the pid
  // namespace ends with us anyway.
  if (::kill(-1, SIGTERM) == 0) {
    for (int i = 0; i < 20 && ::kill(-1, 0) == 0; ++i) {
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      ::usleep(5 * 1000);
    }
    ::kill(-1, SIGKILL);
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
  }
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  ::_exit(128 + WTERMSIG(status));
}

}  // namespace lxc::start
