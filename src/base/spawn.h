// Running a helper program (a hook, newuidmap) from a process that blocks
// and handles signals of its own, such as the monitor.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc {

struct Spawned {
  pid_t pid = -1;
  UniqueFd out;  // the read end of the program's stdout (and stderr with stderr_too)
};

// posix_spawn of path with argv and envp (NULL-terminated), no signal blocked
// and every signal at its default in the program, its stdout (and stderr when
// stderr_too) into a pipe whose read end is returned. The error's code is
// posix_spawn's.
Result<Spawned> spawn_piped(const std::string& path, char* const argv[], char* const envp[], bool stderr_too);

// waitpid(pid) retried on EINTR: the wait status.
Result<int> wait_for(pid_t pid);

struct Captured {
  int status = 0;      // the wait status
  std::string output;  // stdout and stderr together, at most the first 4 KiB

  bool ok() const;  // exited with status 0
  // Why it failed, on one line: its output, else "exit status N" or "killed".
  std::string complaint() const;
};

// spawn_piped of args[0] with args (and this process's environment), stderr
// too, everything it writes read, and waited for: for small helpers
// (newuidmap, lxc-user-nic) whose output is the answer or the complaint.
Result<Captured> run_captured(const std::vector<std::string>& args);

// The first executable regular file named name in the ':'-separated path
// list (an empty element is the current directory), as `command -v`; none
// for a name with a '/'.
std::optional<std::string> find_in_path(std::string_view name, std::string_view path_env);

// A helper program (newuidmap, busybox, apparmor_parser) as LXC finds it:
// along $PATH, then /usr/sbin, /usr/bin, /sbin, /bin. "" when there is none.
std::string find_program(std::string_view name);

}  // namespace lxc
