#include "config/values.h"

#include <signal.h>

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace lxc::config {

TEST(Values, Signals) {
  EXPECT_EQ(parse_signal("SIGTERM").value(), SIGTERM);
  EXPECT_EQ(parse_signal("term").value(), SIGTERM);
  EXPECT_EQ(parse_signal("9").value(), 9);
  EXPECT_EQ(parse_signal("SIGRTMIN+3").value(), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("RTMAX-1").value(), SIGRTMAX - 1);
  EXPECT_FALSE(parse_signal("SIGNOPE"));
  EXPECT_FALSE(parse_signal("0"));
  EXPECT_FALSE(parse_signal("SIGRTMIN+99"));
}

TEST(Values, Booleans) {
  EXPECT_TRUE(parse_bool("1").value());
  EXPECT_FALSE(parse_bool("0").value());
  EXPECT_FALSE(parse_bool("yes"));
}

TEST(Values, IdMap) {
  auto m = parse_idmap("u 0 100000 65536");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, 'u');
  EXPECT_EQ(m->hostid, 100000u);
  EXPECT_EQ(format_idmap(*m), "u 0 100000 65536");
  EXPECT_FALSE(parse_idmap("x 0 1 1"));
  EXPECT_FALSE(parse_idmap("u 0 1"));
  EXPECT_FALSE(parse_idmap("u 0 1 0"));
  EXPECT_FALSE(parse_idmap("u 4294967295 1 1"));
}

TEST(Values, Sizes) {
  EXPECT_EQ(parse_size("4096").value(), 4096u);
  EXPECT_EQ(parse_size("64kB").value(), 65536u);
  EXPECT_EQ(parse_size("1MB").value(), 1u << 20);
  EXPECT_EQ(parse_size("2G").value(), 2ull << 30);
  EXPECT_FALSE(parse_size("12XB"));
  EXPECT_FALSE(parse_size("MB"));
}

TEST(Values, Hwaddr) {
  EXPECT_TRUE(check_hwaddr("00:16:3e:xx:xx:xx"));
  EXPECT_TRUE(check_hwaddr("xx:xx:xx:xx:xx:xx"));
  EXPECT_FALSE(check_hwaddr("01:16:3e:00:00:00"));  // multicast
  EXPECT_FALSE(check_hwaddr("00:16:3e:00:00"));
  EXPECT_FALSE(check_hwaddr("00:16:3e:zz:00:00"));
  for (int i = 0; i < 50; ++i) {
    std::string r = randomize_hwaddr("xx:16:3e:xx:xx:xx");
    EXPECT_TRUE(check_hwaddr(r)) << r;
    EXPECT_EQ(r.find('x'), std::string::npos);
    EXPECT_EQ(r.substr(2, 7), ":16:3e:");
  }
}

TEST(Values, Ipv4AddressWithoutPrefixGetsLxcsClassfulOne) {
  // LXC's config_ip_prefix runs IN_CLASSA/B/C on s_addr in network byte
  // order: on a little-endian host the last octet picks the class.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  EXPECT_EQ(check_ipv4_address("10.1.2.3").value(), "10.1.2.3/8");
  EXPECT_EQ(check_ipv4_address("192.168.1.10").value(), "192.168.1.10/8");
  EXPECT_EQ(check_ipv4_address("10.0.3.130").value(), "10.0.3.130/16");
  EXPECT_EQ(check_ipv4_address("10.0.3.200 10.0.3.254").value(), "10.0.3.200/24 10.0.3.254");
  EXPECT_EQ(check_ipv4_address("10.0.3.230").value(), "10.0.3.230/0") << "class D/E: no prefix";
#else
  EXPECT_EQ(check_ipv4_address("10.1.2.3").value(), "10.1.2.3/8");
  EXPECT_EQ(check_ipv4_address("172.16.1.2").value(), "172.16.1.2/16");
  EXPECT_EQ(check_ipv4_address("192.168.1.10").value(), "192.168.1.10/24");
  EXPECT_EQ(check_ipv4_address("224.0.0.1").value(), "224.0.0.1/0");
#endif
  EXPECT_EQ(check_ipv4_address("10.0.3.5/24").value(), "10.0.3.5/24") << "a given prefix stays";
}

TEST(Values, Ipv4BroadcastIsLxcs) {
  EXPECT_EQ(ipv4_broadcast("10.0.3.5", 24), "10.0.3.255");
  EXPECT_EQ(ipv4_broadcast("10.0.3.5", 8), "10.255.255.255");
  EXPECT_EQ(ipv4_broadcast("172.16.3.5", 12), "172.31.255.255");
  EXPECT_EQ(ipv4_broadcast("10.0.3.5", 0), "255.255.255.255");
  // A /31 or /32 gets the lowest bit set, as LXC shifts by 31 at most.
  EXPECT_EQ(ipv4_broadcast("10.0.3.4", 31), "10.0.3.5");
  EXPECT_EQ(ipv4_broadcast("10.0.3.4", 32), "10.0.3.5");
  EXPECT_EQ(ipv4_broadcast("nonsense", 24), "");
}

TEST(Values, Addresses) {
  EXPECT_EQ(check_ipv4_address("10.0.3.5/24").value(), "10.0.3.5/24");
  EXPECT_EQ(check_ipv4_address("10.0.3.5/16 10.0.255.255").value(), "10.0.3.5/16 10.0.255.255");
  EXPECT_FALSE(check_ipv4_address("10.0.3.500/24"));
  EXPECT_FALSE(check_ipv4_address("10.0.3.5/33"));
  EXPECT_EQ(check_ipv6_address("fd00::5/64").value(), "fd00::5/64");
  EXPECT_FALSE(check_ipv6_address("fd00::zz/64"));
  EXPECT_TRUE(check_ipv4_gateway("auto"));
  EXPECT_TRUE(check_ipv4_gateway("dev"));
  EXPECT_FALSE(check_ipv4_gateway("nope"));
  EXPECT_TRUE(check_ifname("eth0"));
  EXPECT_FALSE(check_ifname("a-name-longer-than-15"));
}

TEST(Values, Misc) {
  EXPECT_TRUE(check_capability("sys_admin"));
  EXPECT_TRUE(check_capability("CAP_NET_RAW"));
  EXPECT_FALSE(check_capability("sys_nope"));
  EXPECT_TRUE(check_mount_auto_token("cgroup:mixed:force"));
  EXPECT_TRUE(check_mount_auto_token("shmounts:/a:/b"));
  EXPECT_FALSE(check_mount_auto_token("proc:ro"));
  EXPECT_TRUE(check_time_offset("-10ms"));
  EXPECT_FALSE(check_time_offset("10"));
  EXPECT_TRUE(check_rlimit_value("1024:unlimited"));
  EXPECT_FALSE(check_rlimit_value("1024:lots"));
  EXPECT_TRUE(parse_arch("amd64"));
  EXPECT_FALSE(parse_arch("vax"));
}

TEST(Values, Integers) {
  EXPECT_EQ(parse_uint("0").value(), 0u);
  EXPECT_EQ(parse_uint("18446744073709551615").value(), UINT64_MAX);
  for (std::string_view bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "18446744073709551616", "one"})
    EXPECT_FALSE(parse_uint(bad)) << bad;
  EXPECT_EQ(parse_int("-3").value(), -3);
  EXPECT_EQ(parse_int("9223372036854775807").value(), INT64_MAX);
  for (std::string_view bad : {"", "+3", "--3", "3-", "9223372036854775808"}) EXPECT_FALSE(parse_int(bad)) << bad;
  auto e = parse_uint("x");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what, "invalid value \"x\": expected an unsigned integer");
}

TEST(Values, SignalsEdges) {
  EXPECT_EQ(parse_signal("sigpwr").value(), SIGPWR);
  EXPECT_EQ(parse_signal("SIGRTMIN").value(), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMAX").value(), SIGRTMAX);
  EXPECT_EQ(parse_signal(std::to_string(SIGRTMAX)).value(), SIGRTMAX);
  for (std::string_view bad : {"", "SIG", "SIGRTMIN-1", "SIGRTMAX+1", "SIGRTMIN+", "RTMIN+x", "-9",
                               "65", "SIGTERM ", "SIG TERM"})
    EXPECT_FALSE(parse_signal(bad)) << bad;
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
}

TEST(Values, IdMapEdges) {
  auto m = parse_idmap("g\t1000   2000\t1");
  ASSERT_TRUE(m);
  EXPECT_EQ(format_idmap(*m), "g 1000 2000 1");
  EXPECT_TRUE(parse_idmap("u 0 4294967294 1"));
  EXPECT_FALSE(parse_idmap("u 0 4294967295 1"));
  EXPECT_FALSE(parse_idmap("u 1 2 3 4"));
  EXPECT_FALSE(parse_idmap("U 0 1 1"));
  EXPECT_FALSE(parse_idmap("u -1 1 1"));
  EXPECT_FALSE(parse_idmap("u 0 1 18446744073709551615"));  // must not wrap around
  EXPECT_FALSE(parse_idmap(""));
}

TEST(Values, SizesEdges) {
  EXPECT_EQ(parse_size("0").value(), 0u);
  EXPECT_EQ(parse_size("1KiB").value(), 1024u);
  EXPECT_EQ(parse_size("1 MB").value(), 1u << 20);
  EXPECT_EQ(parse_size("16777215G").value(), 16777215ull << 30);
  EXPECT_FALSE(parse_size("17179869184G"));  // 2^64 bytes
  EXPECT_FALSE(parse_size("1TB"));
  EXPECT_FALSE(parse_size("-1"));
  EXPECT_FALSE(parse_size("1.5M"));
  EXPECT_FALSE(parse_size(""));
}

TEST(Values, Architectures) {
  for (std::string_view a : {"x86_64", "amd64", "aarch64", "arm64", "ppc64le", "s390x", "riscv64", "linux64"})
    EXPECT_EQ(arch_name(parse_arch(a).value()), "x86_64") << a;
  for (std::string_view a : {"i386", "i686", "x86", "armhf", "armel", "linux32"})
    EXPECT_EQ(arch_name(parse_arch(a).value()), "i686") << a;
  for (std::string_view a : {"", "X86_64", "sparc", "amd64 "}) EXPECT_FALSE(parse_arch(a)) << a;
}

TEST(Values, Hostnames) {
  EXPECT_TRUE(check_hostname(std::string(64, 'a')));
  EXPECT_FALSE(check_hostname(std::string(65, 'a')));
  EXPECT_FALSE(check_hostname("a/b"));
  EXPECT_FALSE(check_hostname("a b"));
  EXPECT_FALSE(check_hostname("a\tb"));
  EXPECT_TRUE(check_hostname("web-1.example.org"));
}

TEST(Values, NetworkValues) {
  for (std::string_view t : {"none", "empty", "veth", "vlan", "macvlan", "ipvlan", "phys"}) EXPECT_TRUE(check_net_type(t));
  for (std::string_view t : {"", "VETH", "bridge", "veth "}) EXPECT_FALSE(check_net_type(t)) << t;
  EXPECT_TRUE(check_hwaddr("AA:BB:CC:DD:EE:FE"));
  EXPECT_TRUE(check_hwaddr("XX:XX:XX:XX:XX:XX"));
  EXPECT_FALSE(check_hwaddr("00-16-3e-00-00-01"));
  EXPECT_FALSE(check_hwaddr("00:16:3e:00:00:01:"));
  EXPECT_FALSE(check_hwaddr(""));
  EXPECT_EQ(randomize_hwaddr("00:16:3e:12:34:56"), "00:16:3e:12:34:56");
  for (int i = 0; i < 50; ++i) {
    std::string r = randomize_hwaddr("xx:xx:xx:xx:xx:xx");
    EXPECT_TRUE(check_hwaddr(r)) << r;
    int lo = std::stoi(r.substr(1, 1), nullptr, 16);
    EXPECT_EQ(lo & 3, 2) << "locally administered unicast: " << r;
  }
  EXPECT_EQ(check_ipv4_address("0.0.0.0/0").value(), "0.0.0.0/0");
  EXPECT_FALSE(check_ipv4_address("10.0.3.5/24 10.0.3.255 extra"));
  EXPECT_FALSE(check_ipv4_address("10.0.3.5/24 broadcast"));
  EXPECT_FALSE(check_ipv4_address("10.0.3.5/"));
  EXPECT_FALSE(check_ipv4_address("fd00::1/64"));
  EXPECT_EQ(check_ipv6_address("::1/128").value(), "::1/128");
  EXPECT_FALSE(check_ipv6_address("fd00::1/129"));
  EXPECT_FALSE(check_ipv6_address("10.0.3.5"));
  EXPECT_TRUE(check_ipv6_gateway("auto"));
  EXPECT_TRUE(check_ipv6_gateway("fe80::1"));
  EXPECT_FALSE(check_ipv6_gateway("10.0.3.1"));
  EXPECT_TRUE(check_ipv4_route("192.0.2.0/24"));
  EXPECT_FALSE(check_ipv4_route("192.0.2.0"));
  EXPECT_FALSE(check_ipv4_route("192.0.2.0/33"));
  EXPECT_TRUE(check_ipv6_route("2001:db8::/64"));
  EXPECT_FALSE(check_ipv6_route("2001:db8::/129"));
  EXPECT_TRUE(check_ifname(std::string(15, 'e')));
  EXPECT_FALSE(check_ifname(std::string(16, 'e')));
  for (std::string_view n : {"", ".", "..", "eth0:1", "a/b", "a b"}) EXPECT_FALSE(check_ifname(n)) << n;
  EXPECT_TRUE(check_vlan_id("0"));
  EXPECT_TRUE(check_vlan_id("4094"));
  EXPECT_FALSE(check_vlan_id("4095"));
  EXPECT_FALSE(check_vlan_id("-1"));
  EXPECT_TRUE(check_mtu("68"));
  EXPECT_TRUE(check_mtu("65535"));
  EXPECT_FALSE(check_mtu("67"));
  EXPECT_FALSE(check_mtu("65536"));
  auto e = check_one_of("x", {"a", "b"});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what, "invalid value \"x\": expected one of a, b");
}

TEST(Values, MountAutoNamespacesLimits) {
  for (std::string_view t : {"proc", "proc:rw", "sys:ro", "cgroup", "cgroup:rw:force", "cgroup-full:mixed", "cgroup2",
                             "shmounts:/a", "shmounts:/a:/b"})
    EXPECT_TRUE(check_mount_auto_token(t)) << t;
  for (std::string_view t : {"", "proc:ro", "sys:force", "shmounts:", "cgroup:mixed:ro", "PROC"})
    EXPECT_FALSE(check_mount_auto_token(t)) << t;
  for (std::string_view n : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) EXPECT_TRUE(check_namespace_name(n));
  for (std::string_view n : {"", "NET", "mount", "network"}) EXPECT_FALSE(check_namespace_name(n)) << n;
  for (std::string_view r : {"as", "core", "nofile", "nproc", "rtprio", "stack", "sigpending"}) EXPECT_TRUE(check_rlimit_name(r));
  for (std::string_view r : {"", "NOFILE", "nofiles", "RLIMIT_NOFILE"}) EXPECT_FALSE(check_rlimit_name(r)) << r;
  for (std::string_view v : {"0", "unlimited", "1024:2048", "unlimited:unlimited", "1:unlimited"})
    EXPECT_TRUE(check_rlimit_value(v)) << v;
  for (std::string_view v : {"", ":", "1024:", ":1024", "-1", "1024:2048:4096", "lots"}) EXPECT_FALSE(check_rlimit_value(v)) << v;
}

TEST(Values, TimeOffsets) {
  for (std::string_view v : {"0s", "10h", "-5m", "300ms", "7us", "-9223372036854775808ns", "2562047788015215h", "9223372036854ms"})
    EXPECT_TRUE(check_time_offset(v)) << v;
  for (std::string_view v : {"", "s", "-", "10", "10d", "1.5s", "10 s", "+10s", "9223372036854775808ns",
                             "2562047788015216h", "9223372036855ms"})
    EXPECT_FALSE(check_time_offset(v)) << v;
}

TEST(Values, CapabilitiesAndCgroupDirs) {
  for (std::string_view c : {"sys_admin", "SYS_ADMIN", "cap_sys_admin", "CAP_NET_RAW", "mac_admin", "0", "40"})
    EXPECT_TRUE(check_capability(c)) << c;
  for (std::string_view c : {"", "none", "cap_", "sys-admin", "-1"}) EXPECT_FALSE(check_capability(c)) << c;
  EXPECT_TRUE(check_cgroup_dir("lxc/c1"));
  EXPECT_TRUE(check_cgroup_dir("a..b"));
  EXPECT_FALSE(check_cgroup_dir("/lxc"));
  EXPECT_FALSE(check_cgroup_dir("lxc/../x"));
  EXPECT_FALSE(check_cgroup_dir(".."));
}

}  // namespace lxc::config
