// lxc-attach: run a process inside a running container, in its namespaces,
// cgroup, capabilities and environment.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace lxc::attach {

enum NamespaceMask : unsigned {
  kMount = 1, kPid = 2, kUts = 4, kIpc = 8, kUser = 16, kNet = 32, kCgroup = 64, kAllNamespaces = 127
};
// "MOUNT|PID|UTSNAME|IPC|USER|NETWORK|CGROUP" as lxc-attach -s takes it.
Result<unsigned> parse_namespaces(std::string_view s);

struct AttachOptions {
  unsigned namespaces = kAllNamespaces;
  bool keep_cgroup = false;  // -e CGROUP: stay in our own cgroup
  bool keep_caps = false;    // -e CAP: keep the capabilities lxc.cap.* would drop
  bool clear_env = false;    // --clear-env (default: keep, as LXC)
  std::vector<std::string> set_vars;   // -v VAR=VALUE
  std::vector<std::string> keep_vars;  // --keep-var VAR (with --clear-env)
  std::optional<uid_t> uid;            // -u
  std::optional<gid_t> gid;            // -g
  std::vector<std::string> argv;       // empty: the user's shell
};

// Attaches to the container whose init is init_pid. conf is the running
// container's configuration (capabilities, environment, idmap); cgroup_paths
// comes from its monitor. Returns the command's exit status (126/127 when it
// could not be executed, 128+N when killed by signal N).
struct Target {
  pid_t init_pid = -1;
  std::string cgroup_paths;
  std::vector<std::string> cap_drop;
  std::vector<std::string> cap_keep;
  std::vector<std::string> environment;
  std::string seccomp_profile;
  bool userns = false;
};
Result<int> run(const Target& target, const AttachOptions& opts);

}  // namespace lxc::attach
