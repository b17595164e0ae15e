#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "start/sync.h"

namespace lxc::start {
namespace {

TEST(SyncProtocol, StepsInOrderThenExecEof) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(sv[0]);
    if (!send_step(sv[1], SyncStep::ChildCloned)) _exit(2);
    if (!expect_step(sv[1], SyncStep::Continue)) _exit(3);
    if (!send_step(sv[1], SyncStep::RootfsReady)) _exit(4);
    if (!expect_step(sv[1], SyncStep::Go)) _exit(5);
    _exit(0);  // closing the socket stands for a successful exec
  }
  close(sv[1]);
  EXPECT_TRUE(expect_step(sv[0], SyncStep::ChildCloned));
  EXPECT_TRUE(send_step(sv[0], SyncStep::Continue));
  EXPECT_TRUE(expect_step(sv[0], SyncStep::RootfsReady));
  EXPECT_TRUE(send_step(sv[0], SyncStep::Go));
  EXPECT_TRUE(expect_exec(sv[0]));
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(sv[0]);
}

TEST(SyncProtocol, ChildErrorReachesTheMonitorWithErrno) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    send_error(sv[1], Error{ENOENT, "rootfs: mount /nope"});
    _exit(1);
  }
  close(sv[1]);
  auto r = expect_step(sv[0], SyncStep::ChildCloned);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_EQ(r.error().what, "rootfs: mount /nope");
  waitpid(pid, nullptr, 0);
  close(sv[0]);
}

TEST(SyncProtocol, EarlyExitAndWrongStepAreErrors) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  ASSERT_TRUE(send_step(sv[1], SyncStep::RootfsReady));
  auto wrong = expect_step(sv[0], SyncStep::ChildCloned);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, EPROTO);
  close(sv[1]);
  auto eof = expect_step(sv[0], SyncStep::ChildCloned);
  ASSERT_FALSE(eof);
  EXPECT_NE(eof.error().what.find("exited before"), std::string::npos);
  close(sv[0]);
}

}  // namespace
}  // namespace lxc::start
