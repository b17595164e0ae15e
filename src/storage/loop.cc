#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "storage/block.h"
#include "storage/dir.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");
constexpr uint64_t kDefaultSize = 1ull << 30;  // LXC's DEFAULT_FS_SIZE
constexpr const char* kDefaultFstype = "ext4";

bool is_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

bool LoopBackend::owns(std::string_view src) const {
  if (src.starts_with("loop:")) return true;
  return src_type(src).empty() && src.starts_with("/") && is_regular(std::string(src));
}

// LXCPATH/NAME/rootdev of --fssize (sparse), with a --fstype filesystem;
// LXCPATH/NAME/rootfs is its mount point.
Result<Rootfs> LoopBackend::create(const std::string& dest, std::string_view, const Spec& spec) const {
  Rootfs r;
  r.type = "loop";
  r.path = dest;
  std::string image = dirname_of(dest) + "/rootdev";
  uint64_t size = spec.fssize ? spec.fssize : kDefaultSize;
  std::string fstype = spec.fstype.empty() ? kDefaultFstype : spec.fstype;
  {
    UniqueFd fd(::open(image.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) return fail_sys("Failed to create new loop file \"" + image + "\"");
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) < 0) {
      int err = errno;
      ::unlink(image.c_str());
      return fail(err, "Failed to set the size of loop file \"" + image + "\"");
    }
  }
  if (auto m = make_filesystem(image, fstype); !m) {
    ::unlink(image.c_str());
    return unexpected(m.error());
  }
  if (auto m = make_mount_point(dest); !m) {
    ::unlink(image.c_str());
    return unexpected(m.error());
  }
  r.created = true;
  r.src = "loop:" + image;
  kLog.debug("loop storage {} ({} bytes, {})", image, size, fstype);
  return r;
}

Result<void> LoopBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                                const std::string& data) const {
  std::string image(src_path(src));
  auto loop = attach_loop(image, flags & MS_RDONLY);
  if (!loop) return unexpected(loop.error());
  // The mount holds the device; closing our fd lets autoclear detach it at unmount.
  return mount_block(loop->path, loop->fd.get(), target, flags, data);
}

uint64_t LoopBackend::size(std::string_view src) const {
  auto s = device_size(std::string(src_path(src)));
  return s ? *s : 0;
}

Result<void> LoopBackend::check_destroy(std::string_view src) const {
  std::string image(src_path(src));
  if (path_exists(image) && !is_regular(image)) return fail(EINVAL, "loop rootfs " + image + " is not a file");
  return {};
}

Result<void> LoopBackend::destroy(std::string_view src) const {
  std::string image(src_path(src));
  if (::unlink(image.c_str()) < 0 && errno != ENOENT) return fail_sys("remove " + image);
  return {};
}

}  // namespace lxc::storage
