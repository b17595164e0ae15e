// Storage for lxc-create/lxc-destroy: backend registry and rootfs.path
// parsing, the dir backend, the one-filesystem tree removal (never through a
// symlink), mountinfo parsing, and the container lock.
#include <gtest/gtest.h>

#include "test_util.h"
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/file.h"
#include "config/system.h"
#include "storage/backend.h"
#include "storage/lock.h"
#include "storage/remove_tree.h"

namespace lxc::storage {
namespace {

using test_util::TempDir;

namespace fs = std::filesystem;

TEST(CreateStorage, Types) {
  for (auto t : {"dir", "btrfs", "loop", "lvm", "nbd", "overlay", "overlayfs", "rbd", "zfs"})
    EXPECT_TRUE(is_valid_type(t)) << t;
  EXPECT_FALSE(is_valid_type("foo"));
  EXPECT_FALSE(is_valid_type("best"));
  ASSERT_NE(find_backend("dir"), nullptr);
  EXPECT_EQ(find_backend("none"), find_backend("dir"));
  EXPECT_NE(find_backend("lvm"), nullptr);
  EXPECT_EQ(find_backend("overlayfs"), find_backend("overlay"));
  EXPECT_EQ(find_backend("nbd"), nullptr) << "no nbd backend";
  EXPECT_EQ(default_backend(""), find_backend("dir"));
  EXPECT_EQ(default_backend("best"), find_backend("dir"));
}

TEST(CreateStorage, LvmAndZfsDefaultsComeFromTheSystemConfig) {
  // What lxc-create -B lvm/zfs uses without --vgname, --thinpool, --zfsroot.
  TempDir t;
  std::string none = t.path() + "/no-lxc.conf";
  EXPECT_EQ(config::bdev_default("lxc.bdev.lvm.vg", none), "lxc");
  EXPECT_EQ(config::bdev_default("lxc.bdev.lvm.thin_pool", none), "lxc");
  EXPECT_EQ(config::bdev_default("lxc.bdev.zfs.root", none), "lxc");
  std::string conf = t.file("lxc.conf",
                            "lxc.bdev.lvm.vg = vg0\n"
                            "lxc.bdev.lvm.thin_pool = pool0\n"
                            "lxc.bdev.zfs.root = tank/lxc\n");
  EXPECT_EQ(config::bdev_default("lxc.bdev.lvm.vg", conf), "vg0");
  EXPECT_EQ(config::bdev_default("lxc.bdev.lvm.thin_pool", conf), "pool0");
  EXPECT_EQ(config::bdev_default("lxc.bdev.zfs.root", conf), "tank/lxc");
  // An empty value is no value, as LXC's lxc_global_config_value skips it.
  conf = t.file("empty.conf", "lxc.bdev.lvm.vg =\n");
  EXPECT_EQ(config::bdev_default("lxc.bdev.lvm.vg", conf), "lxc");
}

TEST(CreateStorage, RootfsPathValues) {
  EXPECT_EQ(src_type("dir:/var/lib/lxc/c1/rootfs"), "dir");
  EXPECT_EQ(src_path("dir:/var/lib/lxc/c1/rootfs"), "/var/lib/lxc/c1/rootfs");
  EXPECT_EQ(src_type("/var/lib/lxc/c1/rootfs"), "");
  EXPECT_EQ(src_path("/var/lib/lxc/c1/rootfs"), "/var/lib/lxc/c1/rootfs");
  EXPECT_EQ(src_type("overlay:/a:/b"), "overlay");
  EXPECT_EQ(src_path("lvm:/dev/lxc/c1"), "/dev/lxc/c1");
  EXPECT_EQ(backend_for_src("dir:/nonexistent"), find_backend("dir"));
  EXPECT_EQ(backend_for_src("overlay:/a:/b"), find_backend("overlay"));
  EXPECT_EQ(backend_for_src("rbd:pool/c1"), nullptr);
  EXPECT_EQ(backend_for_src("/"), find_backend("dir"));
  EXPECT_EQ(backend_for_src("/nonexistent-lxcpp"), nullptr);
}

TEST(CreateStorage, DirCreate) {
  TempDir t;
  const Backend* dir = find_backend("dir");
  auto r = dir->create(t.path() + "/c1/rootfs", "c1", {});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(r->src, "dir:" + t.path() + "/c1/rootfs");
  EXPECT_EQ(r->path, t.path() + "/c1/rootfs");
  EXPECT_TRUE(r->created);
  EXPECT_TRUE(is_dir(r->path));
  // Again: already there. --dir wins over the default place.
  r = dir->create(t.path() + "/c1/rootfs", "c1", {});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->created);
  Spec spec;
  spec.dir = t.path() + "/elsewhere/";
  r = dir->create(t.path() + "/c1/rootfs", "c1", spec);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->src, "dir:" + t.path() + "/elsewhere");
}

TEST(CreateStorage, MountinfoParsing) {
  std::string info =
      "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "30 22 0:26 / /run rw,nosuid shared:5 - tmpfs tmpfs rw\n"
      "41 22 0:40 / /var/lib/lxc/c\\0401/rootfs rw - tmpfs tmpfs rw\n"
      "42 22 0:41 /sub /mnt/with\\134backslash rw - tmpfs tmpfs rw\n";
  EXPECT_EQ(parse_mount_points(info),
            (std::vector<std::string>{"/", "/run", "/var/lib/lxc/c 1/rootfs", "/mnt/with\\backslash"}));
  EXPECT_TRUE(parse_mount_points("").empty());
}

TEST(CreateStorage, MountsBelow) {
  auto at_root = mounts_at_or_below("/");
  ASSERT_TRUE(at_root);
  EXPECT_FALSE(at_root->empty());
  TempDir t;
  auto none = mounts_at_or_below(t.path());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(check_no_mounts(t.path()));
  EXPECT_TRUE(mounts_at_or_below(t.path() + "/missing").value().empty());
}

TEST(CreateStorage, RemoveTreeNeverFollowsSymlinks) {
  TempDir t;
  std::string outside = t.path() + "/outside";
  std::string tree = t.path() + "/tree";
  fs::create_directories(outside + "/keep");
  std::ofstream(outside + "/keep/file") << "precious";
  fs::create_directories(tree + "/a/b/c");
  std::ofstream(tree + "/a/b/c/f") << "x";
  std::ofstream(tree + "/top") << "x";
  fs::create_symlink(outside, tree + "/a/link-to-outside");
  fs::create_symlink(outside + "/keep/file", tree + "/file-link");
  ::mkfifo((tree + "/a/fifo").c_str(), 0600);
  ::chmod((tree + "/a/b").c_str(), 0);  // root removes it all the same; others get EACCES
  if (::geteuid() != 0) ::chmod((tree + "/a/b").c_str(), 0755);

  ASSERT_TRUE(remove_tree(tree));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree)));
  EXPECT_EQ(read_file(outside + "/keep/file").value_or(""), "precious");
}

TEST(CreateStorage, RemoveTreeEdgeCases) {
  TempDir t;
  EXPECT_TRUE(remove_tree(t.path() + "/missing")) << "a missing path is fine";
  EXPECT_FALSE(remove_tree("/"));
  EXPECT_FALSE(remove_tree(""));
  std::ofstream(t.path() + "/file") << "x";
  EXPECT_TRUE(remove_tree(t.path() + "/file"));
  EXPECT_FALSE(fs::exists(t.path() + "/file"));
  // A symlink at the top is removed, its target kept.
  fs::create_directories(t.path() + "/target");
  fs::create_symlink(t.path() + "/target", t.path() + "/l");
  EXPECT_TRUE(remove_tree(t.path() + "/l"));
  EXPECT_TRUE(fs::is_directory(t.path() + "/target"));
}

TEST(CreateStorage, DirDestroyLeavesASymlinkedRootfsAlone) {
  TempDir t;
  fs::create_directories(t.path() + "/real");
  std::ofstream(t.path() + "/real/f") << "x";
  fs::create_symlink(t.path() + "/real", t.path() + "/rootfs");
  const Backend* dir = find_backend("dir");
  EXPECT_TRUE(dir->check_destroy("dir:" + t.path() + "/rootfs"));
  EXPECT_TRUE(dir->destroy("dir:" + t.path() + "/rootfs"));
  EXPECT_TRUE(fs::exists(t.path() + "/real/f"));
  fs::create_directories(t.path() + "/r2/x");
  EXPECT_TRUE(dir->destroy("dir:" + t.path() + "/r2"));
  EXPECT_FALSE(fs::exists(t.path() + "/r2"));
}

TEST(CreateStorage, LockExcludes) {
  TempDir t;
  std::string path = t.path() + "/.c1";
  auto first = ContainerLock::acquire_file(path, false);
  ASSERT_TRUE(first) << describe(first.error());
  // flock locks belong to the open file: a second open conflicts even here.
  auto second = ContainerLock::acquire_file(path, false);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EWOULDBLOCK);
  { auto moved = std::move(*first); }
  auto third = ContainerLock::acquire_file(path, false);
  EXPECT_TRUE(third) << "released with the fd";
}

TEST(CreateStorage, LockPathLayout) {
  std::string p = lock_file_path("/var/lib/lxc/", "c1");
  EXPECT_TRUE(p.ends_with("/lock/var/lib/lxc/.c1")) << p;
  EXPECT_EQ(lock_file_path("/var/lib/../lib/lxc", "c1"), p);
  if (::geteuid() == 0) {
    EXPECT_EQ(p, "/run/lxcpp/lock/var/lib/lxc/.c1");
  }
}

}  // namespace
}  // namespace lxc::storage
