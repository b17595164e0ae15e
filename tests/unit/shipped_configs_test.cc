// The configuration files Debian's lxc, liblxc-common and lxc-templates
// packages ship load through their include chains, and lxcpp's own set of
// LXC's snippets (config/share/lxc) means the same as LXC's, file by file.
// The packages are fetched and unpacked by
// tests/integration/shipped_configs_test.sh, which rewrites their
// /usr/share/lxc paths into the unpacked tree, installs lxcpp's snippets into
// another tree (their paths rewritten likewise) and runs these tests with
// LXCPP_SHIPPED_ROOT and LXCPP_OWN_SNIPPETS pointing at them; without those
// variables they are skipped.
#include <sys/stat.h>

#include <algorithm>
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
#include "security/seccomp.h"

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

// ---- lxcpp's set against LXC's -------------------------------------------

// What a configuration means: every key's value as get_item reads it from the
// typed Conf (after the includes), one "key = value" block per key of the
// registry. Whole-family keys (lxc.cgroup, lxc.cgroup2, lxc.hook, lxc.net...)
// list their entries in the order they were set, so a deny after an allow
// differs from a deny before it. share (the tree's usr/share/lxc) reads as
// SHARE, so that the two trees' paths compare equal.
std::string effective(const Conf& conf, const std::string& share) {
  auto item = [&](const std::string& key) {
    auto r = get_item(conf, key);
    std::string v = r ? *r : "<error: " + r.error().what + ">";
    for (size_t at = v.find(share); at != std::string::npos; at = v.find(share, at))
      v.replace(at, share.size(), "SHARE");
    return key + " = " + v + "\n";
  };
  std::string out;
  for (const auto& k : container_keys())
    if (k.match == Match::Exact) out += item(std::string(k.name));
  for (const auto& [index, dev] : conf.net)
    for (const auto& nk : net_keys()) out += item("lxc.net." + std::to_string(index) + "." + std::string(nk.name));
  return out;
}

// A seccomp policy as text, without the line numbers of its rules.
std::string policy_text(const security::SeccompPolicy& p) {
  std::ostringstream out;
  out << "version " << p.version << (p.allowlist ? " allowlist" : " denylist") << " default "
      << static_cast<int>(p.default_action.kind) << "/" << p.default_action.value << "\n";
  for (const auto& r : p.rules) {
    out << "[" << r.arch << "] " << r.syscall << " " << static_cast<int>(r.action.kind) << "/" << r.action.value;
    for (const auto& a : r.args)
      out << " [" << a.index << "," << a.value << "," << static_cast<int>(a.op) << "," << a.mask << "]";
    out << "\n";
  }
  return out.str();
}

// Every file of LXC's usr/share/lxc/config has a namesake in lxcpp's set:
// a configuration with the same effective settings, a seccomp policy with
// the same rules, any other file (common.conf.d/README) present.
TEST(ShippedConfigs, LxcppSnippetsMeanTheSameAsLxcs) {
  REQUIRE_SHIPPED_ROOT();
  const char* own_env = std::getenv("LXCPP_OWN_SNIPPETS");
  if (!own_env || !*own_env) GTEST_SKIP() << "LXCPP_OWN_SNIPPETS is not set (see shipped_configs_test.sh)";
  const std::string lxc_share = root + "/usr/share/lxc";
  const std::string own_share = own_env;

  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(lxc_share + "/config"))
    names.push_back(fs::relative(e.path(), lxc_share + "/config").string());
  std::sort(names.begin(), names.end());
  // In LXC 5.0.2: 42 *.conf, common.seccomp, common.conf.d/ and its README.
  EXPECT_GE(names.size(), 45u);

  int compared = 0;
  for (const auto& name : names) {
    SCOPED_TRACE("config/" + name);
    const std::string theirs = lxc_share + "/config/" + name;
    const std::string ours = own_share + "/config/" + name;
    if (fs::is_directory(theirs)) {
      EXPECT_TRUE(fs::is_directory(ours)) << "lxcpp lacks the directory config/" << name;
      continue;
    }
    if (!fs::exists(ours)) {
      ADD_FAILURE() << "lxcpp lacks config/" << name;
      continue;
    }
    if (name.ends_with(".conf")) {
      auto a = ConfigFile::load(theirs);
      auto b = ConfigFile::load(ours);
      ASSERT_TRUE(a) << describe(a.error());
      ASSERT_TRUE(b) << "lxcpp's config/" << name << ": " << describe(b.error());
      for (const auto& inc : b->conf().includes) EXPECT_TRUE(inc.starts_with(own_share)) << inc;
      EXPECT_EQ(effective(a->conf(), lxc_share), effective(b->conf(), own_share))
          << "lxcpp's config/" << name << " differs from LXC's";
      ++compared;
    } else if (name.ends_with(".seccomp")) {
      auto a = security::read_policy(theirs);
      auto b = security::read_policy(ours);
      ASSERT_TRUE(a) << describe(a.error());
      ASSERT_TRUE(b) << "lxcpp's config/" << name << ": " << describe(b.error());
      EXPECT_EQ(policy_text(*a), policy_text(*b)) << "lxcpp's config/" << name << " differs from LXC's";
      ++compared;
    }
  }
  EXPECT_GE(compared, 43);

  // A DISTRO.userns.conf alone sets little: what it resets shows only after
  // its DISTRO.common.conf, as an unprivileged container's config includes
  // them. So each pair is compared too.
  test_util::TempDir dir;
  int pairs = 0;
  for (const auto& name : names) {
    if (!name.ends_with(".userns.conf") || name == "userns.conf") continue;
    std::string common = name.substr(0, name.size() - std::string_view(".userns.conf").size()) + ".common.conf";
    if (!fs::exists(lxc_share + "/config/" + common)) continue;
    SCOPED_TRACE("config/" + common + " then config/" + name);
    auto pair = [&](const std::string& share, const std::string& file) {
      return ConfigFile::load(dir.file(file, "lxc.include = " + share + "/config/" + common + "\n" +
                                                 "lxc.include = " + share + "/config/" + name + "\n"));
    };
    auto a = pair(lxc_share, "lxc-" + name);
    auto b = pair(own_share, "lxcpp-" + name);
    if (!a || !b) {
      ADD_FAILURE() << "the pair does not load: " << describe(a ? b.error() : a.error());
      continue;
    }
    EXPECT_EQ(effective(a->conf(), lxc_share), effective(b->conf(), own_share))
        << "lxcpp's config/" << common << " + " << name << " differ from LXC's";
    ++pairs;
  }
  EXPECT_GE(pairs, 17);

  // The hook common.conf names, executable.
  auto common = ConfigFile::load(own_share + "/config/common.conf");
  ASSERT_TRUE(common) << describe(common.error());
  std::string hook = own_share + "/hooks/clonehostname";
  EXPECT_EQ(get(*common, "lxc.hook.clone"), hook + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(hook.c_str(), &st), 0) << hook;
  EXPECT_TRUE(S_ISREG(st.st_mode) && (st.st_mode & 0111) == 0111) << hook << " mode " << std::oct << st.st_mode;
}

// The comparison sees what matters: an allow list in another order, a
// capability more, a missing reset, another path.
TEST(ShippedConfigs, EffectiveSettingsTellFilesApart) {
  auto conf = [](std::string_view text) {
    auto f = ConfigFile::from_text(text, "test");
    EXPECT_TRUE(f) << describe(f.error());
    return f ? effective(f->conf(), "/x/share/lxc") : std::string();
  };
  std::string base = conf("lxc.cgroup.devices.deny = a\nlxc.cgroup.devices.allow = c 1:3 rwm\n");
  EXPECT_EQ(base, conf("lxc.cgroup.devices.deny = a\n# comment\nlxc.cgroup.devices.allow=c 1:3 rwm\n"));
  EXPECT_NE(base, conf("lxc.cgroup.devices.allow = c 1:3 rwm\nlxc.cgroup.devices.deny = a\n"));
  EXPECT_EQ(base.find("<error"), std::string::npos) << base;
  EXPECT_EQ(conf("lxc.cap.drop = sys_time sys_module\n"), conf("lxc.cap.drop = sys_time\nlxc.cap.drop = sys_module\n"));
  EXPECT_NE(conf("lxc.cap.drop = sys_time\n"), conf("lxc.cap.drop = sys_time sys_module\n"));
  EXPECT_NE(conf("lxc.cap.drop = sys_time\n"), conf("lxc.cap.drop = sys_time\nlxc.cap.drop =\n"));
  EXPECT_EQ(conf("lxc.seccomp.profile = /x/share/lxc/config/common.seccomp\n"),
            conf("lxc.seccomp.profile = SHARE/config/common.seccomp\n"));
  EXPECT_NE(conf("lxc.seccomp.profile = /x/share/lxc/config/common.seccomp\n"),
            conf("lxc.seccomp.profile = /usr/share/lxc/config/common.seccomp\n"));
  EXPECT_NE(conf("lxc.hook.clone = /bin/true\n"), conf("lxc.hook.stop = /bin/true\n"));
  EXPECT_NE(conf("lxc.net.0.type = veth\nlxc.net.0.link = br0\n"),
            conf("lxc.net.0.type = veth\nlxc.net.0.link = br1\n"));
}

}  // namespace
}  // namespace lxc::config
