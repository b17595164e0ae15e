// Validation and parsing of configuration values, one function per value
// type. Each returns the parsed value or an Error whose text says what was
// expected; the caller adds file, line and key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::config {

// "0" or "1", as LXC's boolean keys take them.
Result<bool> parse_bool(std::string_view v);
Result<uint64_t> parse_uint(std::string_view v);
Result<int64_t> parse_int(std::string_view v);
// A signal by number, by name with or without SIG (case-insensitive), or
// SIGRTMIN+n / SIGRTMAX-n.
Result<int> parse_signal(std::string_view v);
std::string signal_name(int sig);
// "u|g nsid hostid range"
Result<IdMap> parse_idmap(std::string_view v);
std::string format_idmap(const IdMap& m);
// A byte size: a number with an optional unit (B, k/kB/KiB, M/MB/MiB, G/GB/GiB).
Result<uint64_t> parse_size(std::string_view v);
// Architecture name to personality (PER_LINUX or PER_LINUX32).
Result<unsigned long> parse_arch(std::string_view v);
std::string arch_name(unsigned long personality);
// A hostname as lxc.uts.name takes it (1 to 64 bytes, no '/' or white space).
Result<void> check_hostname(std::string_view v);

// Network values.
Result<void> check_net_type(std::string_view v);
Result<void> check_hwaddr(std::string_view v);  // xx:xx:xx:xx:xx:xx with hex digits or 'x'
// Fills each 'x' of an hwaddr with a random hex digit, keeping the address a
// locally administered unicast one when the first octet is random.
std::string randomize_hwaddr(std::string_view v);
// "a.b.c.d[/prefix] [broadcast]" → canonical "a.b.c.d/prefix[ broadcast]";
// without a prefix, LXC's (ipv4_default_prefix).
Result<std::string> check_ipv4_address(std::string_view v);
// LXC's prefix for an IPv4 address given without one (config_ip_prefix):
// 8, 16 or 24 for a class A, B or C address, else 0, in LXC's byte order
// (on a little-endian host the last octet decides the class).
unsigned ipv4_default_prefix(std::string_view addr);
// The broadcast LXC gives an IPv4 address configured without one: the
// address with its host bits set; a /31 or /32 sets the lowest bit only.
std::string ipv4_broadcast(std::string_view addr, unsigned prefix);
Result<std::string> check_ipv6_address(std::string_view v);  // "addr[/prefix]" → canonical
Result<void> check_ipv4_gateway(std::string_view v);         // address, "auto" or "dev"
Result<void> check_ipv6_gateway(std::string_view v);
Result<void> check_ipv4_route(std::string_view v);  // "a.b.c.d/prefix"
Result<void> check_ipv6_route(std::string_view v);
Result<void> check_ifname(std::string_view v);      // 1-15 bytes, no '/', ':' or white space
Result<void> check_vlan_id(std::string_view v);     // 0-4094
Result<void> check_mtu(std::string_view v);
Result<void> check_one_of(std::string_view v, std::initializer_list<std::string_view> allowed);

// lxc.mount.auto tokens.
Result<void> check_mount_auto_token(std::string_view v);
// lxc.namespace.* names (cgroup ipc mnt net pid time user uts).
Result<void> check_namespace_name(std::string_view v);
// lxc.prlimit.NAME names and "soft[:hard]" values.
Result<void> check_rlimit_name(std::string_view v);
Result<void> check_rlimit_value(std::string_view v);
// lxc.time.offset.*: an integer with a unit (h, m, s, ms, us, ns).
Result<void> check_time_offset(std::string_view v);
// A capability name (without CAP_, any case) or number; "none" for cap.keep.
Result<void> check_capability(std::string_view v);
// A path below the cgroup root, relative and without "..".
Result<void> check_cgroup_dir(std::string_view v);

}  // namespace lxc::config
