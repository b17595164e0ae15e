// AppArmor profiles lxcpp writes and loads itself:
//  - lxc.apparmor.profile = generated (Debian's /etc/lxc/default.conf): a
//    profile of the container's own, "lxc-NAME_<LXCPATH>", written to
//    LXCPATH/NAME/apparmor/ and loaded with apparmor_parser before init
//    starts, unloaded when the container stops. Where the kernel can stack
//    profiles, init runs under that profile stacked with the unconfined
//    profile of an AppArmor namespace of the container's own, so that a
//    container manager inside can load profiles of its own there (LXC's
//    layout, names and label).
//  - LXC's default profiles (lxc-container-default, -cgns, -with-nesting,
//    -with-mounting), generated and loaded on first use when the host has
//    not loaded them (no LXC package installed): a container with no
//    lxc.apparmor.profile starts on any AppArmor host.
// The rules are lxcpp's own: a system container may do what a machine does
// (file access, networking, signals among its processes, tmpfs, mqueue,
// fuse, proc/sysfs/devpts at their places, bind mounts and their
// propagation, read-only and nosuid/nodev/noexec remounts, cgroupfs where
// it has a cgroup namespace) and may not write the host-wide kernel knobs
// proc and sysfs expose, read kernel memory or mount anything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::security::apparmor {

inline constexpr std::string_view kSecurityfs = "/sys/kernel/security/apparmor";
// apparmor_parser's cache of compiled profiles (LXC's).
inline constexpr std::string_view kCacheDir = "/var/cache/lxc/apparmor";

// What the profile may use, from the host.
struct Features {
  bool stacking = false;    // the kernel stacks profiles (domain/stack, domain version >= 1.2)
  bool stacked = false;     // this process already runs in a stacked namespace
  bool unix_rules = true;   // the parser knows `unix` rules (>= 2.10)
  bool cgroupns = true;     // the container has a cgroup namespace: it may mount cgroupfs
};

// What goes into one profile.
struct ProfileSpec {
  std::string name;
  Features features;
  bool nesting = false;        // lxc.apparmor.allow_nesting: containers inside
  bool mounting = false;       // lxc-container-default-with-mounting: block filesystems too
  bool unprivileged = false;   // lxc.idmap: the user namespace already limits mounts
  std::string stack_namespace; // the container's AppArmor namespace, "" without stacking
  std::vector<std::string> raw;  // lxc.apparmor.raw lines, appended as given
};

// The profile's text, ready for apparmor_parser.
std::string profile_text(const ProfileSpec& spec);

// "lxc-NAME_<LXCPATH>": the generated profile's name; longer than AppArmor
// takes (253), the 64-bit FNV-1a hash of it in 16 hex digits, as LXC.
std::string profile_name(std::string_view name, std::string_view lxcpath);
// The same with each '/' as '-': the container's AppArmor namespace, and the
// profile file's name.
std::string namespace_name(std::string_view name, std::string_view lxcpath);
// LXCPATH/NAME/apparmor/<namespace_name>: where the generated profile is kept.
std::string profile_file(std::string_view name, std::string_view lxcpath);
// The label init gets with a generated profile: the profile, stacked with the
// namespace's unconfined profile ("P//&:NS:") where the kernel can stack.
std::string generated_label(std::string_view name, std::string_view lxcpath, const Features& features);

// The profile for a container without lxc.apparmor.profile, as LXC:
// lxc-container-default-cgns, -with-nesting with lxc.apparmor.allow_nesting,
// lxc-container-default without a cgroup namespace.
std::string default_profile(const config::Conf& conf, bool cgroupns);

// A default profile name lxcpp knows how to make (lxc-container-default...),
// as the ProfileSpec that makes it; none for other names.
std::optional<ProfileSpec> default_profile_spec(std::string_view profile, const Features& features);

// apparmor_parser's command line: `-r` (load or replace), `-R` (remove) or
// `-Q` (compile only) of file, with LXC's cache for -r.
std::vector<std::string> parser_command(const std::string& parser, char command, const std::string& file);

// Reads Features from securityfs (cgroupns as given; unix_rules is asked of
// the parser when a profile is written).
Features host_features(bool cgroupns);

// A generated profile loaded for a running container: unloaded, with its
// namespace, when destroyed (the container stopped or its start failed).
class LoadedProfile {
 public:
  // Owns the namespace directory ns_dir ("" for none) from here on.
  LoadedProfile(std::string parser, std::string ns_dir);
  // The profile in file is loaded: unload it too.
  void loaded(std::string file) { file_ = std::move(file); }
  LoadedProfile(LoadedProfile&& other) noexcept;
  LoadedProfile& operator=(LoadedProfile&&) = delete;
  ~LoadedProfile();

 private:
  std::string parser_, file_, ns_dir_;
};

// The label init runs under on an AppArmor host, and the generated profile
// loaded for it (if any). Decides as LXC: "unchanged"/"unconfined" keep the
// label; "generated" writes and loads the container's profile (where this
// process may load profiles: CAP_MAC_ADMIN and the parser, and is not
// itself confined without stacking; elsewhere the default profile is used,
// with a warning); unset: lxc-container-default-cgns (-with-nesting with
// allow_nesting, lxc-container-default without a cgroup namespace), made
// and loaded when the host lacks it. A process that is already confined and
// cannot stack keeps its label.
struct Prepared {
  std::string label;
  std::optional<LoadedProfile> generated;
};
Result<Prepared> prepare(const config::Conf& conf, std::string_view name, std::string_view lxcpath, bool cgroupns);

}  // namespace lxc::security::apparmor
