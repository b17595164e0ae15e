#include "security/lsm.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"

namespace lxc::security {
namespace {

constexpr log::Logger kLog("lsm");

bool apparmor_enabled() {
  auto v = read_file("/sys/module/apparmor/parameters/enabled");
  return v && v->starts_with("Y") && ::access("/sys/kernel/security/apparmor", F_OK) == 0;
}

bool selinux_enabled() { return ::access("/sys/fs/selinux/enforce", F_OK) == 0; }

Result<void> write_attr(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    return fail_sys("write \"" + value + "\" to " + path);
  return {};
}

}  // namespace

Lsm active_lsm() {
  static const Lsm lsm = apparmor_enabled() ? Lsm::AppArmor : selinux_enabled() ? Lsm::SELinux : Lsm::None;
  return lsm;
}

std::string_view lsm_name(Lsm lsm) {
  switch (lsm) {
    case Lsm::AppArmor:
      return "AppArmor";
    case Lsm::SELinux:
      return "SELinux";
    case Lsm::None:
      break;
  }
  return "none";
}

Result<void> set_exec_label(Lsm lsm, const std::string& label, const std::string& keyring_label) {
  if (lsm == Lsm::None || label.empty()) return {};
  if (::access("/proc/self/attr", F_OK) != 0)
    return fail(ENOENT, "cannot set the " + std::string(lsm_name(lsm)) + " label \"" + label +
                            "\": /proc is not mounted in the container (lxc.mount.auto = proc:mixed mounts it)");
  if (lsm == Lsm::AppArmor) {
    // The per-LSM attr directory where the kernel has it (5.8+), else the shared file.
    std::string path = ::access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                           : "/proc/self/attr/exec";
    auto r = write_attr(path, "exec " + label);
    if (!r && r.error().code == ENOENT)
      return fail(ENOENT, "lxc.apparmor.profile: AppArmor has no profile \"" + label +
                              "\" loaded (root loads it with apparmor_parser; lxcpp makes LXC's default profiles on a "
                              "privileged start; lxc.apparmor.profile = unconfined runs the container without one)");
    return r;
  }
  if (auto r = write_attr("/proc/self/attr/exec", label); !r)
    return unexpected(with_context(r.error(), "lxc.selinux.context"));
  const std::string& key = keyring_label.empty() ? label : keyring_label;
  if (auto r = write_attr("/proc/self/attr/keycreate", key); !r)
    return unexpected(with_context(r.error(), "lxc.selinux.context.keyring"));
  return {};
}

Result<std::string> process_label(Lsm lsm, pid_t pid) {
  if (lsm == Lsm::None) return std::string();
  std::string base = "/proc/" + std::to_string(pid) + "/attr/";
  std::string path = base + "current";
  if (lsm == Lsm::AppArmor && ::access((base + "apparmor/current").c_str(), F_OK) == 0) path = base + "apparmor/current";
  auto text = read_file(path);
  if (!text) return unexpected(text.error());
  std::string label(trim(*text));
  label = label.substr(0, label.find('\0'));
  // AppArmor appends the mode: "lxc-container-default-cgns (enforce)".
  if (lsm == Lsm::AppArmor) label = label.substr(0, label.find(" ("));
  if (label == "unconfined") label.clear();
  return label;
}

Result<LsmPlan> prepare_lsm(const config::Conf& conf, std::string_view name, std::string_view lxcpath, bool cgroupns,
                            Lsm lsm) {
  LsmPlan plan;
  plan.lsm = lsm;
  if (lsm == Lsm::None) {
    if (!conf.apparmor_profile.empty() || !conf.selinux_context.empty())
      kLog.info("no LSM is enabled on this host: lxc.apparmor.* and lxc.selinux.* have no effect");
    return plan;
  }
  if (lsm == Lsm::SELinux) {
    plan.label = conf.selinux_context;
  } else {
    const std::string& p = conf.apparmor_profile;
    // Path-based profiles are only as good as AppArmor's mount mediation: as
    // LXC, refuse to start without it unless lxc.apparmor.allow_incomplete.
    if (p != "unchanged" && p != "unconfined" && !conf.apparmor_allow_incomplete &&
        ::access("/sys/kernel/security/apparmor/features/mount/mask", F_OK) != 0)
      return fail(ENOTSUP,
                  "this kernel's AppArmor cannot mediate mounts: set lxc.apparmor.allow_incomplete = 1 to run "
                  "under partial protection");
    auto prepared = apparmor::prepare(conf, name, lxcpath, cgroupns);
    if (!prepared) return unexpected(prepared.error());
    plan.label = std::move(prepared->label);
    if (prepared->generated) plan.generated.emplace(std::move(*prepared->generated));
  }
  kLog.info("{} label for the container: {}", lsm_name(lsm), plan.label.empty() ? "unchanged" : plan.label);
  return plan;
}

}  // namespace lxc::security
