// ConfigFile: the typed Conf plus the file's own lines. set/get round-trip,
// save keeps comments and order, single-valued keys replace their line, list
// keys append, clear removes lines, and save is atomic.
#include "config/config_file.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

#include "base/file.h"
#include "config/keys.h"

namespace lxc::config {
namespace {

using test_util::TempDir;
using test_util::slurp;

namespace fs = std::filesystem;

std::string get(const ConfigFile& f, std::string_view key) {
  auto r = f.get_item(key);
  return r ? *r : "<error: " + r.error().what + ">";
}

constexpr std::string_view kConfig =
    "# Template used to create this container: /usr/share/lxc/templates/lxc-download\n"
    "# Parameters passed to the template: -d debian -r bookworm -a amd64\n"
    "\n"
    "# Distribution configuration\n"
    "lxc.arch = linux64\n"
    "\n"
    "# Container specific configuration\n"
    "lxc.rootfs.path = dir:/var/lib/lxc/c1/rootfs\n"
    "lxc.uts.name = c1\n"
    "lxc.cap.drop = sys_module\n"
    "\n"
    "# Network configuration\n"
    "lxc.net.0.type = veth\n"
    "lxc.net.0.link = lxcbr0\n"
    "lxc.net.0.flags = up\n"
    "lxc.net.0.hwaddr = 00:16:3e:12:34:56\n"
    "lxc.cgroup.dir = lxc/c1\n"
    "lxc.cgroup.devices.allow = c 1:3 rwm\n"
    "lxc.hook.version = 1\n"
    "lxc.hook.pre-start = /bin/true\n";

TEST(ConfigFile, LoadThenTextIsTheFileByteForByte) {
  TempDir d;
  std::string path = d.file("config", kConfig);
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(f->text(), kConfig);
  EXPECT_EQ(f->path(), path);
  ASSERT_TRUE(f->save());
  EXPECT_EQ(slurp(path), kConfig);
}

TEST(ConfigFile, SetThenGetRoundTrips) {
  auto f = ConfigFile::from_text(kConfig, "config");
  ASSERT_TRUE(f) << f.error().what;
  EXPECT_EQ(get(*f, "lxc.uts.name"), "c1");
  EXPECT_EQ(get(*f, "lxc.arch"), "x86_64");
  EXPECT_EQ(get(*f, "lxc.rootfs.path"), "/var/lib/lxc/c1/rootfs");
  ASSERT_TRUE(f->set_item("lxc.uts.name", "c2"));
  EXPECT_EQ(get(*f, "lxc.uts.name"), "c2");
  ASSERT_TRUE(f->set_item("lxc.signal.halt", "SIGPWR"));
  EXPECT_EQ(get(*f, "lxc.signal.halt"), std::to_string(SIGPWR));
  ASSERT_TRUE(f->set_item("lxc.net.1.type", "macvlan"));
  ASSERT_TRUE(f->set_item("lxc.net.1.macvlan.mode", "bridge"));
  EXPECT_EQ(get(*f, "lxc.net"), "0\n1\n");
  EXPECT_EQ(get(*f, "lxc.net.1.macvlan.mode"), "bridge");
  // The text reads back to the same values.
  auto g = ConfigFile::from_text(f->text(), "config");
  ASSERT_TRUE(g) << g.error().what;
  for (std::string_view k : {"lxc.uts.name", "lxc.signal.halt", "lxc.net", "lxc.net.1.type", "lxc.net.1.macvlan.mode",
                             "lxc.net.0.hwaddr", "lxc.cap.drop", "lxc.cgroup", "lxc.hook"})
    EXPECT_EQ(get(*g, k), get(*f, k)) << k;
}

TEST(ConfigFile, SingleValuedKeyReplacesItsLineInPlace) {
  auto f = ConfigFile::from_text(kConfig, "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.uts.name", "renamed"));
  std::string expected(kConfig);
  expected.replace(expected.find("lxc.uts.name = c1"), 17, "lxc.uts.name = renamed");
  EXPECT_EQ(f->text(), expected);
  ASSERT_TRUE(f->set_item("lxc.net.0.link", "br1"));
  expected.replace(expected.find("lxc.net.0.link = lxcbr0"), 23, "lxc.net.0.link = br1");
  EXPECT_EQ(f->text(), expected);
}

TEST(ConfigFile, EarlierDuplicatesOfASingleValuedKeyGo) {
  auto f = ConfigFile::from_text("lxc.uts.name = a\n# keep me\nlxc.uts.name = b\nlxc.tty.max = 4\n", "config");
  ASSERT_TRUE(f);
  EXPECT_EQ(get(*f, "lxc.uts.name"), "b");
  ASSERT_TRUE(f->set_item("lxc.uts.name", "c"));
  EXPECT_EQ(f->text(), "# keep me\nlxc.uts.name = c\nlxc.tty.max = 4\n");
}

TEST(ConfigFile, NewKeyIsAppended) {
  auto f = ConfigFile::from_text("# only a comment", "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.uts.name", "c1"));
  EXPECT_EQ(f->text(), "# only a comment\nlxc.uts.name = c1\n");
}

TEST(ConfigFile, ListKeysAppend) {
  auto f = ConfigFile::from_text(kConfig, "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.cap.drop", "sys_time"));
  ASSERT_TRUE(f->set_item("lxc.cgroup.devices.allow", "c 1:5 rwm"));
  ASSERT_TRUE(f->set_item("lxc.net.0.ipv4.address", "10.0.3.5/24"));
  ASSERT_TRUE(f->set_item("lxc.hook.pre-start", "/bin/false"));
  EXPECT_EQ(get(*f, "lxc.cap.drop"), "sys_module\nsys_time\n");
  EXPECT_EQ(get(*f, "lxc.cgroup.devices.allow"), "c 1:3 rwm\nc 1:5 rwm\n");
  EXPECT_EQ(get(*f, "lxc.hook.pre-start"), "/bin/true\n/bin/false\n");
  EXPECT_EQ(f->text(), std::string(kConfig) +
                           "lxc.cap.drop = sys_time\n"
                           "lxc.cgroup.devices.allow = c 1:5 rwm\n"
                           "lxc.net.0.ipv4.address = 10.0.3.5/24\n"
                           "lxc.hook.pre-start = /bin/false\n");
}

TEST(ConfigFile, ClearRemovesLines) {
  auto f = ConfigFile::from_text(kConfig, "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->clear_item("lxc.uts.name"));
  EXPECT_EQ(get(*f, "lxc.uts.name"), "");
  EXPECT_EQ(f->text().find("lxc.uts.name"), std::string::npos);
  // A prefix clears every key of its row below it, and keeps keys with rows
  // of their own (lxc.cgroup.dir, lxc.hook.version).
  ASSERT_TRUE(f->clear_item("lxc.cgroup"));
  ASSERT_TRUE(f->clear_item("lxc.hook"));
  EXPECT_EQ(f->text().find("lxc.cgroup.devices"), std::string::npos);
  EXPECT_EQ(f->text().find("lxc.hook.pre-start"), std::string::npos);
  EXPECT_NE(f->text().find("lxc.cgroup.dir = lxc/c1\n"), std::string::npos);
  EXPECT_NE(f->text().find("lxc.hook.version = 1\n"), std::string::npos);
  EXPECT_EQ(get(*f, "lxc.cgroup.dir"), "lxc/c1");
  EXPECT_EQ(get(*f, "lxc.hook.version"), "1");
  // A single entry covers only itself, even when another entry's name
  // starts with it.
  auto e = ConfigFile::from_text("lxc.cgroup2.io.max = 1\nlxc.cgroup2.io.max.x = 2\n", "config");
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->clear_item("lxc.cgroup2.io.max"));
  EXPECT_EQ(e->text(), "lxc.cgroup2.io.max.x = 2\n");
  EXPECT_EQ(get(*e, "lxc.cgroup2"), "lxc.cgroup2.io.max.x = 2\n");
  // lxc.net.0 takes the whole interface.
  ASSERT_TRUE(f->clear_item("lxc.net.0"));
  EXPECT_EQ(f->text().find("lxc.net.0"), std::string::npos);
  EXPECT_EQ(get(*f, "lxc.net"), "");
  // Comments stay, including the one about the network.
  EXPECT_NE(f->text().find("# Network configuration\n"), std::string::npos);
  // Setting an empty value clears too.
  ASSERT_TRUE(f->set_item("lxc.cap.drop", ""));
  EXPECT_EQ(f->text().find("lxc.cap.drop"), std::string::npos);
  // What is left reads back the same.
  auto g = ConfigFile::from_text(f->text(), "config");
  ASSERT_TRUE(g) << g.error().what;
  for (std::string_view k : {"lxc.uts.name", "lxc.cgroup", "lxc.cgroup.dir", "lxc.hook", "lxc.net", "lxc.cap.drop"})
    EXPECT_EQ(get(*g, k), get(*f, k)) << k;
}

TEST(ConfigFile, SettingTheNetTypeStartsTheInterfaceAfresh) {
  auto f = ConfigFile::from_text(
      "lxc.net.0.type = veth\nlxc.net.0.veth.pair = vethc1\n# eth0\nlxc.net.0.link = br0\nlxc.net.1.type = phys\n",
      "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.net.0.type", "macvlan"));
  EXPECT_EQ(f->text(), "lxc.net.0.type = macvlan\n# eth0\nlxc.net.1.type = phys\n");
  EXPECT_EQ(get(*f, "lxc.net.0.link"), "");
  auto g = ConfigFile::from_text(f->text(), "config");
  ASSERT_TRUE(g) << g.error().what;
  ASSERT_TRUE(f->clear_item("lxc.net.1.type"));
  EXPECT_EQ(get(*f, "lxc.net"), "0\n");
  EXPECT_EQ(f->text().find("lxc.net.1"), std::string::npos);
}

TEST(ConfigFile, ValuesThatTheParserWouldChangeAreWrittenInQuotes) {
  auto f = ConfigFile::from_text("", "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.init.cmd", " /sbin/init "));
  ASSERT_TRUE(f->set_item("lxc.init.cwd", "\"/quoted\""));
  ASSERT_TRUE(f->set_item("lxc.execute.cmd", "plain \"inner\" quotes"));
  EXPECT_EQ(f->text(),
            "lxc.init.cmd = \" /sbin/init \"\n"
            "lxc.init.cwd = \"\"/quoted\"\"\n"
            "lxc.execute.cmd = plain \"inner\" quotes\n");
  auto g = ConfigFile::from_text(f->text(), "config");
  ASSERT_TRUE(g) << g.error().what;
  EXPECT_EQ(get(*g, "lxc.init.cmd"), " /sbin/init ");
  EXPECT_EQ(get(*g, "lxc.init.cwd"), "\"/quoted\"");
  EXPECT_EQ(get(*g, "lxc.execute.cmd"), "plain \"inner\" quotes");
}

TEST(ConfigFile, ALineThatTheTypeResetIsNotReplacedInPlace) {
  // As in LXC, the type line resets lxc.net.0.link = a; setting the link
  // again must not put the new value where the type would reset it too.
  auto f = ConfigFile::from_text("lxc.net.0.link = a\nlxc.net.0.type = veth\n# end\n", "config");
  ASSERT_TRUE(f);
  EXPECT_EQ(get(*f, "lxc.net.0.link"), "");
  ASSERT_TRUE(f->set_item("lxc.net.0.link", "b"));
  EXPECT_EQ(f->text(), "lxc.net.0.type = veth\n# end\nlxc.net.0.link = b\n");
  auto g = ConfigFile::from_text(f->text(), "config");
  ASSERT_TRUE(g);
  EXPECT_EQ(get(*g, "lxc.net.0.link"), "b");
}

TEST(ConfigFile, ALineThatAnIncludeFollowsIsNotReplacedInPlace) {
  TempDir d;
  d.file("common.conf", "lxc.tty.max = 4\n");
  std::string path = d.file("config", "lxc.tty.max = 2\nlxc.include = common.conf\n");
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  EXPECT_EQ(get(*f, "lxc.tty.max"), "4");
  ASSERT_TRUE(f->set_item("lxc.tty.max", "8"));
  EXPECT_EQ(f->text(), "lxc.include = common.conf\nlxc.tty.max = 8\n");
  ASSERT_TRUE(f->save());
  auto g = ConfigFile::load(path);
  ASSERT_TRUE(g);
  EXPECT_EQ(get(*g, "lxc.tty.max"), "8");
}

TEST(ConfigFile, ClearingWhatAnIncludeSetsIsRecorded) {
  TempDir d;
  d.file("common.conf", "lxc.tty.max = 4\nlxc.cap.drop = sys_module\n");
  std::string path = d.file("config", "lxc.include = common.conf\nlxc.tty.max = 2\n");
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->clear_item("lxc.tty.max"));
  ASSERT_TRUE(f->clear_item("lxc.cap.drop"));
  EXPECT_EQ(f->text(), "lxc.include = common.conf\nlxc.tty.max =\nlxc.cap.drop =\n");
  ASSERT_TRUE(f->save());
  auto g = ConfigFile::load(path);
  ASSERT_TRUE(g);
  EXPECT_EQ(get(*g, "lxc.tty.max"), "0");
  EXPECT_EQ(get(*g, "lxc.cap.drop"), "");
}

TEST(ConfigFile, ClearingIncludesDropsWhatTheyHadSet) {
  TempDir d;
  d.file("common.conf", "lxc.tty.max = 4\nlxc.net.0.type = veth\n");
  std::string path = d.file("config", "lxc.include = common.conf\nlxc.uts.name = c1\n");
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  EXPECT_EQ(get(*f, "lxc.tty.max"), "4");
  ASSERT_TRUE(f->clear_item("lxc.include"));
  EXPECT_EQ(f->text(), "lxc.uts.name = c1\n");
  EXPECT_EQ(get(*f, "lxc.tty.max"), "0");
  EXPECT_EQ(get(*f, "lxc.net"), "");
  EXPECT_EQ(get(*f, "lxc.uts.name"), "c1");
  // When the rest needs what an include set, the clear is refused.
  std::string path2 = d.file("config2", "lxc.include = common.conf\nlxc.net.0.veth.pair = v1\n");
  auto f2 = ConfigFile::load(path2);
  ASSERT_TRUE(f2) << describe(f2.error());
  EXPECT_FALSE(f2->clear_item("lxc.include"));
  EXPECT_EQ(f2->text(), "lxc.include = common.conf\nlxc.net.0.veth.pair = v1\n");
  EXPECT_EQ(get(*f2, "lxc.tty.max"), "4");
}

TEST(ConfigFile, InterfaceIndicesMatchByNumber) {
  // LXC reads lxc.net.00.link as lxc.net.0.link; so do set and clear.
  auto f = ConfigFile::from_text("lxc.net.00.type = veth\nlxc.net.0.link = br0\n", "config");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.net.000.link", "br1"));
  EXPECT_EQ(f->text(), "lxc.net.00.type = veth\nlxc.net.0.link = br1\n");
  ASSERT_TRUE(f->clear_item("lxc.net.00"));
  EXPECT_EQ(f->text(), "");
  EXPECT_EQ(get(*f, "lxc.net"), "");
}

TEST(ConfigFile, ClearingTheLastSettingOfAnInterfaceRemovesItsLines) {
  auto f = ConfigFile::from_text("lxc.net.0.l2proxy = 0\nlxc.net.0.link = br0\n", "config");
  ASSERT_TRUE(f);
  EXPECT_EQ(get(*f, "lxc.net"), "0\n");
  ASSERT_TRUE(f->clear_item("lxc.net.0.link"));
  EXPECT_EQ(get(*f, "lxc.net"), "") << "nothing is set any more";
  EXPECT_EQ(f->text(), "") << "so the l2proxy line goes too";
}

TEST(ConfigFile, FailedSetChangesNothing) {
  auto f = ConfigFile::from_text(kConfig, "config");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->set_item("lxc.uts.name", "has space"));
  EXPECT_FALSE(f->set_item("lxc.nope", "1"));
  EXPECT_FALSE(f->set_item("lxc.net.0.macvlan.mode", "bridge"));
  EXPECT_FALSE(f->set_item("lxc.init.cmd", "/sbin/init\nlxc.bogus = 1"));
  EXPECT_FALSE(f->clear_item("lxc.nope"));
  EXPECT_EQ(f->text(), kConfig);
  EXPECT_EQ(get(*f, "lxc.uts.name"), "c1");
}

TEST(ConfigFile, IncludedKeysStayInTheirFile) {
  TempDir d;
  std::string common = d.file("common.conf", "lxc.tty.max = 4\nlxc.cap.drop = sys_module\n");
  std::string path = d.file("config", "lxc.include = common.conf\nlxc.uts.name = c1\n");
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(get(*f, "lxc.tty.max"), "4");
  ASSERT_TRUE(f->set_item("lxc.tty.max", "2"));
  ASSERT_TRUE(f->save());
  EXPECT_EQ(slurp(path), "lxc.include = common.conf\nlxc.uts.name = c1\nlxc.tty.max = 2\n");
  EXPECT_EQ(slurp(common), "lxc.tty.max = 4\nlxc.cap.drop = sys_module\n");
  auto g = ConfigFile::load(path);
  ASSERT_TRUE(g);
  EXPECT_EQ(get(*g, "lxc.tty.max"), "2");
}

TEST(ConfigFile, SaveKeepsCommentsOrderAndOddSpacing) {
  TempDir d;
  std::string text =
      "   # indented comment\r\n"
      "lxc.uts.name=c1\r\n"
      "\t\n"
      "lxc.init.cmd = '/sbin/init --x'\n"
      "lxc.tty.max   =    4\n"
      "# trailing comment";
  std::string path = d.file("config", text);
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f) << describe(f.error());
  EXPECT_EQ(get(*f, "lxc.init.cmd"), "/sbin/init --x");
  ASSERT_TRUE(f->set_item("lxc.pty.max", "1024"));
  ASSERT_TRUE(f->save());
  EXPECT_EQ(slurp(path),
            "   # indented comment\r\n"
            "lxc.uts.name=c1\r\n"
            "\t\n"
            "lxc.init.cmd = '/sbin/init --x'\n"
            "lxc.tty.max   =    4\n"
            "# trailing comment\n"
            "lxc.pty.max = 1024\n");
}

TEST(ConfigFile, SaveToAnotherPath) {
  TempDir d;
  std::string path = d.file("config", kConfig);
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.uts.name", "copy"));
  ASSERT_TRUE(f->save(d.path() + "/copy"));
  EXPECT_EQ(slurp(path), kConfig) << "the original is untouched";
  auto g = ConfigFile::load(d.path() + "/copy");
  ASSERT_TRUE(g);
  EXPECT_EQ(get(*g, "lxc.uts.name"), "copy");
  auto unsaved = ConfigFile::from_text("lxc.uts.name = x\n", "");
  ASSERT_TRUE(unsaved);
  EXPECT_FALSE(unsaved->save()) << "no path to save to";
}

TEST(ConfigFile, SaveIsAtomicAndLeavesNoTemporaryFiles) {
  TempDir d;
  std::string path = d.file("config", kConfig);
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // A reader that opened the old file keeps reading the old content: save
  // writes a new file and renames it over, it does not rewrite in place.
  std::ifstream old_reader(path, std::ios::binary);
  ASSERT_TRUE(f->set_item("lxc.uts.name", "c2"));
  ASSERT_TRUE(f->save());
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino) << "replaced by rename";
  std::stringstream old_content;
  old_content << old_reader.rdbuf();
  EXPECT_EQ(old_content.str(), kConfig);
  EXPECT_EQ(slurp(path), f->text());
  EXPECT_EQ(d.entries(), std::vector<std::string>{"config"}) << "no temporary file left behind";
}

TEST(ConfigFile, ReadersNeverSeeAHalfWrittenFile) {
  TempDir d;
  // Two versions, large enough that a non-atomic write would be observed.
  std::string a, b;
  for (int i = 0; i < 2000; ++i) a += "lxc.environment = A" + std::to_string(i) + "=1\n";
  for (int i = 0; i < 3000; ++i) b += "lxc.environment = B" + std::to_string(i) + "=2\n";
  std::string path = d.file("config", a);
  auto fa = ConfigFile::from_text(a, path);
  auto fb = ConfigFile::from_text(b, path);
  ASSERT_TRUE(fa && fb);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      auto text = read_file(path);
      if (!text) continue;  // never: the path always names a complete file
      ++reads;
      if (*text != a && *text != b) ++torn;
    }
  });
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((i % 2 ? fa : fb)->save());
  done = true;
  reader.join();
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_GT(reads, 0);
  EXPECT_EQ(d.entries(), std::vector<std::string>{"config"});
}

TEST(ConfigFile, FailedSaveLeavesTheOldFile) {
  TempDir d;
  std::string path = d.file("config", kConfig);
  auto f = ConfigFile::load(path);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->set_item("lxc.uts.name", "c2"));
  EXPECT_FALSE(f->save(d.path() + "/no/such/dir/config"));
  // A directory in the way of the rename: the temporary file goes away again.
  fs::create_directories(d.path() + "/taken/sub");
  EXPECT_FALSE(f->save(d.path() + "/taken"));
  EXPECT_EQ(slurp(path), kConfig);
  EXPECT_EQ(d.entries(), (std::vector<std::string>{"config", "taken"}));
}

TEST(ConfigFile, LoadOfABadFileChangesNothing) {
  TempDir d;
  std::string text = std::string(kConfig) + "lxc.utsname = legacy\n";
  std::string path = d.file("config", text);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  auto f = ConfigFile::load(path);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().what.find(path + ":21: lxc.utsname"), std::string::npos) << f.error().what;
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(slurp(path), text);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(d.entries(), std::vector<std::string>{"config"});
}

}  // namespace
}  // namespace lxc::config
