// Cgroup operations against temporary directories standing in for the
// hierarchies: names, suffixes, nesting, removal, settings routing and
// errors, freezer files, delegation writes. No root, no cgroupfs: control
// files a test needs are created by the test (cgroupfs would provide them).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/file.h"
#include "cgroups/cgroup.h"

namespace lxc::cgroups {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/lxcpp-cgtree-XXXXXX";
    if (char* p = ::mkdtemp(tmpl)) path = p;
  }
  ~TempDir() {
    std::error_code ec;
    stdfs::remove_all(path, ec);
  }
};

void touch(const std::string& path, std::string_view content = "") {
  std::ofstream f(path);
  f << content;
}

std::string slurp(const std::string& path) {
  auto r = read_file(path);
  return r ? *r : "<missing>";
}

bool isdir(const std::string& p) { return stdfs::is_directory(p); }

class CgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp.path.empty());
    for (const char* d : {"memory", "freezer", "devices", "unified"}) stdfs::create_directory(tmp.path + "/" + d);
  }
  // A hybrid host made of the temp dirs.
  Host hybrid() const {
    Host h;
    h.layout = Layout::Hybrid;
    h.hierarchies = {{1, tmp.path + "/memory", {"memory"}, ""},
                     {1, tmp.path + "/freezer", {"freezer"}, ""},
                     {1, tmp.path + "/devices", {"devices"}, ""},
                     {2, tmp.path + "/unified", {}, ""}};
    return h;
  }
  Cgroup plan(const config::Conf& conf, std::string_view name = "c1", Host host = {}) {
    if (host.hierarchies.empty()) host = hybrid();
    auto cg = Cgroup::plan(std::move(host), conf, name);
    EXPECT_TRUE(cg) << (cg ? "" : describe(cg.error()));
    return std::move(*cg);
  }
  std::string p(std::string_view rel) const { return tmp.path + "/" + std::string(rel); }
  TempDir tmp;
};

#define ASSERT_OK(expr)                                                  \
  do {                                                                   \
    const auto& r_ = (expr);                                            \
    ASSERT_TRUE(r_) << #expr << ": " << (r_ ? "" : describe(r_.error())); \
  } while (0)

TEST_F(CgroupTree, CreateAndDestroyDefaultNames) {
  config::Conf conf;
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_monitor());
  ASSERT_OK(cg.create_payload());
  for (const char* h : {"memory", "freezer", "devices", "unified"}) {
    EXPECT_TRUE(isdir(p(std::string(h) + "/lxc.payload.c1"))) << h;
    EXPECT_TRUE(isdir(p(std::string(h) + "/lxc.monitor.c1"))) << h;
  }
  EXPECT_EQ(cg.nodes()[0].payload, "lxc.payload.c1");
  EXPECT_EQ(cg.nodes()[0].limit, "lxc.payload.c1");
  EXPECT_EQ(cg.payload_dir("memory"), p("memory/lxc.payload.c1"));
  EXPECT_EQ(cg.payload_dir(), p("unified/lxc.payload.c1"));
  // A second create is refused, not a second set of directories.
  EXPECT_FALSE(cg.create_payload());

  // The container made a sub-cgroup of its own: removed depth-first.
  stdfs::create_directories(p("memory/lxc.payload.c1/init.scope/deeper"));
  ASSERT_OK(cg.destroy());
  for (const char* h : {"memory", "freezer", "devices", "unified"}) {
    EXPECT_FALSE(stdfs::exists(p(std::string(h) + "/lxc.payload.c1"))) << h;
    EXPECT_FALSE(stdfs::exists(p(std::string(h) + "/lxc.monitor.c1"))) << h;
  }
  ASSERT_OK(cg.destroy());  // idempotent
}

TEST_F(CgroupTree, StaleNameGetsSuffixInEveryHierarchy) {
  stdfs::create_directory(p("unified/lxc.payload.c1"));  // stale, in one hierarchy only
  stdfs::create_directory(p("memory/lxc.monitor.c1"));
  stdfs::create_directory(p("memory/lxc.monitor.c1-1"));
  config::Conf conf;
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_monitor());
  ASSERT_OK(cg.create_payload());
  for (const char* h : {"memory", "freezer", "devices", "unified"}) {
    EXPECT_TRUE(isdir(p(std::string(h) + "/lxc.payload.c1-1"))) << h;
    EXPECT_TRUE(isdir(p(std::string(h) + "/lxc.monitor.c1-2"))) << h;
  }
  // The attempts with taken names were undone everywhere.
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.payload.c1")));
  EXPECT_FALSE(stdfs::exists(p("unified/lxc.monitor.c1")));
  ASSERT_OK(cg.destroy());
  // Only what we made is gone; the stale ones are not ours.
  EXPECT_TRUE(isdir(p("unified/lxc.payload.c1")));
  EXPECT_TRUE(isdir(p("memory/lxc.monitor.c1")));
  EXPECT_TRUE(isdir(p("memory/lxc.monitor.c1-1")));
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.payload.c1-1")));
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.monitor.c1-2")));
}

TEST_F(CgroupTree, ExplicitDirTakenIsAnErrorAndLeavesNothing) {
  stdfs::create_directory(p("devices/ct"));
  config::Conf conf;
  conf.cgroup_dir_container = "ct";
  conf.cgroup_dir_monitor = "mon";
  Cgroup cg = plan(conf);
  auto r = cg.create_payload();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EEXIST);
  EXPECT_NE(r.error().what.find("devices/ct"), std::string::npos) << r.error().what;
  EXPECT_FALSE(stdfs::exists(p("memory/ct")));
  EXPECT_FALSE(stdfs::exists(p("freezer/ct")));
  EXPECT_TRUE(isdir(p("devices/ct")));
  ASSERT_OK(cg.destroy());
  EXPECT_TRUE(isdir(p("devices/ct")));
}

TEST_F(CgroupTree, CgroupDirParentsWeCreatedAreRemoved) {
  stdfs::create_directory(p("memory/a"));  // someone else's
  config::Conf conf;
  conf.cgroup_dir = "a/b";
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_monitor());
  ASSERT_OK(cg.create_payload());
  EXPECT_TRUE(isdir(p("memory/a/b/lxc.payload.c1")));
  EXPECT_TRUE(isdir(p("freezer/a/b/lxc.monitor.c1")));
  EXPECT_EQ(cg.nodes()[0].payload_top, "a/b/lxc.payload.c1");  // a/b came with the monitor
  EXPECT_EQ(cg.nodes()[0].monitor_top, "a/b");
  EXPECT_EQ(cg.nodes()[1].monitor_top, "a");
  ASSERT_OK(cg.destroy());
  EXPECT_TRUE(isdir(p("memory/a")));  // not ours: stays
  EXPECT_FALSE(stdfs::exists(p("memory/a/b")));
  EXPECT_FALSE(stdfs::exists(p("freezer/a")));
  EXPECT_FALSE(stdfs::exists(p("unified/a")));
}

TEST_F(CgroupTree, InnerCgroup) {
  config::Conf conf;
  conf.cgroup_dir_container = "ct/payload";
  conf.cgroup_dir_monitor = "ct/monitor";
  conf.cgroup_dir_container_inner = "ns";
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_monitor());
  ASSERT_OK(cg.create_payload());
  EXPECT_EQ(cg.nodes()[0].payload, "ct/payload/ns");
  EXPECT_EQ(cg.nodes()[0].limit, "ct/payload");
  EXPECT_TRUE(isdir(p("memory/ct/payload/ns")));
  // Limits go to the outer directory, processes to the inner one.
  touch(p("memory/ct/payload/memory.limit_in_bytes"));
  touch(p("memory/ct/payload/ns/cgroup.procs"));
  touch(p("memory/ct/payload/ns/memory.limit_in_bytes"));  // must stay untouched
  for (const char* h : {"freezer", "devices", "unified"}) touch(p(std::string(h) + "/ct/payload/ns/cgroup.procs"));
  ASSERT_OK(cg.enter_payload(4242));
  EXPECT_EQ(slurp(p("memory/ct/payload/ns/cgroup.procs")), "4242");
  ASSERT_OK(cg.set("memory.limit_in_bytes", "64M"));
  EXPECT_EQ(slurp(p("memory/ct/payload/memory.limit_in_bytes")), "64M");
  EXPECT_EQ(slurp(p("memory/ct/payload/ns/memory.limit_in_bytes")), "");
  for (const char* f : {"memory/ct/payload/memory.limit_in_bytes", "memory/ct/payload/ns/cgroup.procs",
                        "memory/ct/payload/ns/memory.limit_in_bytes", "freezer/ct/payload/ns/cgroup.procs",
                        "devices/ct/payload/ns/cgroup.procs", "unified/ct/payload/ns/cgroup.procs"})
    stdfs::remove(p(f));
  ASSERT_OK(cg.destroy());
  for (const char* h : {"memory", "freezer", "devices", "unified"}) EXPECT_FALSE(stdfs::exists(p(std::string(h) + "/ct")));
}

TEST_F(CgroupTree, SettingsRoutingAndErrors) {
  config::Conf conf;
  conf.cgroup_v1 = {{"memory.memsw.limit_in_bytes", "256M"},
                    {"memory.limit_in_bytes", "128M"},
                    {"devices.deny", "a"},
                    {"devices.allow", "/dev/null rw"}};
  conf.cgroup_v2 = {{"memory.max", "1G"}};  // ignored on a host with v1 controllers, as LXC
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_payload());
  touch(p("memory/lxc.payload.c1/memory.limit_in_bytes"));
  touch(p("memory/lxc.payload.c1/memory.memsw.limit_in_bytes"));
  touch(p("devices/lxc.payload.c1/devices.deny"));
  touch(p("devices/lxc.payload.c1/devices.allow"));
  ASSERT_OK(cg.apply_settings(Stage::Limits));
  EXPECT_EQ(slurp(p("memory/lxc.payload.c1/memory.limit_in_bytes")), "128M");
  EXPECT_EQ(slurp(p("memory/lxc.payload.c1/memory.memsw.limit_in_bytes")), "256M");
  EXPECT_EQ(slurp(p("devices/lxc.payload.c1/devices.deny")), "");  // devices wait for their stage
  ASSERT_OK(cg.apply_settings(Stage::Devices));
  EXPECT_EQ(slurp(p("devices/lxc.payload.c1/devices.deny")), "a");
  struct stat st {};
  if (::stat("/dev/null", &st) == 0) {
    EXPECT_EQ(slurp(p("devices/lxc.payload.c1/devices.allow")), "c 1:3 rw");
  }

  // A controller no hierarchy has.
  config::Conf unknown;
  unknown.cgroup_v1 = {{"hugetlb.2MB.limit_in_bytes", "0"}};
  Cgroup cg2 = plan(unknown, "c2");
  ASSERT_OK(cg2.create_payload());
  auto r = cg2.apply_settings(Stage::Limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("lxc.cgroup.hugetlb.2MB.limit_in_bytes"), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("\"0\""), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("no cgroup v1 hierarchy has the hugetlb controller"), std::string::npos);

  // A file the kernel does not have: the error names key, value and file.
  config::Conf missing;
  missing.cgroup_v1 = {{"memory.bogus_file", "12"}};
  Cgroup cg3 = plan(missing, "c3");
  ASSERT_OK(cg3.create_payload());
  r = cg3.apply_settings(Stage::Limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_NE(r.error().what.find("lxc.cgroup.memory.bogus_file = \"12\""), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find(p("memory/lxc.payload.c3/memory.bogus_file")), std::string::npos) << r.error().what;

  for (const char* f : {"memory/lxc.payload.c1/memory.limit_in_bytes", "memory/lxc.payload.c1/memory.memsw.limit_in_bytes",
                        "devices/lxc.payload.c1/devices.deny", "devices/lxc.payload.c1/devices.allow"})
    stdfs::remove(p(f));
  ASSERT_OK(cg.destroy());
  ASSERT_OK(cg2.destroy());
  ASSERT_OK(cg3.destroy());
}

TEST_F(CgroupTree, UnifiedIgnoresV1SettingsAndDelegatesControllers) {
  stdfs::create_directory(p("u"));
  touch(p("u/cgroup.subtree_control"));
  Host host;
  host.layout = Layout::Unified;
  host.hierarchies = {{2, p("u"), {"cpu", "memory"}, ""}};
  config::Conf conf;
  conf.cgroup_v1 = {{"memory.limit_in_bytes", "1"}};  // ignored on cgroup2-only
  conf.cgroup_v2 = {{"memory.max", "1G"}, {"pids.max", "10"}};
  Cgroup cg = plan(conf, "c1", host);
  ASSERT_OK(cg.create_payload());
  // The base enabled the controllers, one write each (the last one remains in a plain file).
  EXPECT_EQ(slurp(p("u/cgroup.subtree_control")), "+memory");
  ASSERT_OK(cg.apply_settings(Stage::Limits));
  touch(p("u/lxc.payload.c1/memory.max"));
  auto r = cg.apply_settings(Stage::Devices);
  ASSERT_FALSE(r);  // pids.max does not exist here: the pids controller is not available
  EXPECT_NE(r.error().what.find("lxc.cgroup2.pids.max = \"10\""), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().what.find("pids controller is not available"), std::string::npos) << r.error().what;
  EXPECT_EQ(slurp(p("u/lxc.payload.c1/memory.max")), "1G");
  stdfs::remove(p("u/lxc.payload.c1/memory.max"));
  ASSERT_OK(cg.destroy());
  EXPECT_FALSE(stdfs::exists(p("u/lxc.payload.c1")));
}

TEST_F(CgroupTree, FreezerFilesAndGetSet) {
  config::Conf conf;
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_payload());
  // Plain files keep a longer old content past the new one (cgroupfs files
  // do not): the fakes start empty or are read trimmed.
  touch(p("freezer/lxc.payload.c1/freezer.state"), "THAWED");
  auto frozen = cg.is_frozen();
  ASSERT_TRUE(frozen);
  EXPECT_FALSE(*frozen);
  ASSERT_OK(cg.freeze(100ms));
  EXPECT_EQ(slurp(p("freezer/lxc.payload.c1/freezer.state")), "FROZEN");  // 6 bytes over 6
  EXPECT_TRUE(*cg.is_frozen());
  ASSERT_OK(cg.thaw(100ms));
  EXPECT_FALSE(*cg.is_frozen());

  touch(p("memory/lxc.payload.c1/memory.limit_in_bytes"), "9223372036854771712\n");
  auto v = cg.get("memory.limit_in_bytes");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "9223372036854771712\n");
  touch(p("memory/lxc.payload.c1/memory.limit_in_bytes"));
  ASSERT_OK(cg.set("memory.limit_in_bytes", "100M"));
  EXPECT_EQ(slurp(p("memory/lxc.payload.c1/memory.limit_in_bytes")), "100M");
  EXPECT_FALSE(cg.get("../../etc/passwd"));
  EXPECT_FALSE(cg.get("memory.nothing"));
  // Hybrid: a controller without a v1 hierarchy is looked up in cgroup2.
  touch(p("unified/lxc.payload.c1/cgroup.freeze"), "0\n");
  EXPECT_EQ(*cg.get("cgroup.freeze"), "0\n");

  touch(p("memory/lxc.payload.c1/memory.usage_in_bytes"), "4096\n");
  touch(p("unified/lxc.payload.c1/cpu.stat"), "usage_usec 7\nuser_usec 5\n");
  auto s = cg.stats();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->memory_bytes, 4096u);
  EXPECT_EQ(s->cpu_ns, 7000u);  // no cpuacct v1 hierarchy here: cgroup2's cpu.stat
  EXPECT_EQ(s->cpu_user_ns, 5000u);
  EXPECT_EQ(s->cpu_system_ns, std::nullopt);
  EXPECT_EQ(s->pids, std::nullopt);
  EXPECT_EQ(s->blkio_bytes, std::nullopt);

  for (const char* f : {"freezer/lxc.payload.c1/freezer.state", "memory/lxc.payload.c1/memory.limit_in_bytes",
                        "unified/lxc.payload.c1/cgroup.freeze", "memory/lxc.payload.c1/memory.usage_in_bytes",
                        "unified/lxc.payload.c1/cpu.stat"})
    stdfs::remove(p(f));
  ASSERT_OK(cg.destroy());
}

TEST_F(CgroupTree, ChownForDelegation) {
  config::Conf conf;
  Cgroup cg = plan(conf);
  ASSERT_OK(cg.create_payload());
  for (const char* h : {"memory", "freezer", "devices", "unified"})
    touch(p(std::string(h) + "/lxc.payload.c1/cgroup.procs"));
  touch(p("memory/lxc.payload.c1/tasks"));
  ASSERT_OK(cg.chown_payload(::getuid(), ::getgid()));
  struct stat st {};
  ASSERT_EQ(::stat(p("memory/lxc.payload.c1").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0775u);
  ASSERT_EQ(::stat(p("memory/lxc.payload.c1/tasks").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0664u);
  ASSERT_EQ(::stat(p("unified/lxc.payload.c1/cgroup.procs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0664u);
  for (const char* h : {"memory", "freezer", "devices", "unified"})
    stdfs::remove(p(std::string(h) + "/lxc.payload.c1/cgroup.procs"));
  stdfs::remove(p("memory/lxc.payload.c1/tasks"));
  ASSERT_OK(cg.destroy());
}

TEST_F(CgroupTree, GuardRemovesUnlessCommitted) {
  config::Conf conf;
  {
    Cgroup cg = plan(conf);
    CgroupGuard guard(cg);
    ASSERT_OK(cg.create_monitor());
    ASSERT_OK(cg.create_payload());
    EXPECT_TRUE(isdir(p("memory/lxc.payload.c1")));
  }
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.payload.c1")));
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.monitor.c1")));
  {
    Cgroup cg = plan(conf);
    CgroupGuard guard(cg);
    ASSERT_OK(cg.create_monitor());  // a start that fails before the payload exists
  }
  EXPECT_FALSE(stdfs::exists(p("memory/lxc.monitor.c1")));
  Cgroup kept = plan(conf);
  {
    CgroupGuard guard(kept);
    ASSERT_OK(kept.create_payload());
    guard.commit();
  }
  EXPECT_TRUE(isdir(p("memory/lxc.payload.c1")));
  ASSERT_OK(kept.destroy());
}

TEST_F(CgroupTree, NothingCreatedYet) {
  config::Conf conf;
  Cgroup cg = plan(conf);
  EXPECT_FALSE(cg.enter_payload(1));
  EXPECT_FALSE(cg.freeze(10ms));
  EXPECT_FALSE(cg.stats());
  ASSERT_OK(cg.kill_all(10ms));
  ASSERT_OK(cg.destroy());
  // A host without any usable hierarchy (unprivileged, nothing delegated):
  // the container runs without cgroups, as with LXC.
  Host none;
  none.layout = Layout::Legacy;
  auto bare = Cgroup::plan(none, conf, "c1");
  ASSERT_TRUE(bare);
  ASSERT_OK(bare->create_monitor());
  ASSERT_OK(bare->create_payload());
  ASSERT_OK(bare->enter_payload(1));
  ASSERT_OK(bare->destroy());
}

}  // namespace
}  // namespace lxc::cgroups
