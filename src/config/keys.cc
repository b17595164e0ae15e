// The container key registry: one row per key of lxc.container.conf(5).
// Rows for the common value types are built from templates over the Conf
// member they store to; keys with their own rules have their own functions.
#include "config/keys.h"
#include "config/keys_net.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "base/strings.h"
#include "config/legacy.h"
#include "config/parser.h"
#include "config/values.h"
#include "log/log.h"

namespace lxc::config {
namespace {

constexpr log::Logger kLog("config");

using Check = Result<void> (*)(std::string_view);

unexpected<Error> invalid(std::string_view what) { return fail(EINVAL, std::string(what)); }

// ---- generic rows -------------------------------------------------------

template <std::string Conf::*M, Check C = nullptr>
Result<void> set_str(Conf& c, std::string_view, std::string_view v) {
  if constexpr (C != nullptr) {
    if (auto r = C(v); !r) return r;
  }
  c.*M = std::string(v);
  return {};
}
template <std::string Conf::*M>
std::string get_str(const Conf& c, std::string_view) { return c.*M; }
template <std::string Conf::*M>
void clear_str(Conf& c, std::string_view) { (c.*M).clear(); }
template <std::string Conf::*M, Check C = nullptr>
constexpr KeySpec str_key(std::string_view name, std::string_view sample) {
  return {name, Match::Exact, &set_str<M, C>, &get_str<M>, &clear_str<M>, sample};
}

template <bool Conf::*M, bool Default>
Result<void> set_bool(Conf& c, std::string_view, std::string_view v) {
  auto b = parse_bool(v);
  if (!b) return unexpected(b.error());
  c.*M = *b;
  return {};
}
template <bool Conf::*M, bool Default>
std::string get_bool(const Conf& c, std::string_view) { return c.*M ? "1" : "0"; }
template <bool Conf::*M, bool Default>
void clear_bool(Conf& c, std::string_view) { c.*M = Default; }
template <bool Conf::*M, bool Default = false>
constexpr KeySpec bool_key(std::string_view name) {
  return {name, Match::Exact, &set_bool<M, Default>, &get_bool<M, Default>, &clear_bool<M, Default>, "1"};
}

template <std::optional<bool> Conf::*M, bool Default>
Result<void> set_obool(Conf& c, std::string_view, std::string_view v) {
  auto b = parse_bool(v);
  if (!b) return unexpected(b.error());
  c.*M = *b;
  return {};
}
template <std::optional<bool> Conf::*M, bool Default>
std::string get_obool(const Conf& c, std::string_view) { return (c.*M).value_or(Default) ? "1" : "0"; }
template <std::optional<bool> Conf::*M, bool Default>
void clear_obool(Conf& c, std::string_view) { (c.*M).reset(); }
template <std::optional<bool> Conf::*M, bool Default>
constexpr KeySpec obool_key(std::string_view name) {
  return {name, Match::Exact, &set_obool<M, Default>, &get_obool<M, Default>, &clear_obool<M, Default>,
          Default ? "0" : "1"};
}

template <auto M, uint64_t Max = std::numeric_limits<uint64_t>::max()>
Result<void> set_uint(Conf& c, std::string_view, std::string_view v) {
  auto n = parse_uint(v);
  if (!n) return unexpected(n.error());
  if (*n > Max) return invalid("invalid value \"" + printable(v) + "\": at most " + std::to_string(Max));
  using T = std::remove_reference_t<decltype(c.*M)>;
  c.*M = static_cast<T>(*n);
  return {};
}
template <auto M>
std::string get_uint(const Conf& c, std::string_view) {
  const auto& f = c.*M;
  if constexpr (requires { f.has_value(); }) return std::to_string(f.value_or(0));
  else return std::to_string(f);
}
template <auto M>
void clear_uint(Conf& c, std::string_view) { c.*M = {}; }
template <auto M, uint64_t Max = std::numeric_limits<uint64_t>::max()>
constexpr KeySpec uint_key(std::string_view name, std::string_view sample = "4") {
  return {name, Match::Exact, &set_uint<M, Max>, &get_uint<M>, &clear_uint<M>, sample};
}

template <int Conf::*M>
Result<void> set_signal(Conf& c, std::string_view, std::string_view v) {
  auto s = parse_signal(v);
  if (!s) return unexpected(s.error());
  c.*M = *s;
  return {};
}
template <int Conf::*M>
std::string get_signal(const Conf& c, std::string_view) { return std::to_string(c.*M); }
template <int Conf::*M>
void clear_signal(Conf& c, std::string_view) { c.*M = 0; }
template <int Conf::*M>
constexpr KeySpec signal_key(std::string_view name) {
  return {name, Match::Exact, &set_signal<M>, &get_signal<M>, &clear_signal<M>, "SIGRTMIN+3"};
}

// A list of strings, each set appending one value (or, with Split, each
// white-space separated word of it).
template <std::vector<std::string> Conf::*M, Check C = nullptr, bool Split = false>
Result<void> set_list(Conf& c, std::string_view, std::string_view v) {
  std::vector<std::string> items = Split ? split(v, " \t") : std::vector<std::string>{std::string(v)};
  for (const auto& item : items) {
    if constexpr (C != nullptr) {
      if (auto r = C(item); !r) return r;
    }
  }
  auto& list = c.*M;
  for (auto& item : items) {
    if (Split && std::find(list.begin(), list.end(), item) != list.end()) continue;
    list.push_back(std::move(item));
  }
  return {};
}
template <std::vector<std::string> Conf::*M>
std::string get_list(const Conf& c, std::string_view) {
  std::string out;
  for (const auto& item : c.*M) out += item + "\n";
  return out;
}
template <std::vector<std::string> Conf::*M>
void clear_list(Conf& c, std::string_view) { (c.*M).clear(); }
template <std::vector<std::string> Conf::*M, Check C = nullptr, bool Split = false>
constexpr KeySpec list_key(std::string_view name, std::string_view sample) {
  return {name, Match::Exact, &set_list<M, C, Split>, &get_list<M>, &clear_list<M>, sample};
}

// ---- keyed settings (lxc.cgroup.*, lxc.sysctl.*, ...) ----------------------

struct SettingFamily {
  std::string_view prefix;  // "lxc.sysctl."
  std::vector<Setting> Conf::*member;
  bool append;  // cgroup settings accumulate; the others replace a same-named entry
  Check check_key;
  Check check_value;
};

Result<void> check_cgroup_subkey(std::string_view k) {
  if (k.find('.') == std::string_view::npos || k.front() == '.' || k.back() == '.' ||
      k.find('/') != std::string_view::npos)
    return invalid("expected a controller file such as memory.max or devices.allow after the prefix");
  return {};
}
Result<void> check_any_subkey(std::string_view k) {
  if (k.find('/') != std::string_view::npos || k.find("..") != std::string_view::npos)
    return invalid("the name may not contain '/' or \"..\"");
  return {};
}
Result<void> check_share_subkey(std::string_view k) {
  if (k == "mnt") return invalid("the mount namespace cannot be shared");
  return check_namespace_name(k);
}
Result<void> check_nonempty(std::string_view) { return {}; }

constexpr SettingFamily kFamilies[] = {
    {"lxc.cgroup.", &Conf::cgroup_v1, true, check_cgroup_subkey, check_nonempty},
    {"lxc.cgroup2.", &Conf::cgroup_v2, true, check_cgroup_subkey, check_nonempty},
    {"lxc.sysctl.", &Conf::sysctls, false, check_any_subkey, check_nonempty},
    {"lxc.proc.", &Conf::procs, false, check_any_subkey, check_nonempty},
    {"lxc.prlimit.", &Conf::prlimits, false, check_rlimit_name, check_rlimit_value},
    {"lxc.namespace.share.", &Conf::namespace_share, false, check_share_subkey, check_nonempty},
};

const SettingFamily& family_of(std::string_view key) {
  const SettingFamily* best = &kFamilies[0];
  size_t best_len = 0;
  for (const auto& f : kFamilies) {
    std::string_view bare = f.prefix.substr(0, f.prefix.size() - 1);
    if ((key.starts_with(f.prefix) || key == bare) && f.prefix.size() > best_len) {
      best = &f;
      best_len = f.prefix.size();
    }
  }
  return *best;
}

Result<void> set_setting(Conf& c, std::string_view key, std::string_view v) {
  const auto& f = family_of(key);
  std::string_view sub = key.substr(std::min(key.size(), f.prefix.size()));
  if (!key.starts_with(f.prefix) || sub.empty())
    return invalid("takes no value by itself; name an entry, e.g. " + std::string(f.prefix) + "...");
  if (auto r = f.check_key(sub); !r) return r;
  if (auto r = f.check_value(v); !r) return r;
  auto& list = c.*f.member;
  if (!f.append) {
    for (auto& [k, val] : list) {
      if (k == sub) {
        val = std::string(v);
        return {};
      }
    }
  }
  list.emplace_back(std::string(sub), std::string(v));
  return {};
}

std::string get_setting(const Conf& c, std::string_view key) {
  const auto& f = family_of(key);
  std::string out;
  if (!key.starts_with(f.prefix)) {
    for (const auto& [k, v] : c.*f.member) out += std::string(f.prefix) + k + " = " + v + "\n";
    return out;
  }
  std::string_view sub = key.substr(f.prefix.size());
  for (const auto& [k, v] : c.*f.member) {
    if (k != sub) continue;
    if (!f.append) return v;
    out += v + "\n";
  }
  return out;
}

void clear_setting(Conf& c, std::string_view key) {
  const auto& f = family_of(key);
  auto& list = c.*f.member;
  if (!key.starts_with(f.prefix)) {
    list.clear();
    return;
  }
  std::string_view sub = key.substr(f.prefix.size());
  std::erase_if(list, [&](const Setting& s) { return s.first == sub; });
}

// ---- hooks ---------------------------------------------------------------

constexpr std::string_view kHookNames[kHookCount] = {"pre-start", "pre-mount", "mount", "autodev",   "start-host",
                                                     "start",     "stop",      "post-stop", "clone", "destroy"};

int hook_index(std::string_view key) {
  if (!key.starts_with("lxc.hook.")) return -1;
  std::string_view name = key.substr(9);
  for (int i = 0; i < kHookCount; ++i)
    if (name == kHookNames[i]) return i;
  return -1;
}

Result<void> set_hook(Conf& c, std::string_view key, std::string_view v) {
  int i = hook_index(key);
  if (i < 0) {
    if (key == "lxc.hook") return invalid("takes no value by itself; name a hook, e.g. lxc.hook.pre-start");
    return invalid("unknown hook; hooks are pre-start, pre-mount, mount, autodev, start-host, start, stop, "
                   "post-stop, clone and destroy");
  }
  c.hooks[i].emplace_back(v);
  return {};
}
std::string get_hook(const Conf& c, std::string_view key) {
  std::string out;
  int i = hook_index(key);
  for (int h = 0; h < kHookCount; ++h) {
    if (i >= 0 && h != i) continue;
    for (const auto& cmd : c.hooks[h]) out += i >= 0 ? cmd + "\n" : "lxc.hook." + std::string(kHookNames[h]) + " = " + cmd + "\n";
  }
  return out;
}
void clear_hook(Conf& c, std::string_view key) {
  int i = hook_index(key);
  for (int h = 0; h < kHookCount; ++h)
    if (i < 0 || h == i) c.hooks[h].clear();
}

Result<void> set_hook_version(Conf& c, std::string_view, std::string_view v) {
  if (v != "0" && v != "1") return invalid("invalid value \"" + printable(v) + "\": expected 0 or 1");
  c.hook_version = v[0] - '0';
  return {};
}
std::string get_hook_version(const Conf& c, std::string_view) { return std::to_string(c.hook_version); }
void clear_hook_version(Conf& c, std::string_view) { c.hook_version = 0; }

// ---- keys with their own rules ---------------------------------------------

Result<void> set_arch(Conf& c, std::string_view, std::string_view v) {
  auto p = parse_arch(v);
  if (!p) return unexpected(p.error());
  c.personality = *p;
  return {};
}
std::string get_arch(const Conf& c, std::string_view) { return c.personality ? arch_name(*c.personality) : ""; }
void clear_arch(Conf& c, std::string_view) { c.personality.reset(); }

Result<void> set_idmap(Conf& c, std::string_view, std::string_view v) {
  auto m = parse_idmap(v);
  if (!m) return unexpected(m.error());
  for (const auto& o : c.idmaps) {
    if (o.type != m->type) continue;
    bool ns_overlap = m->nsid < o.nsid + o.range && o.nsid < m->nsid + m->range;
    bool host_overlap = m->hostid < o.hostid + o.range && o.hostid < m->hostid + m->range;
    if (ns_overlap || host_overlap)
      return invalid("idmap \"" + format_idmap(*m) + "\" overlaps \"" + format_idmap(o) + "\"");
  }
  c.idmaps.push_back(*m);
  return {};
}
std::string get_idmap(const Conf& c, std::string_view) {
  std::string out;
  for (const auto& m : c.idmaps) out += format_idmap(m) + "\n";
  return out;
}
void clear_idmap(Conf& c, std::string_view) { c.idmaps.clear(); }

Result<void> set_log_level(Conf& c, std::string_view, std::string_view v) {
  auto l = log::parse_level(v);
  if (!l) return invalid("invalid value \"" + printable(v) + "\": expected 0-8 or TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL");
  c.log_level = static_cast<int>(*l);
  return {};
}
std::string get_log_level(const Conf& c, std::string_view) {
  return c.log_level ? std::string(log::level_name(static_cast<log::Level>(*c.log_level))) : "";
}
void clear_log_level(Conf& c, std::string_view) { c.log_level.reset(); }

Result<void> check_syslog(std::string_view v) {
  if (!log::parse_syslog_facility(v))
    return invalid("invalid value \"" + printable(v) + "\": expected daemon or local0 to local7");
  return {};
}

Result<void> set_console_size(Conf& c, std::string_view key, std::string_view v) {
  constexpr uint64_t kDefaultBuffer = 128 * 1024;  // LXC's size for "auto"
  uint64_t bytes = kDefaultBuffer;
  if (v != "auto") {
    auto s = parse_size(v);
    if (!s) return unexpected(s.error());
    bytes = *s;
  }
  // As LXC: at least one page, rounded up to the next power of two.
  const uint64_t page = 4096;
  if (bytes < page) bytes = page;
  uint64_t pow2 = page;
  while (pow2 < bytes) {
    if (pow2 > std::numeric_limits<uint64_t>::max() / 2)
      return invalid("invalid value \"" + printable(v) + "\": too large to round up to a power of two");
    pow2 *= 2;
  }
  (key == "lxc.console.size" ? c.console_size : c.console_buffer_size) = pow2;
  return {};
}
std::string get_console_size(const Conf& c, std::string_view key) {
  const auto& f = key == "lxc.console.size" ? c.console_size : c.console_buffer_size;
  return std::to_string(f.value_or(0));
}
void clear_console_size(Conf& c, std::string_view key) {
  (key == "lxc.console.size" ? c.console_size : c.console_buffer_size).reset();
}

Result<void> set_rootfs_path(Conf& c, std::string_view, std::string_view v) {
  static constexpr std::string_view kDrivers[] = {"dir", "btrfs", "overlay", "overlayfs", "loop", "lvm",
                                                  "zfs", "rbd",   "nbd"};
  if (auto colon = v.find(':'); colon != std::string_view::npos && !v.starts_with("/")) {
    std::string_view driver = v.substr(0, colon);
    if (std::find(std::begin(kDrivers), std::end(kDrivers), driver) == std::end(kDrivers))
      return invalid("invalid value \"" + printable(v) + "\": unknown storage driver \"" + printable(driver) +
                     "\" (dir, btrfs, overlay, loop, lvm, zfs, rbd or nbd)");
  }
  c.rootfs_path = std::string(v);
  return {};
}
std::string get_rootfs_path(const Conf& c, std::string_view) {
  std::string_view p = c.rootfs_path;
  if (p.starts_with("dir:")) p.remove_prefix(4);
  return std::string(p);
}

Result<void> set_mount_auto(Conf& c, std::string_view, std::string_view v) {
  auto tokens = split(v, " \t");
  for (const auto& t : tokens)
    if (auto r = check_mount_auto_token(t); !r) return r;
  for (auto& t : tokens) {
    // A later proc/sys/cgroup token replaces the earlier one of its kind, as the
    // kernel can mount each only one way.
    std::string kind = t.substr(0, t.find(':'));
    if (kind != "shmounts")
      std::erase_if(c.mount_auto, [&](const std::string& o) { return o.substr(0, o.find(':')) == kind; });
    c.mount_auto.push_back(std::move(t));
  }
  return {};
}
std::string get_mount_auto(const Conf& c, std::string_view) { return join(c.mount_auto, " "); }

Result<void> set_init_groups(Conf& c, std::string_view, std::string_view v) {
  std::vector<uint32_t> groups;
  for (const auto& g : split(v, ",")) {
    auto n = parse_u64(trim(g));
    if (!n || *n > 0xfffffffeULL) return invalid("invalid value \"" + printable(v) + "\": expected comma-separated group ids");
    groups.push_back(static_cast<uint32_t>(*n));
  }
  c.init_groups.insert(c.init_groups.end(), groups.begin(), groups.end());
  return {};
}
std::string get_init_groups(const Conf& c, std::string_view) {
  std::vector<std::string> parts;
  for (auto g : c.init_groups) parts.push_back(std::to_string(g));
  return join(parts, ",");
}
void clear_init_groups(Conf& c, std::string_view) { c.init_groups.clear(); }

Result<void> check_environment(std::string_view v) {
  if (v.front() == '=') return invalid("invalid value \"" + printable(v) + "\": expected NAME=VALUE or NAME");
  return {};
}

Result<void> check_cap_keep(std::string_view v) { return v == "none" ? Result<void>{} : check_capability(v); }
// lxc.cap.keep: as in LXC, "none" forgets what earlier values kept and is
// itself recorded, so that keep = none keeps no capability at all.
Result<void> set_cap_keep(Conf& c, std::string_view, std::string_view v) {
  auto items = split(v, " \t");
  for (const auto& item : items)
    if (auto r = check_cap_keep(item); !r) return r;
  for (auto& item : items) {
    if (item == "none") c.cap_keep.clear();
    if (std::find(c.cap_keep.begin(), c.cap_keep.end(), item) == c.cap_keep.end())
      c.cap_keep.push_back(std::move(item));
  }
  return {};
}

Result<void> check_syslog_or_empty(std::string_view v) { return check_syslog(v); }

Result<void> check_time_offset_v(std::string_view v) { return check_time_offset(v); }

Result<void> check_seccomp_proxy(std::string_view v) {
  if (!v.starts_with("unix:")) return invalid("invalid value \"" + printable(v) + "\": expected unix:PATH");
  return {};
}

Result<void> check_tty_dir(std::string_view v) {
  if (v.find('/') != std::string_view::npos || v == "." || v == "..")
    return invalid("invalid value \"" + printable(v) + "\": expected a directory name below /dev, without '/'");
  return {};
}

Result<void> set_uts(Conf& c, std::string_view, std::string_view v) {
  if (auto r = check_hostname(v); !r) return r;
  c.uts_name = std::string(v);
  return {};
}

Result<void> set_include(Conf& c, std::string_view, std::string_view v) { return include_path(c, std::string(v)); }
std::string get_include(const Conf& c, std::string_view) {
  std::string out;
  for (const auto& f : c.includes) out += f + "\n";
  return out;
}
void clear_include(Conf& c, std::string_view) { c.includes.clear(); }

constexpr KeySpec kKeys[] = {
    {"lxc.include", Match::Exact, set_include, get_include, clear_include, ""},
    {"lxc.arch", Match::Exact, set_arch, get_arch, clear_arch, "x86_64"},
    {"lxc.uts.name", Match::Exact, set_uts, get_str<&Conf::uts_name>, clear_str<&Conf::uts_name>, "c1"},
    // Signals and init
    signal_key<&Conf::signal_halt>("lxc.signal.halt"),
    signal_key<&Conf::signal_reboot>("lxc.signal.reboot"),
    signal_key<&Conf::signal_stop>("lxc.signal.stop"),
    str_key<&Conf::execute_cmd>("lxc.execute.cmd", "/bin/sh -c true"),
    str_key<&Conf::init_cmd>("lxc.init.cmd", "/sbin/init"),
    str_key<&Conf::init_cwd>("lxc.init.cwd", "/root"),
    uint_key<&Conf::init_uid, 0xfffffffeULL>("lxc.init.uid", "1000"),
    uint_key<&Conf::init_gid, 0xfffffffeULL>("lxc.init.gid", "1000"),
    {"lxc.init.groups", Match::Exact, set_init_groups, get_init_groups, clear_init_groups, "10,20"},
    list_key<&Conf::environment, check_environment>("lxc.environment", "FOO=bar"),
    bool_key<&Conf::ephemeral>("lxc.ephemeral"),
    bool_key<&Conf::sched_core>("lxc.sched.core"),
    // Monitor
    signal_key<&Conf::monitor_signal_pdeath>("lxc.monitor.signal.pdeath"),
    bool_key<&Conf::monitor_unshare>("lxc.monitor.unshare"),
    // Network: lxc.net, lxc.net.N, lxc.net.N.*
    {"lxc.net", Match::Exact, set_net, get_net, clear_net, ""},
    {"lxc.net.", Match::Prefix, set_net, get_net, clear_net, ""},
    // Terminals
    uint_key<&Conf::pty_max>("lxc.pty.max", "1024"),
    uint_key<&Conf::tty_max, 1024>("lxc.tty.max", "4"),
    str_key<&Conf::tty_dir, check_tty_dir>("lxc.tty.dir", "lxc"),
    str_key<&Conf::console_path>("lxc.console.path", "none"),
    str_key<&Conf::console_logfile>("lxc.console.logfile", "/var/log/lxc/c1.console"),
    {"lxc.console.buffer.size", Match::Exact, set_console_size, get_console_size, clear_console_size, "8192"},
    {"lxc.console.size", Match::Exact, set_console_size, get_console_size, clear_console_size, "8192"},
    bool_key<&Conf::console_rotate>("lxc.console.rotate"),
    // Devices and mounts
    obool_key<&Conf::autodev, true>("lxc.autodev"),
    uint_key<&Conf::autodev_tmpfs_size>("lxc.autodev.tmpfs.size", "500000"),
    str_key<&Conf::mount_fstab>("lxc.mount.fstab", "/var/lib/lxc/c1/fstab"),
    list_key<&Conf::mount_entries>("lxc.mount.entry", "/dev/fuse dev/fuse none bind,create=file,optional 0 0"),
    {"lxc.mount.auto", Match::Exact, set_mount_auto, get_mount_auto, clear_list<&Conf::mount_auto>,
     "proc:mixed sys:mixed cgroup:mixed"},
    // Root filesystem
    {"lxc.rootfs.path", Match::Exact, set_rootfs_path, get_rootfs_path, clear_str<&Conf::rootfs_path>,
     "/var/lib/lxc/c1/rootfs"},
    str_key<&Conf::rootfs_mount>("lxc.rootfs.mount", "/usr/lib/x86_64-linux-gnu/lxc"),
    str_key<&Conf::rootfs_options>("lxc.rootfs.options", "idmap=container"),
    bool_key<&Conf::rootfs_managed, true>("lxc.rootfs.managed"),
    // Control groups
    {"lxc.cgroup", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.cgroup.", Match::Prefix, set_setting, get_setting, clear_setting, "100"},
    {"lxc.cgroup2", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.cgroup2.", Match::Prefix, set_setting, get_setting, clear_setting, "100"},
    str_key<&Conf::cgroup_dir, check_cgroup_dir>("lxc.cgroup.dir", "lxc/c1"),
    str_key<&Conf::cgroup_dir_container, check_cgroup_dir>("lxc.cgroup.dir.container", "lxc.payload.c1"),
    str_key<&Conf::cgroup_dir_monitor, check_cgroup_dir>("lxc.cgroup.dir.monitor", "lxc.monitor.c1"),
    str_key<&Conf::cgroup_dir_monitor_pivot, check_cgroup_dir>("lxc.cgroup.dir.monitor.pivot", "lxc.pivot"),
    str_key<&Conf::cgroup_dir_container_inner, check_cgroup_dir>("lxc.cgroup.dir.container.inner", "inner"),
    bool_key<&Conf::cgroup_relative>("lxc.cgroup.relative"),
    // Capabilities
    list_key<&Conf::cap_drop, check_capability, true>("lxc.cap.drop", "sys_module"),
    {"lxc.cap.keep", Match::Exact, set_cap_keep, get_list<&Conf::cap_keep>, clear_list<&Conf::cap_keep>, "sys_admin"},
    // Namespaces
    list_key<&Conf::namespace_clone, check_namespace_name, true>("lxc.namespace.clone", "net"),
    list_key<&Conf::namespace_keep, check_namespace_name, true>("lxc.namespace.keep", "user"),
    {"lxc.namespace.share", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.namespace.share.", Match::Prefix, set_setting, get_setting, clear_setting, "c2"},
    str_key<&Conf::time_offset_boot, check_time_offset_v>("lxc.time.offset.boot", "10s"),
    str_key<&Conf::time_offset_monotonic, check_time_offset_v>("lxc.time.offset.monotonic", "-5m"),
    // Resource limits, sysctls, /proc
    {"lxc.prlimit", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.prlimit.", Match::Prefix, set_setting, get_setting, clear_setting, "1024:2048"},
    {"lxc.sysctl", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.sysctl.", Match::Prefix, set_setting, get_setting, clear_setting, "1"},
    {"lxc.proc", Match::Exact, set_setting, get_setting, clear_setting, ""},
    {"lxc.proc.", Match::Prefix, set_setting, get_setting, clear_setting, "100"},
    // Security modules
    str_key<&Conf::apparmor_profile>("lxc.apparmor.profile", "generated"),
    bool_key<&Conf::apparmor_allow_incomplete>("lxc.apparmor.allow_incomplete"),
    bool_key<&Conf::apparmor_allow_nesting>("lxc.apparmor.allow_nesting"),
    list_key<&Conf::apparmor_raw>("lxc.apparmor.raw", "mount fstype=nfs,"),
    str_key<&Conf::selinux_context>("lxc.selinux.context", "system_u:system_r:lxc_t:s0:c22"),
    str_key<&Conf::selinux_context_keyring>("lxc.selinux.context.keyring", "system_u:system_r:lxc_t:s0:c22"),
    obool_key<&Conf::keyring_session, true>("lxc.keyring.session"),
    str_key<&Conf::seccomp_profile>("lxc.seccomp.profile", "/usr/share/lxc/config/common.seccomp"),
    bool_key<&Conf::seccomp_allow_nesting>("lxc.seccomp.allow_nesting"),
    str_key<&Conf::seccomp_notify_proxy, check_seccomp_proxy>("lxc.seccomp.notify.proxy", "unix:/run/proxy.sock"),
    str_key<&Conf::seccomp_notify_cookie>("lxc.seccomp.notify.cookie", "cookie"),
    bool_key<&Conf::no_new_privs>("lxc.no_new_privs"),
    // User namespace
    {"lxc.idmap", Match::Exact, set_idmap, get_idmap, clear_idmap, "u 0 100000 65536"},
    // Hooks
    {"lxc.hook.version", Match::Exact, set_hook_version, get_hook_version, clear_hook_version, "1"},
    // One row per hook, so that an unknown hook name is an unknown key (as in
    // LXC) rather than a prefix match whose clear would hit every hook.
    {"lxc.hook", Match::Exact, set_hook, get_hook, clear_hook, ""},
    {"lxc.hook.pre-start", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.pre-mount", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.mount", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.autodev", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.start-host", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.start", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.stop", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.post-stop", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.clone", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    {"lxc.hook.destroy", Match::Exact, set_hook, get_hook, clear_hook, "/bin/true"},
    // Logging
    {"lxc.log.level", Match::Exact, set_log_level, get_log_level, clear_log_level, "DEBUG"},
    str_key<&Conf::log_file>("lxc.log.file", "/var/log/lxc/c1.log"),
    str_key<&Conf::log_syslog, check_syslog_or_empty>("lxc.log.syslog", "daemon"),
    // Autostart
    bool_key<&Conf::start_auto>("lxc.start.auto"),
    uint_key<&Conf::start_delay>("lxc.start.delay", "5"),
    {"lxc.start.order", Match::Exact,
     [](Conf& c, std::string_view, std::string_view v) -> Result<void> {
       auto n = parse_int(v);
       if (!n) return unexpected(n.error());
       c.start_order = *n;
       return {};
     },
     [](const Conf& c, std::string_view) { return std::to_string(c.start_order); },
     [](Conf& c, std::string_view) { c.start_order = 0; }, "-3"},
    list_key<&Conf::groups, nullptr, true>("lxc.group", "onboot"),
};

// Keys that accumulate values rather than replace them.
constexpr std::string_view kListKeys[] = {
    "lxc.environment", "lxc.mount.entry", "lxc.mount.auto", "lxc.cap.drop",     "lxc.cap.keep",
    "lxc.idmap",       "lxc.apparmor.raw", "lxc.group",     "lxc.namespace.clone", "lxc.namespace.keep",
    "lxc.init.groups", "lxc.include"};

}  // namespace

std::span<const KeySpec> container_keys() { return kKeys; }

const KeySpec* find_key(std::string_view key) {
  const KeySpec* best = nullptr;
  for (const auto& k : kKeys) {
    if (k.match == Match::Exact && k.name == key) return &k;
    if (k.match == Match::Prefix && key.starts_with(k.name) && key.size() > k.name.size() &&
        (!best || k.name.size() > best->name.size()))
      best = &k;
  }
  return best;
}

bool is_list_key(std::string_view key) {
  if (std::find(std::begin(kListKeys), std::end(kListKeys), key) != std::end(kListKeys)) return true;
  if (key.starts_with("lxc.hook.") && key != "lxc.hook.version") return true;
  if (key.starts_with("lxc.cgroup.") || key.starts_with("lxc.cgroup2.")) {
    const KeySpec* k = find_key(key);
    return k && k->match == Match::Prefix;
  }
  if (key.starts_with("lxc.net.")) {
    return key.ends_with(".ipv4.address") || key.ends_with(".ipv6.address") || key.ends_with(".veth.ipv4.route") ||
           key.ends_with(".veth.ipv6.route") || key.ends_with(".veth.vlan.tagged.id");
  }
  return false;
}

static unexpected<Error> unknown_key(std::string_view key) {
  std::string msg = "unknown configuration key";
  if (auto hint = suggest_key(key); !hint.empty()) msg += " (" + hint + ")";
  return fail(EINVAL, msg);
}

static Result<void> check_key_chars(std::string_view key) {
  for (unsigned char ch : key)
    if (ch <= ' ' || ch == 0x7f || ch == '=') return invalid("a key cannot contain white space, control characters or '='");
  return {};
}

// For clearing: lxc.net.N.KEY must name an interface index and a known KEY,
// else the clear would silently do nothing.
static Result<void> check_net_clear(std::string_view key) {
  if (!key.starts_with("lxc.net.")) return {};
  auto rest = key.substr(8);
  auto dot = rest.find('.');
  auto idx = parse_u64(rest.substr(0, dot));
  if (!idx || *idx > 65535) return invalid("expected lxc.net.N.KEY with an interface index N from 0 to 65535");
  if (dot != std::string_view::npos && !find_net_key(rest.substr(dot + 1))) return unknown_key(key);
  return {};
}

Result<void> set_item(Conf& conf, std::string_view key, std::string_view value) {
  const KeySpec* k = find_key(key);
  if (!k) return unknown_key(key);
  // A key or value that could not be read back from a config file line would
  // make the saved file say something else (or not load at all).
  if (auto r = check_key_chars(key); !r) return r;
  for (unsigned char ch : value)
    if (ch == '\n' || ch == '\r' || ch == '\0') return invalid("a value cannot contain a line break or a NUL byte");
  if (value.empty()) {
    // An empty value clears the key, as in LXC; for lxc.net.N.type that is the
    // whole interface.
    if (auto r = check_net_clear(key); !r) return r;
    k->clear(conf, key);
    return {};
  }
  auto r = k->set(conf, key, value);
  if (!r) kLog.debug("set {} = {} failed: {}", key, printable(value), r.error().what);
  return r;
}

Result<std::string> get_item(const Conf& conf, std::string_view key) {
  const KeySpec* k = find_key(key);
  if (!k) return unknown_key(key);
  if (key.starts_with("lxc.net.")) {
    // Asking for an interface that does not exist is an error, as in LXC.
    auto rest = key.substr(8);
    auto idx = parse_u64(rest.substr(0, rest.find('.')));
    if (!idx || !conf.net.contains(static_cast<int>(*idx))) return fail(ENOENT, "no such network interface");
    if (rest.find('.') != std::string_view::npos && !find_net_key(rest.substr(rest.find('.') + 1))) return unknown_key(key);
  }
  return k->get(conf, key);
}

Result<void> clear_item(Conf& conf, std::string_view key) {
  const KeySpec* k = find_key(key);
  if (!k) return unknown_key(key);
  if (auto r = check_key_chars(key); !r) return r;
  if (auto r = check_net_clear(key); !r) return r;
  k->clear(conf, key);
  return {};
}

// The edit distance of a and b if it is at most limit, else limit + 1. Rows
// stop as soon as every entry exceeds the limit, so comparing a long garbage
// key with every known key stays cheap.
static size_t distance_within(std::string_view a, std::string_view b, size_t limit) {
  size_t len_diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (len_diff > limit) return limit + 1;
  std::vector<size_t> rows(2 * (b.size() + 1));
  size_t* prev = rows.data();
  size_t* cur = prev + b.size() + 1;
  const char* pa = a.data();
  const char* pb = b.data();
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t d = prev[j - 1] + (pa[i - 1] == pb[j - 1] ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      cur[j] = d;
      if (d < row_min) row_min = d;
    }
    if (row_min > limit) return limit + 1;
    size_t* t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.size()] > limit ? limit + 1 : prev[b.size()];
}

std::string suggest_key(std::string_view key) {
  if (auto repl = legacy_replacement(key)) {
    if (repl->empty()) return "a legacy key that was removed; delete it (lxc-update-config does)";
    return "a legacy key: use " + *repl + " instead, or run lxc-update-config -c FILE";
  }
  // Compare against every exact key, and net keys with the same index.
  const size_t max_d = std::max<size_t>(3, key.size() / 4);
  std::string best;
  size_t best_d = std::numeric_limits<size_t>::max();
  auto consider = [&](const std::string& cand) {
    size_t d = distance_within(key, cand, std::min(max_d, best_d));
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  };
  for (const auto& k : kKeys)
    if (k.match == Match::Exact) consider(std::string(k.name));
  std::string index = "0";
  if (key.starts_with("lxc.net.")) {
    auto rest = key.substr(8);
    auto dot = rest.find('.');
    if (parse_u64(rest.substr(0, dot))) index = std::string(rest.substr(0, dot));
  }
  for (const auto& n : net_keys()) consider("lxc.net." + index + "." + std::string(n.name));
  if (best_d <= max_d) return "did you mean " + best + "?";
  return {};
}

}  // namespace lxc::config
