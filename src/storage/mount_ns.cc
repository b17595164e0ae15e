#include "storage/mount_ns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "log/log.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

}  // namespace

Result<PrivateMounts> PrivateMounts::enter() {
  UniqueFd ns(::open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC));
  if (!ns) return fail_sys("open /proc/self/ns/mnt");
  UniqueFd cwd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (::unshare(CLONE_NEWNS) < 0) return fail_sys("unshare the mount namespace");
  PrivateMounts pm(std::move(ns), std::move(cwd));
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) return fail_sys("make / a dependent mount");
  return pm;
}

PrivateMounts::~PrivateMounts() {
  if (!ns_) return;
  if (::setns(ns_.get(), CLONE_NEWNS) < 0) kLog.warn("cannot go back to the original mount namespace: {}", strerror(errno));
  if (cwd_ && ::fchdir(cwd_.get()) < 0) kLog.debug("fchdir back: {}", strerror(errno));
}

}  // namespace lxc::storage
