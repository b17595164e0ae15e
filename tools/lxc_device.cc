// lxc-device: add a host device node or network interface to a running
// container, or take it away again (del).
//
//   lxc-device -n NAME [-P PATH] add|del DEVICE [NAME]
//
// DEVICE is a path under /dev (a character or block device: the node is made
// in the container's /dev with the same numbers and mode, and allowed in its
// devices cgroup; del removes the node and denies it again) or the name of a
// network interface (add: moved from the host into the container, renamed to
// NAME when given; del: moved from the container back to the host, renamed to
// NAME when given).
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "api/cgroup_access.h"
#include "api/container.h"
#include "base/file.h"
#include "base/unique_fd.h"
#include "network/netdev.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

bool is_device_path(const std::string& dev) { return dev.starts_with("/"); }

std::string cgroup_rule(const struct stat& st) {
  return std::string(S_ISBLK(st.st_mode) ? "b " : "c ") + std::to_string(major(st.st_rdev)) + ":" +
         std::to_string(minor(st.st_rdev)) + " rwm";
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

Result<void> add_node(const api::Container& c, pid_t init, const std::string& src, const std::string& dst) {
  struct stat st {};
  if (::stat(src.c_str(), &st) < 0) return fail_sys("stat " + src);
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return fail(EINVAL, src + " is not a device node");
  if (auto r = api::set_cgroup_item(c, "devices.allow", cgroup_rule(st)); !r) return r;
  return in_container_mounts(
      init,
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

Result<void> remove_node(const api::Container& c, pid_t init, const std::string& src, const std::string& dst) {
  // The host's node gives the numbers to deny again; without one (a name
  // only the container has), the node just goes.
  struct stat st {};
  bool host_node = ::stat(src.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
  if (auto r = in_container_mounts(
          init, [&] { return ::unlink(dst.c_str()) < 0 ? errno : 0; }, "remove " + dst + " from the container");
      !r)
    return r;
  if (!host_node) return {};
  return api::set_cgroup_item(c, "devices.deny", cgroup_rule(st));
}

Result<void> del_interface(pid_t init, const std::string& dev, const std::string& dst) {
  UniqueFd ns(::open(("/proc/" + std::to_string(init) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return fail_sys("open the container's network namespace");
  return network::move_link_from_netns(ns.get(), dev, dst);
}

}  // namespace

int lxc_device_main(int argc, char** argv) {
  ToolSpec spec{"lxc-device",
                "--name=NAME -- add|del DEV [DEV_NAME]",
                "lxc-device attach or detach DEV to or from container.",
                "",
                "",
                {},
                nullptr};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  setup_logging(args, spec.prog);
  if (::geteuid() != 0) {
    std::fprintf(stderr, "lxc-device: %s must be run as root\n", spec.prog.data());
    return 1;
  }
  if (args.rest.size() < 2 || args.rest.size() > 3 || (args.rest[0] != "add" && args.rest[0] != "del")) {
    std::fprintf(stderr, "lxc-device: Usage: lxc-device -n NAME add|del DEV [DEV_NAME]\n");
    return 1;
  }
  const std::string& action = args.rest[0];
  const std::string& dev = args.rest[1];
  std::string dst = args.rest.size() == 3 ? args.rest[2] : std::string();
  api::Container c(args.name, args.lxcpath());
  auto init = c.is_running() ? c.init_pid() : Result<pid_t>(fail(ESRCH, ""));
  if (!init) {
    std::fprintf(stderr, "lxc-device: Container %s is not running.\n", args.name.c_str());
    return 1;
  }
  Result<void> r;
  if (is_device_path(dev)) {
    if (dst.empty()) dst = dev;
    r = action == "add" ? add_node(c, *init, dev, dst) : remove_node(c, *init, dev, dst);
  } else if (action == "add") {
    r = network::move_link_to_netns(dev, *init, dst);
  } else {
    r = del_interface(*init, dev, dst);
  }
  if (!r) {
    if (!args.quiet)
      std::fprintf(stderr, "lxc-device: Failed to %s %s %s %s: %s\n", action.c_str(), dev.c_str(),
                   action == "add" ? "to" : "from", args.name.c_str(), describe(r.error()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace lxc::tools
