// Resolving mount targets inside a rootfs: symlinks are the container's,
// and nothing may lead out of the tree. Runs on a temp dir, without root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

namespace fs = std::filesystem;

using ResolveFn = Result<UniqueFd> (*)(int, std::string_view, const ResolveOptions&);

class RootfsResolve : public ::testing::TestWithParam<ResolveFn> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lxcpp-test-rootfs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ + "/root";
    fs::create_directories(root_ + "/a/b");
    fs::create_directories(base_ + "/outside");
    std::ofstream(root_ + "/file") << "x";
    fs::create_symlink("/a", root_ + "/abs");            // the container's /a
    fs::create_symlink("a/b", root_ + "/rel");
    fs::create_symlink("../..", root_ + "/up");          // climbs out
    fs::create_symlink("a/../../outside", root_ + "/sneaky");
    fs::create_symlink("a/../a/b", root_ + "/inside");   // ".." that stays inside
    fs::create_symlink(base_ + "/outside", root_ + "/hostpath");  // meant for the host; inside it is /tmp/...
    fs::create_symlink("loop", root_ + "/loop");
    fs::create_symlink("../up/outside", root_ + "/a/chain");  // through another escaping link
    root_fd_ = UniqueFd(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_fd_);
  }
  void TearDown() override {
    root_fd_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  Result<UniqueFd> resolve(std::string_view path, ResolveOptions o = {}) {
    return GetParam()(root_fd_.get(), path, o);
  }
  // Is fd the file at host path p?
  static bool same(const UniqueFd& fd, const std::string& p) {
    struct stat a {}, b {};
    if (::fstatat(fd.get(), "", &a, AT_EMPTY_PATH) < 0 || ::lstat(p.c_str(), &b) < 0) return false;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  }

  std::string base_, root_;
  UniqueFd root_fd_;
};

TEST_P(RootfsResolve, PlainPaths) {
  auto fd = resolve("a/b");
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/a/b"));
  fd = resolve("/a//./b/");
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/a/b"));
  fd = resolve("");
  ASSERT_TRUE(fd);
  EXPECT_TRUE(same(*fd, root_));
  fd = resolve("a/b/..");
  ASSERT_TRUE(fd);
  EXPECT_TRUE(same(*fd, root_ + "/a"));
}

TEST_P(RootfsResolve, SymlinksAreTheContainers) {
  auto fd = resolve("abs/b");
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/a/b"));
  fd = resolve("rel");
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/a/b"));
  fd = resolve("inside");
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/a/b"));
}

TEST_P(RootfsResolve, NoFollowLast) {
  ResolveOptions o;
  o.follow_last = false;
  auto fd = resolve("abs", o);
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/abs"));
}

TEST_P(RootfsResolve, EscapesAreRefused) {
  struct Case {
    const char* path;
    const char* names;  // what the message must mention
  };
  for (const Case& c : {Case{"../outside", "\"..\""}, Case{"a/../../outside", "\"..\""},
                        Case{"up/outside", "\"up\" -> \"../..\""}, Case{"sneaky", "\"sneaky\""},
                        Case{"a/chain", "\"up\""}, Case{"up", "\"up\""}}) {
    auto fd = resolve(c.path);
    ASSERT_FALSE(fd) << c.path << " resolved";
    EXPECT_EQ(fd.error().code, EXDEV) << c.path << ": " << fd.error().what;
    EXPECT_NE(fd.error().what.find("leaves the rootfs"), std::string::npos) << fd.error().what;
    EXPECT_NE(fd.error().what.find(c.names), std::string::npos) << fd.error().what;
  }
}

TEST_P(RootfsResolve, CreateNeverWritesOutside) {
  ResolveOptions o;
  o.create = Create::Dir;
  auto fd = resolve("up/outside/new", o);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, EXDEV);
  EXPECT_FALSE(fs::exists(base_ + "/outside/new"));

  // An absolute link written with the host's path in mind means a path in
  // the container: the directory is made there, not on the host.
  fd = resolve("hostpath/new", o);
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_FALSE(fs::exists(base_ + "/outside/new"));
  EXPECT_TRUE(fs::is_directory(root_ + base_ + "/outside/new"));
}

TEST_P(RootfsResolve, CreateDirsAndFiles) {
  ResolveOptions o;
  o.create = Create::Dir;
  auto fd = resolve("x/y/z", o);
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(fs::is_directory(root_ + "/x/y/z"));
  o.create = Create::File;
  fd = resolve("dev/console", o);
  ASSERT_TRUE(fd) << fd.error().what;
  struct stat st {};
  ASSERT_EQ(::lstat((root_ + "/dev/console").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0u);
  // An existing file is used as it is.
  fd = resolve("file", o);
  ASSERT_TRUE(fd) << fd.error().what;
  EXPECT_TRUE(same(*fd, root_ + "/file"));
}

TEST_P(RootfsResolve, Errors) {
  auto fd = resolve("missing/x");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ENOENT);
  EXPECT_NE(fd.error().what.find("missing"), std::string::npos);
  fd = resolve("file/x");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ENOTDIR);
  fd = resolve("loop");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ELOOP);
}

INSTANTIATE_TEST_SUITE_P(WalkAndKernel, RootfsResolve, ::testing::Values(&walk_in_root, &resolve_in_root),
                         [](const auto& info) { return info.index == 0 ? "Walk" : "Openat2"; });

}  // namespace
}  // namespace lxc::rootfs
