#include "security/lsm.h"

#include <gtest/gtest.h>

namespace lxc::security {
namespace {

TEST(Lsm, AppArmorDefaultsAsLxc) {
  config::Conf conf;
  EXPECT_EQ(*exec_label(conf, Lsm::AppArmor, true), "lxc-container-default-cgns");
  EXPECT_EQ(*exec_label(conf, Lsm::AppArmor, false), "lxc-container-default");
  conf.apparmor_allow_nesting = true;
  EXPECT_EQ(*exec_label(conf, Lsm::AppArmor, true), "lxc-container-default-with-nesting");
}

TEST(Lsm, AppArmorNamedProfiles) {
  config::Conf conf;
  conf.apparmor_profile = "my-profile";
  EXPECT_EQ(*exec_label(conf, Lsm::AppArmor, true), "my-profile");
  for (const char* keep : {"unconfined", "unchanged"}) {
    conf.apparmor_profile = keep;
    EXPECT_EQ(*exec_label(conf, Lsm::AppArmor, true), "") << keep;
  }
  conf.apparmor_profile = "generated";
  auto r = exec_label(conf, Lsm::AppArmor, true);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("lxc.apparmor.profile = generated"), std::string::npos);
}

TEST(Lsm, SELinuxContextAndNoLsm) {
  config::Conf conf;
  conf.apparmor_profile = "generated";
  conf.selinux_context = "system_u:system_r:lxc_t:s0:c22";
  EXPECT_EQ(*exec_label(conf, Lsm::SELinux, true), "system_u:system_r:lxc_t:s0:c22");
  // Without an LSM every key is accepted and changes nothing, as LXC's nop driver.
  EXPECT_EQ(*exec_label(conf, Lsm::None, true), "");
  EXPECT_TRUE(set_exec_label(Lsm::None, "anything"));
}

}  // namespace
}  // namespace lxc::security
