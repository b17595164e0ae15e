// Legacy keys: the renames behind "use ... instead", and lxc-update-config's
// rewrite of an LXC 2.x configuration into one that loads.
#include "config/legacy.h"

#include <signal.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_file.h"
#include "config/keys.h"

namespace lxc::config {
namespace {

std::string get(const ConfigFile& f, std::string_view key) {
  auto r = f.get_item(key);
  return r ? *r : "<error: " + r.error().what + ">";
}

TEST(Legacy, Replacements) {
  EXPECT_EQ(legacy_replacement("lxc.utsname"), "lxc.uts.name");
  EXPECT_EQ(legacy_replacement("lxc.tty"), "lxc.tty.max");
  EXPECT_EQ(legacy_replacement("lxc.pts"), "lxc.pty.max");
  EXPECT_EQ(legacy_replacement("lxc.id_map"), "lxc.idmap");
  EXPECT_EQ(legacy_replacement("lxc.aa_profile"), "lxc.apparmor.profile");
  EXPECT_EQ(legacy_replacement("lxc.rootfs"), "lxc.rootfs.path");
  EXPECT_EQ(legacy_replacement("lxc.mount"), "lxc.mount.fstab");
  EXPECT_EQ(legacy_replacement("lxc.loglevel"), "lxc.log.level");
  EXPECT_EQ(legacy_replacement("lxc.haltsignal"), "lxc.signal.halt");
  EXPECT_EQ(legacy_replacement("lxc.limit.nofile"), "lxc.prlimit.nofile");
  EXPECT_EQ(legacy_replacement("lxc.network.type"), "lxc.net.0.type");
  EXPECT_EQ(legacy_replacement("lxc.network.2.ipv4"), "lxc.net.2.ipv4.address");
  EXPECT_EQ(legacy_replacement("lxc.network.ipv6"), "lxc.net.0.ipv6.address");
  EXPECT_EQ(legacy_replacement("lxc.network.ipv4.gateway"), "lxc.net.0.ipv4.gateway");
  EXPECT_EQ(legacy_replacement("lxc.network"), "lxc.net");
  EXPECT_EQ(legacy_replacement("lxc.pivotdir"), "");
  EXPECT_EQ(legacy_replacement("lxc.rootfs.backend"), "");
  EXPECT_EQ(legacy_replacement("lxc.kmsg"), "");
  // Current keys are not legacy, even when a legacy key is their prefix.
  for (std::string_view k : {"lxc.uts.name", "lxc.rootfs.path", "lxc.mount.entry", "lxc.mount.auto", "lxc.tty.max",
                             "lxc.net.0.type", "lxc.console.logfile", "lxc.log.level", "lxc.idmap"})
    EXPECT_FALSE(legacy_replacement(k)) << k;
}

TEST(Legacy, EveryReplacementIsAKnownKeyAndNoLegacyKeyIs) {
  const std::vector<std::string_view> old_keys = {
      "lxc.id_map",      "lxc.pts",         "lxc.tty",           "lxc.devttydir",   "lxc.aa_profile",
      "lxc.aa_allow_incomplete", "lxc.se_context", "lxc.mount",   "lxc.utsname",     "lxc.seccomp",
      "lxc.console",     "lxc.haltsignal",  "lxc.rebootsignal",  "lxc.stopsignal",  "lxc.syslog",
      "lxc.loglevel",    "lxc.logfile",     "lxc.init_cmd",      "lxc.init_uid",    "lxc.init_gid",
      "lxc.rootfs",      "lxc.limit.nofile", "lxc.network.type", "lxc.network.link", "lxc.network.flags",
      "lxc.network.ipv4", "lxc.network.ipv6", "lxc.network.hwaddr", "lxc.network.veth.pair",
      "lxc.network.macvlan.mode", "lxc.network.vlan.id", "lxc.network.script.up", "lxc.network.mtu"};
  for (auto k : old_keys) {
    SCOPED_TRACE(k);
    auto repl = legacy_replacement(k);
    ASSERT_TRUE(repl);
    ASSERT_FALSE(repl->empty());
    EXPECT_NE(find_key(*repl), nullptr) << *repl;
    if (repl->starts_with("lxc.net.0.")) {
      EXPECT_NE(find_net_key(repl->substr(10)), nullptr) << *repl;
    }
    EXPECT_EQ(find_key(k), nullptr) << "a legacy key must not load silently";
    EXPECT_NE(suggest_key(k).find("use " + *repl + " instead"), std::string::npos) << suggest_key(k);
  }
}

// A container as LXC 2.0 on Ubuntu 16.04 wrote it, with the LXC 2.x keys
// lxc-update-config handles.
constexpr std::string_view kLxc2Config =
    "# Template used to create this container: /usr/share/lxc/templates/lxc-ubuntu\n"
    "# Parameters passed to the template: -r xenial\n"
    "# For additional config options, please look at lxc.container.conf(5)\n"
    "\n"
    "# Uncomment the following line to support nesting containers:\n"
    "#lxc.include = /usr/share/lxc/config/nesting.conf\n"
    "# (Be aware this has security implications)\n"
    "\n"
    "# Common configuration\n"
    "lxc.arch = amd64\n"
    "\n"
    "# Container specific configuration\n"
    "lxc.rootfs = /var/lib/lxc/old/rootfs\n"
    "lxc.rootfs.backend = dir\n"
    "lxc.utsname = old\n"
    "lxc.tty = 4\n"
    "lxc.pts = 1024\n"
    "lxc.aa_profile = lxc-container-default-with-nesting\n"
    "lxc.id_map = u 0 100000 65536\n"
    "lxc.id_map = g 0 100000 65536\n"
    "lxc.mount = /var/lib/lxc/old/fstab\n"
    "lxc.mount.entry = /dev/fuse dev/fuse none bind,create=file,optional 0 0\n"
    "lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed\n"
    "lxc.loglevel = 1\n"
    "lxc.logfile = /var/log/lxc/old.log\n"
    "lxc.limit.nofile = 1024:2048\n"
    "lxc.haltsignal = SIGRTMIN+3\n"
    "lxc.pivotdir = lxc_putold\n"
    "lxc.kmsg = 0\n"
    "lxc.cgroup.devices.allow = c 10:200 rwm\n"
    "lxc.start.auto = 1\n"
    "\n"
    "# Network configuration\n"
    "lxc.network.type = veth\n"
    "lxc.network.flags = up\n"
    "lxc.network.link = lxcbr0\n"
    "lxc.network.hwaddr = 00:16:3e:12:34:56\n"
    "lxc.network.ipv4 = 10.0.3.5/24 10.0.3.255\n"
    "lxc.network.ipv4.gateway = 10.0.3.1\n"
    "lxc.network.ipv6 = fd00::5/64\n"
    "#lxc.network.mtu = 1400\n"
    "\n"
    "lxc.network.type = macvlan\n"
    "lxc.network.macvlan.mode = bridge\n"
    "lxc.network.link = eth0\n"
    "lxc.network.name = eth1\n"
    "\n"
    "lxc.network.type = vlan\n"
    "lxc.network.vlan.id = 100\n"
    "lxc.network.link = eth0\n";

TEST(Legacy, TheOriginalIsRefusedWithAHelpfulError) {
  auto f = ConfigFile::from_text(kLxc2Config, "config");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().what.rfind("config:13: lxc.rootfs: unknown configuration key (a legacy key: use lxc.rootfs.path "
                                 "instead, or run lxc-update-config -c FILE)",
                                 0),
            0u)
      << f.error().what;
}

TEST(Legacy, UpdateConfigTextGivesAConfigThatLoads) {
  std::string updated = update_config_text(kLxc2Config);
  auto f = ConfigFile::from_text(updated, "config");
  ASSERT_TRUE(f) << f.error().what << "\n" << updated;

  EXPECT_EQ(get(*f, "lxc.uts.name"), "old");
  EXPECT_EQ(get(*f, "lxc.arch"), "x86_64");
  EXPECT_EQ(get(*f, "lxc.rootfs.path"), "/var/lib/lxc/old/rootfs");
  EXPECT_EQ(get(*f, "lxc.tty.max"), "4");
  EXPECT_EQ(get(*f, "lxc.pty.max"), "1024");
  EXPECT_EQ(get(*f, "lxc.apparmor.profile"), "lxc-container-default-with-nesting");
  EXPECT_EQ(get(*f, "lxc.idmap"), "u 0 100000 65536\ng 0 100000 65536\n");
  EXPECT_EQ(get(*f, "lxc.mount.fstab"), "/var/lib/lxc/old/fstab");
  EXPECT_EQ(get(*f, "lxc.mount.entry"), "/dev/fuse dev/fuse none bind,create=file,optional 0 0\n");
  EXPECT_EQ(get(*f, "lxc.log.level"), "DEBUG");
  EXPECT_EQ(get(*f, "lxc.log.file"), "/var/log/lxc/old.log");
  EXPECT_EQ(get(*f, "lxc.prlimit.nofile"), "1024:2048");
  EXPECT_EQ(get(*f, "lxc.signal.halt"), std::to_string(SIGRTMIN + 3));
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.allow"), "c 10:200 rwm\n");
  EXPECT_EQ(get(*f, "lxc.start.auto"), "1");

  EXPECT_EQ(get(*f, "lxc.net"), "0\n1\n2\n");
  EXPECT_EQ(get(*f, "lxc.net.0.type"), "veth");
  EXPECT_EQ(get(*f, "lxc.net.0.flags"), "up");
  EXPECT_EQ(get(*f, "lxc.net.0.link"), "lxcbr0");
  EXPECT_EQ(get(*f, "lxc.net.0.hwaddr"), "00:16:3e:12:34:56");
  EXPECT_EQ(get(*f, "lxc.net.0.ipv4.address"), "10.0.3.5/24 10.0.3.255\n");
  EXPECT_EQ(get(*f, "lxc.net.0.ipv4.gateway"), "10.0.3.1");
  EXPECT_EQ(get(*f, "lxc.net.0.ipv6.address"), "fd00::5/64\n");
  EXPECT_EQ(get(*f, "lxc.net.0.mtu"), "") << "a commented line stays a comment";
  EXPECT_EQ(get(*f, "lxc.net.1.type"), "macvlan");
  EXPECT_EQ(get(*f, "lxc.net.1.macvlan.mode"), "bridge");
  EXPECT_EQ(get(*f, "lxc.net.1.link"), "eth0");
  EXPECT_EQ(get(*f, "lxc.net.1.name"), "eth1");
  EXPECT_EQ(get(*f, "lxc.net.2.type"), "vlan");
  EXPECT_EQ(get(*f, "lxc.net.2.vlan.id"), "100");

  // The text: comments kept, renamed in place, dropped keys gone.
  EXPECT_NE(updated.find("# Template used to create this container: /usr/share/lxc/templates/lxc-ubuntu\n"),
            std::string::npos);
  EXPECT_NE(updated.find("#lxc.include = /usr/share/lxc/config/nesting.conf\n"), std::string::npos);
  EXPECT_NE(updated.find("\nlxc.rootfs.path = dir:/var/lib/lxc/old/rootfs\nlxc.uts.name = old\n"), std::string::npos);
  EXPECT_NE(updated.find("#lxc.net.0.mtu = 1400\n"), std::string::npos);
  for (std::string_view gone : {"lxc.pivotdir", "lxc.rootfs.backend", "lxc.kmsg", "lxc.network", "lxc.utsname",
                                "lxc.id_map", "lxc.aa_profile", "lxc.loglevel", "lxc.limit"})
    EXPECT_EQ(updated.find(gone), std::string::npos) << gone;
  EXPECT_TRUE(updated.ends_with("lxc.net.2.link = eth0\n"));
  // Running it again changes nothing.
  EXPECT_EQ(update_config_text(updated), updated);
}

TEST(Legacy, RootfsGetsTheDriverOfRootfsBackend) {
  std::string out = update_config_text("lxc.rootfs = /dev/vg0/c1\nlxc.rootfs.backend = lvm\n");
  EXPECT_EQ(out, "lxc.rootfs.path = lvm:/dev/vg0/c1\n");
  // A value that already names its driver keeps it.
  EXPECT_EQ(update_config_text("lxc.rootfs = overlayfs:/a:/b\n"), "lxc.rootfs.path = overlayfs:/a:/b\n");
  EXPECT_EQ(update_config_text("lxc.rootfs = /var/lib/lxc/c1/rootfs"), "lxc.rootfs.path = dir:/var/lib/lxc/c1/rootfs");
}

TEST(Legacy, IndexedNetworkKeysKeepTheirIndex) {
  EXPECT_EQ(update_config_text("lxc.network.1.type = veth\nlxc.network.1.ipv4 = 10.0.3.5/24\n"),
            "lxc.net.1.type = veth\nlxc.net.1.ipv4.address = 10.0.3.5/24\n");
}

TEST(Legacy, TextWithoutLegacyKeysIsUnchanged) {
  std::string text = "# c\r\nlxc.uts.name=c1\n\n  lxc.net.0.type = veth\n# lxc.utsname is gone\nfoo bar\n";
  EXPECT_EQ(update_config_text(text), text);
  EXPECT_EQ(update_config_text(""), "");
  EXPECT_EQ(update_config_text("\n\n"), "\n\n");
}

}  // namespace
}  // namespace lxc::config
