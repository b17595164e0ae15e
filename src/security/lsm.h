// Linux security modules: the AppArmor profile or SELinux context a
// container's init (and lxc-attach's command) runs under, from
// lxc.apparmor.* and lxc.selinux.*. As LXC, the LSM used is the one the host
// has enabled (AppArmor first, then SELinux); with neither, the keys are
// accepted and have no effect (LXC's "nop" driver).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::security {

enum class Lsm { None, AppArmor, SELinux };

// Which LSM this host enforces (read once per process).
Lsm active_lsm();
std::string_view lsm_name(Lsm lsm);

// The label for the container's processes on this LSM, "" when they keep
// their current one:
//   AppArmor: lxc.apparmor.profile; unset: lxc-container-default-cgns (with a
//             cgroup namespace) or lxc-container-default, -with-nesting when
//             lxc.apparmor.allow_nesting; "unchanged" and "unconfined" keep
//             the label; "generated" is refused (lxcpp has no profile
//             generator yet: the error says to name a loaded profile).
//   SELinux:  lxc.selinux.context ("" keeps the label).
Result<std::string> exec_label(const config::Conf& conf, Lsm lsm, bool cgroupns);

// Makes the next execve() of this process change to label (AppArmor's
// "exec PROFILE" in /proc/self/attr/apparmor/exec, SELinux's context in
// /proc/self/attr/exec), and for SELinux sets the keyring context
// (lxc.selinux.context.keyring, default the context) in attr/keycreate.
// Needs /proc mounted. A no-op for Lsm::None or an empty label.
Result<void> set_exec_label(Lsm lsm, const std::string& label, const std::string& keyring_label = {});

// The label pid runs under ("" for unconfined / unlabelled), e.g. the
// container init's for lxc-attach.
Result<std::string> process_label(Lsm lsm, pid_t pid);

// The start's step: exec_label() + set_exec_label() for the active LSM.
Result<void> apply_lsm(const config::Conf& conf, bool cgroupns);

}  // namespace lxc::security
