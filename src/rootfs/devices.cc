// /dev: device nodes, the devpts instance and /dev/ptmx, and the private
// boot_id that goes with an autodev /dev.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/scope_exit.h"
#include "base/strings.h"
#include "log/log.h"
#include "rootfs/apply.h"
#include "rootfs/quote.h"

namespace lxc::rootfs::detail {
namespace {

constexpr log::Logger kLog("rootfs");

}  // namespace

Result<void> apply_device(ApplyState& st, const Step& s) {
  auto parent = open_parent(st, s.target, false);
  if (!parent) return unexpected(parent.error());
  const int dir = parent->first.get();
  const std::string& name = parent->second;
  // The mode is meant as given (0666); LXC also sets its own umask here.
  const mode_t old_mask = ::umask(0);
  ScopeExit restore_mask([&] { ::umask(old_mask); });

  using D = ApplyState::DevNodes;
  if (st.devnodes != D::Bind) {
    if (::mknodat(dir, name.c_str(), S_IFCHR | s.mode, makedev(s.major, s.minor)) == 0 || errno == EEXIST) {
      if (st.devnodes == D::Open) return {};
      if (st.devnodes == D::Mknod) {
        // The first node tells whether nodes made here can be opened (a
        // nodev mount or the device cgroup can forbid it).
        UniqueFd probe(::openat(dir, name.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
        if (probe) {
          st.devnodes = D::Open;
          return {};
        }
        kLog.debug("{} cannot be opened ({}); binding the host's nodes instead", quoted(s.target),
                   describe(sys_error("open")));
        st.devnodes = D::Partial;
      }
    } else if (errno != EPERM) {
      return fail_sys("mknod " + quoted(s.target));
    } else {
      // No CAP_MKNOD over devices here (user namespace): bind the host's.
      st.devnodes = D::Bind;
    }
  }
  if (st.devnodes == D::Bind && ::mknodat(dir, name.c_str(), S_IFREG | 0000, 0) < 0 && errno != EEXIST)
    return fail_sys("create " + quoted(s.target));
  UniqueFd target(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target) return fail_sys("open " + quoted(s.target));
  return bind_host("/dev/" + name, target.get(), s.target);
}

Result<void> apply_devpts(ApplyState& st, const Step& s) {
  ResolveOptions o;
  o.create = Create::Dir;
  auto target = open_in_root(st, s.target, o);
  if (!target) return unexpected(target.error());
  std::vector<std::string> attempts{s.data};
  attempts.insert(attempts.end(), s.data_fallbacks.begin(), s.data_fallbacks.end());
  int err = 0;
  for (const auto& data : attempts) {
    if (::mount(s.source.c_str(), fd_path(target->get()).c_str(), s.fstype.c_str(), s.flags, data.c_str()) == 0) {
      kLog.debug("mounted a new devpts instance on {} with {}", quoted(s.target), data);
      return {};
    }
    err = errno;
    kLog.debug("devpts with {} failed: {}", data, describe(sys_error("mount")));
  }
  errno = err;
  return fail_sys("mount a new devpts instance on " + quoted(s.target));
}

Result<void> apply_ptmx(ApplyState& st, const Step& s) {
  auto parent = open_parent(st, s.target, false);
  if (!parent) return unexpected(parent.error());
  const int dir = parent->first.get();
  const std::string& name = parent->second;
  if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys("remove " + quoted(s.target));
  if (::mknodat(dir, name.c_str(), S_IFREG | 0000, 0) < 0 && errno != EEXIST)
    return fail_sys("create " + quoted(s.target));
  // A bind mount rather than a symlink, as LXC: AppArmor profiles allow it.
  const std::string source = s.target.substr(0, s.target.size() - name.size()) + s.source;
  auto src = open_in_root(st, source);
  UniqueFd target(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (src && target &&
      ::mount(fd_path(src->get()).c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) == 0)
    return {};
  kLog.warn("could not bind {} on {} ({}); using a symlink", quoted(source), quoted(s.target),
            src ? describe(sys_error("mount")) : describe(src.error()));
  if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys("remove " + quoted(s.target));
  if (::symlinkat(s.source.c_str(), dir, name.c_str()) < 0)
    return fail_sys("symlink " + quoted(s.target) + " -> " + quoted(s.source));
  return {};
}

Result<void> apply_boot_id(ApplyState&, const Step&) {
  // After pivot_root: these are the container's paths.
  static constexpr const char* kBootId = "/proc/sys/kernel/random/boot_id";
  static constexpr const char* kMock = "/dev/.lxc-boot-id";
  if (::access(kBootId, F_OK) < 0) return {};  // no procfs in the container
  unsigned char b[16];
  if (::getrandom(b, sizeof b, 0) != static_cast<ssize_t>(sizeof b)) return fail_sys("getrandom");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // a version 4 UUID, like the kernel's
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string uuid = fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}\n",
                                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                                 b[13], b[14], b[15]);
  UniqueFd fd(::open(kMock, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0444));
  if (!fd) return fail_sys(std::string("create ") + kMock);
  ScopeExit remove([&] { ::unlink(kMock); });
  if (::write(fd.get(), uuid.data(), uuid.size()) != static_cast<ssize_t>(uuid.size()))
    return fail_sys(std::string("write ") + kMock);
  if (::fchmod(fd.get(), 0444) < 0) return fail_sys(std::string("chmod ") + kMock);
  if (::mount(kMock, kBootId, nullptr, MS_BIND, nullptr) < 0)
    return fail_sys(std::string("bind ") + kMock + " on " + kBootId);
  if (::mount(nullptr, kBootId, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV, nullptr) < 0)
    return fail_sys(std::string("remount ") + kBootId + " read-only");
  remove.release();
  return {};
}

}  // namespace lxc::rootfs::detail
