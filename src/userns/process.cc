#include "userns/process.h"

#include <signal.h>
#include <sys/wait.h>

namespace lxc::userns {
namespace {

volatile pid_t g_relay_to = -1;

void relay(int sig) {
  if (g_relay_to > 0) ::kill(g_relay_to, sig);
}

}  // namespace

void relay_signals_to(pid_t pid) {
  g_relay_to = pid;
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGQUIT, SIG_IGN);
  ::signal(SIGTERM, relay);
  ::signal(SIGHUP, relay);
}

Result<int> wait_exit_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, __WALL) < 0)
    if (errno != EINTR) return fail_sys("wait for process " + std::to_string(pid));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace lxc::userns
