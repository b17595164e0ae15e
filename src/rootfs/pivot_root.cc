// Switching into the container's root: pivot_root(".", ".") and a lazy
// unmount of the old root, which needs no put_old directory in the rootfs.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/strings.h"
#include "log/log.h"
#include "rootfs/apply.h"
#include "rootfs/quote.h"

namespace lxc::rootfs::detail {
namespace {

constexpr log::Logger kLog("rootfs");

// pivot_root() refuses to move the initramfs ("rootfs") away.
bool root_is_initramfs() {
  struct statfs sf {};
  if (::statfs("/", &sf) < 0) return false;
  return sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC;
}

// switch_root's way for an initramfs host: move the new root over / and chroot.
Result<void> move_and_chroot(const Step& s) {
  if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) return fail_sys("move " + quoted(s.target) + " over /");
  if (::chroot(".") < 0) return fail_sys("chroot into " + quoted(s.target));
  if (::chdir("/") < 0) return fail_sys("chdir /");
  return {};
}

}  // namespace

Result<void> apply_pivot_root(ApplyState& st, const Step& s) {
  if (!st.root) return fail(EBADF, "no new root to pivot into");
  UniqueFd old_root(::open("/", O_DIRECTORY | O_PATH | O_CLOEXEC));
  if (!old_root) return fail_sys("open the old root");
  if (::fchdir(st.root.get()) < 0) return fail_sys("chdir into the new root " + quoted(s.target));
  if (::syscall(SYS_pivot_root, ".", ".") < 0) {
    if (errno == EINVAL && root_is_initramfs()) {
      kLog.info("the host runs from an initramfs; moving the rootfs over / and chroot instead of pivot_root");
      auto r = move_and_chroot(s);
      st.root.reset();
      return r;
    }
    return fail_sys("pivot_root into " + quoted(s.target));
  }
  // The old root is now stacked on the new one at "/". Stand in it to detach it.
  if (::fchdir(old_root.get()) < 0) return fail_sys("chdir into the old root");
  // For a privileged container the old tree may still share propagation with
  // the host's: make it a dependent first so the unmount stays here.
  if (::mount("", ".", "", MS_SLAVE | MS_REC, nullptr) < 0) return fail_sys("make the old root a dependent mount");
  if (::umount2(".", MNT_DETACH) < 0) return fail_sys("detach the old root");
  if (::fchdir(st.root.get()) < 0) return fail_sys("chdir into the new root");
  // As LXC: the container's root becomes its own peer group, like a host's
  // root, so that services doing MS_SLAVE in their namespaces (systemd-udevd)
  // receive the container's mounts. Nothing goes back to the host: the tree
  // stays a dependent of it.
  if (::mount("", ".", "", MS_SHARED | MS_REC, nullptr) < 0) return fail_sys("make the new root a shared mount");
  if (::chdir("/") < 0) return fail_sys("chdir /");
  st.root.reset();
  return {};
}

}  // namespace lxc::rootfs::detail
