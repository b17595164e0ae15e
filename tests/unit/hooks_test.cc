// Hooks run for real: recording scripts in a temp dir write their argv and
// their LXC_* environment to a file that the tests read back.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "config/conf.h"
#include "hooks/hooks.h"

namespace lxc::hooks {
namespace {

using config::Conf;
using config::HookType;

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lxcpp-hooks-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    record_ = dir_ + "/record";
    ::setenv("HOOK_RECORD", record_.c_str(), 1);
    // One line per argument, then the LXC_* variables sorted, then "--".
    write_script("rec.sh",
                 "{ echo \"hook $#\"; for a in \"$@\"; do echo \"arg=$a\"; done;"
                 " env | grep '^LXC_' | sort; echo --; } >> \"$HOOK_RECORD\"\n");
    write_script("fail.sh", "echo \"fail $*\" >> \"$HOOK_RECORD\"; echo 'why it failed' >&2; exit 3\n");
    write_script("kill.sh", "kill -9 $$\n");
    // exec: a waiting dash blocks every signal, so only a process that is not
    // waiting for a child shows the mask it was given.
    write_script("sigblk.sh", "exec grep '^SigBlk' /proc/self/status >> \"$HOOK_RECORD\"\n");
    write_script("chatty.sh", "i=0; while [ $i -lt 3000 ]; do echo \"line $i of chatter to fill the pipe\"; i=$((i+1)); done\n"
                              "echo done >> \"$HOOK_RECORD\"\n");
    env_.name = "c1";
    env_.config_file = "/var/lib/lxc/c1/config";
    env_.rootfs_mount = "/usr/lib/x86_64-linux-gnu/lxc/rootfs";
    env_.rootfs_path = "dir:/var/lib/lxc/c1/rootfs";
  }
  void TearDown() override {
    ::unsetenv("HOOK_RECORD");
    std::string cmd = "rm -rf '" + dir_ + "'";
    [[maybe_unused]] int rc = ::system(cmd.c_str());
  }

  void write_script(const std::string& name, const std::string& body, mode_t mode = 0755) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p) << "#!/bin/sh\n" << body;
    ::chmod(p.c_str(), mode);
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string record() const {
    std::ifstream in(record_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::vector<std::string> record_lines() const { return split(record(), "\n"); }
  static bool has(const std::vector<std::string>& lines, const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  }
  static bool has_prefix(const std::vector<std::string>& lines, const std::string& p) {
    for (const auto& l : lines)
      if (l.starts_with(p)) return true;
    return false;
  }
  Conf conf_with(HookType t, std::vector<std::string> cmds, int version = 0) {
    Conf c;
    c.hook_version = version;
    c.hooks[static_cast<int>(t)] = std::move(cmds);
    return c;
  }

  std::string dir_, record_;
  HookEnv env_;
};

TEST(HookNames, AreLxcs) {
  EXPECT_EQ(hook_name(HookType::PreStart), "pre-start");
  EXPECT_EQ(hook_name(HookType::StartHost), "start-host");
  EXPECT_EQ(hook_name(HookType::PostStop), "post-stop");
  EXPECT_EQ(hook_name(HookType::Destroy), "destroy");
}

TEST_F(HooksTest, Version0PassesNameSectionTypeAsArguments) {
  ASSERT_TRUE(run_hooks(conf_with(HookType::PreStart, {path("rec.sh")}), HookType::PreStart, env_));
  auto l = record_lines();
  EXPECT_EQ(l.at(0), "hook 3");
  EXPECT_EQ(l.at(1), "arg=c1");
  EXPECT_EQ(l.at(2), "arg=lxc");
  EXPECT_EQ(l.at(3), "arg=pre-start");
  EXPECT_TRUE(has(l, "LXC_NAME=c1"));
  EXPECT_TRUE(has(l, "LXC_CONFIG_FILE=/var/lib/lxc/c1/config"));
  EXPECT_TRUE(has(l, "LXC_ROOTFS_MOUNT=/usr/lib/x86_64-linux-gnu/lxc/rootfs"));
  EXPECT_TRUE(has(l, "LXC_ROOTFS_PATH=dir:/var/lib/lxc/c1/rootfs"));
  EXPECT_TRUE(has(l, "LXC_CGNS_AWARE=1"));
  EXPECT_TRUE(has(l, "LXC_HOOK_VERSION=0"));
  EXPECT_TRUE(has_prefix(l, "LXC_LOG_LEVEL="));
  EXPECT_FALSE(has_prefix(l, "LXC_HOOK_TYPE="));
  EXPECT_FALSE(has_prefix(l, "LXC_HOOK_SECTION="));
  EXPECT_FALSE(has_prefix(l, "LXC_PID="));
  EXPECT_FALSE(has_prefix(l, "LXC_CONSOLE="));
}

TEST_F(HooksTest, Version1PassesThemInTheEnvironment) {
  ASSERT_TRUE(run_hooks(conf_with(HookType::Mount, {path("rec.sh")}, 1), HookType::Mount, env_));
  auto l = record_lines();
  EXPECT_EQ(l.at(0), "hook 0");
  EXPECT_TRUE(has(l, "LXC_HOOK_TYPE=mount"));
  EXPECT_TRUE(has(l, "LXC_HOOK_SECTION=lxc"));
  EXPECT_TRUE(has(l, "LXC_HOOK_VERSION=1"));
  EXPECT_TRUE(has(l, "LXC_NAME=c1"));
}

TEST_F(HooksTest, HookStringKeepsItsOwnArgumentsFirst) {
  ASSERT_TRUE(run_hooks(conf_with(HookType::Start, {path("rec.sh") + " --flag 'two words'"}), HookType::Start, env_));
  auto l = record_lines();
  EXPECT_EQ(l.at(0), "hook 5");
  EXPECT_EQ(l.at(1), "arg=--flag");
  EXPECT_EQ(l.at(2), "arg=two words");
  EXPECT_EQ(l.at(3), "arg=c1");
  EXPECT_EQ(l.at(5), "arg=start");
}

TEST_F(HooksTest, OddNamesReachTheHookIntact) {
  env_.name = "it's a $name";
  ASSERT_TRUE(run_hooks(conf_with(HookType::PreStart, {path("rec.sh")}), HookType::PreStart, env_));
  auto l = record_lines();
  EXPECT_EQ(l.at(1), "arg=it's a $name");
  EXPECT_TRUE(has(l, "LXC_NAME=it's a $name"));
}

TEST_F(HooksTest, ConsolePidTargetWhenSet) {
  env_.console = "/dev/pts/7";
  env_.console_log = "/var/log/c1.console";
  env_.init_pid = 4242;
  env_.target = "reboot";
  ASSERT_TRUE(run_hooks(conf_with(HookType::StartHost, {path("rec.sh")}), HookType::StartHost, env_));
  auto l = record_lines();
  EXPECT_TRUE(has(l, "LXC_CONSOLE=/dev/pts/7"));
  EXPECT_TRUE(has(l, "LXC_CONSOLE_LOGPATH=/var/log/c1.console"));
  EXPECT_TRUE(has(l, "LXC_PID=4242"));
  EXPECT_TRUE(has(l, "LXC_TARGET=reboot"));
}

TEST_F(HooksTest, StopVersion0GetsNamespacesAsArguments) {
  env_.namespaces = {{"mnt", 12}, {"net", 15}};
  ASSERT_TRUE(run_hooks(conf_with(HookType::Stop, {path("rec.sh")}), HookType::Stop, env_));
  auto l = record_lines();
  std::string self = std::to_string(::getpid());
  EXPECT_EQ(l.at(0), "hook 5");
  EXPECT_EQ(l.at(3), "arg=stop");
  EXPECT_EQ(l.at(4), "arg=mnt:/proc/" + self + "/fd/12");
  EXPECT_EQ(l.at(5), "arg=net:/proc/" + self + "/fd/15");
  EXPECT_FALSE(has_prefix(l, "LXC_MNT_NS="));
}

TEST_F(HooksTest, StopVersion1GetsNamespacesInTheEnvironment) {
  env_.namespaces = {{"mnt", 12}, {"cgroup", 9}};
  ASSERT_TRUE(run_hooks(conf_with(HookType::Stop, {path("rec.sh")}, 1), HookType::Stop, env_));
  auto l = record_lines();
  std::string self = std::to_string(::getpid());
  EXPECT_EQ(l.at(0), "hook 0");
  EXPECT_TRUE(has(l, "LXC_MNT_NS=/proc/" + self + "/fd/12"));
  EXPECT_TRUE(has(l, "LXC_CGROUP_NS=/proc/" + self + "/fd/9"));
}

TEST_F(HooksTest, CloneGetsSourceNameAndExtraArguments) {
  env_.src_name = "orig";
  env_.args = {"-x", "y z"};
  ASSERT_TRUE(run_hooks(conf_with(HookType::Clone, {path("rec.sh")}), HookType::Clone, env_));
  auto l = record_lines();
  EXPECT_EQ(l.at(0), "hook 5");
  EXPECT_EQ(l.at(3), "arg=clone");
  EXPECT_EQ(l.at(4), "arg=-x");
  EXPECT_EQ(l.at(5), "arg=y z");
  EXPECT_TRUE(has(l, "LXC_SRC_NAME=orig"));
}

TEST_F(HooksTest, NonZeroExitNamesHookTypeAndStatus) {
  auto r = run_hooks(conf_with(HookType::PreStart, {path("fail.sh")}), HookType::PreStart, env_);
  ASSERT_FALSE(r);
  const std::string& what = r.error().what;
  EXPECT_NE(what.find("lxc.hook.pre-start"), std::string::npos) << what;
  EXPECT_NE(what.find(path("fail.sh")), std::string::npos) << what;
  EXPECT_NE(what.find("exited with status 3"), std::string::npos) << what;
}

TEST_F(HooksTest, KilledBySignal) {
  auto r = run_hooks(conf_with(HookType::PostStop, {path("kill.sh")}), HookType::PostStop, env_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("killed by signal 9 (SIGKILL)"), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("lxc.hook.post-stop"), std::string::npos) << r.error().what;
}

TEST_F(HooksTest, MissingHookPathIsAClearError) {
  auto r = run_hooks(conf_with(HookType::PreStart, {dir_ + "/no-such-hook arg"}), HookType::PreStart, env_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_NE(r.error().what.find("no such hook " + dir_ + "/no-such-hook"), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("lxc.hook.pre-start"), std::string::npos) << r.error().what;
}

TEST_F(HooksTest, NotExecutableHookIsAClearError) {
  write_script("noexec.sh", "exit 0\n", 0644);

  auto r = run_hooks(conf_with(HookType::PreStart, {path("noexec.sh")}), HookType::PreStart, env_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EACCES);
  EXPECT_NE(r.error().what.find("cannot execute"), std::string::npos) << r.error().what;
}

TEST_F(HooksTest, MissingCommandInPathReportsNotFound) {
  // A PATH with a directory we may not search gives 126, not 127.
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/usr/bin:/bin", 1);
  auto r = run_hooks(conf_with(HookType::PreStart, {"lxcpp-no-such-hook-command"}), HookType::PreStart, env_);
  ::setenv("PATH", old_path.c_str(), 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("exited with status 127 (command not found)"), std::string::npos) << r.error().what;
}

TEST_F(HooksTest, RunInOrderAndStopAtFirstFailure) {
  Conf c = conf_with(HookType::PreStart, {path("rec.sh") + " first", path("fail.sh") + " second",
                                          path("rec.sh") + " third"});
  auto r = run_hooks(c, HookType::PreStart, env_);
  ASSERT_FALSE(r);
  std::string rec = record();
  auto first = rec.find("arg=first");
  auto second = rec.find("fail second");
  ASSERT_NE(first, std::string::npos) << rec;
  ASSERT_NE(second, std::string::npos) << rec;
  EXPECT_LT(first, second);
  EXPECT_EQ(rec.find("third"), std::string::npos) << rec;
}

TEST_F(HooksTest, AllHooksOfATypeRunAndOnlyThatType) {
  Conf c = conf_with(HookType::Stop, {path("rec.sh") + " a", "", path("rec.sh") + " b"});
  c.hooks[static_cast<int>(HookType::PostStop)] = {path("fail.sh")};
  ASSERT_TRUE(run_hooks(c, HookType::Stop, env_));
  std::string rec = record();
  EXPECT_LT(rec.find("arg=a"), rec.find("arg=b"));
  EXPECT_EQ(rec.find("fail"), std::string::npos);
}

TEST_F(HooksTest, NoHooksIsSuccess) {
  Conf c;
  EXPECT_TRUE(run_hooks(c, HookType::Destroy, env_));
  EXPECT_EQ(record(), "");
}

TEST_F(HooksTest, InheritedLxcVariablesDoNotLeakThrough) {
  ::setenv("LXC_HOOK_TYPE", "bogus", 1);
  ::setenv("LXC_PID", "1", 1);
  ::setenv("LXCPP_HOOK_TEST_KEEP", "kept", 1);
  write_script("keep.sh", "echo \"keep=$LXCPP_HOOK_TEST_KEEP\" >> \"$HOOK_RECORD\"\n");
  Conf c = conf_with(HookType::PreStart, {path("rec.sh"), path("keep.sh")});
  auto r = run_hooks(c, HookType::PreStart, env_);
  ::unsetenv("LXC_HOOK_TYPE");
  ::unsetenv("LXC_PID");
  ::unsetenv("LXCPP_HOOK_TEST_KEEP");
  ASSERT_TRUE(r);
  auto l = record_lines();
  EXPECT_FALSE(has_prefix(l, "LXC_HOOK_TYPE="));
  EXPECT_FALSE(has_prefix(l, "LXC_PID="));
  EXPECT_TRUE(has(l, "keep=kept"));
}

TEST_F(HooksTest, BlockedSignalsAreNotPassedOn) {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGCHLD);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &set, &old), 0);
  auto r = run_hooks(conf_with(HookType::Start, {path("sigblk.sh")}), HookType::Start, env_);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(r);
  EXPECT_EQ(trim(record()), "SigBlk:\t0000000000000000");
}

TEST_F(HooksTest, LotsOfStdoutDoesNotBlock) {
  ASSERT_TRUE(run_hooks(conf_with(HookType::Autodev, {path("chatty.sh")}), HookType::Autodev, env_));
  EXPECT_EQ(trim(record()), "done");
}

TEST(HookEnvFromConf, TakesRootfsAndConsole) {
  Conf c;
  c.rootfs_path = "dir:/r";
  c.console_path = "/dev/pts/3";
  c.console_logfile = "/l";
  HookEnv e = hook_env_from_conf(c, "n", "/cfg", "/mnt/point");
  EXPECT_EQ(e.name, "n");
  EXPECT_EQ(e.config_file, "/cfg");
  EXPECT_EQ(e.rootfs_path, "dir:/r");
  EXPECT_EQ(e.rootfs_mount, "/mnt/point");
  EXPECT_EQ(e.console, "/dev/pts/3");
  EXPECT_EQ(e.console_log, "/l");
  c.rootfs_mount = "/usr/lib/x86_64-linux-gnu/lxc";
  EXPECT_EQ(hook_env_from_conf(c, "n", "/cfg", "/mnt/point").rootfs_mount, "/usr/lib/x86_64-linux-gnu/lxc");
}

TEST(HookArgv, IsShellExecOfTheCommand) {
  HookEnv e;
  e.name = "web";
  auto v0 = make_argv("  /usr/share/lxcfs/lxc.mount.hook ", e, HookType::Mount, 0);
  ASSERT_EQ(v0.size(), 3u);
  EXPECT_EQ(v0[0], "sh");
  EXPECT_EQ(v0[1], "-c");
  EXPECT_EQ(v0[2], "exec /usr/share/lxcfs/lxc.mount.hook web lxc mount");
  EXPECT_EQ(make_argv("/h", e, HookType::Mount, 1)[2], "exec /h");
}

}  // namespace
}  // namespace lxc::hooks
