#include "storage/block.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "storage/run.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

bool read_at(int fd, off_t off, char* buf, size_t n) { return ::pread(fd, buf, n, off) == static_cast<ssize_t>(n); }

Result<void> configure_loop(int loop_fd, int file_fd, bool read_only) {
  struct loop_config cfg {};
  cfg.fd = static_cast<uint32_t>(file_fd);
  cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (read_only ? LO_FLAGS_READ_ONLY : 0);
  if (::ioctl(loop_fd, LOOP_CONFIGURE, &cfg) == 0) return {};
  if (errno != EINVAL && errno != ENOTTY) return fail_sys("LOOP_CONFIGURE");
  // Kernels before 5.8: LOOP_SET_FD, then the flags.
  if (::ioctl(loop_fd, LOOP_SET_FD, file_fd) < 0) return fail_sys("LOOP_SET_FD");
  struct loop_info64 info {};
  info.lo_flags = LO_FLAGS_AUTOCLEAR;
  if (::ioctl(loop_fd, LOOP_SET_STATUS64, &info) < 0) {
    int err = errno;
    ::ioctl(loop_fd, LOOP_CLR_FD, 0);
    return fail(err, "LOOP_SET_STATUS64");
  }
  return {};
}

}  // namespace

Result<LoopDevice> attach_loop(const std::string& file, bool read_only) {
  UniqueFd file_fd(::open(file.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC));
  if (!file_fd) return fail_sys("open loop file " + file);
  UniqueFd ctl(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
  if (!ctl) return fail_sys("open /dev/loop-control");
  // Another process can take the device between GET_FREE and CONFIGURE: try again.
  for (int attempt = 0; attempt < 100; ++attempt) {
    int n = ::ioctl(ctl.get(), LOOP_CTL_GET_FREE);
    if (n < 0) return fail_sys("LOOP_CTL_GET_FREE");
    std::string path = "/dev/loop" + std::to_string(n);
    UniqueFd loop(::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC));
    if (!loop && errno == ENOENT) {
      // No udev here: make the node of the device the kernel just added.
      ::mknod(path.c_str(), S_IFBLK | 0660, makedev(7, n));
      loop.reset(::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC));
    }
    if (!loop) return fail_sys("open " + path);
    auto r = configure_loop(loop.get(), file_fd.get(), read_only);
    if (!r) {
      if (r.error().code == EBUSY) continue;
      return unexpected(with_context(r.error(), "attach " + file + " to " + path));
    }
    kLog.debug("attached {} to {}", file, path);
    return LoopDevice{std::move(loop), path};
  }
  return fail(EBUSY, "attach " + file + ": no free loop device");
}

std::string probe_fstype(int fd) {
  char buf[8];
  if (read_at(fd, 0x10040, buf, 8) && std::memcmp(buf, "_BHRfS_M", 8) == 0) return "btrfs";
  if (read_at(fd, 1080, buf, 2) && static_cast<unsigned char>(buf[0]) == 0x53 &&
      static_cast<unsigned char>(buf[1]) == 0xEF)
    return "ext4";  // ext2 and ext3 too: the ext4 driver mounts them
  if (read_at(fd, 0, buf, 4) && std::memcmp(buf, "XFSB", 4) == 0) return "xfs";
  if (read_at(fd, 0, buf, 4) && std::memcmp(buf, "hsqs", 4) == 0) return "squashfs";
  if (read_at(fd, 1024, buf, 4) && std::memcmp(buf, "\xe2\xe1\xf5\xe0", 4) == 0) return "erofs";
  return {};
}

Result<void> mount_block(const std::string& dev, int dev_fd, const std::string& target, unsigned long flags,
                         const std::string& data) {
  std::vector<std::string> types;
  if (std::string t = probe_fstype(dev_fd); !t.empty()) {
    types.push_back(t);
  } else if (auto fs = read_file("/proc/filesystems")) {
    for (const auto& line : split(*fs, "\n"))
      if (!line.starts_with("nodev")) types.emplace_back(trim(line));
  }
  int err = ENODEV;
  for (const auto& t : types) {
    if (t.empty()) continue;
    if (::mount(dev.c_str(), target.c_str(), t.c_str(), flags, data.empty() ? nullptr : data.c_str()) == 0) {
      kLog.debug("mounted {} on {} ({})", dev, target, t);
      return {};
    }
    err = errno;
  }
  return fail(err, "mount " + dev + " on " + target);
}

Result<uint64_t> device_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return fail_sys("stat " + path);
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  uint64_t size = 0;
  if (::ioctl(fd.get(), BLKGETSIZE64, &size) < 0) return fail_sys("BLKGETSIZE64 " + path);
  return size;
}

Result<void> make_filesystem(const std::string& path, const std::string& fstype) {
  auto r = run_checked({"mkfs", "-t", fstype, path});
  if (!r) return unexpected(with_context(r.error(), "Failed to create new filesystem \"" + fstype + "\" for " + path));
  return {};
}

}  // namespace lxc::storage
