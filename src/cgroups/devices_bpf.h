// Device access control on cgroup2: lxc.cgroup2.devices.allow/deny rules
// compiled into a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
// container's cgroup with BPF_CGROUP_DEVICE. cgroup2 has no devices.allow
// file; the kernel asks the attached programs on every open/mknod of a device.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::cgroups {

// Access bits, the kernel's BPF_DEVCG_ACC_* values.
inline constexpr uint8_t kDevMknod = 1, kDevRead = 2, kDevWrite = 4, kDevAll = 7;

// One devices.allow/devices.deny line.
struct DeviceRule {
  char type = 'a';       // 'a' (block and char), 'b' or 'c'
  int64_t major = -1;    // -1: any
  int64_t minor = -1;    // -1: any
  uint8_t access = kDevAll;
  bool allow = true;
  bool global = false;   // the value "a" alone: sets the default and drops earlier rules
  bool operator==(const DeviceRule&) const = default;
};

// Parses "a", "c 1:3 rwm", "b *:* m" or (allow only) "/dev/null rw", as LXC
// and the v1 devices controller accept them. key is "devices.allow" or
// "devices.deny".
Result<DeviceRule> parse_device_rule(std::string_view key, std::string_view value);

// The rules in effect: a default plus exceptions. Like the v1 controller,
// the default is "allow" until a "devices.deny = a". Later rules win over
// earlier ones: an access is decided by the last rule that matches it (an
// allow rule matches when it covers every requested access bit, a deny rule
// when it covers any of them), else by the default.
struct DevicePolicy {
  bool default_allow = true;
  std::vector<DeviceRule> rules;
  void add(const DeviceRule& r);
  // The decision for one access (type 'b'/'c', access bits), as the program makes it.
  bool allows(char type, uint32_t major, uint32_t minor, uint8_t access) const;
};

// The program for a policy, as BPF instructions (unit-tested by interpreting it).
std::vector<bpf_insn> build_device_program(const DevicePolicy& policy);

// A loaded device program attached to one cgroup2 directory. Destruction
// only closes our handle: the program stays attached (a process that exits,
// or a copy left in a forked parent, must not lift the container's device
// rules); removing the cgroup drops it. detach() takes it off explicitly.
class DeviceProgram {
 public:
  DeviceProgram() = default;
  DeviceProgram(DeviceProgram&&) noexcept = default;
  DeviceProgram& operator=(DeviceProgram&&) noexcept = default;
  ~DeviceProgram() = default;

  // Loads the program for policy and attaches it to the cgroup2 directory
  // (BPF_F_ALLOW_MULTI, as LXC). When a program was attached already, the
  // new one is attached first and the old one detached after, so there is
  // no moment without a program.
  Result<void> attach(const std::string& cgroup_dir, const DevicePolicy& policy);
  void detach() noexcept;
  bool attached() const { return static_cast<bool>(prog_); }

 private:
  UniqueFd prog_;
  std::string dir_;
};

// Whether this kernel lets us load a cgroup device program (CONFIG_CGROUP_BPF and
// CAP_SYS_ADMIN / CAP_BPF).
bool device_programs_supported();

}  // namespace lxc::cgroups
