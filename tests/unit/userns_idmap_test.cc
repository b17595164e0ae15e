// userns id maps: lxc-usernsexec's -m syntax, /etc/subuid parsing, -s's
// free-id choice, and writing the maps of a real child in a new user
// namespace (as root: directly; through newuidmap when it is installed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "base/file.h"
#include "base/spawn.h"
#include "base/strings.h"
#include "userns/idmap.h"

namespace lxc::userns {
namespace {

TEST(UsernsIdmap, ParseMapArg) {
  auto b = parse_map_arg("b:0:100000:65536");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0], (IdMap{'u', 0, 100000, 65536}));
  EXPECT_EQ((*b)[1], (IdMap{'g', 0, 100000, 65536}));
  auto u = parse_map_arg("u:1:190000:1");
  ASSERT_TRUE(u);
  ASSERT_EQ(u->size(), 1u);
  EXPECT_EQ((*u)[0], (IdMap{'u', 1, 190000, 1}));
  auto g = parse_map_arg("g:0:1000:1");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)[0].type, 'g');

  for (const char* bad :
       {"", "x:0:1:1", "u:0:1", "u:0:1:1:1", "u:a:1:1", "u:0:1:0", "u:-1:1:1", "u:0:4294967295:2", "b:0:100000:"}) {
    auto r = parse_map_arg(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, EINVAL);
    }
  }
}

TEST(UsernsIdmap, SubidRanges) {
  std::string text =
      "# comment\n"
      "alice:100000:65536\n"
      "bob:165536:65536\n"
      "1001:300000:10\n"
      "alice:500000:5\n"
      "broken line\n"
      "alice:x:5\n"
      "alice:1:0\n";
  auto a = subid_ranges(text, "alice", 1000);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (SubIdRange{100000, 65536}));
  EXPECT_EQ(a[1], (SubIdRange{500000, 5}));
  // newuidmap also takes the numeric uid.
  auto c = subid_ranges(text, "carol", 1001);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (SubIdRange{300000, 10}));
  EXPECT_TRUE(subid_ranges(text, "dave", 1002).empty());
  // A prefix of a name is not the name.
  EXPECT_TRUE(subid_ranges(text, "ali", 1003).empty());
}

TEST(UsernsIdmap, DefaultMapsUseTheFirstRanges) {
  char dir[] = "/tmp/userns-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string uidf = std::string(dir) + "/subuid", gidf = std::string(dir) + "/subgid";
  ASSERT_TRUE(write_file_atomic(uidf, "alice:100000:65536\nalice:900000:10\n"));
  ASSERT_TRUE(write_file_atomic(gidf, "alice:200000:1000\n"));
  auto m = default_maps("alice", 1000, uidf, gidf);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0], (IdMap{'u', 0, 100000, 65536}));
  EXPECT_EQ((*m)[1], (IdMap{'g', 0, 200000, 1000}));
  auto none = default_maps("bob", 1001, uidf, gidf);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ENOENT);
  ::unlink(uidf.c_str());
  ::unlink(gidf.c_str());
  ::rmdir(dir);
}

TEST(UsernsIdmap, SelfMapTakesTheFirstFreeId) {
  std::vector<IdMap> maps{{'u', 0, 100000, 65536}, {'g', 0, 100000, 100}, {'g', 100, 200000, 5}};
  add_self_maps(maps, 1000, 1001);
  ASSERT_EQ(maps.size(), 5u);
  EXPECT_EQ(maps[3], (IdMap{'u', 65536, 1000, 1}));
  EXPECT_EQ(maps[4], (IdMap{'g', 105, 1001, 1}));
  // Out of order maps still give a free id.
  std::vector<IdMap> odd{{'u', 10, 100010, 10}, {'u', 0, 100000, 10}};
  add_self_maps(odd, 5, 5);
  EXPECT_EQ(odd[2], (IdMap{'u', 20, 5, 1}));
  EXPECT_EQ(odd[3], (IdMap{'g', 0, 5, 1}));
  EXPECT_TRUE(maps_id(odd, 'u', 20));
  EXPECT_FALSE(maps_id(odd, 'u', 21));
}

TEST(UsernsIdmap, FormatMap) {
  std::vector<IdMap> maps{{'u', 0, 100000, 65536}, {'g', 0, 100000, 65536}, {'u', 65536, 1000, 1}};
  EXPECT_EQ(format_map(maps, 'u'), "0 100000 65536\n65536 1000 1\n");
  EXPECT_EQ(format_map(maps, 'g'), "0 100000 65536\n");
}

// A child in a new user namespace that waits for its maps, then reports its
// ids through the exit status (0: uid 0 and gid 0 and /proc shows the map).
struct Child {
  pid_t pid = -1;
  int go = -1;
};

Child spawn_userns_child(const std::string& want_uid_map) {
  int ready[2], go[2];
  if (::pipe(ready) < 0 || ::pipe(go) < 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(go[1]);
    if (::unshare(CLONE_NEWUSER) < 0) ::_exit(10);
    char c = 1;
    if (::write(ready[1], &c, 1) != 1) ::_exit(11);
    if (::read(go[0], &c, 1) != 1) ::_exit(12);
    auto map = read_file("/proc/self/uid_map");
    if (!map) ::_exit(13);
    // The kernel pads the columns; compare the numbers.
    if (join(split(*map, " \n"), " ") != join(split(want_uid_map, " \n"), " ")) ::_exit(14);
    if (::setresgid(0, 0, 0) < 0) ::_exit(15);
    if (::setresuid(0, 0, 0) < 0) ::_exit(16);
    ::_exit(::getuid() == 0 && ::getgid() == 0 ? 0 : 17);
  }
  ::close(ready[1]);
  ::close(go[0]);
  char c;
  if (::read(ready[0], &c, 1) != 1) {
    ::close(ready[0]);
    return {pid, go[1]};
  }
  ::close(ready[0]);
  return {pid, go[1]};
}

// Lets the child go on (or, with go = false, ends it) and returns its status.
int finish(Child c, bool go = true) {
  char b = 1;
  if (go)
    (void)::write(c.go, &b, 1);
  else
    ::kill(c.pid, SIGKILL);
  ::close(c.go);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(UsernsIdmap, WritesTheMapsOfARealChild) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  std::vector<IdMap> maps{{'u', 0, 100000, 65536}, {'g', 0, 100000, 65536}};
  Child c = spawn_userns_child("0 100000 65536");
  ASSERT_GT(c.pid, 0);
  auto r = write_id_maps(c.pid, maps);
  EXPECT_TRUE(r) << (r ? "" : describe(r.error()));
  EXPECT_EQ(finish(c), 0);
}

TEST(UsernsIdmap, ContainerMapsNeedBothTypes) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Child c = spawn_userns_child("");
  ASSERT_GT(c.pid, 0);
  auto r = write_container_id_maps(c.pid, {{'u', 0, 100000, 65536}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("no gid mapping"), std::string::npos) << r.error().what;
  finish(c, false);
}

TEST(UsernsIdmap, KernelRefusalIsAnError) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Child c = spawn_userns_child("");
  ASSERT_GT(c.pid, 0);
  // Overlapping ranges inside: the kernel says EINVAL.
  auto r = write_id_maps(c.pid, {{'u', 0, 100000, 10}, {'u', 5, 200000, 10}}, Writer::Direct);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EINVAL);
  EXPECT_NE(r.error().what.find("refused the uid map"), std::string::npos) << r.error().what;
  finish(c, false);
}

TEST(UsernsIdmap, HelperRefusalCarriesItsMessage) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (find_program("newuidmap").empty()) GTEST_SKIP() << "newuidmap is not installed";
  Child c = spawn_userns_child("");
  ASSERT_GT(c.pid, 0);
  // No /etc/subuid entry grants root 4000000000: newuidmap refuses.
  auto r = write_id_maps(c.pid, {{'u', 0, 4000000000u, 1}}, Writer::Helper);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("newuidmap"), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("not allowed"), std::string::npos) << r.error().what;
  finish(c, false);
}

}  // namespace
}  // namespace lxc::userns
