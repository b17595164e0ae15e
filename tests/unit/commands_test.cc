#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "commands/commands.h"
#include "commands/lxc_monitor.h"

namespace lxc::commands {
namespace {

TEST(Commands, SocketNameFitsAndIsStable) {
  EXPECT_EQ(socket_name("/var/lib/lxc", "c1"), "lxcpp//var/lib/lxc/c1/command");
  std::string long_path(200, 'a');
  std::string n = socket_name("/" + long_path, "c1");
  EXPECT_LT(n.size(), 107u);
  EXPECT_EQ(n, socket_name("/" + long_path, "c1"));
  EXPECT_NE(n, socket_name("/" + long_path, "c2"));
}

// LXC 5.0's own addresses (read from /proc/net/unix with the reference's
// monitors running): the path when it fits, else a hash of LXCPATH/NAME.
TEST(Commands, LxcMonitorAddressesAsLxc) {
  EXPECT_EQ(lxc_monitor::socket_name("/var/lib/lxc", "c1"), "/var/lib/lxc/c1/command");
  EXPECT_EQ(lxc_monitor::socket_name(
                "/tmp/cmpw/a-very-long-lxcpath-name-to-overflow-the-socket-address-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "c"),
            "lxc/5eded9e145c5c453/command");
}

// lxc-ls reads the bound addresses once instead of a connect() per container.
TEST(Commands, BoundAddressesTellWhichContainersMayRun) {
  std::string lxcpath = "/tmp/lxcpp unit with spaces " + std::to_string(getpid());
  auto before = bound_abstract_addresses();
  ASSERT_TRUE(before);
  EXPECT_FALSE(may_have_monitor(*before, lxcpath, "c1"));
  auto listener = listen(lxcpath, "c1");
  ASSERT_TRUE(listener) << listener.error().what;
  auto after = bound_abstract_addresses();
  ASSERT_TRUE(after);
  EXPECT_TRUE(may_have_monitor(*after, lxcpath, "c1"));
  EXPECT_FALSE(may_have_monitor(*after, lxcpath, "c2"));
}

TEST(Commands, RequestResponseWithDataAndFd) {
  std::string lxcpath = "/tmp/lxcpp-unit-" + std::to_string(getpid());
  auto listener = listen(lxcpath, "c1");
  ASSERT_TRUE(listener) << listener.error().what;
  // A second monitor for the same container cannot bind.
  auto second = listen(lxcpath, "c1");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EADDRINUSE);

  std::thread server([&] {
    // The refused second listen() looked at who holds the address (a
    // connection that closes without a request): the call is the next one.
    int c = -1;
    Result<std::pair<RequestHeader, std::string>> req = fail(EAGAIN, "");
    while (!req) {
      if (c >= 0) close(c);
      do {
        c = accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC);
      } while (c < 0 && errno == EAGAIN && (usleep(1000), true));
      req = read_request(c);
    }
    EXPECT_EQ(req->first.cmd, static_cast<uint32_t>(Cmd::GetConfigItem));
    EXPECT_EQ(req->second, "lxc.uts.name");
    EXPECT_EQ(req->first.arg, 7);
    (void)send_response(c, 3, "value", STDIN_FILENO);
    close(c);
  });
  auto r = call(lxcpath, "c1", Cmd::GetConfigItem, 7, "lxc.uts.name");
  server.join();
  ASSERT_TRUE(r) << r.error().what;
  EXPECT_EQ(r->ret, 3);
  EXPECT_EQ(r->data, "value");
  EXPECT_TRUE(static_cast<bool>(r->fd));
}

TEST(Commands, NoMonitorMeansStopped) {
  auto s = get_state("/tmp/lxcpp-unit-none", "nothing-here");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, State::Stopped);
  EXPECT_FALSE(is_running("/tmp/lxcpp-unit-none", "nothing-here"));
}

TEST(Commands, SilentMonitorTimesOut) {
  std::string lxcpath = "/tmp/lxcpp-unit-silent-" + std::to_string(getpid());
  auto listener = listen(lxcpath, "c1");
  ASSERT_TRUE(listener);
  // Nobody accepts: the kernel queues the connection, and the answer never comes.
  auto r = call(lxcpath, "c1", Cmd::GetState, 0, {}, std::chrono::milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ETIMEDOUT);
  EXPECT_NE(r.error().what.find("did not answer"), std::string::npos);
}

}  // namespace
}  // namespace lxc::commands
