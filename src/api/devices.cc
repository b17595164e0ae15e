// Devices of a running container (lxc-device): host device nodes made in
// its /dev and allowed in its devices cgroup, network interfaces moved in
// and out.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "api/cgroup_access.h"
#include "api/container.h"
#include "base/file.h"
#include "base/unique_fd.h"
#include "network/netdev.h"

namespace lxc::api {
namespace {

std::string cgroup_rule(const struct stat& st) {
  return std::string(S_ISBLK(st.st_mode) ? "b " : "c ") + std::to_string(major(st.st_rdev)) + ":" +
         std::to_string(minor(st.st_rdev)) + " rwm";
}

Result<pid_t> running_init(const Container& c) {
  if (!c.is_running()) return fail(ESRCH, "Container " + c.name() + " is not running.");
  return c.init_pid();
}

// Runs fn in a child that joined the container's mount namespace, where the
// container's /dev is the one at "/dev".
Result<void> in_container_mounts(pid_t init, const std::function<int()>& fn, const std::string& what) {
  UniqueFd mnt(::open(("/proc/" + std::to_string(init) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  if (!mnt) return fail_sys("open the container's mount namespace");
  pid_t child = ::fork();
  if (child < 0) return fail_sys("fork");
  if (child == 0) {
    if (::setns(mnt.get(), CLONE_NEWNS) < 0 || ::chdir("/") < 0) ::_exit(125);
    ::_exit(fn());
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return fail(EIO, what + ": the helper process died");
  int rc = WEXITSTATUS(status);
  if (rc == 125) return fail(EPERM, what + ": cannot enter the container's mount namespace");
  if (rc != 0) return fail(rc, what);
  return {};
}

}  // namespace

Result<void> Container::add_device_node(const std::string& src, const std::string& dst_arg) const {
  const std::string dst = dst_arg.empty() ? src : dst_arg;
  auto init = running_init(*this);
  if (!init) return unexpected(init.error());
  struct stat st {};
  if (::stat(src.c_str(), &st) < 0) return fail_sys("stat " + src);
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return fail(EINVAL, src + " is not a device node");
  if (auto r = set_cgroup_item(*this, "devices.allow", cgroup_rule(st)); !r) return r;
  return in_container_mounts(
      *init,
      [&] {
        std::string dir = dirname_of(dst);
        if (!dir.empty() && dir != "/" && !mkdir_p(dir)) return errno ? errno : EIO;
        ::unlink(dst.c_str());
        if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) < 0) return errno;
        if (::chown(dst.c_str(), st.st_uid, st.st_gid) < 0) return errno;
        return 0;
      },
      "create " + dst + " in the container");
}

Result<void> Container::remove_device_node(const std::string& src, const std::string& dst_arg) const {
  const std::string dst = dst_arg.empty() ? src : dst_arg;
  auto init = running_init(*this);
  if (!init) return unexpected(init.error());
  // The host's node gives the numbers to deny again; without one (a name
  // only the container has), the node just goes.
  struct stat st {};
  bool host_node = ::stat(src.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
  if (auto r = in_container_mounts(
          *init, [&] { return ::unlink(dst.c_str()) < 0 ? errno : 0; }, "remove " + dst + " from the container");
      !r)
    return r;
  if (!host_node) return {};
  return set_cgroup_item(*this, "devices.deny", cgroup_rule(st));
}

Result<void> Container::attach_interface(const std::string& dev, const std::string& dst) const {
  auto init = running_init(*this);
  if (!init) return unexpected(init.error());
  return network::move_link_to_netns(dev, *init, dst);
}

Result<void> Container::detach_interface(const std::string& dev, const std::string& dst) const {
  auto init = running_init(*this);
  if (!init) return unexpected(init.error());
  UniqueFd ns(::open(("/proc/" + std::to_string(*init) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return fail_sys("open the container's network namespace");
  return network::move_link_from_netns(ns.get(), dev, dst);
}

}  // namespace lxc::api
