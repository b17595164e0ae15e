// setup_rootfs() for real, as root, on a busybox rootfs in a temp dir. Each
// test forks a child that unshares its mount namespace, sets the rootfs up,
// looks around from inside and reports over a pipe. The parent then checks
// that nothing leaked into its own mount table.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "base/file.h"
#include "base/strings.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

namespace fs = std::filesystem;

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

std::vector<std::string> mount_points(const std::string& mountinfo = "/proc/self/mountinfo") {
  std::vector<std::string> out;
  std::ifstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string id, parent, dev, root, mp;
    ls >> id >> parent >> dev >> root >> mp;
    out.push_back(mp);
  }
  return out;
}

// The host's cgroup hierarchies, as the cgroups module would describe them.
CgroupMounts host_cgroups(bool cgroupns) {
  CgroupMounts cg;
  cg.cgroupns = cgroupns;
  std::set<std::string> known;
  {
    std::ifstream in("/proc/cgroups");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#') known.insert(line.substr(0, line.find('\t')));
  }
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream pre(line.substr(0, dash)), post(line.substr(dash + 3));
    std::string id, parent, dev, root, mp, fstype, source, super;
    pre >> id >> parent >> dev >> root >> mp;
    post >> fstype >> source >> super;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupHierarchy h;
    h.unified = fstype == "cgroup2";
    if (mp == "/sys/fs/cgroup") {
      cg.unified_only = h.unified;
    } else if (mp.starts_with("/sys/fs/cgroup/")) {
      h.mountpoint = mp.substr(15);
    } else {
      continue;
    }
    for (const auto& o : split(super, ","))
      if (known.count(o) || o.starts_with("name=")) h.controllers.push_back(o);
    h.host_path = mp;
    cg.hierarchies.push_back(std::move(h));
  }
  return cg;
}

// A temp tree: base/rootfs with a static busybox, base/shared to bind in.
class RootfsLive : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    if (::access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "needs /bin/busybox (apt-get install busybox-static)";
    char tmpl[] = "/tmp/lxcpp-test-rootfs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    ASSERT_EQ(::chmod(base_.c_str(), 0755), 0);  // the user namespace's root must reach the rootfs
    rootfs_ = base_ + "/rootfs";
    shared_ = base_ + "/shared";
    for (const char* d : {"bin", "etc", "mnt"}) fs::create_directories(rootfs_ + "/" + d);
    fs::copy_file("/bin/busybox", rootfs_ + "/bin/busybox");
    fs::create_symlink("busybox", rootfs_ + "/bin/sh");
    fs::create_directories(shared_);
    std::ofstream(shared_ + "/hello") << "hello from the host\n";
    // base becomes a shared mount: if the child forgot to make its tree a
    // dependent one, its mounts below base would show up here.
    ASSERT_EQ(::mount(base_.c_str(), base_.c_str(), nullptr, MS_BIND, nullptr), 0) << strerror(errno);
    mounted_ = true;
    ASSERT_EQ(::mount(nullptr, base_.c_str(), nullptr, MS_SHARED, nullptr), 0) << strerror(errno);
  }
  void TearDown() override {
    if (mounted_) ::umount2(base_.c_str(), MNT_DETACH);
    if (!base_.empty()) {
      std::error_code ec;
      fs::remove_all(base_, ec);
    }
  }

  struct ChildResult {
    int status = -1;
    std::vector<std::string> lines;
  };
  // Runs setup_rootfs then checks in a child with its own mount namespace.
  // The child writes "ok NAME", "FAIL NAME: why" or "SETUP errno message".
  ChildResult run_child(int unshare_flags, const config::Conf& c, const RootfsContext& ctx,
                        const std::function<void(const std::function<void(const std::string&, bool, const std::string&)>&)>&
                            checks) {
    int p[2];
    EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(p[0]);
      auto say = [&](const std::string& s) {
        std::string line = s + "\n";
        (void)!::write(p[1], line.data(), line.size());
      };
      if (::unshare(unshare_flags) < 0) {
        say("SETUP " + std::to_string(errno) + " unshare failed");
        ::_exit(1);
      }
      auto r = setup_rootfs(c, ctx);
      if (!r) {
        say("SETUP " + std::to_string(r.error().code) + " " + describe(r.error()));
        ::_exit(1);
      }
      checks([&](const std::string& name, bool ok, const std::string& why) {
        say((ok ? "ok " : "FAIL ") + name + (ok ? "" : ": " + why));
      });
      ::_exit(0);
    }
    ::close(p[1]);
    ChildResult res;
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    ::waitpid(pid, &res.status, 0);
    for (auto& l : split(all, "\n")) res.lines.push_back(l);
    return res;
  }

  // The same in a user namespace mapping container root to host uid/gid
  // kBase, with new pid, net and cgroup namespaces (the grandchild is PID 1),
  // as an unprivileged container would be started.
  static constexpr unsigned kBase = 100000;
  ChildResult run_in_userns(const config::Conf& c, const RootfsContext& ctx,
                            const std::function<void(const std::function<void(const std::string&, bool, const std::string&)>&)>&
                                checks) {
    int report[2], ready[2], go[2];
    EXPECT_EQ(::pipe2(report, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(ready, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(go, O_CLOEXEC), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(report[0]);
      auto say = [&](const std::string& s) {
        std::string line = s + "\n";
        (void)!::write(report[1], line.data(), line.size());
      };
      char b = 0;
      // Then become the namespace's root (host uid kBase): files it creates need a mapped owner.
      if (::unshare(CLONE_NEWUSER) < 0 || ::write(ready[1], "R", 1) != 1 || ::read(go[0], &b, 1) != 1 ||
          ::setresgid(0, 0, 0) < 0 || ::setgroups(0, nullptr) < 0 || ::setresuid(0, 0, 0) < 0) {
        say("SETUP " + std::to_string(errno) + " user namespace");
        ::_exit(1);
      }
      if (::unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP) < 0) {
        say("SETUP " + std::to_string(errno) + " unshare failed");
        ::_exit(1);
      }
      pid_t init = ::fork();
      if (init == 0) {
        auto r = setup_rootfs(c, ctx);
        if (!r) {
          say("SETUP " + std::to_string(r.error().code) + " " + describe(r.error()));
          ::_exit(1);
        }
        checks([&](const std::string& name, bool ok, const std::string& why) {
          say((ok ? "ok " : "FAIL ") + name + (ok ? "" : ": " + why));
        });
        ::_exit(0);
      }
      int st = 0;
      ::waitpid(init, &st, 0);
      ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
    }
    ::close(report[1]);
    ::close(ready[1]);
    ::close(go[0]);
    char b = 0;
    if (::read(ready[0], &b, 1) == 1) {
      std::string map = "0 " + std::to_string(kBase) + " 65536\n";
      for (const char* f : {"uid_map", "gid_map"}) {
        std::ofstream out("/proc/" + std::to_string(pid) + "/" + f);
        out << map;
      }
    }
    (void)!::write(go[1], "G", 1);
    ::close(go[1]);
    ::close(ready[0]);
    ChildResult res;
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(report[0], buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
    ::close(report[0]);
    ::waitpid(pid, &res.status, 0);
    for (auto& l : split(all, "\n")) res.lines.push_back(l);
    return res;
  }

  void expect_no_leak() {
    for (const auto& mp : mount_points())
      EXPECT_FALSE(mp.starts_with(base_ + "/")) << "mount leaked into the host: " << mp;
  }

  std::string base_, rootfs_, shared_;
  bool mounted_ = false;
};

std::string errno_text() { return strerror(errno); }

bool fs_is(const char* path, long magic) {
  struct statfs sf {};
  return ::statfs(path, &sf) == 0 && static_cast<long>(sf.f_type) == magic;
}

bool is_readonly(const char* path) {
  struct statvfs sv {};
  return ::statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

bool is_mount_point(const std::string& path) {
  for (const auto& mp : mount_points())
    if (mp == path) return true;
  return false;
}

struct Pty {
  int master = -1;
  std::string slave;
  dev_t rdev = 0;
};
Pty open_pty() {
  Pty p;
  p.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p.master < 0 || ::grantpt(p.master) < 0 || ::unlockpt(p.master) < 0) return p;
  p.slave = ::ptsname(p.master);
  struct stat st {};
  if (::stat(p.slave.c_str(), &st) == 0) p.rdev = st.st_rdev;
  return p;
}

TEST_F(RootfsLive, BusyboxContainer) {
  Pty console = open_pty(), tty1 = open_pty();
  ASSERT_GE(console.master, 0);
  ASSERT_GE(tty1.master, 0);
  std::string host_boot_id = read_file("/proc/sys/kernel/random/boot_id").value_or("");

  config::Conf c;
  c.rootfs_path = "dir:" + rootfs_;
  c.mount_auto = {"proc:mixed", "sys:mixed", "cgroup:mixed:force"};
  c.pty_max = 16;
  c.tty_max = 1;
  c.mount_entries = {
      shared_ + " mnt/shared none bind,create=dir 0 0",
      shared_ + " /mnt/ro none bind,ro,create=dir 0 0",
      "/nonexistent/lxcpp mnt/optional none bind,optional,create=dir 0 0",
      "tmpfs tmp tmpfs size=1m,mode=1777,nosuid,create=dir 0 0",
      "bin/busybox mnt/bb none bind,relative,create=file 0 0",
  };
  RootfsContext ctx;
  ctx.name = "c1";
  ctx.lxcpath = base_;
  ctx.rootfs = rootfs_;
  ctx.console_pty = console.slave;
  ctx.tty_ptys = {tty1.slave};
  ctx.cgroups = host_cgroups(true);
  const bool have_cgroups = !ctx.cgroups.hierarchies.empty();
  const std::string base = base_;

  auto res = run_child(CLONE_NEWNS | CLONE_NEWCGROUP, c, ctx, [&](const auto& check) {
    struct stat st {};
    check("busybox", ::stat("/bin/busybox", &st) == 0 && S_ISREG(st.st_mode), errno_text());
    char cwd[4096] = {};
    check("cwd is /", ::getcwd(cwd, sizeof cwd) && std::string(cwd) == "/", cwd);
    check("old root gone", ::access(base.c_str(), F_OK) < 0 && errno == ENOENT, "host path " + base + " visible");
    std::string strays;
    for (const auto& mp : mount_points()) {
      bool known = mp == "/" || mp == "/tmp";
      for (const char* pre : {"/dev", "/proc", "/sys", "/mnt/"}) known = known || mp.starts_with(pre);
      if (!known) strays += mp + " ";
    }
    check("only the container's mounts", strays.empty(), strays);

    check("/proc is procfs", fs_is("/proc", PROC_SUPER_MAGIC), "");
    check("/proc/self works", ::access("/proc/self/status", R_OK) == 0, errno_text());
    check("/proc/sys read-only", is_readonly("/proc/sys"), "");
    check("/proc/sys/net writable", !is_readonly("/proc/sys/net"), "");
    check("/proc/sysrq-trigger read-only", ::access("/proc/sysrq-trigger", F_OK) < 0 || is_readonly("/proc/sysrq-trigger"), "");
    check("/sys is read-only sysfs", fs_is("/sys", SYSFS_MAGIC) && is_readonly("/sys"), "");
    check("/sys/devices/virtual/net writable", !is_readonly("/sys/devices/virtual/net"), "");
    check("no sysfs left on /proc/sys", fs_is("/proc/sys", PROC_SUPER_MAGIC), "");
    if (have_cgroups) {
      check("/sys/fs/cgroup mounted", fs_is("/sys/fs/cgroup", TMPFS_MAGIC) || fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC), "");
      bool any = false;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        std::string p = e.path();
        any = any || fs_is(p.c_str(), CGROUP_SUPER_MAGIC) || fs_is(p.c_str(), CGROUP2_SUPER_MAGIC);
      }
      check("cgroup hierarchies inside", any || fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC), "");
    }

    check("/dev is tmpfs", fs_is("/dev", TMPFS_MAGIC), "");
    check("/dev/null node", ::stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "");
    int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    check("/dev/null writable", fd >= 0 && ::write(fd, "x", 1) == 1, errno_text());
    if (fd >= 0) ::close(fd);
    fd = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
    char z = 1;
    check("/dev/zero reads zeros", fd >= 0 && ::read(fd, &z, 1) == 1 && z == 0, errno_text());
    if (fd >= 0) ::close(fd);
    char link[256] = {};
    check("/dev/fd link", ::readlink("/dev/fd", link, sizeof link - 1) > 0 && std::string(link) == "/proc/self/fd", link);
    check("/dev/pts is devpts", fs_is("/dev/pts", DEVPTS_SUPER_MAGIC), "");
    int ptmx = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    check("/dev/ptmx opens", ptmx >= 0, errno_text());
    if (ptmx >= 0) {
      int n = -1;
      check("ptys from the new instance", ::ioctl(ptmx, TIOCGPTN, &n) == 0 && ::access(("/dev/pts/" + std::to_string(n)).c_str(), F_OK) == 0,
            "pts " + std::to_string(n));
      ::close(ptmx);
    }
    check("/dev/console is the console pty", ::stat("/dev/console", &st) == 0 && st.st_rdev == console.rdev, "");
    check("/dev/tty1 is the tty pty", ::stat("/dev/tty1", &st) == 0 && st.st_rdev == tty1.rdev, "");
    auto boot_id = read_file("/proc/sys/kernel/random/boot_id");
    check("private boot_id", boot_id && *boot_id != host_boot_id && boot_id->size() == 37, boot_id ? *boot_id : "unreadable");

    auto hello = read_file("/mnt/shared/hello");
    check("bind entry", hello && *hello == "hello from the host\n", hello ? *hello : describe(hello.error()));
    check("ro bind entry", is_readonly("/mnt/ro") && ::access("/mnt/ro/hello", R_OK) == 0, "");
    fd = ::open("/mnt/ro/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    check("ro bind refuses writes", fd < 0 && errno == EROFS, errno_text());
    check("optional entry skipped", !is_mount_point("/mnt/optional"), "");
    check("tmpfs entry", fs_is("/tmp", TMPFS_MAGIC), "");
    struct stat a {}, b {};
    check("relative bind entry", ::stat("/mnt/bb", &a) == 0 && ::stat("/bin/busybox", &b) == 0 && a.st_ino == b.st_ino, "");
  });

  ASSERT_FALSE(res.lines.empty()) << "no report from the child";
  ASSERT_FALSE(res.lines[0].starts_with("SETUP")) << res.lines[0];
  int ok = 0;
  for (const auto& l : res.lines) {
    EXPECT_TRUE(l.starts_with("ok ")) << l;
    ok += l.starts_with("ok ");
  }
  EXPECT_GE(ok, 30);
  EXPECT_TRUE(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0);
  expect_no_leak();
  ::close(console.master);
  ::close(tty1.master);
}

TEST_F(RootfsLive, UserNamespace) {
  // The rootfs belongs to the container's root, as for an unprivileged container.
  for (const auto& e : fs::recursive_directory_iterator(rootfs_))
    ASSERT_EQ(::lchown(e.path().c_str(), kBase, kBase), 0) << e.path();
  ASSERT_EQ(::lchown(rootfs_.c_str(), kBase, kBase), 0);
  Pty console = open_pty();
  ASSERT_GE(console.master, 0);

  config::Conf c;
  c.rootfs_path = rootfs_;
  c.mount_auto = {"proc:mixed", "sys:mixed", "cgroup:mixed:force"};
  c.pty_max = 8;
  c.idmaps = {{'u', 0, kBase, 65536}, {'g', 0, kBase, 65536}};
  c.mount_entries = {shared_ + " mnt/shared none bind,ro,create=dir 0 0"};
  RootfsContext ctx;
  ctx.name = "c1";
  ctx.rootfs = rootfs_;
  ctx.userns = true;
  ctx.console_pty = console.slave;
  ctx.cgroups = host_cgroups(true);
  const bool have_cgroups = !ctx.cgroups.hierarchies.empty();

  auto res = run_in_userns(c, ctx, [&](const auto& check) {
    struct stat st {};
    check("pid 1", ::getpid() == 1, std::to_string(::getpid()));
    check("busybox", ::stat("/bin/busybox", &st) == 0, errno_text());
    char self[32] = {};
    check("/proc of the new pid namespace", ::readlink("/proc/self", self, sizeof self - 1) > 0 && std::string(self) == "1", self);
    check("/proc/sys read-only", is_readonly("/proc/sys"), "");
    check("/sys read-only", fs_is("/sys", SYSFS_MAGIC) && is_readonly("/sys"), "");
    check("/dev/null bound from the host", ::stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "");
    int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    check("/dev/null usable", fd >= 0 && ::write(fd, "x", 1) == 1, errno_text());
    if (fd >= 0) ::close(fd);
    int ptmx = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    check("/dev/ptmx opens", ptmx >= 0, errno_text());
    if (ptmx >= 0) ::close(ptmx);
    check("/dev/console", ::stat("/dev/console", &st) == 0 && st.st_rdev == console.rdev, "");
    check("ro bind keeps locked flags", is_readonly("/mnt/shared") && ::access("/mnt/shared/hello", R_OK) == 0, "");
    check("cgroups", !have_cgroups || fs_is("/sys/fs/cgroup", TMPFS_MAGIC) || fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC), "");
  });
  ASSERT_FALSE(res.lines.empty()) << "no report from the child";
  ASSERT_FALSE(res.lines[0].starts_with("SETUP")) << res.lines[0];
  for (const auto& l : res.lines) EXPECT_TRUE(l.starts_with("ok ")) << l;
  EXPECT_EQ(res.lines.size(), 11u);
  EXPECT_TRUE(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0);
  expect_no_leak();
  ::close(console.master);
}

TEST_F(RootfsLive, SymlinkEscapeIsRefused) {
  fs::create_symlink("../../..", rootfs_ + "/evil");
  config::Conf c;
  c.rootfs_path = rootfs_;
  c.mount_entries = {"tmpfs evil/x tmpfs create=dir,optional 0 0"};
  RootfsContext ctx;
  ctx.rootfs = rootfs_;
  auto res = run_child(CLONE_NEWNS, c, ctx, [](const auto& check) { check("setup should have failed", false, ""); });
  ASSERT_FALSE(res.lines.empty());
  const std::string& l = res.lines[0];
  EXPECT_TRUE(l.starts_with("SETUP " + std::to_string(EXDEV) + " ")) << l;
  EXPECT_NE(l.find("lxc.mount.entry \"tmpfs evil/x tmpfs create=dir,optional 0 0\""), std::string::npos) << l;
  EXPECT_NE(l.find("\"evil\" -> \"../../..\""), std::string::npos) << l;
  EXPECT_FALSE(fs::exists("/x")) << "created outside the rootfs";
  EXPECT_FALSE(fs::exists(base_ + "/x"));
  expect_no_leak();
}

TEST_F(RootfsLive, NoRootfs) {
  // Without a rootfs the targets are the host's paths, in the container's namespace only.
  std::string target = base_ + "/notroot";
  config::Conf c;
  c.mount_entries = {"tmpfs " + target + " tmpfs size=1m,create=dir 0 0"};
  RootfsContext ctx;
  auto res = run_child(CLONE_NEWNS, c, ctx, [&](const auto& check) {
    check("tmpfs on a host path", fs_is(target.c_str(), TMPFS_MAGIC), "");
    check("host / still there", ::access("/bin/busybox", X_OK) == 0, errno_text());
  });
  ASSERT_FALSE(res.lines.empty());
  for (const auto& l : res.lines) EXPECT_TRUE(l.starts_with("ok ")) << l;
  EXPECT_FALSE(fs_is(target.c_str(), TMPFS_MAGIC));
  expect_no_leak();
}

}  // namespace
}  // namespace lxc::rootfs
