// RootDir, what the built-in templates write a rootfs through: directories
// made as "mkdir -p; chmod", paths resolved inside the rootfs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "templates/root_dir.h"
#include "test_util.h"

namespace lxc::templates {
namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(RootDir, MakeDirsLikeMkdirPThenChmod) {
  test_util::TempDir t;
  auto root = RootDir::open(t.path());
  ASSERT_TRUE(root) << root.error().what;
  mode_t old = ::umask(022);
  // A top-level directory, one whose parent exists, one whose parents do not.
  EXPECT_TRUE(root->make_dirs("etc", 0755));
  EXPECT_TRUE(root->make_dirs("etc/init.d", 0700));
  EXPECT_TRUE(root->make_dirs("/var/log/", 0750));
  // A mode the umask would strip, and an existing directory: chmod all the same.
  EXPECT_TRUE(root->make_dirs("tmp", 01777));
  ASSERT_EQ(::chmod((t.path() + "/etc").c_str(), 0700), 0);
  EXPECT_TRUE(root->make_dirs("etc", 0755));
  EXPECT_TRUE(root->make_dirs(".", 0711));
  ::umask(old);
  EXPECT_EQ(mode_of(t.path() + "/etc"), 0755u);
  EXPECT_EQ(mode_of(t.path() + "/etc/init.d"), 0700u);
  EXPECT_EQ(mode_of(t.path() + "/var"), 0755u) << "an intermediate level gets 0777 less the umask";
  EXPECT_EQ(mode_of(t.path() + "/var/log"), 0750u);
  EXPECT_EQ(mode_of(t.path() + "/tmp"), 01777u);
  EXPECT_EQ(mode_of(t.path()), 0711u);
  // A file in the way is an error.
  t.file("file", "x");
  EXPECT_FALSE(root->make_dirs("file/sub", 0755));
}

TEST(RootDir, MakeDirsStaysInsideTheRoot) {
  test_util::TempDir t;
  test_util::TempDir outside;
  ASSERT_EQ(::mkdir((t.path() + "/root").c_str(), 0755), 0);
  // An absolute link in the rootfs points into the rootfs, not the host.
  ASSERT_EQ(::symlink("/", (t.path() + "/root/abs").c_str()), 0);
  ASSERT_EQ(::symlink(outside.path().c_str(), (t.path() + "/root/out").c_str()), 0);
  auto root = RootDir::open(t.path() + "/root");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->make_dirs("abs/made", 0755));
  EXPECT_TRUE(is_dir(t.path() + "/root/made"));
  (void)root->make_dirs("out/x", 0755);  // the link's target is not in the rootfs: an error
  EXPECT_FALSE(path_exists(outside.path() + "/x")) << "the host directory is never written";
}

}  // namespace
}  // namespace lxc::templates
