// cgroup host detection, placement and the serialized form, from canned
// /proc texts. No root, no cgroupfs.
#include <gtest/gtest.h>

#include "cgroups/cgroup.h"
#include "cgroups/parse.h"

namespace lxc::cgroups {
namespace {

// Debian 12 / any systemd host booted with the unified hierarchy only.
constexpr std::string_view kUnifiedMountinfo =
    "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n";
constexpr std::string_view kUnifiedSelf = "0::/user.slice/user-1000.slice/session-2.scope\n";
constexpr std::string_view kUnifiedInit = "0::/init.scope\n";

// systemd "hybrid": v1 controllers, name=systemd, and cgroup2 at .../unified;
// cpu and cpuacct co-mounted.
constexpr std::string_view kHybridMountinfo =
    "25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
    "32 25 0:29 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,freezer\n"
    "33 25 0:30 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup "
    "rw,net_cls,net_prio\n"
    "34 25 0:31 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup "
    "rw,cpuset,clone_children\n"
    "35 25 0:32 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,devices\n"
    "36 25 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:20 - cgroup cgroup rw,pids\n";
constexpr std::string_view kHybridSelf =
    "12:pids:/user.slice/user-1000.slice/session-3.scope\n"
    "11:devices:/user.slice\n"
    "10:cpuset:/\n"
    "9:net_cls,net_prio:/\n"
    "8:freezer:/\n"
    "7:memory:/user.slice/user-1000.slice/session-3.scope\n"
    "4:cpu,cpuacct:/user.slice\n"
    "1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"
    "0::/user.slice/user-1000.slice/session-3.scope\n";
constexpr std::string_view kHybridInit =
    "12:pids:/init.scope\n11:devices:/init.scope\n10:cpuset:/\n9:net_cls,net_prio:/\n8:freezer:/\n"
    "7:memory:/init.scope\n4:cpu,cpuacct:/init.scope\n1:name=systemd:/init.scope\n0::/init.scope\n";

// Legacy: no cgroup2 at all (CentOS 7 style; cpuacct listed before cpu).
constexpr std::string_view kLegacyMountinfo =
    "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
    "25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup "
    "rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "27 24 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "
    "rw,cpuacct,cpu\n"
    "28 24 0:24 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,memory\n"
    "29 24 0:25 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,freezer\n"
    "30 24 0:26 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,devices\n"
    // The same memory hierarchy bind-mounted a second time: ignored.
    "40 24 0:24 / /sys/fs/cgroup/memory2 rw,relatime - cgroup cgroup rw,memory\n"
    // Outside /sys/fs/cgroup: ignored.
    "41 1 0:25 / /run/lxc/freezer rw,relatime - cgroup cgroup rw,freezer\n";
constexpr std::string_view kLegacySelf =
    "11:devices:/system.slice/sshd.service\n10:freezer:/\n4:memory:/system.slice\n"
    "3:cpuacct,cpu:/system.slice/sshd.service\n1:name=systemd:/system.slice/sshd.service\n";

// The machine these tests were written on: separate cpu and cpuacct.
constexpr std::string_view kThisMachineMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
constexpr std::string_view kThisMachineSelf =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n4:memory:/process_api/27f2\n3:cpuset:/\n"
    "2:cpuacct:/\n1:cpu:/\n0::/\n";

Host parse_ok(const HostText& in) {
  auto h = parse_host(in);
  EXPECT_TRUE(h) << (h ? "" : describe(h.error()));
  return h ? *h : Host{};
}

TEST(CgroupParse, ProcCgroupLines) {
  auto lines = parse_proc_cgroup(kHybridSelf);
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0].id, "12");
  EXPECT_EQ(lines[0].controllers, std::vector<std::string>{"pids"});
  EXPECT_EQ(lines[3].controllers, (std::vector<std::string>{"net_cls", "net_prio"}));
  EXPECT_EQ(lines[7].controllers, std::vector<std::string>{"name=systemd"});
  EXPECT_EQ(lines[8].id, "0");
  EXPECT_TRUE(lines[8].controllers.empty());
  EXPECT_EQ(lines[8].path, "/user.slice/user-1000.slice/session-3.scope");
  // A ':' inside the path is kept.
  auto odd = parse_proc_cgroup("0::/a:b\n");
  ASSERT_EQ(odd.size(), 1u);
  EXPECT_EQ(odd[0].path, "/a:b");
}

TEST(CgroupParse, MountsWithOptionalFieldsAndEscapes) {
  auto mounts = parse_cgroup_mounts(
      "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:14 master:3 - cgroup cgroup rw,cpu,cpuacct\n"
      "31 25 0:28 /lxc/c1 /sys/fs/cgroup/my\\040dir rw - cgroup2 none rw\n"
      "32 25 0:29 / /tmp rw - tmpfs tmpfs rw\n"
      "garbage line\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].version, 1);
  EXPECT_EQ(mounts[0].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(mounts[0].options, (std::vector<std::string>{"rw", "cpu", "cpuacct"}));
  EXPECT_EQ(mounts[1].version, 2);
  EXPECT_EQ(mounts[1].mountpoint, "/sys/fs/cgroup/my dir");
  EXPECT_EQ(mounts[1].root, "/lxc/c1");
}

TEST(CgroupParse, PureUnifiedRootEscapesToInitsParent) {
  Host h = parse_ok({kUnifiedMountinfo, kUnifiedSelf, kUnifiedInit, true, {}});
  EXPECT_EQ(h.layout, Layout::Unified);
  ASSERT_EQ(h.hierarchies.size(), 1u);
  EXPECT_EQ(h.hierarchies[0].version, 2);
  EXPECT_EQ(h.hierarchies[0].mountpoint, "/sys/fs/cgroup");
  EXPECT_EQ(h.hierarchies[0].base, "");  // /init.scope pruned: the root
  EXPECT_EQ(h.unified(), &h.hierarchies[0]);
  EXPECT_EQ(h.v1("memory"), nullptr);
}

TEST(CgroupParse, PureUnifiedUserStaysInItsCgroup) {
  Host h = parse_ok({kUnifiedMountinfo, kUnifiedSelf, kUnifiedSelf, false, {}});
  ASSERT_EQ(h.hierarchies.size(), 1u);
  EXPECT_EQ(h.hierarchies[0].base, "user.slice/user-1000.slice/session-2.scope");
}

TEST(CgroupParse, HybridHost) {
  Host h = parse_ok({kHybridMountinfo, kHybridSelf, kHybridInit, true, {}});
  EXPECT_EQ(h.layout, Layout::Hybrid);
  ASSERT_EQ(h.hierarchies.size(), 9u);
  ASSERT_NE(h.unified(), nullptr);
  EXPECT_EQ(h.unified()->mountpoint, "/sys/fs/cgroup/unified");
  EXPECT_EQ(h.unified()->base, "");
  // Co-mounted cpu,cpuacct: one hierarchy for both.
  ASSERT_NE(h.v1("cpu"), nullptr);
  EXPECT_EQ(h.v1("cpu"), h.v1("cpuacct"));
  EXPECT_EQ(h.v1("cpu")->mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(h.v1("cpu")->controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  // Named hierarchy; "xattr" and "clone_children" are not controllers.
  ASSERT_NE(h.v1("name=systemd"), nullptr);
  EXPECT_EQ(h.v1("name=systemd")->controllers, std::vector<std::string>{"name=systemd"});
  EXPECT_EQ(h.v1("cpuset")->controllers, std::vector<std::string>{"cpuset"});
  // Root: init's cgroups with init.scope pruned.
  EXPECT_EQ(h.v1("memory")->base, "");
  EXPECT_EQ(h.v1("pids")->base, "");
}

TEST(CgroupParse, HybridRelativeUsesOwnCgroups) {
  Host h = parse_ok({kHybridMountinfo, kHybridSelf, kHybridSelf, false, {}});
  EXPECT_EQ(h.v1("memory")->base, "user.slice/user-1000.slice/session-3.scope");
  EXPECT_EQ(h.v1("cpu")->base, "user.slice");
  EXPECT_EQ(h.v1("freezer")->base, "");
  EXPECT_EQ(h.unified()->base, "user.slice/user-1000.slice/session-3.scope");
}

TEST(CgroupParse, LegacyHost) {
  Host h = parse_ok({kLegacyMountinfo, kLegacySelf, kLegacySelf, false, {}});
  EXPECT_EQ(h.layout, Layout::Legacy);
  EXPECT_EQ(h.unified(), nullptr);
  ASSERT_EQ(h.hierarchies.size(), 5u);  // memory2 (duplicate) and /run/lxc/freezer dropped
  EXPECT_EQ(h.v1("cpu")->mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(h.v1("cpu")->controllers, (std::vector<std::string>{"cpuacct", "cpu"}));
  EXPECT_EQ(h.v1("cpu")->base, "system.slice/sshd.service");
  EXPECT_EQ(h.v1("memory")->mountpoint, "/sys/fs/cgroup/memory");
  EXPECT_EQ(h.v1("memory")->base, "system.slice");
  EXPECT_EQ(h.v1("freezer")->mountpoint, "/sys/fs/cgroup/freezer");
  EXPECT_EQ(h.v1("name=systemd")->base, "system.slice/sshd.service");
}

TEST(CgroupParse, ThisMachine) {
  Host h = parse_ok({kThisMachineMountinfo, kThisMachineSelf, kThisMachineSelf, false, {}});
  EXPECT_EQ(h.layout, Layout::Hybrid);
  ASSERT_EQ(h.hierarchies.size(), 10u);
  EXPECT_NE(h.v1("cpu"), h.v1("cpuacct"));
  EXPECT_EQ(h.v1("memory")->base, "process_api/27f2");
  EXPECT_EQ(h.unified()->mountpoint, "/sys/fs/cgroup/unified");
}

TEST(CgroupParse, CgroupUseFiltersV1Hierarchies) {
  HostText in{kHybridMountinfo, kHybridSelf, kHybridInit, true, {"memory", "freezer", "cpu", "cpuacct"}};
  Host h = parse_ok(in);
  EXPECT_NE(h.v1("memory"), nullptr);
  EXPECT_NE(h.v1("freezer"), nullptr);
  EXPECT_NE(h.v1("cpu"), nullptr);
  EXPECT_EQ(h.v1("pids"), nullptr);
  EXPECT_EQ(h.v1("name=systemd"), nullptr);
  EXPECT_NE(h.unified(), nullptr);
  EXPECT_TRUE(check_use(h, in.use));
  // "cpu" alone does not take the co-mounted cpu,cpuacct hierarchy (LXC's rule),
  // and then check_use reports the missing controller.
  HostText only_cpu{kHybridMountinfo, kHybridSelf, kHybridInit, true, {"cpu"}};
  Host h2 = parse_ok(only_cpu);
  EXPECT_EQ(h2.v1("cpu"), nullptr);
  auto r = check_use(h2, only_cpu.use);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("no cpu controller"), std::string::npos);
}

TEST(CgroupParse, SubtreeMountRootIsStripped) {
  // A container's view: the hierarchy's /lxc/c1 mounted at /sys/fs/cgroup.
  Host h = parse_ok({"50 40 0:30 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/lxc/c1/sub\n",
                     "0::/lxc/c1/sub\n", false, {}});
  ASSERT_EQ(h.hierarchies.size(), 1u);
  EXPECT_EQ(h.hierarchies[0].base, "sub");
  // A cgroup outside the mounted subtree cannot be used.
  auto outside = parse_host({"50 40 0:30 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/other\n",
                             "0::/other\n", false, {}});
  ASSERT_TRUE(outside);
  EXPECT_TRUE(outside->hierarchies.empty());
}

TEST(CgroupParse, NothingMounted) {
  auto h = parse_host({"28 1 254:1 / / rw - ext4 /dev/vda1 rw\n", "", "", false, {}});
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, ENOENT);
}

// ---- placement ------------------------------------------------------------------

TEST(CgroupPlacement, Default) {
  config::Conf c;
  auto p = compute_placement(c, "c1", "");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload, "lxc.payload.c1");
  EXPECT_EQ(p->monitor, "lxc.monitor.c1");
  EXPECT_EQ(p->inner, "");
  EXPECT_EQ(p->pivot, "");
  EXPECT_TRUE(p->payload_suffix);
  EXPECT_TRUE(p->monitor_suffix);
}

TEST(CgroupPlacement, CgroupDir) {
  config::Conf c;
  c.cgroup_dir = "my-cgroup/first/";
  auto p = compute_placement(c, "c1", "lxc/%n");  // lxc.cgroup.dir wins over the pattern
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload, "my-cgroup/first/lxc.payload.c1");
  EXPECT_EQ(p->monitor, "my-cgroup/first/lxc.monitor.c1");
  EXPECT_TRUE(p->payload_suffix);
}

TEST(CgroupPlacement, Pattern) {
  config::Conf c;
  auto p = compute_placement(c, "web", "lxc/%n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload, "lxc/web/lxc.payload");
  EXPECT_EQ(p->monitor, "lxc/web/lxc.monitor");
}

TEST(CgroupPlacement, ExplicitDirs) {
  config::Conf c;
  c.cgroup_dir_container = "ct/payload";
  c.cgroup_dir_monitor = "ct/monitor";
  c.cgroup_dir_container_inner = "inner";
  c.cgroup_dir_monitor_pivot = "pivots";
  auto p = compute_placement(c, "c1", "ignored/%n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload, "ct/payload");
  EXPECT_EQ(p->monitor, "ct/monitor");
  EXPECT_EQ(p->inner, "inner");
  EXPECT_EQ(p->pivot, "pivots/lxc.pivot");
  EXPECT_FALSE(p->payload_suffix);
  EXPECT_FALSE(p->monitor_suffix);
}

TEST(CgroupPlacement, Errors) {
  config::Conf both;
  both.cgroup_dir = "d";
  both.cgroup_dir_container = "c";
  both.cgroup_dir_monitor = "m";
  EXPECT_FALSE(compute_placement(both, "c1", ""));  // lxc.cgroup.dir conflicts

  config::Conf half;
  half.cgroup_dir_container = "c";
  auto r = compute_placement(half, "c1", "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("must both be set"), std::string::npos);

  config::Conf up;
  up.cgroup_dir = "a/../../etc";
  EXPECT_FALSE(compute_placement(up, "c1", ""));
  config::Conf abs;
  abs.cgroup_dir = "/abs";
  EXPECT_FALSE(compute_placement(abs, "c1", ""));

  config::Conf overlap;
  overlap.cgroup_dir_container = "x";
  overlap.cgroup_dir_monitor = "x/mon";
  EXPECT_FALSE(compute_placement(overlap, "c1", ""));

  config::Conf c;
  EXPECT_FALSE(compute_placement(c, "", ""));
  EXPECT_FALSE(compute_placement(c, "a/b", ""));
}

// ---- serialized form ------------------------------------------------------------

TEST(CgroupSerialize, RoundTrip) {
  Host host = parse_ok({kHybridMountinfo, kHybridSelf, kHybridInit, true, {}});
  config::Conf conf;
  conf.cgroup_dir_container = "odd dir/-";
  conf.cgroup_dir_monitor = "mon";
  conf.cgroup_dir_monitor_pivot = "p";
  auto cg = Cgroup::plan(host, conf, "c1");
  ASSERT_TRUE(cg);
  std::string text = cg->serialize();
  EXPECT_TRUE(text.starts_with("lxcpp-cgroup 1\nlayout hybrid\npivot p/lxc.pivot\n")) << text;
  auto back = Cgroup::deserialize(text);
  ASSERT_TRUE(back) << describe(back.error());
  EXPECT_EQ(back->layout(), Layout::Hybrid);
  ASSERT_EQ(back->nodes().size(), cg->nodes().size());
  for (size_t i = 0; i < cg->nodes().size(); ++i) EXPECT_EQ(back->nodes()[i], cg->nodes()[i]);
  EXPECT_EQ(back->placement().pivot, "p/lxc.pivot");
  EXPECT_EQ(back->serialize(), text);
}

TEST(CgroupSerialize, PathsWithSpacesAndDashes) {
  std::string text =
      "lxcpp-cgroup 1\nlayout unified\npivot -\n"
      "node 2 /sys/fs/cgroup cpu,memory - my\\040dir/lxc.payload.c1 my\\040dir/lxc.payload.c1 my\\040dir "
      "\\055 -\n";
  auto cg = Cgroup::deserialize(text);
  ASSERT_TRUE(cg) << describe(cg.error());
  ASSERT_EQ(cg->nodes().size(), 1u);
  const Node& n = cg->nodes()[0];
  EXPECT_EQ(n.hierarchy.controllers, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_EQ(n.hierarchy.base, "");
  EXPECT_EQ(n.payload, "my dir/lxc.payload.c1");
  EXPECT_EQ(n.payload_top, "my dir");
  EXPECT_EQ(n.monitor, "-");
  EXPECT_EQ(n.monitor_top, "");
  EXPECT_EQ(cg->payload_dir(), "/sys/fs/cgroup/my dir/lxc.payload.c1");
  EXPECT_EQ(cg->payload_dir("memory"), "/sys/fs/cgroup/my dir/lxc.payload.c1");
  EXPECT_EQ(cg->serialize(), text);
}

TEST(CgroupSerialize, RejectsPathsOutsideCgroupfs) {
  EXPECT_FALSE(Cgroup::deserialize("bogus\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\n"));  // no layout
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 2 /etc - - x x - - -\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 2 /sys/fs/cgroup/../../etc - - x x - - -\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 2 /sys/fs/cgroup - - ../x x - - -\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 2 /sys/fs/cgroup - - /x x - - -\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 3 /sys/fs/cgroup - - x x - - -\n"));
  EXPECT_FALSE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nnode 2 /sys/fs/cgroup - -\n"));
  // Unknown keywords (a newer writer) are skipped.
  EXPECT_TRUE(Cgroup::deserialize("lxcpp-cgroup 1\nlayout unified\nfuture stuff\n"));
}

// ---- stats files and cpu lists ----------------------------------------------------

TEST(CgroupParse, StatsFiles) {
  EXPECT_EQ(parse_u64_value("123456789\n"), 123456789u);
  EXPECT_EQ(parse_u64_value("max\n"), std::nullopt);
  EXPECT_EQ(parse_keyed("usage_usec 42\nuser_usec 40\nsystem_usec 2\n", "usage_usec"), 42u);
  EXPECT_EQ(parse_keyed("populated 1\nfrozen 0\n", "frozen"), 0u);
  EXPECT_EQ(parse_keyed("anon 4096\nkernel 8192\n", "kernel"), 8192u);
  EXPECT_EQ(parse_keyed("anon 4096\n", "kernel"), std::nullopt);
  EXPECT_EQ(parse_blkio_total("8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n"), 4608u);
  EXPECT_EQ(parse_blkio_total("Total 0\n"), 0u);
  EXPECT_EQ(parse_io_stat_bytes("8:0 rbytes=100 wbytes=20 rios=3 wios=1 dbytes=0 dios=0\n"
                                "254:0 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=7 dios=1\n"),
            123u);
  EXPECT_EQ(parse_io_stat_bytes(""), 0u);
  // lxc-top's read/write split and I/O counts.
  const char* v1 = "8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\n8:16 Read 4\n8:16 Write 0\nTotal 4612\n";
  EXPECT_EQ(parse_blkio_op(v1, "Read"), 4100u);
  EXPECT_EQ(parse_blkio_op(v1, "Write"), 512u);
  EXPECT_EQ(parse_blkio_op("Total 0\n", "Read"), 0u);
  EXPECT_EQ(parse_blkio_op("8:0 Read x\n", "Read"), std::nullopt);
  const char* v2 = "8:0 rbytes=100 wbytes=20 rios=3 wios=1 dbytes=0 dios=0\n254:0 rbytes=1 wbytes=2 rios=1 wios=1\n";
  EXPECT_EQ(parse_io_stat_field(v2, "rbytes"), 101u);
  EXPECT_EQ(parse_io_stat_field(v2, "wbytes"), 22u);
  EXPECT_EQ(parse_io_stat_field(v2, "rios"), 4u);
  EXPECT_EQ(parse_io_stat_field(v2, "ios"), 0u);  // a whole key, not a suffix
  EXPECT_EQ(parse_io_stat_field("", "wios"), 0u);
}

TEST(CgroupParse, CpuLists) {
  auto c = parse_cpulist("0-3,8,10-11\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(format_cpulist(*c), "0-3,8,10-11");
  auto iso = parse_cpulist("2-3");
  ASSERT_TRUE(iso);
  for (size_t i = 0; i < iso->size(); ++i)
    if ((*iso)[i]) (*c)[i] = false;
  EXPECT_EQ(format_cpulist(*c), "0-1,8,10-11");
  EXPECT_EQ(format_cpulist(*parse_cpulist("\n")), "");
  EXPECT_FALSE(parse_cpulist("3-1"));
  EXPECT_FALSE(parse_cpulist("a"));
}

TEST(CgroupParse, OctalEscapes) {
  EXPECT_EQ(escape_octal("a b\\c\td\n"), "a\\040b\\134c\\011d\\012");
  EXPECT_EQ(unescape_octal(escape_octal("a b\\c\td\n")), "a b\\c\td\n");
  EXPECT_EQ(unescape_octal("x\\04"), "x\\04");  // incomplete: kept
}

}  // namespace
}  // namespace lxc::cgroups
