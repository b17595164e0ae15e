// Conf: a container's configuration as typed data, plus the unexpanded text
// it was read from (kept so that save() preserves comments and order).
// Every field is set through the key registry (keys.h); nothing else writes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lxc::config {

struct IdMap {
  char type = 'u';  // 'u' or 'g'
  uint64_t nsid = 0;
  uint64_t hostid = 0;
  uint64_t range = 0;
  bool operator==(const IdMap&) const = default;
};

// One lxc.net.N interface. Values are kept in the canonical text form that
// get returns; set has validated them.
struct NetDev {
  std::string type;  // none, empty, veth, vlan, macvlan, ipvlan, phys
  std::string flags;  // "up" or empty
  std::string link;
  bool l2proxy = false;
  std::string mtu;
  std::string name;
  std::string hwaddr;
  std::vector<std::string> ipv4_addresses;  // "a.b.c.d/prefix [broadcast]"
  std::string ipv4_gateway;                 // address, "auto" or "dev"
  std::vector<std::string> ipv6_addresses;  // "addr/prefix"
  std::string ipv6_gateway;
  std::string script_up;
  std::string script_down;
  std::string veth_pair;
  std::string veth_mode;  // bridge (default) or router
  std::vector<std::string> veth_ipv4_routes;
  std::vector<std::string> veth_ipv6_routes;
  std::string veth_vlan_id;
  std::vector<std::string> veth_vlan_tagged_ids;
  std::string veth_n_rxqueues;
  std::string veth_n_txqueues;
  std::string macvlan_mode;  // private (default), vepa, bridge, passthru
  std::string macvlan_vlan;
  std::string ipvlan_mode;       // l3 (default), l3s, l2
  std::string ipvlan_isolation;  // bridge (default), private, vepa
  std::string vlan_id;
  bool operator==(const NetDev&) const = default;
};

// An ordered key/value setting (lxc.cgroup.*, lxc.sysctl.*, ...); the key is
// the part after the prefix.
using Setting = std::pair<std::string, std::string>;

enum class HookType : int { PreStart, PreMount, Mount, Autodev, StartHost, Start, Stop, PostStop, Clone, Destroy };
inline constexpr int kHookCount = 10;

struct Conf {
  // Identity and architecture
  std::string uts_name;
  std::optional<unsigned long> personality;  // lxc.arch

  // Init, execute, environment
  std::string init_cmd;
  std::string execute_cmd;
  std::string init_cwd;
  std::optional<uint32_t> init_uid;
  std::optional<uint32_t> init_gid;
  std::vector<uint32_t> init_groups;
  std::vector<std::string> environment;
  bool ephemeral = false;
  bool sched_core = false;

  // Signals (0 = unset: the runtime uses LXC's defaults)
  int signal_halt = 0;
  int signal_reboot = 0;
  int signal_stop = 0;
  int monitor_signal_pdeath = 0;
  bool monitor_unshare = false;

  // Network
  std::map<int, NetDev> net;

  // Terminals
  uint64_t pty_max = 0;
  uint64_t tty_max = 0;
  std::string tty_dir;
  std::string console_path;
  std::string console_logfile;
  std::optional<uint64_t> console_buffer_size;  // bytes; set by "auto" to the default
  std::optional<uint64_t> console_size;
  bool console_rotate = false;

  // Devices and mounts
  std::optional<bool> autodev;  // unset: on (LXC's default)
  uint64_t autodev_tmpfs_size = 0;
  std::string mount_fstab;
  std::vector<std::string> mount_entries;
  std::vector<std::string> mount_auto;  // tokens, in the order set

  // Root filesystem
  std::string rootfs_path;  // as written, including a "dir:" prefix
  std::string rootfs_mount;
  std::string rootfs_options;
  bool rootfs_managed = true;

  // Control groups
  std::vector<Setting> cgroup_v1;
  std::vector<Setting> cgroup_v2;
  std::string cgroup_dir;
  std::string cgroup_dir_container;
  std::string cgroup_dir_monitor;
  std::string cgroup_dir_monitor_pivot;
  std::string cgroup_dir_container_inner;
  bool cgroup_relative = false;

  // Capabilities, namespaces, limits
  std::vector<std::string> cap_drop;
  std::vector<std::string> cap_keep;
  std::vector<std::string> namespace_clone;
  std::vector<std::string> namespace_keep;
  std::vector<Setting> namespace_share;
  std::string time_offset_boot;
  std::string time_offset_monotonic;
  std::vector<Setting> prlimits;
  std::vector<Setting> sysctls;
  std::vector<Setting> procs;

  // Security modules
  std::string apparmor_profile;
  bool apparmor_allow_incomplete = false;
  bool apparmor_allow_nesting = false;
  std::vector<std::string> apparmor_raw;
  std::string selinux_context;
  std::string selinux_context_keyring;
  std::optional<bool> keyring_session;
  std::string seccomp_profile;
  bool seccomp_allow_nesting = false;
  std::string seccomp_notify_proxy;
  std::string seccomp_notify_cookie;
  bool no_new_privs = false;

  // User namespace
  std::vector<IdMap> idmaps;

  // Hooks
  int hook_version = 0;
  std::vector<std::string> hooks[kHookCount];

  // Logging
  std::optional<int> log_level;
  std::string log_file;
  std::string log_syslog;

  // Autostart
  bool start_auto = false;
  uint64_t start_delay = 0;
  int64_t start_order = 0;
  std::vector<std::string> groups;

  // Files read through lxc.include, in order.
  std::vector<std::string> includes;
};

}  // namespace lxc::config
