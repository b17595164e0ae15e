#include "console/proxy.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "commands/protocol.h"
#include "console/pty.h"
#include "state/state.h"

namespace lxc::console {
namespace {

constexpr char kCtrlA = 1;

TEST(ConsoleEscape, ParsesLetterAndCaretForms) {
  EXPECT_EQ(parse_escape("a"), 1);
  EXPECT_EQ(parse_escape("^b"), 2);
  EXPECT_EQ(parse_escape("^B"), 2);
  EXPECT_EQ(parse_escape("z"), 26);
  EXPECT_EQ(parse_escape(""), std::nullopt);
  EXPECT_EQ(parse_escape("^"), std::nullopt);
  EXPECT_EQ(parse_escape("^1"), std::nullopt);
  EXPECT_EQ(parse_escape("ab"), std::nullopt);
}

TEST(ConsoleEscape, Banner) {
  EXPECT_EQ(banner(1, 1),
            "\nConnected to tty 1\nType <Ctrl+a q> to exit the console, <Ctrl+a Ctrl+a> to enter Ctrl+a itself\n");
  EXPECT_NE(banner(0, 2).find("<Ctrl+b q>"), std::string::npos);
}

TEST(ConsoleEscape, PlainBytesPassThrough) {
  EscapeFilter f(1);
  auto o = f.feed("ls -l\r");
  EXPECT_EQ(o.forward, "ls -l\r");
  EXPECT_FALSE(o.detach);
}

TEST(ConsoleEscape, EscapeQDetaches) {
  EscapeFilter f(1);
  auto o = f.feed(std::string("ab") + kCtrlA + "qcd");
  EXPECT_EQ(o.forward, "ab");  // what came after the q is dropped
  EXPECT_TRUE(o.detach);
}

TEST(ConsoleEscape, EscapeSplitAcrossReads) {
  EscapeFilter f(1);
  auto o1 = f.feed(std::string("x") + kCtrlA);
  EXPECT_EQ(o1.forward, "x");  // held back until we know what follows
  EXPECT_FALSE(o1.detach);
  EXPECT_TRUE(f.saw_escape());
  auto o2 = f.feed("q");
  EXPECT_TRUE(o2.detach);
  EXPECT_EQ(o2.forward, "");
}

TEST(ConsoleEscape, DoubleEscapeSendsOne) {
  EscapeFilter f(1);
  auto o = f.feed(std::string{kCtrlA, kCtrlA, 'q'});
  EXPECT_EQ(o.forward, std::string{kCtrlA} + "q");  // the q after a literal Ctrl+a is just a q
  EXPECT_FALSE(o.detach);
}

TEST(ConsoleEscape, EscapeThenOtherByteSendsOnlyThatByte) {
  // LXC's rule: the prefix followed by anything but q or the prefix is dropped.
  EscapeFilter f(1);
  auto o = f.feed(std::string{kCtrlA, 'x', 'q'});
  EXPECT_EQ(o.forward, "xq");
  EXPECT_FALSE(o.detach);
}

TEST(ConsoleEscape, PlainQDoesNotDetach) {
  EscapeFilter f(1);
  EXPECT_EQ(f.feed("quit").forward, "quit");
}

TEST(ConsoleEscape, OtherPrefix) {
  EscapeFilter f(2);  // Ctrl+b
  auto o = f.feed(std::string{kCtrlA, 'q'});
  EXPECT_EQ(o.forward, (std::string{kCtrlA, 'q'}));
  EXPECT_FALSE(o.detach);
  auto o2 = f.feed(std::string{2, 2, 2, 'q'});
  EXPECT_EQ(o2.forward, std::string{2});
  EXPECT_TRUE(o2.detach);
}

TEST(ConsoleEscape, DisabledEscape) {
  EscapeFilter f(0);
  auto o = f.feed(std::string{kCtrlA, 'q'});
  EXPECT_EQ(o.forward, std::string({kCtrlA, 'q'}));
  EXPECT_FALSE(o.detach);
}

// The whole proxy on a real pty: input reaches the slave, slave output reaches
// our output, and the escape ends it.
TEST(ConsoleProxy, ForwardsAndDetaches) {
  auto pty = open_pty();
  ASSERT_TRUE(pty) << describe(pty.error());
  RawMode::enter(pty->slave.get()).value().restore();  // sanity: the slave is a terminal
  auto raw = RawMode::enter(pty->slave.get());          // no echo, no line editing on the slave
  ASSERT_TRUE(raw);
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  ASSERT_EQ(::write(pty->slave.get(), "hello", 5), 5);
  std::string typed = std::string("abc") + kCtrlA + kCtrlA + kCtrlA + "q" + "zzz";
  ASSERT_EQ(::write(in[1], typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  auto end = run_proxy({in[0], out[1], pty->master.get(), -1, 1});
  ASSERT_TRUE(end) << describe(end.error());
  EXPECT_EQ(*end, ProxyEnd::Detached);
  char buf[64] = {};
  ssize_t n = ::read(pty->slave.get(), buf, sizeof buf);
  EXPECT_EQ(std::string(buf, n > 0 ? n : 0), std::string("abc") + kCtrlA);
  ::close(out[1]);
  n = ::read(out[0], buf, sizeof buf);
  EXPECT_EQ(std::string(buf, n > 0 ? n : 0), "hello");
  ::close(in[0]), ::close(in[1]), ::close(out[0]);
}

TEST(ConsoleProxy, EndsOnInputEofAndOnStopped) {
  auto pty = open_pty();
  ASSERT_TRUE(pty);
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  ::close(in[1]);
  auto end = run_proxy({in[0], out[1], pty->master.get(), -1, 1});
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, ProxyEnd::InputClosed);
  ::close(in[0]);

  int sp[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
  ASSERT_EQ(::pipe(in), 0);
  commands::ResponseHeader h{static_cast<int32_t>(State::Stopped), 0};
  ASSERT_EQ(::write(sp[1], &h, sizeof h), static_cast<ssize_t>(sizeof h));
  end = run_proxy({in[0], out[1], pty->master.get(), sp[0], 1});
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, ProxyEnd::ContainerStopped);
  // A monitor that goes away ends it too.
  ::close(sp[1]);
  end = run_proxy({in[0], out[1], pty->master.get(), sp[0], 1});
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, ProxyEnd::ContainerStopped);
  ::close(sp[0]), ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
}

TEST(ConsoleProxy, SlaveClosedIsNotTheEnd) {
  // No process holds the slave (getty respawning): keep going until the
  // user detaches.
  auto pty = open_pty();
  ASSERT_TRUE(pty);
  pty->slave.reset();
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  std::thread typist([&] {
    ::usleep(200 * 1000);
    char seq[2] = {kCtrlA, 'q'};
    (void)!::write(in[1], seq, 2);
  });
  auto end = run_proxy({in[0], out[1], pty->master.get(), -1, 1});
  typist.join();
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, ProxyEnd::Detached);
  ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
}

}  // namespace
}  // namespace lxc::console
