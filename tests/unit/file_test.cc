#include "base/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

namespace lxc {

TEST(MkdirP, MakesEveryMissingLevel) {
  test_util::TempDir dir;
  const std::string deep = dir.path() + "/a/b/c";
  ASSERT_TRUE(mkdir_p(deep, 0750));
  EXPECT_TRUE(is_dir(deep));
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777 & ~0750, 0u) << "the intermediate levels get the mode too (less the umask)";
}

TEST(MkdirP, ExistingDirectoryAndTrailingSlash) {
  test_util::TempDir dir;
  EXPECT_TRUE(mkdir_p(dir.path()));
  EXPECT_TRUE(mkdir_p(dir.path() + "/x/y/"));
  EXPECT_TRUE(is_dir(dir.path() + "/x/y"));
  EXPECT_TRUE(mkdir_p(dir.path() + "/x/y"));
}

TEST(MkdirP, AFileInTheWayIsAnError) {
  test_util::TempDir dir;
  dir.file("f", "x");
  auto same = mkdir_p(dir.path() + "/f");
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, ENOTDIR);
  auto below = mkdir_p(dir.path() + "/f/sub");
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().code, ENOTDIR);
  EXPECT_NE(below.error().what.find("/f/sub"), std::string::npos) << below.error().what;
}

TEST(MkdirP, RelativePath) {
  test_util::TempDir dir;
  char old[4096];
  ASSERT_NE(::getcwd(old, sizeof old), nullptr);
  ASSERT_EQ(::chdir(dir.path().c_str()), 0);
  auto r = mkdir_p("rel/one");
  ASSERT_EQ(::chdir(old), 0);
  ASSERT_TRUE(r) << r.error().what;
  EXPECT_TRUE(is_dir(dir.path() + "/rel/one"));
}

}  // namespace lxc
