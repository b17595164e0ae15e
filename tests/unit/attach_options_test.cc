#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "attach/attach.h"

namespace lxc::attach {
namespace {

TEST(AttachNamespaces, PipeSeparatedNames) {
  EXPECT_EQ(parse_namespaces("NETWORK").value(), unsigned{kNet});
  EXPECT_EQ(parse_namespaces("MOUNT|PID").value(), unsigned{kMount | kPid});
  EXPECT_EQ(parse_namespaces("mount|pid|utsname|ipc|user|network|cgroup|time").value(), unsigned{kAllNamespaces});
  // As LXC 5.0's: the kernel's names too, in any case (lxc-attach -s UTS).
  EXPECT_EQ(parse_namespaces("UTS|net|Mnt").value(), unsigned{kUts | kNet | kMount});
  auto bad = parse_namespaces("NETWORK|NETW");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what.find("\"NETW\""), std::string::npos);
  EXPECT_FALSE(parse_namespaces(""));
}

TEST(AttachPrivileges, EmptyMeansAll) {
  EXPECT_EQ(parse_privileges("").value(), unsigned{kAllPrivileges});
  EXPECT_EQ(parse_privileges("CGROUP").value(), unsigned{kPrivCgroup});
  EXPECT_EQ(parse_privileges("CAP|LSM").value(), unsigned{kPrivCap | kPrivLsm});
  EXPECT_FALSE(parse_privileges("CAP|ROOT"));
}

TEST(AttachShell, FromPasswd) {
  const char* passwd =
      "root:x:0:0:root:/root:/bin/ash\n"
      "daemon:x:1:1::/:\n"
      "user:x:1000:1000:U:/home/user:/bin/zsh\n";
  EXPECT_EQ(shell_from_passwd(passwd, 0), "/bin/ash");
  EXPECT_EQ(shell_from_passwd(passwd, 1000), "/bin/zsh");
  EXPECT_EQ(shell_from_passwd(passwd, 1), "/bin/sh");     // empty shell field
  EXPECT_EQ(shell_from_passwd(passwd, 4242), "/bin/sh");  // no such user
  EXPECT_EQ(shell_from_passwd("", 0), "/bin/sh");
}

// build_environment works on this process's environment: restore it after.
class AttachEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** e = environ; *e; ++e) saved_.emplace_back(*e);
  }
  void TearDown() override {
    ::clearenv();
    for (const auto& e : saved_) {
      auto eq = e.find('=');
      ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
  }
  std::vector<std::string> saved_;
};

TEST_F(AttachEnvironment, ClearKeepsOnlyDefaultsAndKeptVars) {
  ::setenv("ATTACH_T_KEEP", "k", 1);
  ::setenv("ATTACH_T_DROP", "d", 1);
  AttachOptions o;
  o.clear_env = true;
  o.keep_vars = {"ATTACH_T_KEEP", "ATTACH_T_UNSET"};
  o.set_vars = {"ATTACH_T_SET=s=1"};
  build_environment({"FROM_CONF=c", "NAME_ONLY"}, o);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  std::sort(env.begin(), env.end());
  EXPECT_EQ(env, (std::vector<std::string>{"ATTACH_T_KEEP=k", "ATTACH_T_SET=s=1", "FROM_CONF=c",
                                           "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                           "container=lxc"}));
}

TEST_F(AttachEnvironment, KeepEnvAddsContainerAndOverrides) {
  ::setenv("ATTACH_T_X", "host", 1);
  AttachOptions o;
  o.set_vars = {"ATTACH_T_X=mine"};
  build_environment({"ATTACH_T_Y=conf"}, o);
  EXPECT_STREQ(std::getenv("ATTACH_T_X"), "mine");
  EXPECT_STREQ(std::getenv("ATTACH_T_Y"), "conf");
  EXPECT_STREQ(std::getenv("container"), "lxc");
  EXPECT_NE(std::getenv("PATH"), nullptr);
}

}  // namespace
}  // namespace lxc::attach
