// lxc.seccomp.profile: parsing LXC's policy language, compiling it with
// libseccomp, and loading the result in a forked child.
#include "security/seccomp.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <functional>

#include "base/file.h"

namespace lxc::security {
namespace {

const std::string kData = std::string(LXCPP_TEST_DATA) + "/seccomp/";

SeccompPolicy parse_ok(std::string_view text) {
  auto p = parse_policy(text, "test.seccomp");
  EXPECT_TRUE(p) << (p ? "" : p.error().what);
  return p ? *p : SeccompPolicy{};
}

std::string parse_err(std::string_view text, const std::string& origin = "bad.seccomp") {
  auto p = parse_policy(text, origin);
  EXPECT_FALSE(p) << "accepted: " << text;
  return p ? "" : p.error().what;
}

// Runs fn in a child under the policy; returns the child's wait status.
// no_new_privs lets an unprivileged test load a filter.
int run_confined(const SeccompPolicy& policy, const std::function<int()>& fn) {
  auto prog = compile_policy(policy);
  EXPECT_TRUE(prog) << (prog ? "" : prog.error().what);
  if (!prog) return -1;
  SeccompProgram program{*prog, policy.origin};
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) ::_exit(100);
    if (!load_seccomp(program)) ::_exit(101);
    ::_exit(fn());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(SeccompParse, ShippedCommonPolicy) {
  auto p = read_policy(kData + "common.seccomp");
  ASSERT_TRUE(p) << p.error().what;
  EXPECT_EQ(p->version, 2);
  EXPECT_FALSE(p->allowlist);
  EXPECT_EQ(p->default_action.kind, SeccompActionKind::Allow);
  ASSERT_EQ(p->rules.size(), 6u);
  EXPECT_EQ(p->rules[0].syscall, "reject_force_umount");
  EXPECT_EQ(p->rules[0].line, 3);
  const char* names[] = {"kexec_load", "open_by_handle_at", "init_module", "finit_module", "delete_module"};
  for (int i = 0; i < 5; ++i) {
    const auto& r = p->rules[i + 1];
    EXPECT_EQ(r.syscall, names[i]);
    EXPECT_EQ(r.arch, "all");
    EXPECT_EQ(r.action, (SeccompAction{SeccompActionKind::Errno, 1}));
    EXPECT_EQ(r.line, i + 5);
  }
}

TEST(SeccompParse, ShippedV1Example) {
  auto p = read_policy(kData + "seccomp-v1.conf");
  ASSERT_TRUE(p) << p.error().what;
  EXPECT_EQ(p->version, 1);
  EXPECT_TRUE(p->allowlist);
  EXPECT_EQ(p->default_action.kind, SeccompActionKind::Kill);
  ASSERT_EQ(p->rules.size(), 301u + 56u);
  EXPECT_EQ(p->rules.front().syscall, "0");
  EXPECT_EQ(p->rules.back().syscall, "1079");
  EXPECT_EQ(p->rules.back().action.kind, SeccompActionKind::Allow);
  EXPECT_TRUE(compile_policy(*p));
}

TEST(SeccompParse, ShippedV2Examples) {
  auto p = read_policy(kData + "seccomp-v2.conf");
  ASSERT_TRUE(p) << p.error().what;
  EXPECT_TRUE(p->allowlist);
  EXPECT_EQ(p->default_action.kind, SeccompActionKind::Trap);
  ASSERT_EQ(p->rules.size(), 12u);
  EXPECT_EQ(p->rules[0].syscall, "open");
  EXPECT_EQ(p->rules[0].arch, "x86_64");
  EXPECT_EQ(p->rules[0].action.kind, SeccompActionKind::Allow);
  EXPECT_EQ(p->rules[6].arch, "x86");
  auto prog = compile_policy(*p);
  ASSERT_TRUE(prog) << prog.error().what;
  EXPECT_FALSE(prog->empty());

  auto d = read_policy(kData + "seccomp-v2-denylist.conf");
  ASSERT_TRUE(d) << d.error().what;
  ASSERT_EQ(d->rules.size(), 1u);
  EXPECT_EQ(d->rules[0].syscall, "mknod");
  EXPECT_EQ(d->rules[0].action, (SeccompAction{SeccompActionKind::Errno, 0}));
  EXPECT_TRUE(compile_policy(*d));
}

TEST(SeccompParse, ActionsAndDefaults) {
  auto p = parse_ok("2\ndenylist errno 38\nmknod\nptrace trap\nbpf kill\nkeyctl log\nacct trace 7\nsetns allow\n");
  EXPECT_EQ(p.default_action, (SeccompAction{SeccompActionKind::Errno, 38}));
  ASSERT_EQ(p.rules.size(), 6u);
  EXPECT_EQ(p.rules[0].action.kind, SeccompActionKind::Kill);  // a denylist rule kills by default
  EXPECT_EQ(p.rules[1].action.kind, SeccompActionKind::Trap);
  EXPECT_EQ(p.rules[2].action.kind, SeccompActionKind::Kill);
  EXPECT_EQ(p.rules[3].action.kind, SeccompActionKind::Log);
  EXPECT_EQ(p.rules[4].action, (SeccompAction{SeccompActionKind::Trace, 7}));
  EXPECT_EQ(p.rules[5].action.kind, SeccompActionKind::Allow);

  auto w = parse_ok("2\nwhitelist\nread\n");
  EXPECT_TRUE(w.allowlist);
  EXPECT_EQ(w.default_action.kind, SeccompActionKind::Kill);
  EXPECT_EQ(w.rules[0].action.kind, SeccompActionKind::Allow);
  EXPECT_FALSE(parse_ok("2\nblacklist\nread\n").allowlist);
  EXPECT_TRUE(parse_ok("1\nwhitelist\n0\n").allowlist);
}

TEST(SeccompParse, ArgumentComparisons) {
  auto p = parse_ok("2\ndenylist\n# comment\n\nwrite errno 1 [0,1,SCMP_CMP_EQ] [1, 0x10, SCMP_CMP_MASKED_EQ, 0xff]\n"
                    "kill errno 2 [1,9,==][0,5,>=]  # trailing comment\n");
  ASSERT_EQ(p.rules.size(), 2u);
  const auto& w = p.rules[0];
  EXPECT_EQ(w.line, 5);
  ASSERT_EQ(w.args.size(), 2u);
  EXPECT_EQ(w.args[0], (SeccompArgCmp{0, 1, SeccompCmp::Eq, 0}));
  EXPECT_EQ(w.args[1], (SeccompArgCmp{1, 0x10, SeccompCmp::MaskedEq, 0xff}));
  ASSERT_EQ(p.rules[1].args.size(), 2u);
  EXPECT_EQ(p.rules[1].args[1].op, SeccompCmp::Ge);
  EXPECT_TRUE(compile_policy(p));
}

TEST(SeccompParse, ArchSections) {
  auto p = parse_ok("2\ndenylist\n[X86_64]\na\n[i386]\nb\n[arm64]\nc\n[ALL]\nd\n");
  ASSERT_EQ(p.rules.size(), 4u);
  EXPECT_EQ(p.rules[0].arch, "x86_64");
  EXPECT_EQ(p.rules[1].arch, "x86");
  EXPECT_EQ(p.rules[2].arch, "arm64");
  EXPECT_EQ(p.rules[3].arch, "all");
}

TEST(SeccompParse, ErrorsNameFileAndLine) {
  EXPECT_NE(parse_err("3\ndenylist\n").find("bad.seccomp:1:"), std::string::npos);
  EXPECT_NE(parse_err("").find("bad.seccomp:1:"), std::string::npos);
  EXPECT_NE(parse_err("2\n").find("bad.seccomp:2:"), std::string::npos);
  EXPECT_NE(parse_err("2\ngreylist\n").find("bad.seccomp:2: bad policy type"), std::string::npos);
  EXPECT_NE(parse_err("1\ndenylist\n").find("bad.seccomp:2:"), std::string::npos);
  EXPECT_NE(parse_err("2\nallowlist debug\n").find("bad.seccomp:2:"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist bogus\n").find("bad.seccomp:2: unknown seccomp action"), std::string::npos);
  std::string e = parse_err("2\ndenylist\nread\n# c\nwrite explode\n", "/etc/x.seccomp");
  EXPECT_NE(e.find("/etc/x.seccomp:5: unknown seccomp action \"explode\""), std::string::npos) << e;
  EXPECT_NE(parse_err("2\ndenylist\nmknod errno\n").find(":3: errno needs"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nmknod errno 5000\n").find(":3:"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nmknod errno 1 extra\n").find(":3: unexpected"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\n[vax]\n").find(":3: unsupported architecture"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nread errno 1 [6,1,SCMP_CMP_EQ]\n").find(":3: argument index"), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nread errno 1 [0,1,SCMP_CMP_XX]\n").find(":3: unknown comparison"),
            std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nread errno 1 [0,1\n").find(":3: missing \"]\""), std::string::npos);
  EXPECT_NE(parse_err("2\ndenylist\nread errno 1 [0,zz,==]\n").find(":3: bad argument value"), std::string::npos);
  EXPECT_NE(parse_err("1\nallowlist\n0\nread\n").find(":4: expected a syscall number"), std::string::npos);
}

TEST(SeccompCompile, UnknownSyscallsAreSkipped) {
  auto p = parse_ok("2\ndenylist\nno_such_syscall_xyz errno 1\nkexec_load errno 1\n[s390x]\nlater_unknown\n");
  auto prog = compile_policy(p);
  ASSERT_TRUE(prog) << prog.error().what;
  EXPECT_FALSE(prog->empty());
}

TEST(SeccompCompile, NotifyIsRefusedWithLine) {
  auto p = parse_ok("2\ndenylist\nread\nioctl notify\n");
  auto prog = compile_policy(p);
  ASSERT_FALSE(prog);
  EXPECT_NE(prog.error().what.find("test.seccomp:4:"), std::string::npos) << prog.error().what;
}

TEST(SeccompLoad, CommonPolicyGivesEperm) {
  auto p = read_policy(kData + "common.seccomp");
  ASSERT_TRUE(p) << p.error().what;
  int status = run_confined(*p, [] {
    errno = 0;
    if (::syscall(SYS_kexec_load, 0, 0, 0, 0) != -1 || errno != EPERM) return 1;
    if (::syscall(SYS_init_module, nullptr, 0, "") != -1 || errno != EPERM) return 2;
    if (::syscall(SYS_finit_module, -1, "", 0) != -1 || errno != EPERM) return 3;
    if (::syscall(SYS_delete_module, "nothing", 0) != -1 || errno != EPERM) return 4;
    if (::syscall(SYS_open_by_handle_at, -1, nullptr, 0) != -1 || errno != EPERM) return 5;
    // reject_force_umount: EACCES only with MNT_FORCE.
    if (::umount2("/nonexistent-lxcpp", MNT_FORCE) != -1 || errno != EACCES) return 6;
    if (::umount2("/nonexistent-lxcpp", 0) != -1 || errno == EACCES) return 7;
    if (::getpid() <= 0) return 8;
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SeccompLoad, DenylistRuleKillsByDefault) {
  int status = run_confined(parse_ok("2\ndenylist\ngetppid\n"), [] {
    (void)::getpid();
    (void)::syscall(SYS_getppid);
    return 0;
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

TEST(SeccompLoad, ArgumentComparisonSelectsCalls) {
  int status = run_confined(parse_ok("2\ndenylist\ndup errno 22 [0,100,SCMP_CMP_EQ]\n"
                                     "fcntl errno 33 [1,0x400,SCMP_CMP_MASKED_EQ,0x400]\n"),
                            [] {
                              if (::dup(100) != -1 || errno != EINVAL) return 1;
                              int fd = ::dup(0);
                              if (fd < 0) return 2;
                              ::close(fd);
                              if (::fcntl(0, 0x406 /* F_DUPFD_CLOEXEC */, 10) != -1 || errno != EDOM) return 3;
                              if (::fcntl(0, F_GETFD) < 0) return 4;
                              return 0;
                            });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SeccompLoad, AllowlistWithErrnoDefault) {
  // Everything not listed fails with ENOSYS: getppid is not listed.
  auto p = parse_ok("2\nallowlist errno 38\nexit_group\nexit\ngetpid\nwrite\n");
  int status = run_confined(p, [] {
    if (::getpid() <= 0) return 1;
    if (::syscall(SYS_getppid) != -1 || errno != ENOSYS) return 2;
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SeccompPrepare, FollowsConf) {
  config::Conf conf;
  auto none = prepare_seccomp(conf);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(load_seccomp(*none));  // loading nothing is fine

  conf.seccomp_profile = kData + "common.seccomp";
  auto prog = prepare_seccomp(conf);
  ASSERT_TRUE(prog) << prog.error().what;
  if (current_seccomp_mode() == 0) {
    EXPECT_FALSE(prog->empty());
  }

  conf.seccomp_profile = kData + "missing.seccomp";
  auto missing = prepare_seccomp(conf);
  if (current_seccomp_mode() == 0) {
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().what.find("missing.seccomp"), std::string::npos) << missing.error().what;
  }
}

}  // namespace
}  // namespace lxc::security
