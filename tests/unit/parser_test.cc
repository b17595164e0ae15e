// The lxc.container.conf(5) format: line splitting, includes, and the corpus
// of bad configurations in tests/data/bad, each with the error it must give.
#include "config/parser.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

#include "base/file.h"
#include "config/config_file.h"
#include "config/keys.h"

namespace lxc::config {
namespace {

using test_util::TempDir;
using test_util::slurp;

namespace fs = std::filesystem;

std::string get(const Conf& c, std::string_view key) {
  auto r = get_item(c, key);
  return r ? *r : "<error: " + r.error().what + ">";
}

// ---- split_line ------------------------------------------------------------

TEST(SplitLine, KeyAndValue) {
  auto l = split_line("  lxc.uts.name   =   c1  ").value();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->key, "lxc.uts.name");
  EXPECT_EQ(l->value, "c1");
  l = split_line("lxc.uts.name=c1").value();
  EXPECT_EQ(l->key, "lxc.uts.name");
  EXPECT_EQ(l->value, "c1");
  // Only the first '=' splits.
  l = split_line("lxc.environment = A=B=C").value();
  EXPECT_EQ(l->value, "A=B=C");
  // An empty value is a value.
  l = split_line("lxc.cap.drop =").value();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->value, "");
  // CRLF line ends.
  l = split_line("lxc.tty.max = 4\r").value();
  EXPECT_EQ(l->value, "4");
}

TEST(SplitLine, QuotesAsLxcStripsThem) {
  EXPECT_EQ(split_line("lxc.init.cmd = \"/sbin/init --x\"").value()->value, "/sbin/init --x");
  EXPECT_EQ(split_line("lxc.init.cmd = '/sbin/init'").value()->value, "/sbin/init");
  EXPECT_EQ(split_line("lxc.init.cmd = \"/sbin/init'").value()->value, "\"/sbin/init'");
  EXPECT_EQ(split_line("lxc.init.cmd = \"").value()->value, "\"");
  EXPECT_EQ(split_line("lxc.init.cmd = \"\"").value()->value, "");
  // '#' after a value is part of the value: LXC has no trailing comments.
  EXPECT_EQ(split_line("lxc.apparmor.profile = unconfined # comment").value()->value, "unconfined # comment");
}

TEST(SplitLine, CommentsAndBlankLines) {
  for (std::string_view s : {"", "   ", "\t", "# comment", "   # indented comment", "#lxc.uts.name = x", "\r"})
    EXPECT_FALSE(split_line(s).value()) << s;
}

TEST(SplitLine, Malformed) {
  EXPECT_FALSE(split_line("lxc.uts.name"));
  EXPECT_FALSE(split_line("= value"));
  EXPECT_FALSE(split_line("   =   "));
}

// ---- load_text ---------------------------------------------------------------

TEST(LoadText, AppliesEveryLine) {
  Conf c;
  auto r = load_text(c,
                     "# comment\n"
                     "\n"
                     "lxc.uts.name = c1\r\n"
                     "   lxc.tty.max=4\n"
                     "\tlxc.cap.drop = sys_module  mac_admin\n"
                     "lxc.cap.drop = sys_time\n"
                     "lxc.init.cmd = \"/sbin/init --debug\"\n"
                     "lxc.net.0.type = veth\n"
                     "lxc.net.0.link = lxcbr0\n"
                     "lxc.net.0.flags = up",  // no newline at the end
                     "test");
  ASSERT_TRUE(r) << r.error().what;
  EXPECT_EQ(c.uts_name, "c1");
  EXPECT_EQ(c.tty_max, 4u);
  EXPECT_EQ(get(c, "lxc.cap.drop"), "sys_module\nmac_admin\nsys_time\n");
  EXPECT_EQ(c.init_cmd, "/sbin/init --debug");
  EXPECT_EQ(get(c, "lxc.net.0.flags"), "up");
}

TEST(LoadText, EmptyValueClearsWhatCameBefore) {
  Conf c;
  ASSERT_TRUE(load_text(c,
                        "lxc.cap.drop = sys_module\n"
                        "lxc.cgroup2.devices.allow = c 1:3 rwm\n"
                        "lxc.cgroup2.devices.deny = a\n"
                        "lxc.uts.name = c1\n"
                        "lxc.cap.drop =\n"
                        "lxc.cgroup2.devices.allow =\n"
                        "lxc.uts.name =\n",
                        "test"));
  EXPECT_EQ(get(c, "lxc.cap.drop"), "");
  EXPECT_EQ(get(c, "lxc.cgroup2"), "lxc.cgroup2.devices.deny = a\n");
  EXPECT_EQ(get(c, "lxc.uts.name"), "");
}

TEST(LoadText, ErrorsNameOriginLineAndKey) {
  Conf c;
  auto r = load_text(c, "lxc.uts.name = c1\n\n# x\nlxc.tty.max = four\n", "/var/lib/lxc/c1/config");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what.rfind("/var/lib/lxc/c1/config:4: lxc.tty.max: invalid value \"four\"", 0), 0u)
      << r.error().what;
  EXPECT_EQ(describe(r.error()), r.error().what) << "the message is complete without an errno text";
}

TEST(LoadText, LineNumbersCountBlankAndCrlfLines) {
  Conf c;
  auto r = load_text(c, "\r\n\r\n# c\r\nlxc.uts.name = c1\r\nlxc.bogus = 1\r\n", "f");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what.rfind("f:5: lxc.bogus: ", 0), 0u) << r.error().what;
}

TEST(LoadText, NonPrintableBytesAreEscapedInErrors) {
  Conf c;
  auto r = load_text(c, "lxc.uts.name = a\x1b[31mred\n", "f");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what.find('\x1b'), std::string::npos);
  EXPECT_NE(r.error().what.find("\\x1b"), std::string::npos) << r.error().what;
}

// ---- includes ------------------------------------------------------------------

TEST(Include, RelativeToTheIncludingFile) {
  TempDir d;
  d.file("shared/common.conf", "lxc.tty.max = 4\nlxc.include = more.conf\n");
  d.file("shared/more.conf", "lxc.pty.max = 1024\n");
  std::string top = d.file("c1/config", "lxc.include = ../shared/common.conf\nlxc.uts.name = c1\n");
  // Start somewhere else so the working directory cannot help.
  auto cwd = fs::current_path();
  fs::current_path("/");
  auto conf = read_config(top);
  fs::current_path(cwd);
  ASSERT_TRUE(conf) << conf.error().what;
  EXPECT_EQ(conf->tty_max, 4u);
  EXPECT_EQ(conf->pty_max, 1024u);
  EXPECT_EQ(conf->uts_name, "c1");
  EXPECT_EQ(conf->includes.size(), 2u);
}

TEST(Include, TextFromAFileResolvesAgainstThatFile) {
  // ConfigFile::from_text(content, path), as lxc-create reads default.conf.
  TempDir d;
  d.file("etc/common.conf", "lxc.tty.max = 4\n");
  std::string path = d.file("etc/default.conf", "lxc.include = common.conf\n");
  auto cwd = fs::current_path();
  fs::current_path("/");
  Conf c;
  auto r = load_text(c, "lxc.include = common.conf\n", path);
  fs::current_path(cwd);
  ASSERT_TRUE(r) << r.error().what;
  EXPECT_EQ(c.tty_max, 4u);
  // Including itself is a cycle, as through load_file.
  Conf c2;
  auto self = load_text(c2, "lxc.include = default.conf\n", path);
  ASSERT_FALSE(self);
  EXPECT_NE(self.error().what.find("include cycle"), std::string::npos) << self.error().what;
}

TEST(Include, DirectoryReadsConfFilesInSortedOrder) {
  TempDir d;
  d.file("conf.d/20-b.conf", "lxc.uts.name = b\nlxc.cap.drop = sys_time\n");
  d.file("conf.d/10-a.conf", "lxc.uts.name = a\nlxc.cap.drop = sys_module\n");
  d.file("conf.d/README", "not a config\n");
  d.file("conf.d/30-c.conf.disabled", "lxc.bogus = 1\n");
  d.file("conf.d/.conf", "lxc.bogus = 1\n");  // no name before .conf: skipped, as LXC does
  fs::create_directories(d.path() + "/conf.d/40-dir.conf");
  std::string top = d.file("config", "lxc.include = conf.d\n");
  auto conf = read_config(top);
  ASSERT_TRUE(conf) << conf.error().what;
  EXPECT_EQ(conf->uts_name, "b");
  EXPECT_EQ(get(*conf, "lxc.cap.drop"), "sys_module\nsys_time\n");
}

TEST(Include, MissingDropInDirectoryWithTrailingSlashIsNotAnError) {
  // userns.conf ends with lxc.include = /usr/share/lxc/config/userns.conf.d/,
  // a directory no package creates.
  TempDir d;
  std::string top = d.file("config", "lxc.include = " + d.path() + "/userns.conf.d/\nlxc.uts.name = c1\n");
  auto conf = read_config(top);
  ASSERT_TRUE(conf) << conf.error().what;
  EXPECT_EQ(conf->uts_name, "c1");
  // Without the slash it names a file, which must exist.
  std::string top2 = d.file("config2", "lxc.include = " + d.path() + "/userns.conf.d\n");
  EXPECT_FALSE(read_config(top2));
  // An existing directory with the slash is read.
  d.file("common.conf.d/a.conf", "lxc.tty.max = 3\n");
  std::string top3 = d.file("config3", "lxc.include = common.conf.d/\n");
  auto conf3 = read_config(top3);
  ASSERT_TRUE(conf3) << conf3.error().what;
  EXPECT_EQ(conf3->tty_max, 3u);
}

TEST(Include, EmptyValueIsIgnored) {
  Conf c;
  EXPECT_TRUE(load_text(c, "lxc.include =\n", "t"));
}

TEST(Include, SameFileTwiceIsNotACycle) {
  TempDir d;
  d.file("common.conf", "lxc.cap.drop = sys_module\n");
  std::string top = d.file("config", "lxc.include = common.conf\nlxc.include = common.conf\n");
  auto conf = read_config(top);
  ASSERT_TRUE(conf) << conf.error().what;
  EXPECT_EQ(get(*conf, "lxc.cap.drop"), "sys_module\n");
}

TEST(Include, CycleThroughASymlinkIsFound) {
  TempDir d;
  std::string top = d.file("a.conf", "lxc.include = link.conf\n");
  fs::create_symlink(top, d.path() + "/link.conf");
  auto conf = read_config(top);
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().what.find("include cycle"), std::string::npos) << conf.error().what;
}

TEST(Include, DeepNestingIsBounded) {
  TempDir d;
  for (int i = 0; i < 40; ++i)
    d.file("n" + std::to_string(i) + ".conf", "lxc.include = n" + std::to_string(i + 1) + ".conf\n");
  d.file("n40.conf", "lxc.tty.max = 1\n");
  auto conf = read_config(d.path() + "/n0.conf");
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().what.find("nested more than"), std::string::npos) << conf.error().what;
}

TEST(Include, StackIsResetAfterAnError) {
  TempDir d;
  std::string bad = d.file("bad.conf", "lxc.include = inc.conf\n");
  d.file("inc.conf", "lxc.tty.max = x\n");
  EXPECT_FALSE(read_config(bad));
  EXPECT_FALSE(read_config(bad)) << "the same error again, not a cycle";
  // A later, unrelated load must not see a stale include stack.
  d.file("inc3.conf", "lxc.tty.max = 2\n");
  std::string good = d.file("good.conf", "lxc.include = inc3.conf\n");
  auto conf = read_config(good);
  ASSERT_TRUE(conf) << conf.error().what;
  EXPECT_EQ(conf->tty_max, 2u);
  auto again = read_config(bad);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().what.find("cycle"), std::string::npos) << again.error().what;
}

// ---- the corpus of bad configurations -------------------------------------------

struct Expectation {
  std::string at;  // FILE:LINE, FILE relative to the corpus directory
  std::vector<std::string> contains;
};

Expectation read_expectation(const std::string& path) {
  Expectation e;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("at: ")) e.at = line.substr(4);
    if (line.starts_with("contains: ")) e.contains.push_back(line.substr(10));
  }
  return e;
}

// Every regular file below dir with its bytes and modification time.
std::map<std::string, std::pair<std::string, fs::file_time_type>> snapshot(const std::string& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[e.path().string()] = {e.is_regular_file() ? slurp(e.path().string()) : std::string(), e.last_write_time()};
  return out;
}

// Loads path with ConfigFile::load and checks the error against e; also
// checks that nothing under dir changed.
void expect_load_error(const std::string& dir, const std::string& path, const Expectation& e) {
  SCOPED_TRACE(path);
  auto before = snapshot(dir);
  auto f = ConfigFile::load(path);
  ASSERT_FALSE(f) << "loaded without error";
  const std::string& what = f.error().what;
  std::string where = dir + "/" + e.at + ": ";
  EXPECT_EQ(what.rfind(where, 0), 0u) << "expected to start with [" << where << "], got [" << what << "]";
  for (const auto& c : e.contains) EXPECT_NE(describe(f.error()).find(c), std::string::npos) << "[" << c << "] not in [" << describe(f.error()) << "]";
  EXPECT_LT(what.size(), 2000u) << "an error message should stay readable";
  EXPECT_EQ(snapshot(dir), before) << "a failed load changed files on disk";
}

TEST(BadConfigs, EveryCorpusFileFailsWithItsRecordedError) {
  TempDir d;
  fs::copy(LXCPP_TEST_DATA "/bad", d.path(), fs::copy_options::recursive);
  int n = 0;
  for (const auto& entry : fs::directory_iterator(d.path())) {
    if (entry.path().extension() != ".conf") continue;
    std::string expect = entry.path().string();
    expect.replace(expect.size() - 5, 5, ".expect");
    ASSERT_TRUE(fs::exists(expect)) << "no " << expect;
    Expectation e = read_expectation(expect);
    ASSERT_FALSE(e.at.empty()) << expect;
    expect_load_error(d.path(), entry.path().string(), e);
    ++n;
  }
  EXPECT_GE(n, 30);
}

TEST(BadConfigs, EveryExpectationHasItsConfig) {
  for (const auto& entry : fs::directory_iterator(LXCPP_TEST_DATA "/bad")) {
    if (entry.path().extension() != ".expect") continue;
    std::string conf = entry.path().string();
    conf.replace(conf.size() - 7, 7, ".conf");
    EXPECT_TRUE(fs::exists(conf)) << conf;
  }
}

TEST(BadConfigs, OneMebibyteLine) {
  TempDir d;
  std::string text = "lxc.uts.name = c1\nlxc.init.cmd = /sbin/init " + std::string(1 << 20, 'a') + "\n";
  std::string path = d.file("long-line.conf", text);
  expect_load_error(d.path(), path, {"long-line.conf:2", {"line too long", "1048602 bytes", "at most 65536"}});
}

TEST(BadConfigs, HundredThousandLinesWithTheErrorOnTheLast) {
  TempDir d;
  std::string text;
  for (int i = 0; i < 99'999; ++i)
    text += (i % 3 == 0) ? "# comment " + std::to_string(i) + "\n"
            : (i % 3 == 1) ? "lxc.environment = VAR" + std::to_string(i) + "=x\n"
                           : "lxc.tty.max = 4\n";
  text += "lxc.tty.max = 4O96\n";
  std::string path = d.file("big.conf", text);
  expect_load_error(d.path(), path, {"big.conf:100000", {"lxc.tty.max", "invalid value \"4O96\""}});

  // The same file without the mistake loads, and keeps every line.
  text.replace(text.rfind("4O96"), 4, "4096");
  text.replace(text.rfind("lxc.tty.max = 4096"), 18, "lxc.pty.max = 4096");
  std::string good = d.file("big-good.conf", text);
  auto f = ConfigFile::load(good);
  ASSERT_TRUE(f) << f.error().what;
  EXPECT_EQ(f->conf().environment.size(), 33'333u);
  EXPECT_EQ(f->conf().pty_max, 4096u);
  EXPECT_EQ(f->text(), text);
}

TEST(BadConfigs, BinaryFileWithoutNewlines) {
  TempDir d;
  std::string junk;
  for (int i = 0; i < 200'000; ++i) junk += static_cast<char>((i * 7919) % 251 + 1);  // no NUL
  std::erase(junk, '\n');
  std::string path = d.file("junk.conf", junk);
  auto f = ConfigFile::load(path);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().what.find("junk.conf:1: "), std::string::npos) << f.error().what;
}

TEST(BadConfigs, DirectoryGivenAsFile) {
  TempDir d;
  fs::create_directories(d.path() + "/config");
  auto f = ConfigFile::load(d.path() + "/config");
  ASSERT_FALSE(f);
  EXPECT_NE(describe(f.error()).find(d.path() + "/config"), std::string::npos) << describe(f.error());
  EXPECT_EQ(f.error().code, EISDIR);
  Conf c;
  EXPECT_FALSE(load_file(c, d.path() + "/config"));
}

TEST(BadConfigs, MissingFile) {
  auto f = ConfigFile::load("/nonexistent/lxcpp/config");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ENOENT);
  EXPECT_NE(describe(f.error()).find("/nonexistent/lxcpp/config"), std::string::npos);
}

TEST(BadConfigs, UnreadableFileAndInclude) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir d;
  std::string path = d.file("config", "lxc.uts.name = c1\n");
  ::chmod(path.c_str(), 0);
  auto f = ConfigFile::load(path);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, EACCES);
  EXPECT_NE(describe(f.error()).find("Permission denied"), std::string::npos) << describe(f.error());
  std::string inc = d.file("top.conf", "lxc.uts.name = c1\nlxc.include = config\n");
  expect_load_error(d.path(), inc, {"top.conf:2", {"lxc.include", "cannot read", "Permission denied"}});
}

}  // namespace
}  // namespace lxc::config
