#include "config/values.h"

#include <signal.h>

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

TEST(Values, Addresses) {
  EXPECT_EQ(check_ipv4_address("10.0.3.5/24").value(), "10.0.3.5/24");
  EXPECT_EQ(check_ipv4_address("10.0.3.5").value(), "10.0.3.5/24");
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

}  // namespace lxc::config
