// Linux security modules: the AppArmor profile or SELinux context a
// container's init (and lxc-attach's command) runs under, from
// lxc.apparmor.* and lxc.selinux.*. As LXC, the LSM used is the one the host
// has enabled (AppArmor first, then SELinux); with neither, the keys are
// accepted and have no effect (LXC's "nop" driver).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"
#include "security/apparmor.h"

namespace lxc::security {

enum class Lsm { None, AppArmor, SELinux };

// Which LSM this host enforces (read once per process).
Lsm active_lsm();
std::string_view lsm_name(Lsm lsm);

// Makes the next execve() of this process change to label (AppArmor's
// "exec PROFILE" in /proc/self/attr/apparmor/exec, SELinux's context in
// /proc/self/attr/exec), and for SELinux sets the keyring context
// (lxc.selinux.context.keyring, default the context) in attr/keycreate.
// Needs /proc mounted. A no-op for Lsm::None or an empty label.
Result<void> set_exec_label(Lsm lsm, const std::string& label, const std::string& keyring_label = {});

// The label pid runs under ("" for unconfined / unlabelled), e.g. the
// container init's for lxc-attach.
Result<std::string> process_label(Lsm lsm, pid_t pid);

// The start's step, in the monitor before init is cloned: the label init
// gets at execve on this host's LSM ("" keeps the monitor's), and with
// AppArmor the profile lxcpp loaded for the container (see
// security/apparmor.h), kept loaded while the plan lives:
//   AppArmor: lxc.apparmor.profile; "generated" or unset as apparmor::prepare,
//             refused where the kernel cannot mediate mounts unless
//             lxc.apparmor.allow_incomplete (as LXC).
//   SELinux:  lxc.selinux.context ("" keeps the label).
//   none:     the keys are accepted and do nothing.
struct LsmPlan {
  Lsm lsm = Lsm::None;
  std::string label;
  std::optional<apparmor::LoadedProfile> generated;
};
Result<LsmPlan> prepare_lsm(const config::Conf& conf, std::string_view name, std::string_view lxcpath, bool cgroupns,
                            Lsm lsm = active_lsm());

}  // namespace lxc::security
