// Running the command-line tools of a storage type that has no stable
// library (mkfs, lvm, zfs), as LXC does. The program is looked up in PATH;
// its output is captured so that a failure can say why.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace lxc::storage {

struct CommandResult {
  int status = -1;     // exit status; 128+N when killed by signal N
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] with argv, stdin from /dev/null. Fails only when it cannot
// be run at all (ENOENT when the program is not installed).
Result<CommandResult> run_command(const std::vector<std::string>& argv);

// run_command, and an error naming the command and its output unless it
// exited 0.
Result<std::string> run_checked(const std::vector<std::string>& argv);

// Whether a program can be found in PATH.
bool have_program(const std::string& name);

}  // namespace lxc::storage
