// Moving interfaces between network namespaces, see netdev.h.
#include "network/netdev.h"

#include <fcntl.h>

#include <string>

#include "base/unique_fd.h"
#include "network/netlink.h"

namespace lxc::network {
namespace {

// One RTM_NEWLINK naming the target namespace (and the new name): the kernel
// moves and renames in one step, so no other name is ever seen there.
Result<void> move(const Netlink& nl, std::string_view ifname, pid_t pid, int netns_fd, std::string_view new_name,
                  std::string_view where) {
  auto orig = nl.link(ifname);
  if (!orig) return unexpected(orig.error());
  LinkPtr ch(rtnl_link_alloc());
  if (!ch) return fail(ENOMEM, "netlink: allocate a link");
  if (netns_fd >= 0)
    rtnl_link_set_ns_fd(ch.get(), netns_fd);
  else
    rtnl_link_set_ns_pid(ch.get(), pid);
  if (!new_name.empty()) rtnl_link_set_name(ch.get(), std::string(new_name).c_str());
  std::string what = "move interface " + std::string(ifname) + " to " + std::string(where);
  if (!new_name.empty() && new_name != ifname) what += " as " + std::string(new_name);
  return nl.change(orig->get(), ch.get(), what);
}

}  // namespace

Result<void> move_link_to_netns(std::string_view ifname, pid_t pid, std::string_view new_name) {
  auto nl = Netlink::open();
  if (!nl) return unexpected(nl.error());
  return move(*nl, ifname, pid, -1, new_name, "the network namespace of pid " + std::to_string(pid));
}

Result<void> move_link_to_netns_fd(std::string_view ifname, int netns_fd, std::string_view new_name) {
  auto nl = Netlink::open();
  if (!nl) return unexpected(nl.error());
  return move(*nl, ifname, 0, netns_fd, new_name, "the container's network namespace");
}

Result<void> move_link_from_netns(int netns_fd, std::string_view ifname, std::string_view new_name) {
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return fail_sys("open /proc/thread-self/ns/net");
  auto nl = Netlink::open_in(netns_fd);
  if (!nl) return unexpected(nl.error());
  return move(*nl, ifname, 0, self.get(), new_name, "the host's network namespace");
}

bool link_exists(std::string_view ifname) {
  auto nl = Netlink::open();
  return nl && nl->has_link(ifname);
}

}  // namespace lxc::network
