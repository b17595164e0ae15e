#include "security/lsm.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/spawn.h"
#include "security/apparmor.h"
#include "test_util.h"

namespace lxc::security {
namespace {

using apparmor::Features;
using apparmor::ProfileSpec;

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

TEST(Lsm, AppArmorDefaultsAsLxc) {
  config::Conf conf;
  EXPECT_EQ(apparmor::default_profile(conf, true), "lxc-container-default-cgns");
  EXPECT_EQ(apparmor::default_profile(conf, false), "lxc-container-default");
  conf.apparmor_allow_nesting = true;
  EXPECT_EQ(apparmor::default_profile(conf, true), "lxc-container-default-with-nesting");
}

TEST(Lsm, SELinuxContextAndNoLsm) {
  config::Conf conf;
  conf.apparmor_profile = "generated";
  conf.selinux_context = "system_u:system_r:lxc_t:s0:c22";
  auto se = prepare_lsm(conf, "c1", "/var/lib/lxc", true, Lsm::SELinux);
  ASSERT_TRUE(se) << se.error().what;
  EXPECT_EQ(se->label, "system_u:system_r:lxc_t:s0:c22");
  EXPECT_FALSE(se->generated);
  // Without an LSM every key is accepted and changes nothing, as LXC's nop driver.
  auto none = prepare_lsm(conf, "c1", "/var/lib/lxc", true, Lsm::None);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->label, "");
  EXPECT_TRUE(set_exec_label(Lsm::None, "anything"));
}

TEST(AppArmor, NamesAndLabelAsLxc) {
  EXPECT_EQ(apparmor::profile_name("c1", "/var/lib/lxc"), "lxc-c1_</var/lib/lxc>");
  EXPECT_EQ(apparmor::namespace_name("c1", "/var/lib/lxc"), "lxc-c1_<-var-lib-lxc>");
  EXPECT_EQ(apparmor::profile_file("c1", "/var/lib/lxc"), "/var/lib/lxc/c1/apparmor/lxc-c1_<-var-lib-lxc>");
  Features f;
  EXPECT_EQ(apparmor::generated_label("c1", "/var/lib/lxc", f), "lxc-c1_</var/lib/lxc>");
  f.stacking = true;
  EXPECT_EQ(apparmor::generated_label("c1", "/var/lib/lxc", f), "lxc-c1_</var/lib/lxc>//&:lxc-c1_<-var-lib-lxc>:");
  f.stacked = true;  // already in a stacked namespace: no second level
  EXPECT_EQ(apparmor::generated_label("c1", "/var/lib/lxc", f), "lxc-c1_</var/lib/lxc>");
  // Longer than AppArmor takes: a 64-bit hash in hex, the same for the same input.
  std::string longname = apparmor::profile_name(std::string(300, 'x'), "/var/lib/lxc");
  EXPECT_EQ(longname.size(), 16u);
  EXPECT_EQ(longname.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(longname, apparmor::profile_name(std::string(300, 'x'), "/var/lib/lxc"));
  EXPECT_NE(longname, apparmor::profile_name(std::string(300, 'y'), "/var/lib/lxc"));
}

TEST(AppArmor, ProfileTextFollowsTheContainer) {
  ProfileSpec spec;
  spec.name = "lxc-c1_</var/lib/lxc>";
  spec.features.cgroupns = false;
  spec.features.unix_rules = false;
  std::string base = apparmor::profile_text(spec);
  EXPECT_TRUE(contains(base, "profile \"lxc-c1_</var/lib/lxc>\" flags=(attach_disconnected,mediate_deleted) {"));
  EXPECT_TRUE(contains(base, "deny /proc/sysrq-trigger rwklx,"));
  EXPECT_TRUE(contains(base, "mount fstype=proc -> /proc/,"));
  EXPECT_TRUE(contains(base, "mount options=(ro, remount, bind, nosuid, nodev, noexec, relatime),"));
  EXPECT_TRUE(contains(base, "deny /sys/kernel/security/** rwklx,"));
  EXPECT_FALSE(contains(base, "fstype=cgroup2"));
  EXPECT_FALSE(contains(base, "pivot_root"));
  EXPECT_FALSE(contains(base, "change_profile"));
  EXPECT_FALSE(contains(base, "  unix,"));
  EXPECT_TRUE(base.ends_with("}\n"));

  spec.features.cgroupns = true;
  spec.features.unix_rules = true;
  spec.nesting = true;
  spec.stack_namespace = "lxc-c1_<-var-lib-lxc>";
  spec.raw = {"mount fstype=nfs,", "deny /srv/** w,"};
  std::string nested = apparmor::profile_text(spec);
  EXPECT_TRUE(contains(nested, "mount fstype=cgroup2 -> /sys/fs/cgroup/{,**},"));
  EXPECT_TRUE(contains(nested, "  unix,"));
  EXPECT_TRUE(contains(nested, "pivot_root,"));
  EXPECT_TRUE(contains(nested, "change_profile -> \":lxc-c1_<-var-lib-lxc>:*\","));
  EXPECT_TRUE(contains(nested, "deny /dev/.lxc/proc/** rwklx,"));
  EXPECT_FALSE(contains(nested, "deny /sys/kernel/security/** rwklx,"));
  EXPECT_TRUE(contains(nested, "  mount fstype=nfs,\n  deny /srv/** w,\n}\n"));

  ASSERT_TRUE(apparmor::default_profile_spec("lxc-container-default-with-mounting", {}));
  EXPECT_TRUE(contains(apparmor::profile_text(*apparmor::default_profile_spec("lxc-container-default-with-mounting", {})),
                       "mount fstype=ext*,"));
  EXPECT_FALSE(apparmor::default_profile_spec("my-profile", {}));
}

TEST(AppArmor, ParserCommandLinesAsLxc) {
  EXPECT_EQ(apparmor::parser_command("/sbin/apparmor_parser", 'r', "/p"),
            (std::vector<std::string>{"/sbin/apparmor_parser", "-r", "-W", "-L", "/var/cache/lxc/apparmor", "--", "/p"}));
  EXPECT_EQ(apparmor::parser_command("apparmor_parser", 'R', "/p"),
            (std::vector<std::string>{"apparmor_parser", "-R", "--", "/p"}));
}

// Every profile lxcpp can make compiles with the real parser (it needs no
// AppArmor in the kernel to compile), and a bad lxc.apparmor.raw line is
// the parser's error.
TEST(AppArmor, ProfilesCompileWithApparmorParser) {
  std::string parser = find_program("apparmor_parser");
  if (parser.empty()) GTEST_SKIP() << "apparmor_parser is not installed (Debian: apt install apparmor)";
  test_util::TempDir dir;
  auto compile = [&](const ProfileSpec& spec) {
    std::string file = dir.path() + "/profile";
    EXPECT_TRUE(write_file_atomic(file, apparmor::profile_text(spec)));
    auto r = run_captured(apparmor::parser_command(parser, 'Q', file));
    EXPECT_TRUE(r);
    return r ? *r : Captured{};
  };
  Features all;
  all.stacking = true;
  for (const char* name : {"lxc-container-default", "lxc-container-default-cgns", "lxc-container-default-with-nesting",
                           "lxc-container-default-with-mounting"}) {
    auto r = compile(*apparmor::default_profile_spec(name, all));
    EXPECT_TRUE(r.ok()) << name << ": " << r.complaint();
  }
  ProfileSpec spec;
  spec.name = apparmor::profile_name("c1", "/var/lib/lxc");
  spec.features = all;
  spec.nesting = true;
  spec.unprivileged = true;
  spec.stack_namespace = apparmor::namespace_name("c1", "/var/lib/lxc");
  spec.raw = {"mount fstype=nfs,"};
  auto r = compile(spec);
  EXPECT_TRUE(r.ok()) << r.complaint();
  spec.stack_namespace.clear();
  r = compile(spec);
  EXPECT_TRUE(r.ok()) << r.complaint();
  spec.raw = {"mount fstype=nfs"};  // no comma
  r = compile(spec);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.output, "profile")) << r.output;
}

}  // namespace
}  // namespace lxc::security
