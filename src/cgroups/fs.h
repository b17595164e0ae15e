// Internal to src/cgroups: file operations on cgroupfs directories.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lxc::cgroups::fs {

using Clock = std::chrono::steady_clock;

// a/b without doubled or trailing slashes; either part may be empty.
std::string join(std::string_view a, std::string_view b);
// Parent of a relative or absolute path ("" for a single component).
std::string parent(std::string_view path);

// One write(2) of the whole value, as cgroupfs wants: O_WRONLY, no O_CREAT
// (a missing file is a missing controller, not something to create).
Result<void> write(const std::string& path, std::string_view value);
Result<std::string> read(const std::string& path);
bool exists(const std::string& path);

// Names of the subdirectories (child cgroups).
std::vector<std::string> subdirs(const std::string& dir);
// pids in dir/cgroup.procs; in dir and every descendant.
std::vector<pid_t> procs(const std::string& dir);
std::vector<pid_t> tree_procs(const std::string& dir);

// rmdir of dir and its descendants, deepest first, retried on EBUSY until
// deadline (a killed task leaves its cgroup a little after the signal). A
// missing dir is success. Files are never unlinked: cgroupfs removes them
// with the directory.
Result<void> remove_tree(const std::string& dir, Clock::time_point deadline);

void sleep_for(std::chrono::milliseconds ms);

}  // namespace lxc::cgroups::fs
