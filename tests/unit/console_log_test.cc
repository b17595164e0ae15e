#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "base/file.h"
#include "console/log_file.h"

namespace lxc::console {
namespace {

class ConsoleLog : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lxcpp-console-log-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/console.log";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string contents(const std::string& p) { return read_file(p).value_or("<missing>"); }
  std::string dir_, path_;
};

TEST_F(ConsoleLog, UnlimitedAppends) {
  LogFile log;
  ASSERT_TRUE(log.open(path_, 0, false));
  log.write("abc");
  log.write("def");
  EXPECT_EQ(contents(path_), "abcdef");
}

TEST_F(ConsoleLog, FullWithoutRotateStartsOver) {
  LogFile log;
  ASSERT_TRUE(log.open(path_, 8, false));
  log.write("12345");
  log.write("6789X");  // fills to 8, the rest is lost
  EXPECT_EQ(contents(path_), "12345678");
  log.write("ab");  // full: truncated first
  EXPECT_EQ(contents(path_), "ab");
  log.write(std::string(20, 'z') + "tail1234");  // larger than the limit: the newest bytes
  EXPECT_EQ(contents(path_), "abzzzzzz");
  log.write("q");
  EXPECT_EQ(contents(path_), "q");
}

TEST_F(ConsoleLog, RotateKeepsThePreviousFile) {
  LogFile log;
  ASSERT_TRUE(log.open(path_, 8, true));
  log.write("12345");
  log.write("6789XY");
  EXPECT_EQ(contents(path_ + ".1"), "12345678");
  EXPECT_EQ(contents(path_), "9XY");
  log.write(std::string(30, 'a') + "01234567");
  EXPECT_EQ(contents(path_ + ".1"), "9XYaaaaa");
  EXPECT_EQ(contents(path_), "01234567");
  ASSERT_TRUE(log.rotate());  // on a clear of the buffer
  EXPECT_EQ(contents(path_ + ".1"), "01234567");
  EXPECT_EQ(contents(path_), "");
}

TEST_F(ConsoleLog, CreatedPrivate) {
  LogFile log;
  ASSERT_TRUE(log.open(path_, 0, false));
  EXPECT_EQ(std::filesystem::status(path_).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace
}  // namespace lxc::console
