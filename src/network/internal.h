// Internal to network/: one interface of one boot, and the steps that make,
// configure and remove it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "config/conf.h"
#include "network/netlink.h"

namespace lxc::network {

struct Iface {
  int index = 0;
  const config::NetDev* dev = nullptr;
  std::string key;          // "lxc.net.N", for messages
  std::string inside_name;  // its name in the container
  std::string host_name;    // veth: the host end; phys: the original name
  int inside_ifindex = 0;
  int host_ifindex = 0;   // veth: the host end
  unsigned phys_mtu = 0;  // phys: what the host had, restored on the way back
  bool phys_up = false;
  bool created = false;       // something exists that the teardown must remove
  bool unprivileged = false;  // made through lxc-user-nic by a monitor without host privilege
  bool up_script_ran = false;
  std::string made_vlan;              // macvlan.vlan: the vlan device made on the host for it
  std::vector<NeighPtr> proxies;      // proxy neighbour entries on the host (l2proxy, router mode)
  std::vector<RoutePtr> host_routes;  // veth.ipv4/ipv6.route, router mode: removed before STOPPED
};

// The name each interface gets in the container: lxc.net.N.name, else the
// host name for phys, else the first free ethN (as LXC's "eth%d").
std::vector<std::string> inside_names(const config::Conf& conf);

// Makes the interface: the host side (if any) and the container side,
// already in the namespace of `pid` under its inside name.
Result<void> create_iface(const Netlink& host, Iface& i, pid_t pid);
// The same for an unprivileged monitor: a veth through the setuid
// lxc-user-nic (lxc-usernet(5) says which bridges the user may use), whose
// host end goes away with the container's network namespace.
Result<void> create_iface_unprivileged(Iface& i, pid_t pid, const std::string& lxcpath, const std::string& name);
// What an unprivileged monitor cannot do for lxc.net.N (other types, router
// mode, host routes, proxies): the error naming the key, or nothing.
Result<void> check_unprivileged(const Iface& i);
// Configures it in the container: hwaddr and mtu (phys, and an unprivileged
// veth, which lxc-user-nic made with the bridge's), addresses, up, gateways.
Result<void> configure_inside(const Netlink& host, const Netlink& inside, Iface& i);
// Undoes create_iface and configure_inside except for a veth's host end:
// proxy entries go, phys goes back to the host under its old name with its
// old mtu and state, container-side devices are deleted. Logs failures.
void release_iface(const Netlink& host, const Netlink* inside, Iface& i);
// Deletes a veth's host end (and with it the container's end).
void remove_iface(const Netlink& host, Iface& i);

// A proxy neighbour entry (ARP/NDP) for addr on a host interface, kept in
// i.proxies for release_iface.
Result<void> add_proxy(const Netlink& host, Iface& i, int ifindex, const std::string& addr, int family);
// "10.0.3.5/24 10.0.3.255" -> "10.0.3.5".
std::string addr_only(std::string_view cidr);

// "key: message" with the key of lxc.net.N.SUBKEY.
Error key_error(const Iface& i, std::string_view subkey, Error e);

}  // namespace lxc::network
