#include "base/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "base/strings.h"

namespace lxc {

Result<Spawned> spawn_piped(const std::string& path, char* const argv[], char* const envp[], bool stderr_too) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd rd(p[0]), wr(p[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, wr.get(), STDOUT_FILENO);
  if (stderr_too) posix_spawn_file_actions_adddup2(&fa, wr.get(), STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  Spawned s;
  int err = ::posix_spawn(&s.pid, path.c_str(), &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return fail(err, "run " + path);
  s.out = std::move(rd);  // our write end closes here: EOF once the program (and what it left) closes its own
  return s;
}

Result<int> wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return fail_sys("wait for pid " + std::to_string(pid));
  return status;
}

bool Captured::ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string Captured::complaint() const {
  std::string why(trim(output));
  std::replace(why.begin(), why.end(), '\n', ' ');
  if (why.empty()) why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status)) : "killed";
  return why;
}

Result<Captured> run_captured(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto child = spawn_piped(args.at(0), argv.data(), environ, true);
  if (!child) return unexpected(child.error());
  Captured c;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(child->out.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c.output.size() < 4096) c.output.append(buf, static_cast<size_t>(n));
  }
  auto waited = wait_for(child->pid);
  if (!waited) return unexpected(waited.error());
  c.status = *waited;
  return c;
}

std::optional<std::string> find_in_path(std::string_view name, std::string_view path_env) {
  if (name.find('/') != std::string_view::npos) return std::nullopt;
  size_t pos = 0;
  for (;;) {
    size_t colon = path_env.find(':', pos);
    std::string_view dir = path_env.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    pos = colon + 1;
  }
}

std::string find_program(std::string_view name) {
  const char* env = std::getenv("PATH");
  std::string path = std::string(env ? env : "") + ":/usr/sbin:/usr/bin:/sbin:/bin";
  return find_in_path(name, path).value_or(std::string());
}

}  // namespace lxc
