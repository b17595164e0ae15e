// lxc.cap.drop and lxc.cap.keep: the capabilities removed from the bounding
// set (security::caps_to_drop), as LXC's setup_caps and dropcaps_except.
#include "security/caps.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include <algorithm>

#include "config/keys.h"

namespace lxc::security {
namespace {

bool has(const std::vector<int>& v, int cap) { return std::find(v.begin(), v.end(), cap) != v.end(); }

TEST(Caps, DropListsTheNamedCapabilities) {
  config::Conf c;
  ASSERT_TRUE(config::set_item(c, "lxc.cap.drop", "sys_module CAP_MAC_ADMIN"));
  auto d = caps_to_drop(c);
  ASSERT_TRUE(d) << d.error().what;
  EXPECT_EQ(*d, (std::vector<int>{CAP_SYS_MODULE, CAP_MAC_ADMIN}));
}

TEST(Caps, KeepDropsEverythingElse) {
  config::Conf c;
  ASSERT_TRUE(config::set_item(c, "lxc.cap.keep", "sys_admin"));
  auto d = caps_to_drop(c);
  ASSERT_TRUE(d) << d.error().what;
  EXPECT_FALSE(has(*d, CAP_SYS_ADMIN));
  EXPECT_TRUE(has(*d, CAP_CHOWN));
  EXPECT_TRUE(has(*d, CAP_SYS_MODULE));
}

TEST(Caps, KeepNoneDropsEverything) {
  config::Conf c;
  ASSERT_TRUE(config::set_item(c, "lxc.cap.keep", "sys_admin"));
  ASSERT_TRUE(config::set_item(c, "lxc.cap.keep", "none"));
  auto d = caps_to_drop(c);
  ASSERT_TRUE(d) << d.error().what;
  EXPECT_TRUE(has(*d, CAP_SYS_ADMIN)) << "none forgot the earlier keep";
  EXPECT_TRUE(has(*d, CAP_CHOWN));
}

TEST(Caps, KeepAndDropTogetherAreRefused) {
  config::Conf c;
  ASSERT_TRUE(config::set_item(c, "lxc.cap.drop", "sys_module"));
  ASSERT_TRUE(config::set_item(c, "lxc.cap.keep", "sys_admin"));
  auto d = caps_to_drop(c);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, EINVAL);
  EXPECT_NE(d.error().what.find("Container requests lxc.cap.drop and lxc.cap.keep: either use lxc.cap.drop or "
                                "lxc.cap.keep, not both"),
            std::string::npos)
      << d.error().what;
  // Clearing one of them (lxc.cap.drop with no value) makes it valid again.
  ASSERT_TRUE(config::clear_item(c, "lxc.cap.drop"));
  EXPECT_TRUE(caps_to_drop(c));
}

}  // namespace
}  // namespace lxc::security
