// The configuration files Debian's lxc, liblxc-common and lxc-templates
// packages ship load through their include chains. The packages are fetched
// and unpacked by tests/integration/shipped_configs_test.sh, which rewrites
// their /usr/share/lxc paths into the unpacked tree and runs these tests with
// LXCPP_SHIPPED_ROOT pointing at it; without that variable they are skipped.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

#include "config/config_file.h"
#include "config/keys.h"

namespace lxc::config {
namespace {

using test_util::slurp;

namespace fs = std::filesystem;

std::string shipped_root() {
  const char* r = std::getenv("LXCPP_SHIPPED_ROOT");
  return r ? r : "";
}

#define REQUIRE_SHIPPED_ROOT()                                                                   \
  const std::string root = shipped_root();                                                       \
  if (root.empty()) GTEST_SKIP() << "LXCPP_SHIPPED_ROOT is not set (see shipped_configs_test.sh)"

std::string get(const ConfigFile& f, std::string_view key) {
  auto r = f.get_item(key);
  return r ? *r : "<error: " + r.error().what + ">";
}

// The container configurations among the shipped files. The doc examples
// seccomp-*.conf are seccomp policies, not container configurations.
std::vector<std::string> shipped_configs(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(root + "/usr/share/lxc/config"))
    if (e.path().extension() == ".conf" && e.is_regular_file()) out.push_back(e.path().string());
  for (const auto& e : fs::directory_iterator(root + "/usr/share/lxc/config/common.conf.d"))
    if (e.path().extension() == ".conf") out.push_back(e.path().string());
  out.push_back(root + "/etc/lxc/default.conf");
  for (const auto& e : fs::directory_iterator(root + "/usr/share/doc/lxc/examples")) {
    std::string name = e.path().filename().string();
    if (name.starts_with("lxc-") && name.ends_with(".conf")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedConfigs, EveryFileLoadsThroughItsIncludes) {
  REQUIRE_SHIPPED_ROOT();
  auto files = shipped_configs(root);
  // 46 in usr/share/lxc/config (lxc-templates and liblxc-common), default.conf,
  // 7 doc examples.
  EXPECT_GE(files.size(), 50u);
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    std::string before = slurp(path);
    auto f = ConfigFile::load(path);
    ASSERT_TRUE(f) << describe(f.error());
    // Every include resolved inside the unpacked tree, never on this host.
    for (const auto& inc : f->conf().includes) EXPECT_TRUE(inc.starts_with(root)) << inc;
    // The unexpanded text is the file, comments and all.
    if (before.ends_with('\n')) {
      EXPECT_EQ(f->text(), before);
    }
    EXPECT_EQ(slurp(path), before);
  }
}

TEST(ShippedConfigs, CommonConf) {
  REQUIRE_SHIPPED_ROOT();
  auto f = ConfigFile::load(root + "/usr/share/lxc/config/common.conf");
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(get(*f, "lxc.cap.drop"), "mac_admin\nmac_override\nsys_time\nsys_module\nsys_rawio\n");
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.deny"), "a\n");
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.allow"),
            "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 5:0 rwm\nc 5:1 rwm\nc 5:2 rwm\n"
            "c 1:8 rwm\nc 1:9 rwm\nc 136:* rwm\nc 10:229 rwm\n");
  EXPECT_EQ(get(*f, "lxc.cgroup2.devices.allow"), get(*f, "lxc.cgroup.devices.allow"));
  EXPECT_EQ(get(*f, "lxc.cgroup2.devices.deny"), "a\n");
  EXPECT_EQ(get(*f, "lxc.tty.dir"), "lxc");
  EXPECT_EQ(get(*f, "lxc.pty.max"), "1024");
  EXPECT_EQ(get(*f, "lxc.tty.max"), "4");
  EXPECT_EQ(get(*f, "lxc.mount.auto"), "cgroup:mixed proc:mixed sys:mixed");
  EXPECT_EQ(get(*f, "lxc.mount.entry"),
            "/sys/fs/fuse/connections sys/fs/fuse/connections none bind,optional 0 0\n");
  EXPECT_EQ(get(*f, "lxc.hook.clone"), root + "/usr/share/lxc/hooks/clonehostname\n");
  EXPECT_EQ(get(*f, "lxc.seccomp.profile"), root + "/usr/share/lxc/config/common.seccomp");
  EXPECT_EQ(get(*f, "lxc.include"), root + "/usr/share/lxc/config/common.conf.d/\n");
}

TEST(ShippedConfigs, DefaultConf) {
  REQUIRE_SHIPPED_ROOT();
  auto f = ConfigFile::load(root + "/etc/lxc/default.conf");
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(get(*f, "lxc.net"), "0\n");
  EXPECT_EQ(get(*f, "lxc.net.0.type"), "veth");
  EXPECT_EQ(get(*f, "lxc.net.0.link"), "lxcbr0");
  EXPECT_EQ(get(*f, "lxc.net.0.flags"), "up");
  EXPECT_EQ(get(*f, "lxc.apparmor.profile"), "generated");
  EXPECT_EQ(get(*f, "lxc.apparmor.allow_nesting"), "1");
}

// An unprivileged Debian container as lxc-create -t download writes it: the
// distribution's common and userns configs, then the id maps.
TEST(ShippedConfigs, UnprivilegedDebianContainer) {
  REQUIRE_SHIPPED_ROOT();
  std::string dir = root + "/var/lib/lxc/deb1";
  fs::create_directories(dir);
  std::string path = dir + "/config";
  std::ofstream(path) << "# Distribution configuration\n"
                         "lxc.include = " << root << "/usr/share/lxc/config/debian.common.conf\n"
                         "lxc.include = " << root << "/usr/share/lxc/config/debian.userns.conf\n"
                         "lxc.arch = linux64\n"
                         "\n"
                         "# Container specific configuration\n"
                         "lxc.idmap = u 0 100000 65536\n"
                         "lxc.idmap = g 0 100000 65536\n"
                         "lxc.rootfs.path = dir:/var/lib/lxc/deb1/rootfs\n"
                         "lxc.uts.name = deb1\n"
                         "\n"
                         "# Network configuration\n"
                         "lxc.net.0.type = veth\n"
                         "lxc.net.0.link = lxcbr0\n"
                         "lxc.net.0.flags = up\n"
                         "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n";
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(get(*f, "lxc.idmap"), "u 0 100000 65536\ng 0 100000 65536\n");
  // userns.conf clears what common.conf and debian.common.conf allowed or dropped.
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.allow"), "");
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.deny"), "");
  EXPECT_EQ(get(*f, "lxc.cgroup2.devices.allow"), "");
  EXPECT_EQ(get(*f, "lxc.cgroup2.devices.deny"), "");
  EXPECT_EQ(get(*f, "lxc.cap.drop"), "");
  EXPECT_EQ(get(*f, "lxc.cap.keep"), "");
  EXPECT_EQ(get(*f, "lxc.tty.dir"), "");
  EXPECT_EQ(get(*f, "lxc.mount.auto"), "cgroup:mixed proc:mixed sys:rw");
  EXPECT_EQ(get(*f, "lxc.pty.max"), "1024");
  EXPECT_EQ(get(*f, "lxc.arch"), "x86_64");
  EXPECT_EQ(get(*f, "lxc.rootfs.path"), "/var/lib/lxc/deb1/rootfs");
  std::string mac = get(*f, "lxc.net.0.hwaddr");
  EXPECT_EQ(mac.substr(0, 9), "00:16:3e:");
  EXPECT_EQ(mac.find('x'), std::string::npos);
  // Includes in order: common.conf.d/ (a directory), common.conf,
  // debian.common.conf, userns.conf.d/ is absent, userns.conf, debian.userns.conf.
  auto incs = f->conf().includes;
  ASSERT_GE(incs.size(), 4u);
  EXPECT_NE(incs[0].find("common.conf.d"), std::string::npos);
  EXPECT_TRUE(incs.back().ends_with("/debian.userns.conf")) << incs.back();
}

TEST(ShippedConfigs, DocExamples) {
  REQUIRE_SHIPPED_ROOT();
  std::string ex = root + "/usr/share/doc/lxc/examples/";
  auto vlan = ConfigFile::load(ex + "lxc-vlan.conf");
  ASSERT_TRUE(vlan) << describe(vlan.error());
  EXPECT_EQ(get(*vlan, "lxc.net.0.type"), "vlan");
  EXPECT_EQ(get(*vlan, "lxc.net.0.vlan.id"), "1234");
  EXPECT_EQ(get(*vlan, "lxc.net.0.ipv6.address"), "2003:db8:1:0:214:1234:fe0b:3596/64\n");
  auto macvlan = ConfigFile::load(ex + "lxc-macvlan.conf");
  ASSERT_TRUE(macvlan) << describe(macvlan.error());
  EXPECT_EQ(get(*macvlan, "lxc.net.0.type"), "macvlan");
  // lxc-complex.conf sets lxc.net.0.type three times. As in LXC, each type
  // starts the interface afresh: only the phys block is left.
  auto complex = ConfigFile::load(ex + "lxc-complex.conf");
  ASSERT_TRUE(complex) << describe(complex.error());
  EXPECT_EQ(get(*complex, "lxc.net"), "0\n");
  EXPECT_EQ(get(*complex, "lxc.net.0.type"), "phys");
  EXPECT_EQ(get(*complex, "lxc.net.0.link"), "random0");
  EXPECT_EQ(get(*complex, "lxc.net.0.hwaddr"), "4a:49:43:49:79:ff");
  EXPECT_EQ(get(*complex, "lxc.net.0.ipv4.address"), "10.2.3.6/24\n");
  EXPECT_EQ(get(*complex, "lxc.net.0.ipv6.address"), "2003:db8:1:0:214:1234:fe0b:3297/64\n");
}

}  // namespace
}  // namespace lxc::config
