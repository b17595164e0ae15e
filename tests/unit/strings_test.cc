#include "base/strings.h"

#include <gtest/gtest.h>

namespace lxc {

TEST(Strings, TrimAndSplit) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(split("a  b\tc", " \t"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(join({"a", "b"}, ","), "a,b");
}

TEST(Strings, SplitQuotedAsLxcExecute) {
  using V = std::vector<std::string>;
  // What LXC's lxc-oci writes for an image's entry point and command.
  EXPECT_EQ(split_quoted(R"("/bin/sh"  "-c" "echo a; sleep 1" )"), (V{"/bin/sh", "-c", "echo a; sleep 1"}));
  EXPECT_EQ(split_quoted("a\tb  'c d' \"\""), (V{"a", "b", "c d", ""}));
  EXPECT_EQ(split_quoted("x\"y z"), (V{"x\"y", "z"})) << "a quote inside a word is kept";
  EXPECT_EQ(split_quoted("\"ab\"cd"), (V{"ab", "cd"})) << "the closing quote ends the word";
  EXPECT_EQ(split_quoted("echo 'unterminated"), (V{"echo"})) << "dropped, as LXC does";
  EXPECT_TRUE(split_quoted("   ").empty());
}

TEST(Strings, ParseNumbers) {
  EXPECT_EQ(parse_u64("42"), 42u);
  EXPECT_FALSE(parse_u64("-1"));
  EXPECT_FALSE(parse_u64("4x"));
  EXPECT_FALSE(parse_u64("99999999999999999999"));
  EXPECT_EQ(parse_i64("-3"), -3);
}

TEST(Strings, EditDistance) {
  EXPECT_EQ(edit_distance("lxc.net.0.lnk", "lxc.net.0.link"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Strings, Printable) { EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b"); }

}  // namespace lxc

namespace lxc {
namespace {

TEST(Strings, LinesKeepBlankOnesAndNoEmptyLastLine) {
  EXPECT_EQ(lines("a\n\nb\n"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(lines("a\nb"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(lines("\n"), (std::vector<std::string_view>{""}));
  EXPECT_TRUE(lines("").empty());
}

}  // namespace
}  // namespace lxc
