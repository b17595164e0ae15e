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

TEST(ReadFile, SizesAroundTheBuffer) {
  test_util::TempDir dir;
  for (size_t n : {size_t{0}, size_t{1}, size_t{4095}, size_t{16384}, size_t{16385}, size_t{200000}}) {
    std::string content(n, 'x');
    for (size_t i = 0; i < n; ++i) content[i] = static_cast<char>('a' + i % 26);
    auto path = dir.file("f" + std::to_string(n), content);
    auto got = read_file(path);
    ASSERT_TRUE(got) << n << ": " << got.error().what;
    EXPECT_EQ(*got, content) << n;
  }
}

TEST(ReadFile, FilesWithoutASize) {
  // /proc files report size 0; they are read to their end all the same.
  auto status = read_file("/proc/self/status");
  ASSERT_TRUE(status) << status.error().what;
  EXPECT_NE(status->find("Name:"), std::string::npos);
  EXPECT_EQ(status->back(), '\n');
}

TEST(ReadFile, Limits) {
  test_util::TempDir dir;
  auto path = dir.file("f", std::string(100, 'y'));
  EXPECT_TRUE(read_file(path, 100));
  auto over = read_file(path, 99);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, EFBIG);
  auto proc = read_file("/proc/self/status", 10);
  ASSERT_FALSE(proc);
  EXPECT_EQ(proc.error().code, EFBIG);
  auto missing = read_file(dir.path() + "/missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ENOENT);
  auto isdir = read_file(dir.path());
  ASSERT_FALSE(isdir);
  EXPECT_EQ(isdir.error().code, EISDIR);
}

TEST(MappedFile, ViewsTheContent) {
  test_util::TempDir dir;
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  auto m = MappedFile::open(dir.file("big", big));
  ASSERT_TRUE(m) << m.error().what;
  EXPECT_EQ(m->view(), big);
  MappedFile moved = std::move(*m);
  EXPECT_EQ(moved.view().size(), big.size());
  EXPECT_TRUE(m->view().empty());
  auto empty = MappedFile::open(dir.file("empty", ""));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->view().empty());
  EXPECT_FALSE(MappedFile::open(dir.path()));
  auto missing = MappedFile::open(dir.path() + "/missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ENOENT);
}

TEST(WriteFileAtomic, CreatesAndReplacesLeavingNoTemporaryFile) {
  test_util::TempDir dir;
  const std::string path = dir.path() + "/config";
  ASSERT_TRUE(write_file_atomic(path, "one\n", 0640));
  EXPECT_EQ(read_file(path).value_or(""), "one\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_TRUE(write_file_atomic(path, "two\n", 0600));
  EXPECT_EQ(read_file(path).value_or(""), "two\n");
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(write_file_atomic(path, std::to_string(i), 0640));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"config"}) << "every temporary file was renamed";
  auto nodir = write_file_atomic(dir.path() + "/missing/config", "x");
  ASSERT_FALSE(nodir);
  EXPECT_EQ(nodir.error().code, ENOENT);
}

}  // namespace lxc
