#include "log/log.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "test_util.h"

namespace lxc::log {
namespace {

using test_util::slurp;

TEST(Log, LevelsByNameAndNumber) {
  EXPECT_EQ(parse_level("0"), Level::Trace);
  EXPECT_EQ(parse_level("8"), Level::Fatal);
  EXPECT_EQ(parse_level("debug"), Level::Debug);
  EXPECT_EQ(parse_level("WARN"), Level::Warn);
  EXPECT_EQ(parse_level("WARNING"), Level::Warn);
  EXPECT_EQ(parse_level("NOTICE"), Level::Notice);
  EXPECT_FALSE(parse_level("9"));
  EXPECT_FALSE(parse_level("LOUD"));
  EXPECT_EQ(level_name(Level::Crit), "CRIT");
}

TEST(Log, SyslogFacilities) {
  EXPECT_TRUE(parse_syslog_facility("daemon"));
  EXPECT_TRUE(parse_syslog_facility("local7"));
  EXPECT_FALSE(parse_syslog_facility("local8"));
  EXPECT_FALSE(parse_syslog_facility("kern"));
}

TEST(Log, FileLineCarriesTimeLevelModuleAndLocation) {
  char tmpl[] = "/tmp/lxcpp-log-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  Settings s;
  s.prog = "lxc-test";
  s.container = "c1";
  s.file = tmpl;
  s.level = Level::Info;
  s.quiet = true;
  ASSERT_EQ(configure(s), 0);
  constexpr Logger log("unittest");
  log.debug("hidden {}", 1);
  log.info("shown {} {}", 42, "x");
  const int line = __LINE__ - 1;
  log.error("an error");
  std::string text = slurp(tmpl);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("lxc-test c1 "), std::string::npos) << text;
  EXPECT_NE(text.find(" INFO     unittest - log_test.cc:"), std::string::npos) << text;
  EXPECT_NE(text.find(":" + std::to_string(line) + " - shown 42 x\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ERROR    unittest"), std::string::npos) << text;
  // The timestamp is LXC's: YYYYMMDDhhmmss.mmm
  auto pos = text.find("c1 ");
  ASSERT_NE(pos, std::string::npos);
  std::string stamp = text.substr(pos + 3, 18);
  EXPECT_EQ(stamp[14], '.') << stamp;
  configure(Settings{});
  unlink(tmpl);
}

TEST(Log, ConfigDoesNotOverrideCommandLineFile) {
  char a[] = "/tmp/lxcpp-log-XXXXXX";
  char b[] = "/tmp/lxcpp-log-XXXXXX";
  close(mkstemp(a));
  close(mkstemp(b));
  Settings s;
  s.file = a;
  s.quiet = true;
  configure(s);
  apply_config(b, Level::Trace, std::nullopt);
  constexpr Logger log("unittest");
  log.trace("to a");
  EXPECT_NE(slurp(a).find("to a"), std::string::npos);
  EXPECT_EQ(slurp(b), "");
  configure(Settings{});
  unlink(a);
  unlink(b);
}

}  // namespace
}  // namespace lxc::log
