// Making and removing each type of interface (veth, macvlan, ipvlan, vlan,
// phys) with libnl-route-3. Container-side devices are created straight in
// the container's namespace (IFLA_NET_NS_PID) under their final name.
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>
#include <unistd.h>

#include <cstdio>

#include "base/file.h"
#include "base/random.h"
#include "base/spawn.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "network/internal.h"

namespace lxc::network {
namespace {

constexpr log::Logger kLog("network");

// The host end of a veth gets fe:xx:..: a bridge takes the lowest address
// of its ports as its own, and it must not take the container's.
NlAddrPtr random_host_mac() {
  unsigned char mac[6];
  random_bytes(mac, sizeof mac);
  mac[0] = 0xfe;
  return NlAddrPtr(nl_addr_build(AF_LLC, mac, sizeof mac));
}

Result<int> link_index(const Netlink& nl, const Iface& i) {
  auto l = nl.link(i.dev->link);
  if (!l) return unexpected(key_error(i, "link", make_error(ENODEV, i.dev->link + ": no such interface on the host")));
  return rtnl_link_get_ifindex(l->get());
}

// Sets what the container side is made with: name, namespace, mtu, hwaddr.
Result<void> set_inside_attrs(rtnl_link* l, const Iface& i, pid_t pid) {
  rtnl_link_set_name(l, i.inside_name.c_str());
  rtnl_link_set_ns_pid(l, pid);
  if (!i.dev->mtu.empty()) rtnl_link_set_mtu(l, static_cast<unsigned>(parse_u64(i.dev->mtu).value_or(0)));
  if (!i.dev->hwaddr.empty()) {
    auto a = parse_addr(i.dev->hwaddr, AF_LLC);
    if (!a) return unexpected(key_error(i, "hwaddr", a.error()));
    rtnl_link_set_addr(l, a->get());
  }
  return {};
}

Result<void> add_link(const Netlink& nl, rtnl_link* l, const Iface& i, std::string_view what) {
  if (int e = rtnl_link_add(nl.get(), l, NLM_F_CREATE | NLM_F_EXCL); e < 0)
    return unexpected(with_context(nl_error(e, what), i.key));
  return {};
}

Result<void> write_sysctl(const std::string& path, std::string_view value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  return write_all(fd.get(), value, path);
}

// veth.vlan.id / veth.vlan.tagged.id: bridge port VLANs, set with an
// AF_BRIDGE RTM_SETLINK/RTM_DELLINK (libnl-route-3 has no call for it).
Result<void> bridge_vlan(const Netlink& nl, int ifindex, int cmd, uint16_t vid, uint16_t flags) {
  nl_msg* msg = nlmsg_alloc_simple(cmd, 0);
  if (!msg) return fail(ENOMEM, "netlink: allocate a message");
  ifinfomsg ifi{};
  ifi.ifi_family = AF_BRIDGE;
  ifi.ifi_index = ifindex;
  bridge_vlan_info info{flags, vid};
  nlattr* spec = nullptr;
  if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0 || !(spec = nla_nest_start(msg, IFLA_AF_SPEC)) ||
      nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof info, &info) < 0) {
    nlmsg_free(msg);
    return fail(EMSGSIZE, "netlink: build a bridge VLAN message");
  }
  nla_nest_end(msg, spec);
  if (int e = nl_send_sync(nl.get(), msg); e < 0) return unexpected(nl_error(e, "bridge VLAN " + std::to_string(vid)));
  return {};
}

Result<void> setup_veth_vlans(const Netlink& nl, const Iface& i) {
  const auto& d = *i.dev;
  if (d.veth_vlan_id.empty() && d.veth_vlan_tagged_ids.empty()) return {};
  // The bridge needs vlan_filtering = 1 for these to take effect; the
  // kernel keeps them either way.
  if (!d.veth_vlan_id.empty()) {
    // The port leaves the bridge's default untagged VLAN (1) for its own.
    if (auto r = bridge_vlan(nl, i.host_ifindex, RTM_DELLINK, 1, 0); !r)
      return unexpected(key_error(i, "veth.vlan.id", r.error()));
    if (d.veth_vlan_id != "none") {
      auto vid = static_cast<uint16_t>(parse_u64(d.veth_vlan_id).value_or(0));
      if (auto r = bridge_vlan(nl, i.host_ifindex, RTM_SETLINK, vid, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
          !r)
        return unexpected(key_error(i, "veth.vlan.id", r.error()));
    }
  }
  for (const auto& t : d.veth_vlan_tagged_ids) {
    auto vid = static_cast<uint16_t>(parse_u64(t).value_or(0));
    if (auto r = bridge_vlan(nl, i.host_ifindex, RTM_SETLINK, vid, 0); !r)
      return unexpected(key_error(i, "veth.vlan.tagged.id", r.error()));
  }
  return {};
}

Result<void> add_host_route(const Netlink& nl, Iface& i, const std::string& dst, int family) {
  int ifindex = i.host_ifindex;
  auto a = parse_addr(dst, family);
  if (!a) return unexpected(a.error());
  RoutePtr r(rtnl_route_alloc());
  rtnl_route_set_family(r.get(), static_cast<uint8_t>(family));
  rtnl_route_set_dst(r.get(), a->get());
  rtnl_route_set_scope(r.get(), RT_SCOPE_LINK);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_add_nexthop(r.get(), nh);
  if (int e = rtnl_route_add(nl.get(), r.get(), NLM_F_EXCL); e < 0) return unexpected(nl_error(e, "route " + dst));
  i.host_routes.push_back(std::move(r));
  return {};
}

// Router mode: the host routes the container's addresses to the veth and
// answers ARP/NDP for the container's gateways on it.
Result<void> setup_router(const Netlink& nl, Iface& i) {
  const auto& d = *i.dev;
  std::string v4 = "/proc/sys/net/ipv4/conf/" + i.host_name + "/", v6 = "/proc/sys/net/ipv6/conf/" + i.host_name + "/";
  for (const auto& [path, v] : {std::pair{v4 + "forwarding", "1"}, {v4 + "proxy_arp", "1"}})
    if (auto r = write_sysctl(path, v); !r) return unexpected(key_error(i, "veth.mode", r.error()));
  if (!d.ipv6_addresses.empty() || !d.ipv6_gateway.empty())
    for (const auto& [path, v] : {std::pair{v6 + "forwarding", "1"}, {v6 + "proxy_ndp", "1"}})
      if (auto r = write_sysctl(path, v); !r) return unexpected(key_error(i, "veth.mode", r.error()));
  for (const auto& a : d.ipv4_addresses)
    if (auto r = add_host_route(nl, i, addr_only(a) + "/32", AF_INET); !r)
      return unexpected(key_error(i, "ipv4.address", r.error()));
  for (const auto& a : d.ipv6_addresses)
    if (auto r = add_host_route(nl, i, addr_only(a) + "/128", AF_INET6); !r)
      return unexpected(key_error(i, "ipv6.address", r.error()));
  if (!d.ipv4_gateway.empty() && d.ipv4_gateway != "auto" && d.ipv4_gateway != "dev")
    if (auto r = add_proxy(nl, i, i.host_ifindex, d.ipv4_gateway, AF_INET); !r)
      return unexpected(key_error(i, "ipv4.gateway", r.error()));
  if (!d.ipv6_gateway.empty() && d.ipv6_gateway != "auto" && d.ipv6_gateway != "dev")
    if (auto r = add_proxy(nl, i, i.host_ifindex, d.ipv6_gateway, AF_INET6); !r)
      return unexpected(key_error(i, "ipv6.gateway", r.error()));
  return {};
}

Result<void> create_veth(const Netlink& nl, Iface& i, pid_t pid) {
  const auto& d = *i.dev;
  i.host_name = d.veth_pair.empty() ? "veth" + random_alnum(6) : d.veth_pair;
  if (!d.veth_pair.empty() && nl.has_link(d.veth_pair)) {
    // The previous run's monitor removes its veth just after reporting
    // STOPPED: an immediate restart may find it still going.
    for (int k = 0; k < 100 && nl.has_link(d.veth_pair); ++k) ::usleep(10000);
    if (nl.has_link(d.veth_pair))
      return fail(EEXIST, i.key + ".veth.pair = " + d.veth_pair + ": an interface of that name exists on the host");
  }
  // Without lxc.net.N.mtu both ends take the link's, as in LXC.
  unsigned mtu = static_cast<unsigned>(parse_u64(d.mtu).value_or(0));
  int master = 0;
  if (!d.link.empty()) {
    auto l = nl.link(d.link);
    if (!l) return unexpected(key_error(i, "link", make_error(ENODEV, d.link + ": no such interface on the host")));
    master = rtnl_link_get_ifindex(l->get());
    if (!mtu) mtu = rtnl_link_get_mtu(l->get());
  }
  LinkPtr host(rtnl_link_veth_alloc());
  if (!host) return fail(ENOMEM, "netlink: allocate a veth");
  rtnl_link_set_name(host.get(), i.host_name.c_str());
  NlAddrPtr mac = random_host_mac();
  rtnl_link_set_addr(host.get(), mac.get());
  if (mtu) rtnl_link_set_mtu(host.get(), mtu);
  rtnl_link* peer = rtnl_link_veth_get_peer(host.get());
  auto r = set_inside_attrs(peer, i, pid);
  if (r && mtu) rtnl_link_set_mtu(peer, mtu);
  if (r && !d.veth_n_rxqueues.empty())
    rtnl_link_set_num_rx_queues(peer, static_cast<uint32_t>(*parse_u64(d.veth_n_rxqueues)));
  if (r && !d.veth_n_txqueues.empty())
    rtnl_link_set_num_tx_queues(peer, static_cast<uint32_t>(*parse_u64(d.veth_n_txqueues)));
  rtnl_link_put(peer);
  if (!r) return r;
  if (auto a = add_link(nl, host.get(), i, "create veth pair " + i.host_name); !a) return a;
  i.created = true;
  auto made = nl.link(i.host_name);
  if (!made) return unexpected(made.error());
  i.host_ifindex = rtnl_link_get_ifindex(made->get());

  LinkPtr ch(rtnl_link_alloc());
  bool bridge = d.veth_mode != "router";
  if (bridge && master) rtnl_link_set_master(ch.get(), master);
  rtnl_link_set_flags(ch.get(), IFF_UP);
  if (auto c = nl.change(made->get(), ch.get(),
                         bridge && master ? "attach " + i.host_name + " to " + d.link : "bring up " + i.host_name);
      !c)
    return unexpected(key_error(i, bridge && master ? "link" : "veth.pair", c.error()));
  if (bridge && master)
    if (auto v = setup_veth_vlans(nl, i); !v) return v;
  if (!bridge)
    if (auto v = setup_router(nl, i); !v) return v;
  for (const auto& rt : d.veth_ipv4_routes)
    if (auto v = add_host_route(nl, i, rt, AF_INET); !v) return unexpected(key_error(i, "veth.ipv4.route", v.error()));
  for (const auto& rt : d.veth_ipv6_routes)
    if (auto v = add_host_route(nl, i, rt, AF_INET6); !v) return unexpected(key_error(i, "veth.ipv6.route", v.error()));
  return {};
}

// $LXCPP_USER_NIC replaces the installed helper (tests with a build tree):
// the monitor runs it with the user's own rights, so nothing is gained by
// pointing it elsewhere.
std::string user_nic_path() {
  const char* env = ::getenv("LXCPP_USER_NIC");
  return env && *env ? env : LXCPP_LIBEXECDIR "/lxc-user-nic";
}

// macvlan.vlan: the macvlan sits on LINK.VID, made here when missing.
Result<int> macvlan_parent(const Netlink& nl, Iface& i) {
  auto base = link_index(nl, i);
  if (!base || i.dev->macvlan_vlan.empty()) return base;
  std::string name = i.dev->link + "." + i.dev->macvlan_vlan;
  if (name.size() > 15) name = "vlan" + i.dev->macvlan_vlan + "-" + std::to_string(*base);
  if (auto l = nl.link(name)) return rtnl_link_get_ifindex(l->get());
  LinkPtr v(rtnl_link_vlan_alloc());
  rtnl_link_set_name(v.get(), name.c_str());
  rtnl_link_set_link(v.get(), *base);
  rtnl_link_vlan_set_id(v.get(), static_cast<uint16_t>(parse_u64(i.dev->macvlan_vlan).value_or(0)));
  if (int e = rtnl_link_add(nl.get(), v.get(), NLM_F_CREATE | NLM_F_EXCL); e < 0)
    return unexpected(key_error(i, "macvlan.vlan", nl_error(e, "create VLAN " + name + " on " + i.dev->link)));
  i.made_vlan = name;
  auto l = nl.link(name);
  if (!l) return unexpected(l.error());
  if (auto r = nl.set_up(rtnl_link_get_ifindex(l->get()), true); !r) return unexpected(r.error());
  return rtnl_link_get_ifindex(l->get());
}

Result<void> create_macvlan(const Netlink& nl, Iface& i, pid_t pid) {
  auto parent = macvlan_parent(nl, i);
  if (!parent) return unexpected(parent.error());
  LinkPtr l(rtnl_link_macvlan_alloc());
  if (!l) return fail(ENOMEM, "netlink: allocate a macvlan");
  rtnl_link_set_link(l.get(), *parent);
  std::string mode = i.dev->macvlan_mode.empty() ? "private" : i.dev->macvlan_mode;
  rtnl_link_macvlan_set_mode(l.get(), rtnl_link_macvlan_str2mode(mode.c_str()));
  if (auto r = set_inside_attrs(l.get(), i, pid); !r) return r;
  if (auto r = add_link(nl, l.get(), i, "create macvlan (" + mode + ") on " + i.dev->link); !r) return r;
  i.created = true;
  return {};
}

Result<void> create_vlan(const Netlink& nl, Iface& i, pid_t pid) {
  auto parent = link_index(nl, i);
  if (!parent) return unexpected(parent.error());
  LinkPtr l(rtnl_link_vlan_alloc());
  if (!l) return fail(ENOMEM, "netlink: allocate a vlan");
  rtnl_link_set_link(l.get(), *parent);
  rtnl_link_vlan_set_id(l.get(), static_cast<uint16_t>(parse_u64(i.dev->vlan_id).value_or(0)));
  if (auto r = set_inside_attrs(l.get(), i, pid); !r) return r;
  if (auto r = add_link(nl, l.get(), i,
                        "create VLAN " + (i.dev->vlan_id.empty() ? "0" : i.dev->vlan_id) + " on " + i.dev->link);
      !r)
    return r;
  i.created = true;
  return {};
}

// ipvlan: built with libnl's message calls, as libnl-route-3 has no setter
// for the isolation flags.
Result<void> create_ipvlan(const Netlink& nl, Iface& i, pid_t pid) {
  auto parent = link_index(nl, i);
  if (!parent) return unexpected(parent.error());
  const auto& d = *i.dev;
  uint16_t mode = d.ipvlan_mode == "l2" ? IPVLAN_MODE_L2 : d.ipvlan_mode == "l3s" ? IPVLAN_MODE_L3S : IPVLAN_MODE_L3;
  uint16_t flags = d.ipvlan_isolation == "private" ? IPVLAN_F_PRIVATE
                   : d.ipvlan_isolation == "vepa"  ? IPVLAN_F_VEPA
                                                   : 0;
  nl_msg* msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  if (!msg) return fail(ENOMEM, "netlink: allocate a message");
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  bool ok = nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) == 0 &&
            nla_put_string(msg, IFLA_IFNAME, i.inside_name.c_str()) == 0 &&
            nla_put_u32(msg, IFLA_LINK, static_cast<uint32_t>(*parent)) == 0 &&
            nla_put_u32(msg, IFLA_NET_NS_PID, static_cast<uint32_t>(pid)) == 0;
  if (ok && !d.mtu.empty()) ok = nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(parse_u64(d.mtu).value_or(0))) == 0;
  nlattr* info = ok ? nla_nest_start(msg, IFLA_LINKINFO) : nullptr;
  ok = info && nla_put_string(msg, IFLA_INFO_KIND, "ipvlan") == 0;
  nlattr* data = ok ? nla_nest_start(msg, IFLA_INFO_DATA) : nullptr;
  ok = data && nla_put_u16(msg, IFLA_IPVLAN_MODE, mode) == 0 && nla_put_u16(msg, IFLA_IPVLAN_FLAGS, flags) == 0;
  if (!ok) {
    nlmsg_free(msg);
    return fail(EMSGSIZE, "netlink: build an ipvlan message");
  }
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  if (int e = nl_send_sync(nl.get(), msg); e < 0)
    return unexpected(with_context(nl_error(e, "create ipvlan on " + d.link), i.key));
  i.created = true;
  return {};
}

Result<void> create_phys(const Netlink& nl, Iface& i, pid_t pid) {
  auto l = nl.link(i.dev->link);
  if (!l) return unexpected(key_error(i, "link", make_error(ENODEV, i.dev->link + ": no such interface on the host")));
  i.host_name = i.dev->link;
  i.phys_mtu = rtnl_link_get_mtu(l->get());
  i.phys_up = rtnl_link_get_flags(l->get()) & IFF_UP;
  LinkPtr ch(rtnl_link_alloc());
  rtnl_link_set_ns_pid(ch.get(), pid);
  rtnl_link_set_name(ch.get(), i.inside_name.c_str());
  if (auto r = nl.change(l->get(), ch.get(), "move " + i.host_name + " into the container"); !r)
    return unexpected(with_context(r.error(), i.key));
  i.created = true;
  return {};
}

}  // namespace

Result<void> create_iface(const Netlink& host, Iface& i, pid_t pid) {
  const std::string& t = i.dev->type;
  if (t == "veth") return create_veth(host, i, pid);
  if (t == "macvlan") return create_macvlan(host, i, pid);
  if (t == "vlan") return create_vlan(host, i, pid);
  if (t == "ipvlan") return create_ipvlan(host, i, pid);
  if (t == "phys") return create_phys(host, i, pid);
  return {};  // none, empty: nothing to make
}

Result<void> check_unprivileged(const Iface& i) {
  const auto& d = *i.dev;
  auto refuse = [&](std::string_view subkey, std::string_view what) {
    return fail(EPERM, i.key + "." + std::string(subkey) + ": " + std::string(what) +
                           " needs root on the host; an unprivileged container can have veth (on a bridge "
                           "granted in /etc/lxc/lxc-usernet), empty or none");
  };
  if (d.type == "none" || d.type == "empty") return {};
  if (d.type != "veth") return refuse("type", "type " + d.type);
  if (d.link.empty())
    return fail(EINVAL, i.key +
                            ".link is not set: an unprivileged veth needs the bridge granted in "
                            "/etc/lxc/lxc-usernet");
  if (d.veth_mode == "router") return refuse("veth.mode", "router mode");
  if (!d.veth_ipv4_routes.empty()) return refuse("veth.ipv4.route", "a host route");
  if (!d.veth_ipv6_routes.empty()) return refuse("veth.ipv6.route", "a host route");
  if (!d.veth_vlan_id.empty() || !d.veth_vlan_tagged_ids.empty()) return refuse("veth.vlan.id", "a bridge VLAN");
  if (d.l2proxy) return refuse("l2proxy", "a proxy entry on the host");
  return {};
}

Result<void> create_iface_unprivileged(Iface& i, pid_t pid, const std::string& lxcpath, const std::string& name) {
  const auto& d = *i.dev;
  if (d.type == "empty") return {};
  if (auto r = check_unprivileged(i); !r) return r;
  if (!d.veth_pair.empty())
    kLog.warn("{}.veth.pair = {}: ignored, lxc-user-nic names the host end of an unprivileged veth", i.key,
              d.veth_pair);
  std::string helper = user_nic_path();
  std::vector<std::string> args{helper, "create", lxcpath, name, std::to_string(pid), "veth", d.link, i.inside_name};
  kLog.debug("running {}", join(args, " "));
  auto ran = run_captured(args);
  if (!ran) return unexpected(key_error(i, "link", ran.error()));
  if (!ran->ok())
    return unexpected(key_error(i, "link",
                                make_error(EPERM, helper + " create ... veth " + d.link + " " + i.inside_name +
                                                      " failed: " + ran->complaint())));
  // "NIC:IFINDEX:HOSTNIC:HOSTIFINDEX" is its last line.
  std::string out(trim(ran->output));
  std::string line = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  auto f = split(line, ":");
  if (f.size() != 4 || f[0] != i.inside_name)
    return unexpected(key_error(i, "link", make_error(EIO, helper + " answered \"" + line + "\"")));
  i.host_name = f[2];
  i.host_ifindex = static_cast<int>(parse_u64(f[3]).value_or(0));
  // Not i.created: the host end is root's, and goes with the namespace.
  return {};
}

Result<void> add_proxy(const Netlink& nl, Iface& i, int ifindex, const std::string& addr, int family) {
  auto a = parse_addr(addr, family);
  if (!a) return unexpected(a.error());
  nl_addr_set_prefixlen(a->get(), family == AF_INET ? 32 : 128);
  NeighPtr n(rtnl_neigh_alloc());
  rtnl_neigh_set_ifindex(n.get(), ifindex);
  rtnl_neigh_set_family(n.get(), family);
  rtnl_neigh_set_dst(n.get(), a->get());
  rtnl_neigh_set_flags(n.get(), NTF_PROXY);
  if (int e = rtnl_neigh_add(nl.get(), n.get(), NLM_F_CREATE | NLM_F_REPLACE); e < 0)
    return unexpected(nl_error(e, "proxy neighbour entry for " + addr));
  i.proxies.push_back(std::move(n));
  return {};
}

namespace {
void warn_unless_gone(const Iface& i, const Result<void>& r) {
  if (!r && r.error().code != ENODEV) kLog.warn("{}: {}", i.key, describe(r.error()));
}
}  // namespace

void remove_iface(const Netlink& host, Iface& i) {
  if (i.created && i.dev->type == "veth") warn_unless_gone(i, host.remove_link(i.host_name));
  i.created = false;
}

void release_iface(const Netlink& host, const Netlink* inside, Iface& i) {
  auto warn = [&](const Result<void>& r) { warn_unless_gone(i, r); };
  for (auto& n : i.proxies)
    if (int e = rtnl_neigh_delete(host.get(), n.get(), 0); e < 0)
      warn(unexpected(nl_error(e, "remove a proxy neighbour entry")));
  i.proxies.clear();
  // The veth itself may outlive STOPPED a little (remove_iface); its routes
  // must not, or a restart could not add them again.
  for (auto& r : i.host_routes)
    if (int e = rtnl_route_delete(host.get(), r.get(), 0); e < 0) warn(unexpected(nl_error(e, "remove a host route")));
  i.host_routes.clear();
  if (i.created) {
    const std::string& t = i.dev->type;
    if (t == "veth") return;  // its host end goes in remove_iface
    if (t == "phys" && inside) {
      // Back under its old name; moving takes it down, so its state comes back too.
      auto l = i.inside_ifindex ? inside->link(i.inside_ifindex) : inside->link(i.inside_name);
      UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
      if (l && self) {
        LinkPtr ch(rtnl_link_alloc());
        rtnl_link_set_ns_fd(ch.get(), self.get());
        rtnl_link_set_name(ch.get(), i.host_name.c_str());
        auto r = inside->change(l->get(), ch.get(), "give " + i.host_name + " back to the host");
        warn(r);
        auto back = host.link(i.host_name);
        if (r && back) {
          LinkPtr rest(rtnl_link_alloc());
          rtnl_link_set_mtu(rest.get(), i.phys_mtu);
          if (i.phys_up) rtnl_link_set_flags(rest.get(), IFF_UP);
          warn(host.change(back->get(), rest.get(), "restore " + i.host_name));
        }
      } else {
        kLog.warn("{}: cannot find {} in the container to give it back", i.key, i.host_name);
      }
    } else if (inside && i.inside_ifindex) {
      // The namespace would take it along, but later: a new start may need its link now (passthru).
      auto l = inside->link(i.inside_ifindex);
      if (l) {
        if (int e = rtnl_link_delete(inside->get(), l->get()); e < 0)
          warn(unexpected(nl_error(e, "delete " + i.inside_name)));
      }
    }
  }
  if (!i.made_vlan.empty()) warn(host.remove_link(i.made_vlan));
  i.made_vlan.clear();
  i.created = false;
}

}  // namespace lxc::network
