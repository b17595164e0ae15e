#include "base/strings.h"

#include <gtest/gtest.h>

namespace lxc {

TEST(Strings, TrimAndSplit) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(split("a  b\tc", " \t"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(join({"a", "b"}, ","), "a,b");
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
