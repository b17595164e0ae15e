// fstab lines, mount options and lxc.mount.auto tokens.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

TEST(RootfsFstab, ParsesSixFields) {
  auto e = parse_fstab_line("/dev/fuse dev/fuse none bind,create=file,optional 0 0");
  ASSERT_TRUE(e) << e.error().what;
  EXPECT_EQ(e->source, "/dev/fuse");
  EXPECT_EQ(e->target, "dev/fuse");
  EXPECT_EQ(e->fstype, "none");
  EXPECT_EQ(e->options, "bind,create=file,optional");
  EXPECT_EQ(e->dump, 0);
  EXPECT_EQ(e->pass, 0);
}

TEST(RootfsFstab, OptionalFieldsAndWhitespace) {
  auto e = parse_fstab_line("  proc\tproc   proc");
  ASSERT_TRUE(e) << e.error().what;
  EXPECT_EQ(e->source, "proc");
  EXPECT_EQ(e->target, "proc");
  EXPECT_EQ(e->fstype, "proc");
  EXPECT_EQ(e->options, "");

  e = parse_fstab_line("tmpfs tmp tmpfs size=1m 1 2\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dump, 1);
  EXPECT_EQ(e->pass, 2);
  // getmntent reads a field that is not a number as 0.
  e = parse_fstab_line("tmpfs tmp tmpfs defaults x y");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dump, 0);
}

TEST(RootfsFstab, DecodesOctalEscapes) {
  auto e = parse_fstab_line(R"(/srv/my\040dir mnt/a\011b none bind 0 0)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->source, "/srv/my dir");
  EXPECT_EQ(e->target, "mnt/a\tb");
  e = parse_fstab_line(R"(/x\134y /z\\w none bind)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->source, "/x\\y");
  EXPECT_EQ(e->target, "/z\\w");
}

TEST(RootfsFstab, TooFewFieldsIsAnError) {
  auto e = parse_fstab_line("/srv mnt");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, EINVAL);
  EXPECT_NE(e.error().what.find("/srv mnt"), std::string::npos);
}

TEST(RootfsFstab, FileSkipsCommentsAndNamesTheBadLine) {
  auto all = parse_fstab("# comment\n\nproc proc proc nodev 0 0\n  # indented comment\nsys sys sysfs ro 0 0\n");
  ASSERT_TRUE(all) << all.error().what;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].fstype, "sysfs");

  auto bad = parse_fstab("proc proc proc\nonly-one\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().what.find("line 2"), std::string::npos) << bad.error().what;
}

TEST(RootfsOptions, BindRbindAndReadOnly) {
  auto o = parse_mount_options("bind,ro");
  EXPECT_TRUE(o.bind);
  EXPECT_FALSE(o.recursive);
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_BIND | MS_RDONLY));

  o = parse_mount_options("rbind,nosuid,nodev");
  EXPECT_TRUE(o.bind);
  EXPECT_TRUE(o.recursive);
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_BIND | MS_REC | MS_NOSUID | MS_NODEV));
}

TEST(RootfsOptions, LaterOptionWins) {
  auto o = parse_mount_options("ro,rw");
  EXPECT_EQ(o.flags & MS_RDONLY, 0u);
  EXPECT_EQ(o.cleared & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
  o = parse_mount_options("nodev,dev,noexec,exec,suid");
  EXPECT_EQ(o.flags, 0u);
  EXPECT_EQ(o.cleared, static_cast<unsigned long>(MS_NODEV | MS_NOEXEC | MS_NOSUID));
  o = parse_mount_options("rw,ro");
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_EQ(o.cleared, 0u);
}

TEST(RootfsOptions, LxcOptionsAreTakenOut) {
  auto o = parse_mount_options("bind,create=dir,optional,relative");
  EXPECT_TRUE(o.create_dir);
  EXPECT_FALSE(o.create_file);
  EXPECT_TRUE(o.optional);
  EXPECT_TRUE(o.relative);
  EXPECT_EQ(o.data, "");
  EXPECT_TRUE(o.ignored.empty());

  o = parse_mount_options("bind,create=file");
  EXPECT_TRUE(o.create_file);
  EXPECT_FALSE(o.create_dir);

  o = parse_mount_options("bind,idmap=container");
  EXPECT_EQ(o.idmap, "container");
}

TEST(RootfsOptions, DataOptionsVersusIgnoredFlags) {
  // Anything with '=' is for the filesystem; flags LXC does not know are
  // dropped (LXC 5 ignores them too), not passed as data.
  auto o = parse_mount_options("defaults,size=10m,mode=1777,noswap,nosuid,user_xattr,sync");
  EXPECT_EQ(o.data, "size=10m,mode=1777");
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID));
  EXPECT_EQ(o.ignored, (std::vector<std::string>{"noswap", "user_xattr", "sync"}));
  EXPECT_FALSE(o.bind);
}

TEST(RootfsOptions, Propagation) {
  EXPECT_EQ(parse_mount_options("bind,rslave").propagation, static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(parse_mount_options("bind,shared").propagation, static_cast<unsigned long>(MS_SHARED));
  EXPECT_EQ(parse_mount_options("rprivate").propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  EXPECT_EQ(parse_mount_options("bind,rslave").flags, static_cast<unsigned long>(MS_BIND));
}

TEST(RootfsMountAuto, Folding) {
  auto a = parse_mount_auto({"proc", "sys", "cgroup"});
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->proc, AutoMounts::Proc::Mixed);
  EXPECT_EQ(a->sys, AutoMounts::Sys::Mixed);
  EXPECT_EQ(a->cgroup, AutoMounts::CgroupKind::Cgroup);
  EXPECT_EQ(a->cgroup_mode, AutoMounts::CgroupMode::NoSpec);

  a = parse_mount_auto({"proc:rw", "sys:ro", "cgroup-full:ro:force"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->proc, AutoMounts::Proc::Rw);
  EXPECT_EQ(a->sys, AutoMounts::Sys::Ro);
  EXPECT_EQ(a->cgroup, AutoMounts::CgroupKind::Full);
  EXPECT_EQ(a->cgroup_mode, AutoMounts::CgroupMode::Ro);
  EXPECT_TRUE(a->cgroup_force);

  // One cgroup setting: the last token of any cgroup kind.
  a = parse_mount_auto({"cgroup:mixed", "cgroup-full:rw", "cgroup:force"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cgroup, AutoMounts::CgroupKind::Cgroup);
  EXPECT_EQ(a->cgroup_mode, AutoMounts::CgroupMode::NoSpec);
  EXPECT_TRUE(a->cgroup_force);

  a = parse_mount_auto({"cgroup2"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cgroup, AutoMounts::CgroupKind::Cgroup2);
}

TEST(RootfsMountAuto, Shmounts) {
  auto a = parse_mount_auto({"shmounts:/var/lib/lxd/shmounts/c1:/dev/.lxd-mounts"});
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->shmounts);
  EXPECT_EQ(a->shmounts->first, "/var/lib/lxd/shmounts/c1");
  EXPECT_EQ(a->shmounts->second, "/dev/.lxd-mounts");

  a = parse_mount_auto({"shmounts:/srv/tunnel"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->shmounts->second, "/dev/.lxc-mounts");

  EXPECT_FALSE(parse_mount_auto({"shmounts:relative"}));
}

TEST(RootfsMountAuto, UnknownTokens) {
  for (const char* t : {"cgroup:bogus", "cgroup:mixed:ro", "cgroup2:mixed", "cgroup:", "procfs", "cgroup:force:ro"}) {
    auto a = parse_mount_auto({t});
    EXPECT_FALSE(a) << t;
    if (!a) {
      EXPECT_NE(a.error().what.find(t), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace lxc::rootfs
