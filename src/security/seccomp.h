// lxc.seccomp.profile: LXC's seccomp policy language (versions 1 and 2),
// compiled with libseccomp into a classic BPF program.
//
// The work is split in two because the profile is a host path: it must be
// read and compiled before the container's mounts hide the host
// (prepare_seccomp, monitor or attach side, before clone/setns), and loaded
// as the very last step before execve (load_seccomp, container side), after
// no_new_privs and the capability drop. load_seccomp is one seccomp(2) call:
// no allocation, no file access, nothing from libseccomp.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::security {

enum class SeccompActionKind { Kill, Errno, Trap, Trace, Allow, Log, Notify };

struct SeccompAction {
  SeccompActionKind kind = SeccompActionKind::Kill;
  uint32_t value = 0;  // errno for Errno, message for Trace
  bool operator==(const SeccompAction&) const = default;
};

enum class SeccompCmp { Ne, Lt, Le, Eq, Ge, Gt, MaskedEq };

// "[index,value,op]" or "[index,value,SCMP_CMP_MASKED_EQ,mask]": for
// MASKED_EQ the syscall argument matches when (arg & mask) == value.
struct SeccompArgCmp {
  unsigned index = 0;  // 0-5
  uint64_t value = 0;
  SeccompCmp op = SeccompCmp::Eq;
  uint64_t mask = 0;
  bool operator==(const SeccompArgCmp&) const = default;
};

struct SeccompRule {
  std::string syscall;  // name (v2) or decimal number (v1); "reject_force_umount" is special
  SeccompAction action;
  std::vector<SeccompArgCmp> args;  // at most 6
  std::string arch;                 // section it appeared under, lower case ("" before any section)
  int line = 0;                     // 1-based line in the profile
  bool operator==(const SeccompRule&) const = default;
};

struct SeccompPolicy {
  std::string origin;  // file name, for messages
  int version = 2;
  bool allowlist = false;       // allowlist: unlisted syscalls get default_action (kill unless given)
  SeccompAction default_action;  // for syscalls no rule matches
  std::vector<SeccompRule> rules;
};

// Parses a profile. Errors read "ORIGIN:LINE: what". Unknown syscall names
// are not an error here (they depend on the host); compile_policy skips them.
Result<SeccompPolicy> parse_policy(std::string_view text, const std::string& origin);
Result<SeccompPolicy> read_policy(const std::string& path);

// Builds the filter for the host's architectures (x86_64 also gets i386 and
// x32 as LXC does) and returns the BPF program seccomp(2) takes.
// Syscalls unknown on every host arch are skipped with a log line, as in LXC.
Result<std::vector<sock_filter>> compile_policy(const SeccompPolicy& policy);

// What the container side loads; empty when there is nothing to load.
struct SeccompProgram {
  std::vector<sock_filter> filter;
  std::string origin;
  bool empty() const { return filter.empty(); }
};

// Monitor/attach side, while host paths are visible. Empty program when
// lxc.seccomp.profile is unset, when the kernel lacks seccomp, or when this
// process is already seccomp-confined and lxc.seccomp.allow_nesting is 0
// (LXC's rule: a nested container keeps its parent's filter only).
Result<SeccompProgram> prepare_seccomp(const config::Conf& conf);
// Container side, last step before execve. Does not set no_new_privs (as
// LXC): without it the caller needs CAP_SYS_ADMIN in its user namespace.
Result<void> load_seccomp(const SeccompProgram& program);
// prepare_seccomp + load_seccomp, for a process that still sees the profile.
Result<void> apply_seccomp(const config::Conf& conf);

// The Seccomp: field of /proc/self/status: 0 none, 1 strict, 2 filter;
// -1 when the kernel has no seccomp (or /proc is not readable).
int current_seccomp_mode();

}  // namespace lxc::security
