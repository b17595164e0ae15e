// Mount plans computed from configs, asserted before anything is applied.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/strings.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

std::vector<std::string> lines(const MountPlan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(to_string(s));
  return out;
}

// Index of the first line starting with prefix, or -1.
int find(const std::vector<std::string>& l, std::string_view prefix, int from = 0) {
  for (int i = from; i < static_cast<int>(l.size()); ++i)
    if (l[static_cast<size_t>(i)].starts_with(prefix)) return i;
  return -1;
}

const Step* step_for(const MountPlan& p, std::string_view prefix) {
  for (const auto& s : p.steps)
    if (to_string(s).starts_with(prefix)) return &s;
  return nullptr;
}

config::Conf base_conf() {
  config::Conf c;
  c.rootfs_path = "dir:/var/lib/lxc/c1/rootfs";
  return c;
}

RootfsContext base_ctx() {
  RootfsContext ctx;
  ctx.name = "c1";
  ctx.lxcpath = "/var/lib/lxc";
  ctx.rootfs = "/var/lib/lxc/c1/rootfs";
  return ctx;
}

MountPlan plan(const config::Conf& c, const RootfsContext& ctx) {
  auto p = plan_mounts(c, ctx);
  EXPECT_TRUE(p) << p.error().what;
  return p ? std::move(*p) : MountPlan{};
}

TEST(RootfsPlan, DefaultsInLxcOrder) {
  auto p = plan(base_conf(), base_ctx());
  EXPECT_EQ(p.root_mount, "/var/lib/lxc/c1/rootfs");
  EXPECT_EQ(to_string(p),
            "rslave /\n"
            "rbind /var/lib/lxc/c1/rootfs on /var/lib/lxc/c1/rootfs\n"
            "mkdir dev 0755\n"
            "mount none on dev type tmpfs data=size=500000,mode=755\n"
            "mkdir dev/pts 0755\n"
            "mknod dev/full c 1:7\n"
            "mknod dev/null c 1:3\n"
            "mknod dev/random c 1:8\n"
            "mknod dev/tty c 5:0\n"
            "mknod dev/urandom c 1:9\n"
            "mknod dev/zero c 1:5\n"
            "symlink dev/fd -> /proc/self/fd skip-missing\n"
            "symlink dev/stdin -> /proc/self/fd/0 skip-missing\n"
            "symlink dev/stdout -> /proc/self/fd/1 skip-missing\n"
            "symlink dev/stderr -> /proc/self/fd/2 skip-missing\n"
            "pivot_root /var/lib/lxc/c1/rootfs\n"
            "boot-id optional\n");
}

TEST(RootfsPlan, AutodevOffAndTmpfsSize) {
  auto c = base_conf();
  c.autodev = false;
  auto l = lines(plan(c, base_ctx()));
  EXPECT_EQ(find(l, "mount none on dev"), -1);
  EXPECT_EQ(find(l, "mknod"), -1);
  EXPECT_EQ(find(l, "boot-id"), -1);
  EXPECT_NE(find(l, "symlink dev/fd"), -1);  // LXC makes these without autodev too

  c.autodev = true;
  c.autodev_tmpfs_size = 1048576;
  l = lines(plan(c, base_ctx()));
  EXPECT_NE(find(l, "mount none on dev type tmpfs data=size=1048576,mode=755"), -1);
}

TEST(RootfsPlan, RootfsMountAndOptions) {
  auto c = base_conf();
  c.rootfs_mount = "/usr/lib/x86_64-linux-gnu/lxc";
  c.rootfs_options = "ro,nosuid,rslave";
  auto p = plan(c, base_ctx());
  EXPECT_EQ(p.root_mount, "/usr/lib/x86_64-linux-gnu/lxc");
  auto l = lines(p);
  EXPECT_EQ(l[1], "rbind /var/lib/lxc/c1/rootfs on /usr/lib/x86_64-linux-gnu/lxc remount(ro,nosuid) rslave");
  EXPECT_EQ(l[l.size() - 2], "pivot_root /usr/lib/x86_64-linux-gnu/lxc");

  // idmap=container: only with a user namespace; the rootfs step carries it
  // and it is the first tree the monitor makes.
  c.rootfs_options = "idmap=container";
  auto bad = plan_mounts(c, base_ctx());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, EINVAL);
  EXPECT_NE(bad.error().what.find("lxc.rootfs.options"), std::string::npos);
  auto ctx = base_ctx();
  ctx.userns = true;
  auto idm = plan(c, ctx);
  auto trees = idmapped_trees(idm);
  ASSERT_EQ(trees.size(), 1u);
  EXPECT_EQ(trees[0].source, "/var/lib/lxc/c1/rootfs");
  EXPECT_EQ(trees[0].idmap, "container");
  EXPECT_TRUE(trees[0].recursive);
}

TEST(RootfsPlan, ProcAndSysMixed) {
  auto c = base_conf();
  c.mount_auto = {"proc:mixed", "sys:mixed"};
  auto l = lines(plan(c, base_ctx()));
  // After the /dev tmpfs, before anything else; /proc/sys/net stays
  // writable because the container keeps CAP_NET_ADMIN.
  int i = find(l, "umount proc optional");
  ASSERT_NE(i, -1);
  EXPECT_GT(i, find(l, "mount none on dev"));
  std::vector<std::string> want = {
      "umount proc optional",
      "mkdir proc 0755",
      "mount proc on proc type proc (nosuid,nodev,noexec) skip-missing",
      "bind proc/sys/net on proc/tty skip-missing",
      "bind proc/sys on proc/sys remount(ro) skip-missing",
      "move proc/tty to proc/sys/net skip-missing",
      "bind proc/sysrq-trigger on proc/sysrq-trigger remount(ro) skip-missing",
      "umount sys optional",
      "mkdir sys 0755",
      "mount sysfs on proc/sys type sysfs (nosuid,nodev,noexec) skip-missing",
      "mount sysfs on sys type sysfs (ro,nosuid,nodev,noexec) skip-missing",
      "bind proc/sys/devices/virtual/net on sys/devices/virtual/net skip-missing",
      "umount proc/sys skip-missing",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);

  c.cap_drop = {"net_admin"};
  l = lines(plan(c, base_ctx()));
  EXPECT_EQ(find(l, "bind proc/sys/net"), -1);
  EXPECT_EQ(find(l, "move proc/tty"), -1);
  EXPECT_NE(find(l, "bind proc/sys on proc/sys remount(ro)"), -1);
}

TEST(RootfsPlan, ProcRwSysRoRw) {
  auto c = base_conf();
  c.mount_auto = {"proc:rw", "sys:ro"};
  auto l = lines(plan(c, base_ctx()));
  EXPECT_NE(find(l, "mount proc on proc type proc"), -1);
  EXPECT_EQ(find(l, "bind proc/sys on proc/sys"), -1);
  EXPECT_NE(find(l, "mount sysfs on sys type sysfs (ro) skip-missing"), -1);
  c.mount_auto = {"sys:rw"};
  l = lines(plan(c, base_ctx()));
  EXPECT_NE(find(l, "mount sysfs on sys type sysfs skip-missing"), -1);
}

TEST(RootfsPlan, MountEntries) {
  auto c = base_conf();
  c.mount_entries = {
      "/srv/data srv none bind,create=dir 0 0",
      "/srv/ro mnt/ro none rbind,ro,nosuid,create=dir 0 0",
      "/dev/fuse dev/fuse none bind,create=file,optional 0 0",
      "tmpfs tmp tmpfs size=10m,mode=1777,nodev,noswap 0 0",
      "dev/null proc/kcore none bind,relative 0 0",
      "/var/lib/lxc/c1/rootfs/opt /var/lib/lxc/c1/rootfs/mnt/opt none bind 0 0",
      "/srv/abs /srv/inside none bind,rslave 0 0",
  };
  auto p = plan(c, base_ctx());
  auto l = lines(p);
  int i = find(l, "bind /srv/data");
  ASSERT_NE(i, -1);
  std::vector<std::string> want = {
      "bind /srv/data on srv create=dir",
      "rbind /srv/ro on mnt/ro remount(ro,nosuid) create=dir",
      "bind /dev/fuse on dev/fuse create=file optional",
      "mount tmpfs on tmp type tmpfs (nodev) data=size=10m,mode=1777",
      "bind dev/null on proc/kcore",
      "bind /var/lib/lxc/c1/rootfs/opt on mnt/opt",
      "bind /srv/abs on srv/inside rslave",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);
  // Entries come after the /dev tmpfs (dev/fuse needs it) and before the device nodes.
  EXPECT_GT(i, find(l, "mount none on dev"));
  EXPECT_LT(i, find(l, "mknod"));
  const Step* rel = step_for(p, "bind dev/null");
  ASSERT_NE(rel, nullptr);
  EXPECT_TRUE(rel->source_in_rootfs);
  EXPECT_EQ(rel->origin, "lxc.mount.entry \"dev/null proc/kcore none bind,relative 0 0\"");
  EXPECT_FALSE(step_for(p, "bind /srv/data")->source_in_rootfs);
}

TEST(RootfsPlan, EntryErrorsNameTheEntry) {
  auto c = base_conf();
  c.mount_entries = {"/srv ../../etc none bind 0 0"};
  auto p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, EXDEV);
  EXPECT_NE(p.error().what.find("lxc.mount.entry \"/srv ../../etc none bind 0 0\""), std::string::npos)
      << p.error().what;

  c.mount_entries = {"etc/passwd etc/x none bind,relative,create=file 0 0", "../../x y none bind,relative 0 0"};
  p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().what.find("../../x y"), std::string::npos) << p.error().what;

  c.mount_entries = {"tmpfs / tmpfs defaults 0 0"};
  p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().what.find("the container's root itself"), std::string::npos) << p.error().what;

  c.mount_entries = {"just-one-field"};
  p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().what.find("lxc.mount.entry \"just-one-field\""), std::string::npos);

  c.mount_entries = {"/srv srv none bind,idmap=container 0 0"};
  p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, EINVAL);  // idmap=container without a user namespace
  EXPECT_NE(p.error().what.find("needs a user namespace"), std::string::npos) << p.error().what;
  c.mount_entries = {"tmpfs tmp tmpfs idmap=/proc/1/ns/user 0 0"};
  p = plan_mounts(c, base_ctx());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().what.find("needs a bind mount of a host path"), std::string::npos) << p.error().what;
  // In plan order, with the optional flag the monitor needs.
  auto ctx = base_ctx();
  ctx.userns = true;
  c.mount_entries = {"/srv srv none bind,idmap=container 0 0", "/opt opt none rbind,optional,idmap=/run/ns 0 0"};
  auto trees = idmapped_trees(plan(c, ctx));
  ASSERT_EQ(trees.size(), 2u);
  EXPECT_EQ(trees[0].source, "/srv");
  EXPECT_FALSE(trees[0].recursive);
  EXPECT_FALSE(trees[0].optional);
  EXPECT_EQ(trees[1].source, "/opt");
  EXPECT_TRUE(trees[1].recursive);
  EXPECT_TRUE(trees[1].optional);
  EXPECT_EQ(trees[1].idmap, "/run/ns");
}

TEST(RootfsPlan, FstabFile) {
  char tmpl[] = "/tmp/lxcpp-test-rootfs-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string path = dir + "/fstab";
  std::ofstream(path) << "# the container's fstab\n"
                      << "proc proc proc nodev,noexec,nosuid 0 0\n"
                      << "\n"
                      << "/srv/a srv/a none bind,create=dir\n";
  auto c = base_conf();
  c.mount_fstab = path;
  c.mount_entries = {"tmpfs run tmpfs defaults 0 0"};
  auto p = plan(c, base_ctx());
  auto l = lines(p);
  int a = find(l, "mount proc on proc type proc (nosuid,nodev,noexec)");
  int b = find(l, "bind /srv/a on srv/a create=dir");
  int e = find(l, "mount tmpfs on run");
  ASSERT_NE(a, -1);
  EXPECT_LT(a, b);
  EXPECT_LT(b, e);  // fstab first, then lxc.mount.entry, as LXC
  EXPECT_EQ(step_for(p, "bind /srv/a")->origin, "lxc.mount.fstab " + path + ":4 \"/srv/a srv/a none bind,create=dir\"");

  std::ofstream(path) << "proc proc\n";
  auto bad = plan_mounts(c, base_ctx());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what.find(path + ":1"), std::string::npos) << bad.error().what;

  c.mount_fstab = dir + "/missing";
  bad = plan_mounts(c, base_ctx());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ENOENT);
  EXPECT_NE(bad.error().what.find("lxc.mount.fstab"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(RootfsPlan, DevptsConsoleAndTtys) {
  auto c = base_conf();
  c.pty_max = 1024;
  c.tty_max = 2;
  auto ctx = base_ctx();
  ctx.console_pty = "/dev/pts/7";
  ctx.tty_ptys = {"/dev/pts/8", "/dev/pts/9"};
  auto p = plan(c, ctx);
  auto l = lines(p);
  int i = find(l, "umount dev/pts optional");
  ASSERT_NE(i, -1);
  EXPECT_GT(i, find(l, "mknod dev/zero"));
  std::vector<std::string> want = {
      "umount dev/pts optional",
      "devpts on dev/pts (nosuid,noexec) data=gid=5,newinstance,ptmxmode=0666,mode=0620,max=1024 create=dir",
      "ptmx dev/ptmx from pts/ptmx",
      "umount-all dev/console optional",
      "bind /dev/pts/7 on dev/console create=file",
      "bind /dev/pts/8 on dev/tty1 create=file",
      "bind /dev/pts/9 on dev/tty2 create=file",
      "symlink dev/fd -> /proc/self/fd skip-missing",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);
  const Step* devpts = step_for(p, "devpts");
  EXPECT_EQ(devpts->data_fallbacks.size(), 3u);
  EXPECT_EQ(devpts->data_fallbacks.back(), "newinstance,ptmxmode=0666,mode=0620");

  c.pty_max = 0;
  EXPECT_EQ(find(lines(plan(c, ctx)), "devpts"), -1);  // as LXC: no pty.max, no devpts instance
}

TEST(RootfsPlan, TtyDir) {
  auto c = base_conf();
  c.tty_max = 1;
  c.tty_dir = "lxc";
  auto ctx = base_ctx();
  ctx.console_pty = "/dev/pts/3";
  ctx.tty_ptys = {"/dev/pts/4"};
  auto l = lines(plan(c, ctx));
  int i = find(l, "mkdir dev/lxc");
  ASSERT_NE(i, -1);
  std::vector<std::string> want = {
      "mkdir dev/lxc 0755",
      "bind /dev/pts/3 on dev/lxc/console create=file",
      "umount-all dev/console optional",
      "bind dev/lxc/console on dev/console create=file",
      "mkdir dev/lxc 0755",
      "bind /dev/pts/4 on dev/lxc/tty1 create=file",
      "symlink dev/tty1 -> lxc/tty1 replace",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);

  ctx.tty_ptys.clear();
  auto bad = plan_mounts(c, ctx);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what.find("lxc.tty.max is 1 but 0 ptys"), std::string::npos);
}

CgroupMounts hybrid(bool cgroupns) {
  CgroupMounts cg;
  cg.cgroupns = cgroupns;
  cg.hierarchies = {
      {"cpu,cpuacct", {"cpu", "cpuacct"}, false, "/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1", "lxc.payload.c1"},
      {"systemd", {"name=systemd"}, false, "/sys/fs/cgroup/systemd/lxc.payload.c1", "lxc.payload.c1"},
      {"unified", {}, true, "/sys/fs/cgroup/unified/lxc.payload.c1", "lxc.payload.c1"},
  };
  return cg;
}

CgroupMounts unified(bool cgroupns) {
  CgroupMounts cg;
  cg.unified_only = true;
  cg.cgroupns = cgroupns;
  cg.hierarchies = {{"", {}, true, "/sys/fs/cgroup/lxc.payload.c1", "lxc.payload.c1"}};
  return cg;
}

TEST(RootfsPlan, CgroupUnified) {
  auto c = base_conf();
  c.mount_auto = {"sys:mixed", "cgroup:mixed"};
  auto ctx = base_ctx();
  ctx.cgroups = unified(true);
  auto l = lines(plan(c, ctx));
  // LXC mounts cgroup2 on a pure cgroup2 host even without :force.
  int i = find(l, "mount cgroup2 on sys/fs/cgroup type cgroup2 (nosuid,nodev,noexec,relatime) create=dir");
  ASSERT_NE(i, -1);
  EXPECT_GT(i, find(l, "umount proc/sys"));  // after /sys
  EXPECT_LT(i, find(l, "mknod"));

  c.mount_auto = {"cgroup:ro"};
  l = lines(plan(c, ctx));
  EXPECT_NE(find(l, "mount cgroup2 on sys/fs/cgroup type cgroup2 (ro,nosuid,nodev,noexec,relatime)"), -1);

  ctx.cgroups = unified(false);
  auto bad = plan_mounts(c, ctx);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, EOPNOTSUPP);
  EXPECT_NE(bad.error().what.find("lxc.mount.auto cgroup:ro"), std::string::npos) << bad.error().what;

  ctx.cgroups = {};
  EXPECT_EQ(find(lines(plan(c, ctx)), "mount cgroup"), -1);  // no hierarchies: nothing
}

TEST(RootfsPlan, CgroupHybridWithNamespace) {
  auto c = base_conf();
  auto ctx = base_ctx();
  ctx.cgroups = hybrid(true);
  // The container keeps CAP_SYS_ADMIN and has a cgroup namespace: its init mounts.
  c.mount_auto = {"cgroup:mixed"};
  auto l = lines(plan(c, ctx));
  EXPECT_EQ(find(l, "mount tmpfs on sys/fs/cgroup"), -1);

  c.mount_auto = {"cgroup:mixed:force"};
  l = lines(plan(c, ctx));
  int i = find(l, "mount tmpfs on sys/fs/cgroup");
  ASSERT_NE(i, -1);
  std::vector<std::string> want = {
      "mount tmpfs on sys/fs/cgroup type tmpfs (nosuid,nodev,noexec,relatime) data=size=10240k,mode=755 create=dir",
      "mkdir sys/fs/cgroup/cpu,cpuacct 0755",
      "mount cgroup on sys/fs/cgroup/cpu,cpuacct type cgroup (nosuid,nodev,noexec,relatime) data=cpu,cpuacct",
      "mkdir sys/fs/cgroup/systemd 0755",
      "mount cgroup on sys/fs/cgroup/systemd type cgroup (nosuid,nodev,noexec,relatime) data=name=systemd",
      "mkdir sys/fs/cgroup/unified 0755",
      "mount cgroup2 on sys/fs/cgroup/unified type cgroup2 (nosuid,nodev,noexec,relatime)",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);

  // Without CAP_SYS_ADMIN LXC forces the mounts, and "cgroup" means mixed.
  c.mount_auto = {"cgroup"};
  c.cap_drop = {"sys_admin"};
  l = lines(plan(c, ctx));
  EXPECT_NE(find(l, "mount cgroup on sys/fs/cgroup/cpu,cpuacct type cgroup (nosuid,nodev,noexec,relatime)"), -1);
  c.mount_auto = {"cgroup:ro"};
  l = lines(plan(c, ctx));
  EXPECT_NE(find(l, "mount cgroup on sys/fs/cgroup/cpu,cpuacct type cgroup (ro,"), -1);
}

TEST(RootfsPlan, CgroupHybridWithoutNamespace) {
  auto c = base_conf();
  auto ctx = base_ctx();
  ctx.cgroups = hybrid(false);
  c.mount_auto = {"cgroup:mixed"};
  auto l = lines(plan(c, ctx));
  int i = find(l, "mount tmpfs on sys/fs/cgroup");
  ASSERT_NE(i, -1);
  std::vector<std::string> want = {
      "mount tmpfs on sys/fs/cgroup type tmpfs (nosuid,nodev,noexec,relatime) data=size=10240k,mode=755 create=dir",
      "mkdir sys/fs/cgroup/cpu,cpuacct 0755",
      "mkdir sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1 0755",
      "bind sys/fs/cgroup/cpu,cpuacct on sys/fs/cgroup/cpu,cpuacct remount(ro)",
      "bind /sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1 on sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1",
  };
  ASSERT_GE(l.size(), i + want.size());
  EXPECT_EQ(std::vector<std::string>(l.begin() + i, l.begin() + i + static_cast<int>(want.size())), want);

  c.mount_auto = {"cgroup:ro"};
  l = lines(plan(c, ctx));
  EXPECT_NE(find(l, "bind /sys/fs/cgroup/systemd/lxc.payload.c1 on sys/fs/cgroup/systemd/lxc.payload.c1 remount(ro)"), -1);
  c.mount_auto = {"cgroup:rw"};
  l = lines(plan(c, ctx));
  EXPECT_EQ(find(l, "bind sys/fs/cgroup/cpu,cpuacct on"), -1);
  EXPECT_NE(find(l, "bind /sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1 on sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1"), -1);

  c.mount_auto = {"cgroup-full:mixed"};
  l = lines(plan(c, ctx));
  int f = find(l, "mount cgroup on sys/fs/cgroup/cpu,cpuacct type cgroup (ro,nosuid,nodev,noexec,relatime) data=cpu,cpuacct");
  ASSERT_NE(f, -1);
  EXPECT_EQ(l[static_cast<size_t>(f) + 1],
            "bind /sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1 on sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1");

  ctx.cgroups.hierarchies[0].host_path.clear();
  EXPECT_FALSE(plan_mounts(c, ctx));
}

TEST(RootfsPlan, NoRootfs) {
  config::Conf c;
  c.mount_auto = {"proc:rw"};
  c.mount_entries = {"/srv /mnt/srv none bind 0 0"};
  c.tty_max = 1;
  RootfsContext ctx;
  ctx.tty_ptys = {"/dev/pts/1"};
  auto p = plan(c, ctx);
  EXPECT_EQ(p.root_mount, "");
  auto l = lines(p);
  EXPECT_EQ(l[0], "rslave /");
  EXPECT_EQ(find(l, "rbind"), -1);
  EXPECT_EQ(find(l, "umount proc"), -1);
  EXPECT_EQ(find(l, "mount none on dev"), -1);  // no tmpfs over the host's /dev
  EXPECT_EQ(find(l, "pivot_root"), -1);
  EXPECT_EQ(find(l, "bind /dev/pts/1"), -1);  // LXC: ttys only with a rootfs
  EXPECT_NE(find(l, "bind /srv on mnt/srv"), -1);
}

TEST(RootfsPlan, ShmountsHooksAndNesting) {
  auto c = base_conf();
  c.mount_auto = {"shmounts:/var/lib/lxc/shmounts/c1"};
  c.mount_entries = {"tmpfs tmp tmpfs defaults 0 0"};
  c.hooks[static_cast<int>(config::HookType::Mount)] = {"/usr/share/lxc/hooks/x"};
  c.hooks[static_cast<int>(config::HookType::Autodev)] = {"/usr/share/lxc/hooks/y"};
  c.apparmor_allow_nesting = true;
  auto l = lines(plan(c, base_ctx()));
  int entry = find(l, "mount tmpfs on tmp");
  int tunnel = find(l, "bind /var/lib/lxc/shmounts/c1 on dev/.lxc-mounts create=dir");
  int nest = find(l, "mount proc on dev/.lxc/proc type proc create=dir optional");
  int hook = find(l, "hook mount");
  int autodev_hook = find(l, "hook autodev");
  int pivot = find(l, "pivot_root");
  ASSERT_NE(tunnel, -1);
  ASSERT_NE(nest, -1);
  EXPECT_LT(entry, tunnel);
  EXPECT_LT(tunnel, nest);
  EXPECT_LT(nest, hook);
  EXPECT_LT(hook, autodev_hook);
  EXPECT_LT(autodev_hook, find(l, "mknod dev/full"));
  EXPECT_EQ(l[static_cast<size_t>(pivot) + 1], "propagation /dev/.lxc-mounts rslave");
}

}  // namespace
}  // namespace lxc::rootfs
