#include "security/apparmor.h"

#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "base/file.h"
#include "base/spawn.h"
#include "base/strings.h"
#include "log/log.h"

namespace lxc::security::apparmor {
namespace {

constexpr log::Logger kLog("apparmor");

constexpr std::string_view kDefault = "lxc-container-default";
constexpr std::string_view kDefaultCgns = "lxc-container-default-cgns";
constexpr std::string_view kDefaultNesting = "lxc-container-default-with-nesting";
constexpr std::string_view kDefaultMounting = "lxc-container-default-with-mounting";
// AppArmor's limit on a profile name; LXC hashes longer ones.
constexpr size_t kMaxName = 253;

// What every container gets. Paths are matched after the kernel resolves
// them, so the proc and sysfs rules hold only where proc and sysfs are
// mounted: they may be mounted at /proc and /sys only, and neither may be
// bind-mounted elsewhere.
constexpr std::string_view kBase = R"(  # What a machine's processes do.
  capability,
  dbus,
  file,
  network,
  umount,
  signal (receive),
  signal peer=@{profile_name},
  ptrace (readby, tracedby),
  ptrace peer=@{profile_name},

  # Filesystems a system container mounts.
  mount fstype=proc -> /proc/,
  mount fstype=sysfs -> /sys/,
  mount fstype=devpts -> /dev/pts/,
  mount fstype=tmpfs,
  mount fstype=mqueue,
  mount fstype=hugetlbfs,
  mount fstype=fuse,
  mount fstype=fuse.*,
  mount fstype=fusectl -> /sys/fs/fuse/connections/,

  # Bind mounts and their propagation (service sandboxing); never of proc or
  # sysfs, whose copies elsewhere would escape the rules below.
  mount options=(rw, bind),
  mount options=(rw, rbind),
  deny mount options=(rw, bind) /proc/{,**},
  deny mount options=(rw, rbind) /proc/{,**},
  deny mount options=(rw, bind) /sys/{,**},
  deny mount options=(rw, rbind) /sys/{,**},
  mount options=(rw, make-slave) -> **,
  mount options=(rw, make-rslave) -> **,
  mount options=(rw, make-shared) -> **,
  mount options=(rw, make-rshared) -> **,
  mount options=(rw, make-private) -> **,
  mount options=(rw, make-rprivate) -> **,
  mount options=(rw, make-unbindable) -> **,
  mount options=(rw, make-runbindable) -> **,
  mount options=(rw, bind) /dev/pts/ptmx -> /dev/ptmx,

  # init remounts / read-only at shutdown: the host's root stays as it is,
  # without a denial logged each time.
  deny mount options=(ro, remount) -> /,
  deny mount options=(ro, remount, silent) -> /,

  # Kernel memory and host-wide switches in proc.
  deny /proc/sysrq-trigger rwklx,
  deny /proc/kcore rwklx,
  deny /proc/kmem rwklx,
  deny /proc/mem rwklx,
  deny /proc/acpi/** rwklx,
  # /proc/sys: only net and the namespaced kernel knobs (IPC: shm*, sem*,
  # msg*; UTS: hostname, domainname) are the container's to write.
  deny /proc/sys/[^kn]*{,/**} wklx,
  deny /proc/sys/kernel/[^dhms]*{,/**} wklx,
  deny /proc/sys/kernel/d[^o]*{,/**} wklx,
  deny /proc/sys/kernel/h[^o]*{,/**} wklx,
  deny /proc/sys/kernel/hotplug wklx,
  deny /proc/sys/kernel/m[^s]*{,/**} wklx,
  deny /proc/sys/kernel/s[^eh]*{,/**} wklx,
  deny /proc/sys/kernel/se[^m]*{,/**} wklx,
  deny /proc/sys/kernel/sh[^m]*{,/**} wklx,

  # sysfs: the container's network devices and its cgroups are its own to
  # write; devices, drivers, firmware, kernel and power are the host's.
  deny /sys/[^cdf]*{,/**} wklx,
  deny /sys/c[^l]*{,/**} wklx,
  deny /sys/d[^e]*{,/**} wklx,
  deny /sys/devices/[^v]*{,/**} wklx,
  deny /sys/devices/v[^i]*{,/**} wklx,
  deny /sys/devices/virtual/[^n]*{,/**} wklx,
  deny /sys/devices/virtual/n[^e]*{,/**} wklx,
  deny /sys/f[^s]*{,/**} wklx,
  deny /sys/fs/[^c]*{,/**} wklx,
  deny /sys/fs/c[^g]*{,/**} wklx,
  deny /sys/firmware/efi/efivars/** rwklx,
)";

constexpr std::string_view kUnix = R"(
  # Unix sockets, among the container's processes and to the host's.
  unix,
)";

constexpr std::string_view kCgroupNamespace = R"(
  # cgroupfs: the container has a cgroup namespace, it sees its own tree.
  mount fstype=cgroup -> /sys/fs/cgroup/{,**},
  mount fstype=cgroup2 -> /sys/fs/cgroup/{,**},
)";

constexpr std::string_view kNoSecurityfs = R"(
  # The host's LSM policy.
  deny /sys/kernel/security/** rwklx,
)";

constexpr std::string_view kStackedNamespace = R"(
  # Policy of the container's own AppArmor namespace, nothing else of the host's LSMs.
  deny /sys/kernel/security/[^a]*{,/**} rwklx,
  deny /sys/kernel/security/a[^p]*{,/**} rwklx,
)";

constexpr std::string_view kNesting = R"(
  # Containers inside (lxc.apparmor.allow_nesting): they mount proc, sysfs
  # and devpts for themselves and pivot into their root. The unmasked proc
  # and sysfs the runtime keeps for them under /dev/.lxc stay unreadable.
  pivot_root,
  mount fstype=proc,
  mount fstype=sysfs,
  mount fstype=devpts,
  deny /dev/.lxc/proc/** rwklx,
  deny /dev/.lxc/sys/** rwklx,
)";

constexpr std::string_view kMounting = R"(
  # Block filesystems (lxc-container-default-with-mounting).
  mount fstype=ext*,
  mount fstype=xfs,
  mount fstype=btrfs,
)";

constexpr std::string_view kUnprivileged = R"(
  # An unprivileged container: its user namespace decides what it may mount.
  pivot_root,
  mount options=(ro, remount),
  mount options=(ro, remount, bind),
)";

// Read-only remounts of bind mounts, with any of nosuid, nodev and noexec
// and an atime mode: what service sandboxing (ProtectSystem=,
// ReadOnlyPaths=) asks for. AppArmor matches a mount's flags exactly, so
// each combination is a rule.
void append_remount_rules(std::string& out) {
  constexpr std::string_view extra[] = {"nosuid", "nodev", "noexec"};
  constexpr std::string_view atime[] = {"", "noatime", "nodiratime", "relatime", "strictatime"};
  out += "\n  # Read-only remounts of bind mounts.\n";
  for (unsigned mask = 0; mask < 8; ++mask)
    for (std::string_view a : atime) {
      std::string opts = "ro, remount, bind";
      for (unsigned i = 0; i < 3; ++i)
        if (mask & (1u << i)) opts += fmt::format(", {}", extra[i]);
      if (!a.empty()) opts += fmt::format(", {}", a);
      out += fmt::format("  mount options=({}),\n", opts);
    }
}

bool file_says_yes(const std::string& path) {
  auto v = read_file(path, 64);
  return v && trim(*v) == "yes";
}

// Whether the parser knows `unix` rules (2.10 and later): "AppArmor parser
// version 3.0.8". Asked only when a profile is written.
bool parser_knows_unix(const std::string& parser) {
  auto r = run_captured({parser, "--version"});
  int major = 0, minor = 0;
  if (r && r->ok()) std::sscanf(r->output.c_str(), "AppArmor parser version %d.%d", &major, &minor);
  return major > 2 || (major == 2 && minor >= 10);
}

bool may_load_policy() {
  cap_t caps = cap_get_proc();
  if (!caps) return false;
  cap_flag_value_t v = CAP_CLEAR;
  cap_get_flag(caps, CAP_MAC_ADMIN, CAP_EFFECTIVE, &v);
  cap_free(caps);
  return v == CAP_SET;
}

// This process's label, "unconfined" when it has none.
std::string own_label() {
  auto v = read_file("/proc/self/attr/apparmor/current", 4096);
  if (!v) v = read_file("/proc/self/attr/current", 4096);
  if (!v) return "unconfined";
  std::string label(trim(*v));
  return label.substr(0, label.find(" ("));
}

bool profile_loaded(std::string_view profile) {
  auto list = read_file(std::string(kSecurityfs) + "/profiles");
  if (!list) return false;
  for (std::string_view line : split(*list, "\n"))
    if (line.substr(0, line.find(" (")) == profile) return true;
  return false;
}

Result<void> run_parser(const std::string& parser, char command, const std::string& file) {
  auto r = run_captured(parser_command(parser, command, file));
  if (!r) return unexpected(with_context(r.error(), "run " + parser));
  if (!r->ok()) return fail(EINVAL, fmt::format("apparmor_parser -{} {}: {}", command, file, r->complaint()));
  return {};
}

// Writes spec's profile to file (unchanged content is not rewritten: the
// parser's cache stays valid) and loads it.
Result<void> write_and_load(ProfileSpec spec, const std::string& file, const std::string& parser) {
  spec.features.unix_rules = parser_knows_unix(parser);
  std::string text = profile_text(spec);
  if (auto old = read_file(file); !old || *old != text) {
    if (auto r = mkdir_p(dirname_of(file), 0755); !r) return r;
    if (auto r = write_file_atomic(file, text, 0600); !r) return r;
  }
  if (auto r = mkdir_p(std::string(kCacheDir), 0755); !r) return r;
  return run_parser(parser, 'r', file);
}

}  // namespace

std::string profile_text(const ProfileSpec& spec) {
  std::string out = fmt::format(
      "# AppArmor profile {}, written by lxcpp (apparmor_parser loads it; lxcpp rewrites it at each start).\n"
      "profile \"{}\" flags=(attach_disconnected,mediate_deleted) {{\n",
      spec.name, spec.name);
  out += kBase;
  append_remount_rules(out);
  if (spec.features.unix_rules) out += kUnix;
  if (spec.features.cgroupns) out += kCgroupNamespace;
  out += spec.stack_namespace.empty() ? kNoSecurityfs : kStackedNamespace;
  if (spec.nesting) {
    out += kNesting;
    if (!spec.stack_namespace.empty())
      out += fmt::format("  change_profile -> \":{0}:*\",\n  change_profile -> \":{0}://*\",\n", spec.stack_namespace);
    else
      out += "  change_profile -> lxc-*,\n  change_profile -> lxc-**,\n";
  }
  if (spec.mounting) out += kMounting;
  if (spec.unprivileged) out += kUnprivileged;
  if (!spec.raw.empty()) {
    out += "\n  # lxc.apparmor.raw\n";
    for (const auto& line : spec.raw) out += fmt::format("  {}\n", line);
  }
  out += "}\n";
  return out;
}

std::string profile_name(std::string_view name, std::string_view lxcpath) {
  std::string full = fmt::format("lxc-{}_<{}>", name, lxcpath);
  if (full.size() > kMaxName) return fmt::format("{:016x}", fnv1a_64(full));
  return full;
}

std::string namespace_name(std::string_view name, std::string_view lxcpath) {
  std::string s = profile_name(name, lxcpath);
  for (char& c : s)
    if (c == '/') c = '-';
  return s;
}

std::string profile_file(std::string_view name, std::string_view lxcpath) {
  return fmt::format("{}/{}/apparmor/{}", lxcpath, name, namespace_name(name, lxcpath));
}

std::string generated_label(std::string_view name, std::string_view lxcpath, const Features& features) {
  std::string label = profile_name(name, lxcpath);
  if (features.stacking && !features.stacked) label += fmt::format("//&:{}:", namespace_name(name, lxcpath));
  return label;
}

std::string default_profile(const config::Conf& conf, bool cgroupns) {
  return std::string(conf.apparmor_allow_nesting ? kDefaultNesting : cgroupns ? kDefaultCgns : kDefault);
}

std::optional<ProfileSpec> default_profile_spec(std::string_view profile, const Features& features) {
  ProfileSpec spec;
  spec.name = std::string(profile);
  spec.features = features;
  if (profile == kDefault) {
    spec.features.cgroupns = false;
  } else if (profile == kDefaultCgns) {
    spec.features.cgroupns = true;
  } else if (profile == kDefaultNesting) {
    spec.features.cgroupns = true;
    spec.nesting = true;
  } else if (profile == kDefaultMounting) {
    spec.features.cgroupns = true;
    spec.mounting = true;
  } else {
    return std::nullopt;
  }
  return spec;
}

std::vector<std::string> parser_command(const std::string& parser, char command, const std::string& file) {
  std::vector<std::string> args{parser, std::string("-") + command};
  if (command == 'r') {
    args.emplace_back("-W");
    args.emplace_back("-L");
    args.emplace_back(kCacheDir);
  }
  if (command == 'Q') args.emplace_back("-K");
  args.emplace_back("--");
  args.push_back(file);
  return args;
}

Features host_features(bool cgroupns) {
  Features f;
  const std::string fs(kSecurityfs);
  if (file_says_yes(fs + "/features/domain/stack")) {
    auto v = read_file(fs + "/features/domain/version", 64);
    int major = 0, minor = 0;
    if (v) std::sscanf(v->c_str(), "%d.%d", &major, &minor);
    f.stacking = major > 1 || (major == 1 && minor >= 2);
  }
  f.stacked = file_says_yes(fs + "/.ns_stacked");
  f.cgroupns = cgroupns;
  return f;
}

LoadedProfile::LoadedProfile(std::string parser, std::string ns_dir)
    : parser_(std::move(parser)), ns_dir_(std::move(ns_dir)) {}

LoadedProfile::LoadedProfile(LoadedProfile&& other) noexcept
    : parser_(std::move(other.parser_)), file_(std::move(other.file_)), ns_dir_(std::move(other.ns_dir_)) {
  other.file_.clear();
  other.ns_dir_.clear();
}

LoadedProfile::~LoadedProfile() {
  if (!file_.empty())
    if (auto r = run_parser(parser_, 'R', file_); !r) kLog.warn("unloading the container's profile: {}", r.error().what);
  if (!ns_dir_.empty() && ::rmdir(ns_dir_.c_str()) < 0 && errno != ENOENT)
    kLog.warn("removing AppArmor namespace {}: {}", ns_dir_, std::strerror(errno));
}

Result<Prepared> prepare(const config::Conf& conf, std::string_view name, std::string_view lxcpath, bool cgroupns) {
  Prepared out;
  const std::string& p = conf.apparmor_profile;
  if (p == "unchanged" || p == "unconfined") return out;
  const std::string parser = find_program("apparmor_parser");
  Features features = host_features(cgroupns);

  std::string current = own_label();
  bool confined = current != "unconfined";
  if (confined && !features.stacking) {
    // Nested without stacking: the container runs under this process's profile.
    kLog.info("already confined by AppArmor ({}) without stacking: the container keeps that profile", current);
    return out;
  }

  std::string wanted = p;
  if (wanted == "generated") {
    const char* why = parser.empty()                 ? "apparmor_parser is not installed (Debian: apt install apparmor)"
                      : !may_load_policy()            ? "this process lacks CAP_MAC_ADMIN"
                      : confined && features.stacked ? "this process runs in a stacked AppArmor namespace"
                                                      : nullptr;
    if (!why) {
      ProfileSpec spec;
      spec.name = profile_name(name, lxcpath);
      spec.features = features;
      spec.nesting = conf.apparmor_allow_nesting;
      spec.unprivileged = !conf.idmaps.empty();
      spec.raw = conf.apparmor_raw;
      std::string ns_dir;
      if (features.stacking && !features.stacked) {
        spec.stack_namespace = namespace_name(name, lxcpath);
        ns_dir = fmt::format("{}/policy/namespaces/{}", kSecurityfs, spec.stack_namespace);
        if (::mkdir(ns_dir.c_str(), 0755) < 0 && errno != EEXIST)
          return fail_sys("lxc.apparmor.profile = generated: create AppArmor namespace " + spec.stack_namespace);
      }
      std::string file = profile_file(name, lxcpath);
      // From here the destructor takes away what was made, on every path.
      LoadedProfile loaded(parser, ns_dir);
      if (auto r = write_and_load(spec, file, parser); !r)
        return unexpected(with_context(r.error(), "lxc.apparmor.profile = generated"));
      loaded.loaded(file);
      out.label = generated_label(name, lxcpath, features);
      out.generated.emplace(std::move(loaded));
      kLog.info("loaded the container's AppArmor profile {} from {}", spec.name, file);
      return out;
    }
    kLog.warn("lxc.apparmor.profile = generated: {}: using the default profile", why);
    wanted.clear();
  }
  if (wanted.empty()) wanted = default_profile(conf, cgroupns);

  // LXC's default profiles come with its package; without it lxcpp makes them.
  if (!profile_loaded(wanted))
    if (auto spec = default_profile_spec(wanted, features); spec && !parser.empty() && may_load_policy()) {
      std::string file = fmt::format("{}/profiles/{}", kCacheDir, wanted);
      if (auto r = write_and_load(*spec, file, parser); !r)
        return unexpected(with_context(r.error(), "AppArmor profile " + wanted));
      kLog.info("AppArmor had no profile {}: loaded lxcpp's ({})", wanted, file);
    }
  out.label = wanted;
  return out;
}

}  // namespace lxc::security::apparmor
