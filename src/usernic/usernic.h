// lxc-user-nic's privileged part: a veth pair for an unprivileged user's
// container, one end on a bridge the user was granted (lxc-usernet(5)), the
// other inside the network namespace of the container's init.
//
// Runs setuid root. What the caller may do is checked against the caller's
// real uid: the namespace is opened with the caller's effective uid (so the
// caller must be able to see it), and the user namespace that owns it must
// be one the caller created (directly under the initial one), which is what
// makes the caller privileged over it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::usernic {

struct Caller {
  uid_t uid = 0;  // real uid
  std::string user;
  std::vector<std::string> groups;  // names of the primary and supplementary groups
};

// The caller of this process (real uid and groups).
Result<Caller> current_caller();

struct Request {
  pid_t pid = 0;
  std::string type;     // veth
  std::string bridge;   // on the host
  std::string nicname;  // inside; eth0 when empty
};

struct Created {
  std::string nic;  // inside
  int ifindex = 0;
  std::string host_nic;
  int host_ifindex = 0;
};

// /proc/PID/ns/net opened with the caller's effective uid.
Result<UniqueFd> open_netns_as(uid_t uid, pid_t pid);

// Whether `uid` is privileged over the network namespace `netns_fd`.
Result<void> check_privileged_over(int netns_fd, uid_t uid);

// Checks, counts against the quota, makes the pair and records it in the
// database. usernet_file/db_file are parameters for the tests only; the tool
// passes the fixed paths.
Result<Created> create_nic(const Caller& caller, const Request& req, const std::string& usernet_file,
                           const std::string& db_file);

}  // namespace lxc::usernic
