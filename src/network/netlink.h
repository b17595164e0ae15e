// Internal to network/: an rtnetlink socket (libnl-route-3) bound to one
// network namespace, owning smart pointers for libnl objects, and libnl
// errors turned into lxc::Error.
#pragma once

#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lxc::network {

struct LinkFree {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrFree {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RouteFree {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct NeighFree {
  void operator()(rtnl_neigh* n) const { rtnl_neigh_put(n); }
};
struct NlAddrFree {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkFree>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrFree>;
using RoutePtr = std::unique_ptr<rtnl_route, RouteFree>;
using NeighPtr = std::unique_ptr<rtnl_neigh, NeighFree>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrFree>;

// A libnl error code (negative NLE_*) as an Error with the nearest errno.
Error nl_error(int nlerr, std::string_view what);

// A NETLINK_ROUTE socket. A netlink socket talks to the namespace it was
// made in for its whole life, so open_in() makes one inside another network
// namespace without the process staying there.
class Netlink {
 public:
  static Result<Netlink> open();
  static Result<Netlink> open_in(int netns_fd);
  // For a monitor without privilege on the host (an unprivileged user's):
  // a short-lived child joins the container's user namespace (which the
  // caller owns) and then its network namespace, makes the socket there and
  // hands it back. The caller, as owner of that user namespace, may then
  // configure the container's interfaces through it.
  static Result<Netlink> open_in_userns(int userns_fd, int netns_fd);

  Netlink(Netlink&& o) noexcept : sk_(std::exchange(o.sk_, nullptr)) {}
  Netlink& operator=(Netlink&& o) noexcept;
  Netlink(const Netlink&) = delete;
  Netlink& operator=(const Netlink&) = delete;
  ~Netlink();

  nl_sock* get() const { return sk_; }

  // The kernel's view of one interface; ENODEV when there is none.
  Result<LinkPtr> link(std::string_view name) const;
  Result<LinkPtr> link(int ifindex) const;
  bool has_link(std::string_view name) const;
  // Applies the attributes set in `changes` to the interface `orig`.
  Result<void> change(rtnl_link* orig, rtnl_link* changes, std::string_view what) const;
  Result<void> remove_link(std::string_view name) const;
  Result<void> set_up(int ifindex, bool up) const;

 private:
  explicit Netlink(nl_sock* sk) : sk_(sk) {}
  nl_sock* sk_ = nullptr;
};

// A textual address ("10.0.3.5/24", "fd00::1") as a libnl address.
Result<NlAddrPtr> parse_addr(std::string_view text, int family);

}  // namespace lxc::network
