#pragma once

#include <sched.h>

#include <string_view>

#include "base/strings.h"

namespace lxc {

// The kernel's namespace types. `file` is the name under /proc/PID/ns/ and in
// lxc.namespace.clone/keep/share.*; `lxc_name` is the one LXC's tools take
// (-s of lxc-attach and lxc-unshare).
struct NamespaceType {
  std::string_view file;
  std::string_view lxc_name;
  int flag;
};
inline constexpr NamespaceType kNamespaceTypes[] = {
    {"user", "USER", CLONE_NEWUSER},       {"mnt", "MOUNT", CLONE_NEWNS},   {"pid", "PID", CLONE_NEWPID},
    {"uts", "UTSNAME", CLONE_NEWUTS},      {"ipc", "IPC", CLONE_NEWIPC},    {"net", "NETWORK", CLONE_NEWNET},
    {"cgroup", "CGROUP", CLONE_NEWCGROUP}, {"time", "TIME", CLONE_NEWTIME},
};

// "net" -> CLONE_NEWNET; 0 for a name that is not a namespace type.
inline int namespace_flag(std::string_view file) {
  for (const auto& t : kNamespaceTypes)
    if (t.file == file) return t.flag;
  return 0;
}

// "NETWORK" (any case) -> CLONE_NEWNET; with also_file, "net" and the other
// /proc names as well. 0 when unknown.
inline int namespace_flag_from_lxc_name(std::string_view name, bool also_file) {
  for (const auto& t : kNamespaceTypes)
    if (iequals(name, t.lxc_name) || (also_file && iequals(name, t.file))) return t.flag;
  return 0;
}

}  // namespace lxc
