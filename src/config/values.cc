#include "config/values.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/personality.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "base/random.h"
#include "base/strings.h"

namespace lxc::config {
namespace {

unexpected<Error> invalid(std::string_view v, std::string_view expected) {
  return fail(EINVAL, "invalid value \"" + printable(v) + "\": expected " + std::string(expected));
}

struct SignalName {
  std::string_view name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},     {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},     {"KILL", SIGKILL},
    {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
    {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},       {"POLL", SIGPOLL},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

constexpr std::string_view kRlimits[] = {"as",     "core",  "cpu",    "data",   "fsize",      "locks",
                                          "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
                                          "rtprio", "rttime", "sigpending", "stack"};

}  // namespace

Result<bool> parse_bool(std::string_view v) {
  if (v == "0") return false;
  if (v == "1") return true;
  return invalid(v, "0 or 1");
}

Result<uint64_t> parse_uint(std::string_view v) {
  if (auto n = parse_u64(v)) return *n;
  return invalid(v, "an unsigned integer");
}

Result<int64_t> parse_int(std::string_view v) {
  if (auto n = parse_i64(v)) return *n;
  return invalid(v, "an integer");
}

Result<int> parse_signal(std::string_view v) {
  constexpr std::string_view kExpected = "a signal number, a name such as SIGTERM, or SIGRTMIN+n";
  if (auto n = parse_u64(v)) {
    if (*n >= 1 && *n <= static_cast<uint64_t>(SIGRTMAX)) return static_cast<int>(*n);
    return invalid(v, kExpected);
  }
  std::string_view name = v;
  if (name.size() > 3 && iequals(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (const auto& s : kSignals)
    if (iequals(name, s.name)) return s.number;
  auto rt = [&](std::string_view base, int origin, int sign) -> std::optional<int> {
    if (name.size() < base.size() || !iequals(name.substr(0, base.size()), base)) return std::nullopt;
    std::string_view rest = name.substr(base.size());
    if (rest.empty()) return origin;
    if (rest.front() != (sign > 0 ? '+' : '-')) return std::nullopt;
    auto off = parse_u64(rest.substr(1));
    if (!off) return std::nullopt;
    int64_t sig = origin + sign * static_cast<int64_t>(*off);
    if (sig < SIGRTMIN || sig > SIGRTMAX) return std::nullopt;
    return static_cast<int>(sig);
  };
  if (auto s = rt("RTMIN", SIGRTMIN, +1)) return *s;
  if (auto s = rt("RTMAX", SIGRTMAX, -1)) return *s;
  return invalid(v, kExpected);
}

std::string signal_name(int sig) {
  for (const auto& s : kSignals)
    if (s.number == sig) return "SIG" + std::string(s.name);
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
  return std::to_string(sig);
}

Result<IdMap> parse_idmap(std::string_view v) {
  constexpr std::string_view kExpected = "\"u|g NSID HOSTID RANGE\", e.g. \"u 0 100000 65536\"";
  auto parts = split(v, " \t");
  if (parts.size() != 4 || (parts[0] != "u" && parts[0] != "g")) return invalid(v, kExpected);
  IdMap m;
  m.type = parts[0][0];
  auto nsid = parse_u64(parts[1]);
  auto hostid = parse_u64(parts[2]);
  auto range = parse_u64(parts[3]);
  if (!nsid || !hostid || !range) return invalid(v, kExpected);
  constexpr uint64_t kMaxId = 0xffffffffULL;  // ids are 32-bit; 4294967295 itself is invalid
  if (*range == 0) return invalid(v, "a range of at least 1");
  if (*nsid + *range > kMaxId || *hostid + *range > kMaxId) return invalid(v, "ids and ranges that fit in 32 bits");
  m.nsid = *nsid;
  m.hostid = *hostid;
  m.range = *range;
  return m;
}

std::string format_idmap(const IdMap& m) {
  return std::string(1, m.type) + " " + std::to_string(m.nsid) + " " + std::to_string(m.hostid) + " " +
         std::to_string(m.range);
}

Result<uint64_t> parse_size(std::string_view v) {
  constexpr std::string_view kExpected = "a size such as 4096, 64kB, 1MB or 2GB";
  std::string_view s = trim(v);
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return invalid(v, kExpected);
  auto n = parse_u64(s.substr(0, digits));
  if (!n) return invalid(v, kExpected);
  std::string unit = to_lower(trim(s.substr(digits)));
  uint64_t mult = 1;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1ULL << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1ULL << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1ULL << 30;
  else return invalid(v, kExpected);
  if (*n > UINT64_MAX / mult) return invalid(v, "a size that fits in 64 bits");
  return *n * mult;
}

Result<unsigned long> parse_arch(std::string_view v) {
  static constexpr std::string_view k32[] = {"arm",   "armel", "armhf",  "armv7l", "athlon", "i386",
                                             "i486",  "i586",  "i686",   "linux32", "mips", "mipsel",
                                             "ppc",   "powerpc", "x86"};
  static constexpr std::string_view k64[] = {"aarch64", "amd64",   "arm64",   "linux64", "mips64",
                                             "mips64el", "ppc64",  "ppc64el", "ppc64le", "powerpc64",
                                             "riscv64", "s390x",   "x86_64"};
  for (auto a : k32)
    if (v == a) return static_cast<unsigned long>(PER_LINUX32);
  for (auto a : k64)
    if (v == a) return static_cast<unsigned long>(PER_LINUX);
  return invalid(v, "an architecture such as x86_64, amd64, i686, x86, arm64 or armhf");
}

std::string arch_name(unsigned long personality) {
  if (personality == static_cast<unsigned long>(PER_LINUX32)) return "i686";
  if (personality == static_cast<unsigned long>(PER_LINUX)) return "x86_64";
  return {};
}

Result<void> check_hostname(std::string_view v) {
  if (v.size() > 64) return invalid(v, "a host name of at most 64 bytes");
  for (char c : v)
    if (c == '/' || c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20)
      return invalid(v, "a host name without '/', white space or control characters");
  return {};
}

Result<void> check_net_type(std::string_view v) {
  return check_one_of(v, {"none", "empty", "veth", "vlan", "macvlan", "ipvlan", "phys"});
}

Result<void> check_hwaddr(std::string_view v) {
  constexpr std::string_view kExpected = "a MAC address such as 00:16:3e:xx:xx:xx (x is randomised)";
  if (v.size() != 17) return invalid(v, kExpected);
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (i % 3 == 2) {
      if (c != ':') return invalid(v, kExpected);
    } else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != 'x' && c != 'X') {
      return invalid(v, kExpected);
    }
  }
  // A multicast address (low bit of the first octet) cannot be an interface address.
  if (v[1] != 'x' && v[1] != 'X') {
    int lo = std::isdigit(static_cast<unsigned char>(v[1])) ? v[1] - '0' : (std::tolower(v[1]) - 'a' + 10);
    if (lo & 1) return invalid(v, "a unicast MAC address (the first octet must be even)");
  }
  return {};
}

std::string randomize_hwaddr(std::string_view v) {
  static const char* hex = "0123456789abcdef";
  std::string out(v);
  std::string noise(out.size(), '\0');
  random_bytes(noise.data(), noise.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] != 'x' && out[i] != 'X') continue;
    unsigned d = static_cast<unsigned char>(noise[i]) & 15u;
    // Second digit of the first octet: unicast (bit 0 clear), locally administered (bit 1 set).
    if (i == 1) d = (d & ~1u) | 2u;
    out[i] = hex[d];
  }
  return out;
}

Result<std::string> check_ipv4_address(std::string_view v) {
  constexpr std::string_view kExpected = "an IPv4 address with an optional /prefix and broadcast, e.g. 10.0.3.5/24";
  auto parts = split(v, " \t");
  if (parts.empty() || parts.size() > 2) return invalid(v, kExpected);
  std::string addr = parts[0];
  std::string prefix;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    prefix = addr.substr(slash + 1);
    addr.resize(slash);
    auto p = parse_u64(prefix);
    if (!p || *p > 32) return invalid(v, "a prefix length from 0 to 32");
  }
  in_addr a {};
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1) return invalid(v, kExpected);
  if (parts.size() == 2 && inet_pton(AF_INET, parts[1].c_str(), &a) != 1)
    return invalid(v, "a broadcast address in IPv4 form");
  if (prefix.empty()) prefix = std::to_string(ipv4_default_prefix(addr));
  std::string out = addr + "/" + prefix;
  if (parts.size() == 2) out += " " + parts[1];
  return out;
}

unsigned ipv4_default_prefix(std::string_view addr) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(addr).c_str(), &a) != 1) return 0;
  // LXC applies the IN_CLASS* tests to s_addr as it is, in network byte
  // order; on a little-endian host the class is that of the last octet
  // (10.0.3.5 is /8, 10.0.3.200 /24). Done the same way for the same prefix.
  if (IN_CLASSA(a.s_addr)) return 32 - IN_CLASSA_NSHIFT;
  if (IN_CLASSB(a.s_addr)) return 32 - IN_CLASSB_NSHIFT;
  if (IN_CLASSC(a.s_addr)) return 32 - IN_CLASSC_NSHIFT;
  return 0;
}

std::string ipv4_broadcast(std::string_view addr, unsigned prefix) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(addr).c_str(), &a) != 1) return {};
  a.s_addr |= htonl(0xffffffffu >> std::min(prefix, 31u));
  char buf[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &a, buf, sizeof buf) ? std::string(buf) : std::string();
}

Result<std::string> check_ipv6_address(std::string_view v) {
  constexpr std::string_view kExpected = "an IPv6 address with an optional /prefix, e.g. fd00::5/64";
  std::string addr(trim(v));
  std::string prefix;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    prefix = addr.substr(slash + 1);
    addr.resize(slash);
    auto p = parse_u64(prefix);
    if (!p || *p > 128) return invalid(v, "a prefix length from 0 to 128");
  }
  in6_addr a {};
  if (inet_pton(AF_INET6, addr.c_str(), &a) != 1) return invalid(v, kExpected);
  return addr + "/" + (prefix.empty() ? std::string("64") : prefix);
}

Result<void> check_ipv4_gateway(std::string_view v) {
  if (v == "auto" || v == "dev") return {};
  in_addr a {};
  if (inet_pton(AF_INET, std::string(v).c_str(), &a) != 1) return invalid(v, "an IPv4 address, auto or dev");
  return {};
}

Result<void> check_ipv6_gateway(std::string_view v) {
  if (v == "auto" || v == "dev") return {};
  in6_addr a {};
  if (inet_pton(AF_INET6, std::string(v).c_str(), &a) != 1) return invalid(v, "an IPv6 address, auto or dev");
  return {};
}

static Result<void> check_route(std::string_view v, int family, uint64_t max_prefix, std::string_view expected) {
  std::string s(v);
  auto slash = s.find('/');
  if (slash == std::string::npos) return invalid(v, expected);
  auto p = parse_u64(std::string_view(s).substr(slash + 1));
  if (!p || *p > max_prefix) return invalid(v, expected);
  unsigned char buf[16];
  if (inet_pton(family, s.substr(0, slash).c_str(), buf) != 1) return invalid(v, expected);
  return {};
}

Result<void> check_ipv4_route(std::string_view v) { return check_route(v, AF_INET, 32, "an IPv4 route such as 192.0.2.0/24"); }
Result<void> check_ipv6_route(std::string_view v) { return check_route(v, AF_INET6, 128, "an IPv6 route such as 2001:db8::/64"); }

Result<void> check_ifname(std::string_view v) {
  if (v.empty() || v.size() > 15) return invalid(v, "an interface name of 1 to 15 bytes");
  if (v == "." || v == "..") return invalid(v, "an interface name other than . or ..");
  for (char c : v)
    if (c == '/' || c == ':' || c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20)
      return invalid(v, "an interface name without '/', ':' or white space");
  return {};
}

Result<void> check_vlan_id(std::string_view v) {
  auto n = parse_u64(v);
  if (!n || *n > 4094) return invalid(v, "a VLAN id from 0 to 4094");
  return {};
}

Result<void> check_mtu(std::string_view v) {
  auto n = parse_u64(v);
  if (!n || *n < 68 || *n > 65535) return invalid(v, "an MTU from 68 to 65535");
  return {};
}

Result<void> check_one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  std::string list;
  for (auto a : allowed) {
    if (v == a) return {};
    if (!list.empty()) list += ", ";
    list += a;
  }
  return invalid(v, "one of " + list);
}

Result<void> check_mount_auto_token(std::string_view v) {
  static constexpr std::string_view kTokens[] = {
      "proc",          "proc:mixed",        "proc:rw",           "sys",             "sys:ro",
      "sys:mixed",     "sys:rw",            "cgroup",            "cgroup:mixed",    "cgroup:ro",
      "cgroup:rw",     "cgroup:force",      "cgroup:mixed:force", "cgroup:ro:force", "cgroup:rw:force",
      "cgroup-full",   "cgroup-full:mixed", "cgroup-full:ro",    "cgroup-full:rw",  "cgroup-full:force",
      "cgroup-full:mixed:force", "cgroup-full:ro:force", "cgroup-full:rw:force", "cgroup2"};
  for (auto t : kTokens)
    if (v == t) return {};
  if (v.starts_with("shmounts:") && v.size() > 9) return {};
  return invalid(v, "proc[:mixed|:rw], sys[:ro|:mixed|:rw], cgroup[:mixed|:ro|:rw][:force], "
                    "cgroup-full[...], cgroup2 or shmounts:HOSTPATH[:CONTAINERPATH]");
}

Result<void> check_namespace_name(std::string_view v) {
  return check_one_of(v, {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"});
}

Result<void> check_rlimit_name(std::string_view v) {
  for (auto r : kRlimits)
    if (v == r) return {};
  return invalid(v, "a resource name such as nofile, nproc, core, memlock or stack");
}

Result<void> check_rlimit_value(std::string_view v) {
  auto one = [](std::string_view s) { return s == "unlimited" || parse_u64(s).has_value(); };
  auto colon = v.find(':');
  if (colon == std::string_view::npos ? one(v) : (one(v.substr(0, colon)) && one(v.substr(colon + 1)))) return {};
  return invalid(v, "SOFT[:HARD], each a number or unlimited");
}

Result<void> check_time_offset(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
  size_t start = i;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  if (i == start) return invalid(v, "an integer with a unit: h, m, s, ms, us or ns");
  std::string_view unit = v.substr(i);
  // LXC keeps h, m and s as seconds and ms and us as nanoseconds, in 64 bits.
  struct Unit {
    std::string_view name;
    int64_t factor;
  };
  for (auto [name, factor] : {Unit{"h", 3600}, Unit{"m", 60}, Unit{"s", 1}, Unit{"ms", 1000000}, Unit{"us", 1000},
                              Unit{"ns", 1}}) {
    if (unit != name) continue;
    auto n = parse_i64(v.substr(0, i));
    if (!n || *n > INT64_MAX / factor || *n < INT64_MIN / factor) return invalid(v, "an offset that fits in 64 bits");
    return {};
  }
  return invalid(v, "an integer with a unit: h, m, s, ms, us or ns");
}

// capabilities(7) names, CAP_ prefix dropped: the common case without
// libcap's slower lookup (which still decides for anything else).
constexpr std::string_view kCapabilityNames[] = {
    "chown",          "dac_override",  "dac_read_search", "fowner",          "fsetid",         "kill",
    "setgid",         "setuid",        "setpcap",         "linux_immutable", "net_bind_service", "net_broadcast",
    "net_admin",      "net_raw",       "ipc_lock",        "ipc_owner",       "sys_module",     "sys_rawio",
    "sys_chroot",     "sys_ptrace",    "sys_pacct",       "sys_admin",       "sys_boot",       "sys_nice",
    "sys_resource",   "sys_time",      "sys_tty_config",  "mknod",           "lease",          "audit_write",
    "audit_control",  "setfcap",       "mac_override",    "mac_admin",       "syslog",         "wake_alarm",
    "block_suspend",  "audit_read",    "perfmon",         "bpf",             "checkpoint_restore"};

Result<void> check_capability(std::string_view v) {
  if (std::find(std::begin(kCapabilityNames), std::end(kCapabilityNames), v) != std::end(kCapabilityNames)) return {};
  if (parse_u64(v)) return {};
  std::string name = to_lower(v);
  if (name.starts_with("cap_")) name.erase(0, 4);
  cap_value_t cap;
  if (cap_from_name(("cap_" + name).c_str(), &cap) == 0) return {};
  return invalid(v, "a capability name such as sys_admin or net_raw (see capabilities(7))");
}

Result<void> check_cgroup_dir(std::string_view v) {
  if (v.starts_with('/')) return invalid(v, "a relative path");
  for (const auto& part : split(v, "/"))
    if (part == "..") return invalid(v, "a path without \"..\"");
  return {};
}

}  // namespace lxc::config
