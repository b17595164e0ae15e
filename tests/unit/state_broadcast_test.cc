#include "state/broadcast.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "test_util.h"

namespace lxc::state_broadcast {
namespace {

TEST(StateBroadcast, ListenersHearTheirLxcpathAsItChanges) {
  test_util::TempDir dir;
  const std::string lxcpath = dir.path();
  auto l = Listener::open(lxcpath + "/");  // another spelling of the same lxcpath
  ASSERT_TRUE(l) << l.error().what;
  struct stat st {};
  ASSERT_EQ(::stat((listener_dir(lxcpath) + "/" + std::to_string(::getpid())).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "only its user may write to it";

  send_state(lxcpath, "c1", State::Starting);
  send_exit(lxcpath, "c1", 3 << 8);
  auto a = l->receive();
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->name, "c1");
  EXPECT_FALSE(a->exited);
  EXPECT_EQ(a->state, State::Starting);
  auto b = l->receive();
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->exited);
  EXPECT_EQ(WEXITSTATUS(b->exit_status), 3);
  auto none = l->receive();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, EAGAIN);

  // Another lxcpath tells its own listeners, not this one.
  test_util::TempDir other;
  send_state(other.path(), "c2", State::Running);
  EXPECT_FALSE(l->receive());
}

TEST(StateBroadcast, AKilledListenersSocketIsRemovedAndTheLastOneOutRemovesTheDirectory) {
  test_util::TempDir dir;
  const std::string lxcpath = dir.path();
  const std::string ldir = listener_dir(lxcpath);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto l = Listener::open(lxcpath);
    ::_exit(l ? 0 : 1);  // no destructor: as if killed
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  const std::string stale = ldir + "/" + std::to_string(child);
  ASSERT_EQ(::access(stale.c_str(), F_OK), 0);
  send_state(lxcpath, "c1", State::Running);  // nobody reads it: refused, so removed
  EXPECT_NE(::access(stale.c_str(), F_OK), 0);
  {
    auto l = Listener::open(lxcpath);
    ASSERT_TRUE(l);
  }
  EXPECT_NE(::access(ldir.c_str(), F_OK), 0) << "an empty listener directory is removed";
}

}  // namespace
}  // namespace lxc::state_broadcast
