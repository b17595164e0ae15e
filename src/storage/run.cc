#include "storage/run.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "base/strings.h"
#include "base/unique_fd.h"

extern char** environ;

namespace lxc::storage {

bool have_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& d : split(dirs, ":"))
    if (::access((d + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

Result<CommandResult> run_command(const std::vector<std::string>& argv) {
  if (argv.empty()) return fail(EINVAL, "run_command: no program");
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd rd(pipefd[0]), wr(pipefd[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, wr.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, wr.get(), 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return fail(err, "cannot run " + argv[0]);
  wr.reset();
  CommandResult r;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(rd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (r.output.size() < (1u << 20)) r.output.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys("waitpid " + argv[0]);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Result<std::string> run_checked(const std::vector<std::string>& argv) {
  auto r = run_command(argv);
  if (!r) return unexpected(r.error());
  if (r->status != 0) {
    std::string out(trim(r->output));
    return fail(EIO, "\"" + join(argv, " ") + "\" failed (exit status " + std::to_string(r->status) + ")" +
                         (out.empty() ? "" : ": " + out));
  }
  return std::move(r->output);
}

}  // namespace lxc::storage
