// Root only: the cgroup module against the host's real cgroupfs, with forked
// children standing in for the container init and the monitor. Skipped
// unless euid 0. Every cgroup made here has "lxcpp-test-cg-<pid>" in its
// name, and TearDown removes whatever is left with that name (and kills the
// children), even when an assertion failed half-way.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/file.h"
#include "base/strings.h"
#include "cgroups/cgroup.h"
#include "cgroups/devices_bpf.h"
#include "cgroups/parse.h"

namespace lxc::cgroups {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

#define ASSERT_OK(expr)                                                  \
  do {                                                                   \
    const auto& r_ = (expr);                                            \
    ASSERT_TRUE(r_) << #expr << ": " << (r_ ? "" : describe(r_.error())); \
  } while (0)

std::string token() { return "lxcpp-test-cg-" + std::to_string(::getpid()); }

// Every cgroup mount under /sys/fs/cgroup.
std::vector<std::string> cgroup_mounts() {
  std::vector<std::string> out;
  auto mi = read_file("/proc/self/mountinfo");
  if (!mi) return out;
  for (const auto& m : parse_cgroup_mounts(*mi))
    if (m.mountpoint.starts_with("/sys/fs/cgroup")) out.push_back(m.mountpoint);
  return out;
}

// Directories whose name contains needle, at most `depth` levels below root.
void find_named(const std::string& root, const std::string& needle, int depth, std::vector<std::string>& out) {
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(root, ec)) {
    if (!e.is_directory(ec) || e.is_symlink(ec)) continue;
    std::string name = e.path().filename();
    if (name.find(needle) != std::string::npos)
      out.push_back(e.path());
    else if (depth > 1)
      find_named(e.path(), needle, depth - 1, out);
  }
}

std::vector<std::string> leftovers(const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& m : cgroup_mounts()) find_named(m, needle, 4, out);
  return out;
}

// Last-resort cleanup of our own directories only. First every one is thawed
// and its processes killed (a task frozen in one hierarchy keeps the cgroups
// of all hierarchies busy), then they are removed depth-first.
void thaw_and_kill(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(dir, ec))
    if (e.is_directory(ec)) thaw_and_kill(e.path());
  for (auto [file, value] : {std::pair{"/freezer.state", "THAWED"}, std::pair{"/cgroup.freeze", "0"}}) {
    int fd = ::open((dir + file).c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;
    (void)!::write(fd, value, std::strlen(value));
    ::close(fd);
  }
  if (auto procs = read_file(dir + "/cgroup.procs"))
    for (const auto& p : split(*procs, "\n"))
      if (auto pid = parse_u64(p); pid && static_cast<pid_t>(*pid) != ::getpid()) ::kill(static_cast<pid_t>(*pid), SIGKILL);
}

void force_remove(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(dir, ec))
    if (e.is_directory(ec)) force_remove(e.path());
  for (int i = 0; i < 300; ++i) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    if (i % 10 == 0) thaw_and_kill(dir);
    std::this_thread::sleep_for(10ms);
  }
}

class CgroupLive : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    if (!stdfs::exists("/sys/fs/cgroup")) GTEST_SKIP() << "no /sys/fs/cgroup";
    void* shm = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(shm, MAP_FAILED);
    shared_ = new (shm) Shared;
    counter_ = &shared_->counter;
    // Orphaned grandchildren come back to us, to be killed and reaped here.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  void TearDown() override {
    for (pid_t pid : children_) ::kill(pid, SIGKILL);
    // A child frozen in a cgroup left behind gets its SIGKILL once thawed here.
    auto left = leftovers(token());
    for (const auto& dir : left) {
      ADD_FAILURE() << "left behind: " << dir;
      thaw_and_kill(dir);
    }
    for (const auto& dir : left) force_remove(dir);
    for (pid_t pid : children_) {
      bool reaped = false;
      for (int i = 0; i < 500 && !reaped; ++i) {
        reaped = ::waitpid(pid, nullptr, WNOHANG) != 0;
        if (!reaped) std::this_thread::sleep_for(10ms);
      }
      if (!reaped) ADD_FAILURE() << "child " << pid << " did not die";
    }
    if (shared_) {
      if (pid_t g = shared_->grandchild.load(); g > 0) ::kill(g, SIGKILL);
      // Reap what is left: children, and orphans we are the subreaper of.
      for (int i = 0; i < 300; ++i) {
        pid_t r = ::waitpid(-1, nullptr, WNOHANG);
        if (r < 0) break;  // ECHILD: nothing left
        if (r == 0) std::this_thread::sleep_for(10ms);
      }
      ::munmap(shared_, 4096);
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  }

  // A child that counts in shared memory (so that a freeze is visible); with
  // grandchild, it first forks a second counter (not our child to reap).
  pid_t spawn_counter(bool grandchild = false) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (grandchild) {
        // Forks only once it is in the container's cgroup (see let_fork()).
        while (!shared_->go.load()) ::usleep(1000);
        pid_t g = ::fork();
        if (g > 0) shared_->grandchild.store(g);
      }
      for (;;) {
        counter_->fetch_add(1);
        for (int i = 0; i < 20000; ++i) asm volatile("" ::: "memory");
        ::usleep(1000);
      }
    }
    if (pid > 0) children_.push_back(pid);
    return pid;
  }
  pid_t spawn_sleeper() {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      for (;;) ::pause();
    }
    if (pid > 0) children_.push_back(pid);
    return pid;
  }
  // Waits for a child to be reaped; its wait status.
  int reap(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::erase(children_, pid);
    return status;
  }
  // The counting child makes progress (within 2 s, so that a loaded machine
  // does not make it flaky) ...
  bool counting() {
    uint64_t a = counter_->load();
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(20ms);
      if (counter_->load() != a) return true;
    }
    return false;
  }
  // ... or stands still for 200 ms.
  bool stopped() {
    uint64_t a = counter_->load();
    std::this_thread::sleep_for(200ms);
    return counter_->load() == a;
  }
  std::optional<Host> host() {
    auto h = detect();
    EXPECT_TRUE(h) << (h ? "" : describe(h.error()));
    if (!h) return std::nullopt;
    return *h;
  }
  // cgroup2 only, as on a pure-v2 host: this host's cgroup2 mount, without
  // touching the root's cgroup.subtree_control (no controllers handed down).
  std::optional<Host> v2_only() {
    auto h = host();
    if (!h || !h->unified()) return std::nullopt;
    Host v2;
    v2.layout = Layout::Unified;
    v2.hierarchies = {*h->unified()};
    v2.hierarchies[0].controllers.clear();
    return v2;
  }

  // The path of pid's cgroup in hierarchy h, from /proc/PID/cgroup.
  static std::string cgroup_of(pid_t pid, const Hierarchy& h) {
    auto text = read_file("/proc/" + std::to_string(pid) + "/cgroup");
    if (!text) return "?";
    for (const auto& l : parse_proc_cgroup(*text)) {
      if (h.version == 2 && l.id == "0" && l.controllers.empty()) return l.path;
      if (h.version == 1 && !l.controllers.empty() && h.has(l.controllers.front())) return l.path;
    }
    return "?";
  }

  // A child that waits until it is in the payload cgroup, tries to open
  // devices, and reports as bits of its exit status (set = the open worked):
  // 1 /dev/null rw, 2 /dev/zero r, 4 /dev/zero w, 8 /dev/full r.
  int probe_devices(Cgroup& cg) {
    int go[2];
    if (::pipe2(go, O_CLOEXEC) != 0) return -1;
    pid_t pid = ::fork();
    if (pid == 0) {
      char c;
      (void)!::read(go[0], &c, 1);
      int bits = 0;
      auto try_open = [](const char* path, int flags) {
        int fd = ::open(path, flags | O_CLOEXEC);
        if (fd < 0) return false;
        ::close(fd);
        return true;
      };
      if (try_open("/dev/null", O_RDWR)) bits |= 1;
      if (try_open("/dev/zero", O_RDONLY)) bits |= 2;
      if (try_open("/dev/zero", O_WRONLY)) bits |= 4;
      if (try_open("/dev/full", O_RDONLY)) bits |= 8;
      ::_exit(bits);
    }
    ::close(go[0]);
    if (pid < 0) return -1;
    children_.push_back(pid);
    if (auto r = cg.enter_payload(pid); !r) ADD_FAILURE() << describe(r.error());
    (void)!::write(go[1], "x", 1);
    ::close(go[1]);
    int status = reap(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  struct Shared {
    std::atomic<uint64_t> counter{0};
    std::atomic<int> go{0};
    std::atomic<pid_t> grandchild{0};
  };
  Shared* shared_ = nullptr;
  std::atomic<uint64_t>* counter_ = nullptr;
  std::vector<pid_t> children_;
};

TEST_F(CgroupLive, LifecycleOnThisHost) {
  auto h = host();
  ASSERT_TRUE(h);
  const std::string name = token() + "-life";
  config::Conf conf;
  const bool v1mem = h->v1("memory") != nullptr, v1pids = h->v1("pids") != nullptr;
  if (h->layout != Layout::Unified) {
    if (v1mem) conf.cgroup_v1.push_back({"memory.limit_in_bytes", "64M"});
    if (v1pids) conf.cgroup_v1.push_back({"pids.max", "50"});
  } else {
    if (h->unified()->has("memory")) conf.cgroup_v2.push_back({"memory.max", "67108864"});
    if (h->unified()->has("pids")) conf.cgroup_v2.push_back({"pids.max", "50"});
  }
  auto planned = Cgroup::plan(*h, conf, name);
  ASSERT_OK(planned);
  Cgroup& cg = *planned;
  CgroupGuard guard(cg);

  ASSERT_OK(cg.create_monitor());
  pid_t monitor = spawn_sleeper();
  ASSERT_GT(monitor, 0);
  ASSERT_OK(cg.enter_monitor(monitor));
  ASSERT_OK(cg.create_payload());
  pid_t init = spawn_counter();
  ASSERT_GT(init, 0);
  ASSERT_OK(cg.enter_payload(init));

  // The kernel agrees on where both processes are, in every hierarchy.
  for (const Node& n : cg.nodes()) {
    EXPECT_EQ(cgroup_of(init, n.hierarchy), "/" + n.payload) << n.hierarchy.mountpoint;
    EXPECT_EQ(cgroup_of(monitor, n.hierarchy), "/" + n.monitor) << n.hierarchy.mountpoint;
    EXPECT_EQ(n.payload, stdfs::path(n.hierarchy.base) / ("lxc.payload." + name)) << n.hierarchy.mountpoint;
  }
  // v1 cpuset: the new cgroup got its parent's cpus and mems, and hands them down.
  if (const Hierarchy* cs = h->v1("cpuset")) {
    std::string dir = cg.payload_dir("cpuset");
    auto cpus = read_file(dir + "/cpuset.cpus");
    auto mems = read_file(dir + "/cpuset.mems");
    ASSERT_TRUE(cpus && mems);
    EXPECT_FALSE(trim(*cpus).empty());
    EXPECT_FALSE(trim(*mems).empty());
    EXPECT_EQ(trim(*read_file(dir + "/cgroup.clone_children")), "1");
    (void)cs;
  }

  ASSERT_OK(cg.apply_settings(Stage::Limits));
  ASSERT_OK(cg.apply_settings(Stage::Devices));
  if (h->layout != Layout::Unified && v1mem) {
    auto v = cg.get("memory.limit_in_bytes");
    ASSERT_OK(v);
    EXPECT_EQ(trim(*v), "67108864");
  }
  if (v1pids || (h->unified() && h->unified()->has("pids"))) {
    EXPECT_EQ(trim(*cg.get("pids.max")), "50");
    ASSERT_OK(cg.set("pids.max", "60"));
    EXPECT_EQ(trim(*cg.get("pids.max")), "60");
  }
  // A value the kernel refuses: the error names key, value and file.
  if (v1mem && h->layout != Layout::Unified) {
    auto bad = cg.set("memory.limit_in_bytes", "lots");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().what.find("memory.limit_in_bytes"), std::string::npos);
    EXPECT_NE(bad.error().what.find("\"lots\""), std::string::npos);
    EXPECT_NE(bad.error().what.find(cg.payload_dir("memory")), std::string::npos) << bad.error().what;
  }

  // Freeze: the counter stops; thaw: it runs again.
  EXPECT_TRUE(counting());
  ASSERT_OK(cg.freeze(5s));
  EXPECT_TRUE(*cg.is_frozen());
  EXPECT_TRUE(stopped()) << "a frozen child went on counting";
  ASSERT_OK(cg.thaw(5s));
  EXPECT_FALSE(*cg.is_frozen());
  EXPECT_TRUE(counting());

  auto stats = cg.stats();
  ASSERT_OK(stats);
  ASSERT_TRUE(stats->cpu_ns);
  EXPECT_GT(*stats->cpu_ns, 0u);
  if (v1mem || (h->unified() && h->unified()->has("memory"))) {
    EXPECT_TRUE(stats->memory_bytes);
  }
  if (v1pids) {
    EXPECT_EQ(stats->pids, 1u);
  }
  if (h->v1("blkio")) {
    EXPECT_TRUE(stats->blkio_bytes);
  }

  // Another process's view, from the text the monitor would hand out.
  auto other = Cgroup::deserialize(cg.serialize());
  ASSERT_OK(other);
  if (v1pids) {
    EXPECT_EQ(trim(*other->get("pids.max")), "60");
  }
  EXPECT_FALSE(*other->is_frozen());
  ASSERT_OK(other->freeze(5s));
  EXPECT_TRUE(*cg.is_frozen());
  ASSERT_OK(other->thaw(5s));
  ASSERT_OK(other->stats());

  // The container makes sub-cgroups of its own and moves into one of them.
  for (const Node& n : cg.nodes()) {
    std::string sub = n.hierarchy.path(n.payload) + "/sub";
    ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0) << sub;
    if (n.hierarchy.version == 1 && n.hierarchy.has("cpuset")) {
      auto cpus = read_file(sub + "/cpuset.cpus");  // inherited through clone_children
      EXPECT_TRUE(cpus && !trim(*cpus).empty());
    }
  }
  for (const Node& n : cg.nodes()) {
    std::string procs = n.hierarchy.path(n.payload) + "/sub/cgroup.procs";
    int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << procs;
    std::string p = std::to_string(init);
    EXPECT_EQ(::write(fd, p.data(), p.size()), static_cast<ssize_t>(p.size())) << procs;
    ::close(fd);
  }

  ASSERT_OK(cg.kill_all(5s));
  int status = reap(init);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  // The monitor is still in its cgroup: destroy moves it out, then removes all.
  ASSERT_OK(cg.destroy());
  for (const Hierarchy& x : h->hierarchies) EXPECT_EQ(cgroup_of(monitor, x), "/" + x.base) << x.mountpoint;
  EXPECT_EQ(::kill(monitor, 0), 0) << "the monitor must survive destroy()";
  guard.commit();
  ASSERT_OK(cg.destroy());  // idempotent
  EXPECT_TRUE(leftovers(name).empty());
}

TEST_F(CgroupLive, StaleNameNestedDirAndDestroyWithLiveProcesses) {
  auto h = host();
  ASSERT_TRUE(h);
  ASSERT_FALSE(h->hierarchies.empty());
  const std::string name = token() + "-stale";
  const std::string dir = token() + "-dir";
  // A stale payload cgroup of that name, in the first hierarchy only.
  const Hierarchy& first = h->hierarchies.front();
  std::string stale_parent = first.path((stdfs::path(first.base) / dir / "sub").string());
  ASSERT_TRUE(mkdir_p(stale_parent));
  std::string stale = stale_parent + "/lxc.payload." + name;
  ASSERT_EQ(::mkdir(stale.c_str(), 0755), 0);

  config::Conf conf;
  conf.cgroup_dir = dir + "/sub";
  auto cg = Cgroup::plan(*h, conf, name);
  ASSERT_OK(cg);
  CgroupGuard guard(*cg);
  ASSERT_OK(cg->create_payload());
  for (const Node& n : cg->nodes())
    EXPECT_EQ(n.payload, (stdfs::path(n.hierarchy.base) / dir / "sub" / ("lxc.payload." + name + "-1")).string());
  pid_t init = spawn_counter();
  ASSERT_OK(cg->enter_payload(init));
  EXPECT_TRUE(counting());
  // No kill_all(): destroy() kills what is left in the payload itself.
  ASSERT_OK(cg->destroy());
  int status = reap(init);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_TRUE(stdfs::is_directory(stale)) << "not ours, must stay";
  for (const Node& n : cg->nodes()) {
    std::string top = n.hierarchy.path((stdfs::path(n.hierarchy.base) / dir).string());
    // Our dir/sub parents are gone except where the stale one keeps them.
    if (n.hierarchy.mountpoint == first.mountpoint)
      EXPECT_TRUE(stdfs::exists(top));
    else
      EXPECT_FALSE(stdfs::exists(top)) << top;
  }
  guard.commit();
  ASSERT_EQ(::rmdir(stale.c_str()), 0);
  ASSERT_EQ(::rmdir(stale_parent.c_str()), 0);
  ASSERT_EQ(::rmdir(stdfs::path(stale_parent).parent_path().c_str()), 0);
  EXPECT_TRUE(leftovers(token()).empty());
}

// The cgroup2 code path (what a pure-v2 host runs) on this host's cgroup2
// mount: cgroup.procs, cgroup.freeze + cgroup.events, cgroup.kill, cpu.stat.
TEST_F(CgroupLive, PureV2PathOnTheCgroup2Mount) {
  auto v2 = v2_only();
  if (!v2) GTEST_SKIP() << "no cgroup2 mount";
  const std::string name = token() + "-v2";
  config::Conf conf;
  auto cg = Cgroup::plan(*v2, conf, name);
  ASSERT_OK(cg);
  CgroupGuard guard(*cg);
  ASSERT_OK(cg->create_monitor());
  pid_t monitor = spawn_sleeper();
  ASSERT_OK(cg->enter_monitor(monitor));
  ASSERT_OK(cg->create_payload());
  pid_t init = spawn_counter();
  ASSERT_OK(cg->enter_payload(init));
  EXPECT_EQ(cgroup_of(init, v2->hierarchies[0]), "/" + cg->nodes()[0].payload);

  std::string dir = cg->payload_dir();
  if (!stdfs::exists(dir + "/cgroup.freeze")) GTEST_SKIP() << "kernel without cgroup.freeze";
  EXPECT_TRUE(counting());
  ASSERT_OK(cg->freeze(5s));
  EXPECT_TRUE(*cg->is_frozen());
  EXPECT_EQ(trim(*read_file(dir + "/cgroup.freeze")), "1");
  EXPECT_TRUE(stopped());
  ASSERT_OK(cg->thaw(5s));
  EXPECT_FALSE(*cg->is_frozen());
  EXPECT_TRUE(counting());
  auto events = cg->get("cgroup.events");
  ASSERT_OK(events);
  EXPECT_NE(events->find("populated 1"), std::string::npos);
  auto stats = cg->stats();
  ASSERT_OK(stats);
  EXPECT_TRUE(stats->cpu_ns && *stats->cpu_ns > 0);

  // Frozen, then killed: cgroup.kill reaches frozen tasks.
  ASSERT_OK(cg->freeze(5s));
  ASSERT_OK(cg->kill_all(5s));
  int status = reap(init);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_OK(cg->destroy());
  EXPECT_EQ(cgroup_of(monitor, v2->hierarchies[0]), "/" + v2->hierarchies[0].base);
  guard.commit();
  EXPECT_TRUE(leftovers(name).empty());
}

// What a legacy (v1-only) host runs: no cgroup.kill, so kill_all() holds the
// tasks with the v1 freezer, signals each pid, thaws, until none is left.
TEST_F(CgroupLive, LegacyPathWithoutCgroup2) {
  auto h = host();
  ASSERT_TRUE(h);
  if (!h->v1("freezer")) GTEST_SKIP() << "no v1 freezer hierarchy";
  Host legacy;
  legacy.layout = Layout::Legacy;
  for (const Hierarchy& x : h->hierarchies)
    if (x.version == 1) legacy.hierarchies.push_back(x);
  const std::string name = token() + "-legacy";
  config::Conf conf;
  auto cg = Cgroup::plan(legacy, conf, name);
  ASSERT_OK(cg);
  CgroupGuard guard(*cg);
  ASSERT_OK(cg->create_payload());
  pid_t init = spawn_counter(true);
  ASSERT_OK(cg->enter_payload(init));
  shared_->go.store(1);  // now it forks, inside the cgroup
  for (int i = 0; i < 200 && shared_->grandchild.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GT(shared_->grandchild.load(), 0);
  if (h->v1("pids")) {
    EXPECT_EQ(cg->stats()->pids, 2u);
  }
  // Frozen first: the kill must get through anyway.
  ASSERT_OK(cg->freeze(5s));
  ASSERT_OK(cg->kill_all(5s));
  int status = reap(init);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_TRUE(stopped()) << "a counter survived";
  // The grandchild died of the SIGKILL too (it comes to us: we are its subreaper).
  const pid_t g = shared_->grandchild.load();
  int gstatus = 0;
  pid_t got = 0;
  for (int i = 0; i < 300 && got == 0; ++i) {
    got = ::waitpid(g, &gstatus, WNOHANG);
    if (got == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(got, g);
  EXPECT_TRUE(WIFSIGNALED(gstatus) && WTERMSIG(gstatus) == SIGKILL);
  shared_->grandchild.store(0);
  ASSERT_OK(cg->destroy());
  guard.commit();
  EXPECT_TRUE(leftovers(name).empty());
}

// lxc.cgroup2.devices.* as an eBPF program on a cgroup2 cgroup, enforced on
// a real open(2).
TEST_F(CgroupLive, DeviceProgramOnCgroup2) {
  auto v2 = v2_only();
  if (!v2) GTEST_SKIP() << "no cgroup2 mount";
  if (!device_programs_supported()) GTEST_SKIP() << "cannot load BPF_PROG_TYPE_CGROUP_DEVICE programs here";
  struct stat st {};
  if (::stat("/dev/null", &st) != 0 || ::stat("/dev/zero", &st) != 0 || ::stat("/dev/full", &st) != 0)
    GTEST_SKIP() << "needs /dev/null, /dev/zero, /dev/full";
  const std::string name = token() + "-dev";
  config::Conf conf;
  conf.cgroup_v2 = {{"devices.deny", "a"}, {"devices.allow", "c 1:3 rwm"}, {"devices.allow", "/dev/zero r"}};
  auto cg = Cgroup::plan(*v2, conf, name);
  ASSERT_OK(cg);
  CgroupGuard guard(*cg);
  ASSERT_OK(cg->create_payload());

  auto probe = [&] { return probe_devices(*cg); };

  EXPECT_EQ(probe(), 1 | 2 | 4 | 8) << "no program attached yet: everything opens";
  ASSERT_OK(cg->apply_settings(Stage::Devices));
  EXPECT_EQ(probe(), 1 | 2) << "deny a; allow null rwm; allow zero r";
  // lxc-cgroup devices.allow through the monitor: the program is replaced.
  ASSERT_OK(cg->add_device_rule("devices.allow", "c 1:7 r"));
  EXPECT_EQ(probe(), 1 | 2 | 8);
  ASSERT_OK(cg->add_device_rule("devices.deny", "c 1:3 w"));
  EXPECT_EQ(probe(), 2 | 8);  // /dev/null rw now refused
  // Only the owner (the monitor) can change the program.
  auto view = Cgroup::deserialize(cg->serialize());
  ASSERT_OK(view);
  auto r = view->set("devices.allow", "a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EOPNOTSUPP);
  ASSERT_OK(cg->destroy());
  guard.commit();
  EXPECT_TRUE(leftovers(name).empty());
}

}  // namespace
}  // namespace lxc::cgroups

namespace lxc::cgroups {
namespace {

// lxc.cgroup.dir.container + .inner: limits (v1 devices.deny = a, set before
// the inner cgroup exists, since v1 refuses that change once there are
// children) on the outer directory, the process in the inner one; chown of
// the inner one for delegation.
TEST_F(CgroupLive, InnerCgroupV1DevicesAndChown) {
  auto h = host();
  ASSERT_TRUE(h);
  if (!h->v1("devices")) GTEST_SKIP() << "no v1 devices hierarchy";
  struct stat st {};
  if (::stat("/dev/null", &st) != 0 || ::stat("/dev/zero", &st) != 0 || ::stat("/dev/full", &st) != 0)
    GTEST_SKIP() << "needs /dev/null, /dev/zero, /dev/full";
  const std::string name = token() + "-inner";
  config::Conf conf;
  conf.cgroup_dir_container = name + "/payload";
  conf.cgroup_dir_monitor = name + "/monitor";
  conf.cgroup_dir_container_inner = "ns";
  conf.cgroup_v1 = {{"devices.deny", "a"}, {"devices.allow", "c 1:3 rwm"}, {"devices.allow", "/dev/zero r"}};
  if (h->v1("pids")) conf.cgroup_v1.push_back({"pids.max", "20"});
  auto cg = Cgroup::plan(*h, conf, "ignored");
  ASSERT_OK(cg);
  CgroupGuard guard(*cg);
  ASSERT_OK(cg->create_monitor());
  ASSERT_OK(cg->create_payload());
  const Node* dev = cg->node_for("devices");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->limit, (stdfs::path(dev->hierarchy.base) / name / "payload").string());
  EXPECT_EQ(dev->payload, dev->limit + "/ns");
  // devices went to the outer directory at creation.
  auto list = read_file(dev->hierarchy.path(dev->limit) + "/devices.list");
  ASSERT_TRUE(list);
  EXPECT_NE(list->find("c 1:3 rwm"), std::string::npos) << *list;
  EXPECT_EQ(list->find("a *:* rwm"), std::string::npos) << *list;
  ASSERT_OK(cg->apply_settings(Stage::Limits));
  ASSERT_OK(cg->apply_settings(Stage::Devices));
  if (const Node* pids = cg->node_for("pids")) {
    EXPECT_EQ(trim(*read_file(pids->hierarchy.path(pids->limit) + "/pids.max")), "20");
    EXPECT_EQ(trim(*read_file(pids->hierarchy.path(pids->payload) + "/pids.max")), "max");
  }
  // The kernel enforces the outer limits on the process in the inner cgroup.
  EXPECT_EQ(probe_devices(*cg), 1 | 2);

  ASSERT_OK(cg->chown_payload(12345, 23456));
  for (const Node& n : cg->nodes()) {
    struct stat d {};
    ASSERT_EQ(::stat(n.hierarchy.path(n.payload).c_str(), &d), 0);
    EXPECT_EQ(d.st_uid, 12345u);
    EXPECT_EQ(d.st_gid, 23456u);
    EXPECT_EQ(d.st_mode & 0777, 0775u);
    ASSERT_EQ(::stat((n.hierarchy.path(n.payload) + "/cgroup.procs").c_str(), &d), 0);
    EXPECT_EQ(d.st_uid, 12345u);
    struct stat outer {};
    ASSERT_EQ(::stat(n.hierarchy.path(n.limit).c_str(), &outer), 0);
    EXPECT_EQ(outer.st_uid, 0u) << "the limits stay root's";
  }
  ASSERT_OK(cg->destroy());
  guard.commit();
  EXPECT_TRUE(leftovers(name).empty());
}

}  // namespace
}  // namespace lxc::cgroups
