// The container side of an interface, configured from the monitor through a
// netlink socket opened in the container's network namespace.
#include <arpa/inet.h>
#include <net/if.h>
#include <netlink/route/addr.h>

#include <set>

#include "base/strings.h"
#include "config/values.h"
#include "network/internal.h"

namespace lxc::network {
namespace {

Result<void> add_address(const Netlink& nl, int ifindex, const std::string& entry, int family) {
  auto parts = split(entry, " \t");
  auto local = parse_addr(parts.at(0), family);
  if (!local) return unexpected(local.error());
  AddrPtr a(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(a.get(), ifindex);
  rtnl_addr_set_family(a.get(), family);
  rtnl_addr_set_local(a.get(), local->get());
  unsigned prefix = nl_addr_get_prefixlen(local->get());
  rtnl_addr_set_prefixlen(a.get(), static_cast<int>(prefix));
  if (family == AF_INET) {
    // The broadcast given after the address, else LXC's for its prefix:
    // LXC always sets one.
    auto b = parse_addr(parts.size() > 1 ? parts[1] : config::ipv4_broadcast(addr_only(entry), prefix), AF_INET);
    if (!b) return unexpected(b.error());
    rtnl_addr_set_broadcast(a.get(), b->get());
  }
  if (int e = rtnl_addr_add(nl.get(), a.get(), 0); e < 0) return unexpected(nl_error(e, "add address " + entry));
  return {};
}

Result<void> add_route(const Netlink& nl, int family, int ifindex, const std::string& dst, const std::string& gw) {
  auto d = parse_addr(dst, family);
  if (!d) return unexpected(d.error());
  RoutePtr r(rtnl_route_alloc());
  rtnl_route_set_family(r.get(), static_cast<uint8_t>(family));
  rtnl_route_set_dst(r.get(), d->get());
  rtnl_route_set_scope(r.get(), gw.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, ifindex);
  if (!gw.empty()) {
    auto g = parse_addr(gw, family);
    if (!g) {
      rtnl_route_nh_free(nh);
      return unexpected(g.error());
    }
    rtnl_route_nh_set_gateway(nh, g->get());
  }
  rtnl_route_add_nexthop(r.get(), nh);
  if (int e = rtnl_route_add(nl.get(), r.get(), NLM_F_EXCL); e < 0)
    return unexpected(nl_error(e, gw.empty() ? "add route " + dst : "add route " + dst + " via " + gw));
  return {};
}

// The first address of a family on a host interface (gateway = auto).
Result<std::string> primary_address(const Netlink& host, const std::string& ifname, int family) {
  auto l = host.link(ifname);
  if (!l) return unexpected(l.error());
  int idx = rtnl_link_get_ifindex(l->get());
  nl_cache* cache = nullptr;
  if (int e = rtnl_addr_alloc_cache(host.get(), &cache); e < 0) return unexpected(nl_error(e, "list addresses"));
  std::string found;
  for (nl_object* o = nl_cache_get_first(cache); o && found.empty(); o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != idx || rtnl_addr_get_family(a) != family) continue;
    if (family == AF_INET6 && rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE) continue;
    char buf[INET6_ADDRSTRLEN + 8];
    nl_addr* local = rtnl_addr_get_local(a);
    if (::inet_ntop(family, nl_addr_get_binary_addr(local), buf, sizeof buf)) found = buf;
  }
  nl_cache_free(cache);
  if (found.empty())
    return fail(EADDRNOTAVAIL, ifname + " has no " + (family == AF_INET ? "IPv4" : "global IPv6") + " address");
  return found;
}

Result<void> add_gateway(const Netlink& host, const Netlink& inside, const Iface& i, int family) {
  const auto& d = *i.dev;
  std::string gw = family == AF_INET ? d.ipv4_gateway : d.ipv6_gateway;
  const char* subkey = family == AF_INET ? "ipv4.gateway" : "ipv6.gateway";
  if (gw.empty()) return {};
  if (d.flags != "up")
    return fail(EINVAL, i.key + "." + subkey + " = " + gw + ": the interface must come up for a gateway (" + i.key +
                            ".flags = up)");
  std::string any = family == AF_INET ? "0.0.0.0/0" : "::/0";
  if (gw == "dev") {
    if (auto r = add_route(inside, family, i.inside_ifindex, any, ""); !r)
      return unexpected(key_error(i, subkey, r.error()));
    return {};
  }
  if (gw == "auto") {
    auto a = primary_address(host, d.link, family);
    if (!a) return unexpected(key_error(i, subkey, a.error()));
    gw = *a;
  }
  auto r = add_route(inside, family, i.inside_ifindex, any, gw);
  if (!r && r.error().code != EEXIST) {
    // Not on a subnet of the interface (router mode, /32 addresses): the
    // gateway gets a device route first, then the default route goes via it.
    if (auto h = add_route(inside, family, i.inside_ifindex, gw + (family == AF_INET ? "/32" : "/128"), ""); !h)
      return unexpected(key_error(i, subkey, h.error()));
    r = add_route(inside, family, i.inside_ifindex, any, gw);
  }
  if (!r) return unexpected(key_error(i, subkey, r.error()));
  return {};
}

// l2proxy: the host's link answers ARP/NDP for the container's addresses.
Result<void> check_sysctl(const std::string& path, const Iface& i) {
  std::string v;
  if (FILE* f = std::fopen(path.c_str(), "re")) {
    char buf[16] = {};
    if (std::fgets(buf, sizeof buf, f)) v = trim(buf);
    std::fclose(f);
  }
  if (v != "1") return fail(EINVAL, i.key + ".l2proxy needs " + path + " = 1");
  return {};
}

Result<void> setup_l2proxy(const Netlink& host, Iface& i) {
  const auto& d = *i.dev;
  if (!d.l2proxy) return {};
  if (d.link.empty()) return fail(EINVAL, i.key + ".l2proxy needs " + i.key + ".link");
  std::string v4 = "/proc/sys/net/ipv4/conf/" + d.link + "/", v6 = "/proc/sys/net/ipv6/conf/" + d.link + "/";
  if (!d.ipv4_addresses.empty())
    if (auto r = check_sysctl(v4 + "forwarding", i); !r) return r;
  if (!d.ipv6_addresses.empty()) {
    if (auto r = check_sysctl(v6 + "proxy_ndp", i); !r) return r;
    if (auto r = check_sysctl(v6 + "forwarding", i); !r) return r;
  }
  auto l = host.link(d.link);
  if (!l) return unexpected(key_error(i, "link", l.error()));
  int idx = rtnl_link_get_ifindex(l->get());
  auto proxy = [&](const std::string& a, int family) -> Result<void> {
    if (auto r = add_proxy(host, i, idx, addr_only(a), family); !r)
      return unexpected(key_error(i, "l2proxy", r.error()));
    return {};
  };
  for (const auto& a : d.ipv4_addresses)
    if (auto r = proxy(a, AF_INET); !r) return r;
  for (const auto& a : d.ipv6_addresses)
    if (auto r = proxy(a, AF_INET6); !r) return r;
  return {};
}

}  // namespace

std::string addr_only(std::string_view cidr) { return std::string(cidr.substr(0, cidr.find_first_of("/ "))); }

Error key_error(const Iface& i, std::string_view subkey, Error e) {
  return with_context(std::move(e), i.key + "." + std::string(subkey));
}

std::vector<std::string> inside_names(const config::Conf& conf) {
  std::set<std::string> taken;
  for (const auto& [idx, d] : conf.net) {
    if (!d.name.empty())
      taken.insert(d.name);
    else if (d.type == "phys")
      taken.insert(d.link);
  }
  std::vector<std::string> out;
  int next = 0;
  for (const auto& [idx, d] : conf.net) {
    std::string n = d.name.empty() && d.type == "phys" ? d.link : d.name;
    if (n.empty() && d.type != "none" && d.type != "empty") {
      while (taken.contains("eth" + std::to_string(next))) ++next;
      n = "eth" + std::to_string(next++);
    }
    out.push_back(n);
  }
  return out;
}

Result<void> configure_inside(const Netlink& host, const Netlink& inside, Iface& i) {
  const auto& d = *i.dev;
  auto l = inside.link(i.inside_name);
  if (!l) return unexpected(with_context(l.error(), i.key + ": find it in the container"));
  i.inside_ifindex = rtnl_link_get_ifindex(l->get());
  // Other types got these when they were made; phys keeps the host's until
  // here, and lxc-user-nic gives a veth the bridge's mtu and a random address.
  if ((d.type == "phys" || i.unprivileged) && (!d.mtu.empty() || !d.hwaddr.empty())) {
    LinkPtr ch(rtnl_link_alloc());
    if (!d.mtu.empty()) rtnl_link_set_mtu(ch.get(), static_cast<unsigned>(parse_u64(d.mtu).value_or(0)));
    if (!d.hwaddr.empty()) {
      auto a = parse_addr(d.hwaddr, AF_LLC);
      if (!a) return unexpected(key_error(i, "hwaddr", a.error()));
      rtnl_link_set_addr(ch.get(), a->get());
    }
    if (auto r = inside.change(l->get(), ch.get(), "set mtu and hwaddr of " + i.inside_name); !r)
      return unexpected(with_context(r.error(), i.key));
  }
  for (const auto& a : d.ipv4_addresses)
    if (auto r = add_address(inside, i.inside_ifindex, a, AF_INET); !r)
      return unexpected(key_error(i, "ipv4.address", r.error()));
  for (const auto& a : d.ipv6_addresses)
    if (auto r = add_address(inside, i.inside_ifindex, a, AF_INET6); !r)
      return unexpected(key_error(i, "ipv6.address", r.error()));
  if (d.flags == "up")
    if (auto r = inside.set_up(i.inside_ifindex, true); !r) return unexpected(key_error(i, "flags", r.error()));
  if (auto r = add_gateway(host, inside, i, AF_INET); !r) return r;
  if (auto r = add_gateway(host, inside, i, AF_INET6); !r) return r;
  return setup_l2proxy(host, i);
}

}  // namespace lxc::network
