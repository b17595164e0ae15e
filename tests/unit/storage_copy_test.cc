// Unit tests for the storage pieces that need no root: the config rewrite of
// a copy, the dependency files, the overlay rootfs value, the tree copy.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "api/copy.h"
#include "base/file.h"
#include "storage/backend.h"
#include "storage/copy_tree.h"
#include "storage/dir.h"
#include "storage/rdeps.h"
#include "storage/remove_tree.h"

namespace lxc {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lxcpp-storage-unit.XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)storage::remove_tree(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(RemoveTree, ManyEntriesAndEveryKind) {
  // More entries than one getdents64 buffer holds, files, links, fifos and
  // nested directories, one of them not searchable by its owner (busybox's
  // 644 etc/udhcpc).
  TempDir t;
  std::string tree = t.path() + "/tree";
  ASSERT_TRUE(mkdir_p(tree + "/bin"));
  for (int i = 0; i < 700; ++i) {
    std::string name = tree + "/bin/applet-with-a-long-name-" + std::to_string(i);
    ASSERT_EQ(::symlink("busybox", name.c_str()), 0);
  }
  ASSERT_TRUE(write_file_atomic(tree + "/bin/busybox", "x", 0755));
  ASSERT_TRUE(mkdir_p(tree + "/etc/udhcpc"));
  ASSERT_TRUE(write_file_atomic(tree + "/etc/udhcpc/default.script", "#!/bin/sh\n", 0744));
  ASSERT_EQ(::chmod((tree + "/etc/udhcpc").c_str(), 0644), 0);
  ASSERT_EQ(::mkfifo((tree + "/etc/fifo").c_str(), 0600), 0);
  ASSERT_TRUE(mkdir_p(tree + "/a/b/c/d"));
  ASSERT_EQ(::symlink(t.path().c_str(), (tree + "/a/b/up").c_str()), 0);
  ASSERT_TRUE(write_file_atomic(t.path() + "/keep", "precious", 0644));

  auto r = storage::remove_tree(tree);
  ASSERT_TRUE(r) << r.error().what;
  EXPECT_FALSE(path_exists(tree));
  EXPECT_EQ(read_file(t.path() + "/keep").value_or(""), "precious") << "a link out of the tree is not followed";
}

TEST(CopyConfig, RewritesPathsUnderTheOldDirAndMacs) {
  std::string text =
      "# comment /var/lib/lxc/a/x\n"
      "lxc.rootfs.path = dir:/var/lib/lxc/a/rootfs\n"
      "lxc.log.file = /var/lib/lxc/a/a.log\n"
      "lxc.hook.clone = /var/lib/lxc/a/hook arg\n"
      "lxc.mount.entry = /srv srv none bind 0 0\n"
      "lxc.mount.entry = /src dst overlay lowerdir=/src,upperdir=/var/lib/lxc/a/d,workdir=/var/lib/lxc/a/w 0 0\n"
      "lxc.net.0.hwaddr = 00:16:3e:00:00:01\n"
      "lxc.utsname = a\n"
      "lxc.console.logfile = /var/lib/lxc/ab/x\n";
  std::string out = api::rewrite_config_text(text, "/var/lib/lxc/a", "/srv/lxc/b", false, false);
  EXPECT_NE(out.find("# comment /var/lib/lxc/a/x\n"), std::string::npos);  // comments stay
  EXPECT_NE(out.find("lxc.log.file = /srv/lxc/b/a.log\n"), std::string::npos);
  EXPECT_NE(out.find("lxc.hook.clone = /srv/lxc/b/hook arg\n"), std::string::npos);
  EXPECT_NE(out.find("lxc.mount.entry = /srv srv none bind 0 0\n"), std::string::npos);
  EXPECT_NE(out.find("upperdir=/srv/lxc/b/d,workdir=/srv/lxc/b/w"), std::string::npos);
  EXPECT_EQ(out.find("00:16:3e:00:00:01"), std::string::npos);
  EXPECT_NE(out.find("lxc.net.0.hwaddr = 00:16:3e:"), std::string::npos);
  EXPECT_EQ(out.find("lxc.utsname"), std::string::npos);
  EXPECT_NE(out.find("lxc.console.logfile = /var/lib/lxc/ab/x\n"), std::string::npos);  // another container's dir

  std::string kept = api::rewrite_config_text(text, "/var/lib/lxc/a", "/srv/lxc/b", true, true);
  EXPECT_NE(kept.find("lxc.net.0.hwaddr = 00:16:3e:00:00:01"), std::string::npos);
  EXPECT_NE(kept.find("lxc.utsname = a"), std::string::npos);
}

TEST(CopyConfig, RandomHwaddrIsInLxcRange) {
  std::string mac = api::random_hwaddr();
  ASSERT_EQ(mac.size(), 17u);
  EXPECT_EQ(mac.substr(0, 9), "00:16:3e:");
}

TEST(Overlay, SplitsLowerAndUpper) {
  auto [lower, upper] = storage::overlay_dirs("overlay:/var/lib/lxc/base/rootfs:/var/lib/lxc/c/overlay/delta");
  EXPECT_EQ(lower, "/var/lib/lxc/base/rootfs");
  EXPECT_EQ(upper, "/var/lib/lxc/c/overlay/delta");
  EXPECT_EQ(storage::overlay_dirs("overlayfs:/a:/b").first, "/a");
  EXPECT_TRUE(storage::overlay_dirs("overlay:/a").first.empty());
  EXPECT_EQ(storage::detect_type("overlayfs:/a:/b"), "overlay");
  EXPECT_EQ(storage::detect_type("loop:/x/rootdev"), "loop");
}

TEST(Rdeps, AddAndDropInLxcFormat) {
  TempDir t;
  std::string p = t.path();
  ASSERT_TRUE(mkdir_p(p + "/base"));
  ASSERT_TRUE(mkdir_p(p + "/c1"));
  ASSERT_TRUE(mkdir_p(p + "/c2"));
  ASSERT_TRUE(storage::add_dependency({p, "c1"}, {{p, "base"}}));
  ASSERT_TRUE(storage::add_dependency({p, "c2"}, {{p, "base"}}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), p + "\nc1\n" + p + "\nc2\n");
  EXPECT_EQ(*read_file(p + "/c1/lxc_rdepends"), p + "\nbase\n");
  EXPECT_TRUE(storage::has_dependents(p + "/base"));
  ASSERT_TRUE(storage::drop_dependency({p, "c1"}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), p + "\nc2\n");
  ASSERT_TRUE(storage::drop_dependency({p, "c2"}));
  EXPECT_FALSE(path_exists(p + "/base/lxc_snapshots"));
  EXPECT_FALSE(storage::has_dependents(p + "/base"));
  // LXC 1.0's count format.
  ASSERT_TRUE(write_file_atomic(p + "/base/lxc_snapshots", "0\n"));
  EXPECT_FALSE(storage::has_dependents(p + "/base"));
  ASSERT_TRUE(write_file_atomic(p + "/base/lxc_snapshots", "2\n"));
  EXPECT_TRUE(storage::has_dependents(p + "/base"));
  EXPECT_TRUE(storage::dependents(p + "/base").empty()) << "a count names no container";
  ASSERT_TRUE(storage::add_dependency({p, "c1"}, {{p, "base"}}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), "3\n");
  ASSERT_TRUE(storage::drop_dependency({p, "c1"}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), "2\n");
  ASSERT_TRUE(write_file_atomic(p + "/base/lxc_snapshots", "1\n"));
  ASSERT_TRUE(storage::drop_dependency({p, "c1"}));
  EXPECT_FALSE(path_exists(p + "/base/lxc_snapshots")) << "the last one gone, the file goes";
  ASSERT_TRUE(storage::add_dependency({p, "c2"}, {{p, "base"}}));
  EXPECT_EQ(storage::dependents(p + "/base"), (std::vector<storage::ContainerRef>{{p, "c2"}}));
}

TEST(Rdeps, AddingToAListCutShortRewritesIt) {
  TempDir t;
  std::string p = t.path();
  ASSERT_TRUE(mkdir_p(p + "/base"));
  ASSERT_TRUE(mkdir_p(p + "/c2"));
  // A pair cut short after its lxcpath: appending would pair "c2"'s lxcpath
  // with the stray line. The whole pairs are kept and the new one follows.
  ASSERT_TRUE(write_file_atomic(p + "/base/lxc_snapshots", p + "\nc1\n" + p));
  ASSERT_TRUE(storage::add_dependency({p, "c2"}, {{p, "base"}}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), p + "\nc1\n" + p + "\nc2\n");
  ASSERT_TRUE(write_file_atomic(p + "/base/lxc_snapshots", p + "\nc1"));
  ASSERT_TRUE(storage::drop_dependency({p, "c2"}));
  ASSERT_TRUE(storage::add_dependency({p, "c2"}, {{p, "base"}}));
  EXPECT_EQ(*read_file(p + "/base/lxc_snapshots"), p + "\nc1\n" + p + "\nc2\n");
}

TEST(CopyTree, KeepsLinksModesAndHoles) {
  TempDir t;
  std::string s = t.path() + "/src", d = t.path() + "/dst";
  ASSERT_TRUE(mkdir_p(s + "/sub/deep"));
  ASSERT_TRUE(mkdir_p(d));
  ASSERT_TRUE(write_file_atomic(s + "/sub/file", "hello", 0640));
  ASSERT_EQ(::chmod((s + "/sub").c_str(), 0710), 0);
  ASSERT_EQ(::link((s + "/sub/file").c_str(), (s + "/hard").c_str()), 0);
  ASSERT_EQ(::symlink("sub/file", (s + "/sym").c_str()), 0);
  ASSERT_EQ(::symlink("/nonexistent", (s + "/dangling").c_str()), 0);
  ASSERT_EQ(::mkfifo((s + "/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::truncate((s + "/sub/file").c_str(), 10 << 20), 0);
  auto stats = storage::copy_tree(s, d);
  ASSERT_TRUE(stats) << describe(stats.error());
  struct stat a {}, b {};
  ASSERT_EQ(::stat((d + "/sub/file").c_str(), &a), 0);
  ASSERT_EQ(::stat((d + "/hard").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_size, 10 << 20);
  EXPECT_LT(a.st_blocks, 64);  // the hole stays a hole
  EXPECT_EQ(a.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat((d + "/sub").c_str(), &a), 0);
  EXPECT_EQ(a.st_mode & 07777, 0710u);
  char buf[64] = {};
  ASSERT_GT(::readlink((d + "/sym").c_str(), buf, sizeof buf - 1), 0);
  EXPECT_STREQ(buf, "sub/file");
  ASSERT_EQ(::lstat((d + "/dangling").c_str(), &a), 0);
  EXPECT_TRUE(S_ISLNK(a.st_mode));
  ASSERT_EQ(::lstat((d + "/fifo").c_str(), &a), 0);
  EXPECT_TRUE(S_ISFIFO(a.st_mode));
  EXPECT_TRUE(is_dir(d + "/sub/deep"));
  EXPECT_EQ(stats->links, 3u);  // the hard link and two symlinks
}

}  // namespace
}  // namespace lxc
