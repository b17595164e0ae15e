// lxc.sched.core's prctl wrappers (security/core_sched.h): where the kernel
// has core scheduling, a new domain for ourselves gives us a cookie; where
// it has not (this project's CI kernel), the errors say so.
#include "security/core_sched.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace lxc::security {
namespace {

bool supported() { return static_cast<bool>(core_sched_cookie(0)); }

TEST(CoreSched, WithoutKernelSupportTheErrorsSaySo) {
  if (supported()) GTEST_SKIP() << "this kernel has core scheduling";
  auto cookie = core_sched_cookie(0);
  ASSERT_FALSE(cookie);
  EXPECT_NE(describe(cookie.error()).find("core scheduling"), std::string::npos) << describe(cookie.error());
  auto made = create_core_sched_domain(::getpid());
  ASSERT_FALSE(made);
  EXPECT_NE(describe(made.error()).find("core scheduling"), std::string::npos) << describe(made.error());
  auto joined = join_core_sched_domain(1);
  ASSERT_FALSE(joined);
}

TEST(CoreSched, ANewDomainGivesACookie) {
  if (!supported()) GTEST_SKIP() << "no core scheduling in this kernel";
  ASSERT_TRUE(create_core_sched_domain(::getpid())) << "a domain for this test process";
  auto mine = core_sched_cookie(0);
  ASSERT_TRUE(mine);
  EXPECT_NE(*mine, 0u);
}

}  // namespace
}  // namespace lxc::security
