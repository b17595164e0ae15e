// lxc.net, lxc.net.N and the lxc.net.N.* table.
#include <algorithm>

#include "base/strings.h"
#include "config/keys.h"
#include "config/keys_net.h"
#include "config/values.h"

namespace lxc::config {
namespace {

using Check = Result<void> (*)(std::string_view);
using Canon = Result<std::string> (*)(std::string_view);

unexpected<Error> invalid(std::string what) { return fail(EINVAL, std::move(what)); }

template <std::string NetDev::*M, Check C = nullptr>
Result<void> set_str(NetDev& d, std::string_view v) {
  if constexpr (C != nullptr) {
    if (auto r = C(v); !r) return r;
  }
  d.*M = std::string(v);
  return {};
}
template <std::string NetDev::*M>
std::string get_str(const NetDev& d) { return d.*M; }
template <std::string NetDev::*M>
void clear_str(NetDev& d) { (d.*M).clear(); }
template <std::string NetDev::*M, Check C = nullptr>
constexpr NetKeySpec str_key(std::string_view name, std::string_view sample, std::string_view types = "") {
  return {name, &set_str<M, C>, &get_str<M>, &clear_str<M>, sample, types};
}

template <std::vector<std::string> NetDev::*M, auto C>
Result<void> set_list(NetDev& d, std::string_view v) {
  // Several values may be given on one line, separated by white space, except
  // for IPv4 addresses whose optional broadcast follows after a space.
  if constexpr (std::is_same_v<decltype(C), Canon>) {
    auto canon = C(v);
    if (!canon) return unexpected(canon.error());
    (d.*M).push_back(*canon);
  } else {
    auto items = split(v, " \t");
    for (const auto& item : items)
      if (auto r = C(item); !r) return r;
    for (auto& item : items) (d.*M).push_back(std::move(item));
  }
  return {};
}
template <std::vector<std::string> NetDev::*M>
std::string get_list(const NetDev& d) {
  std::string out;
  for (const auto& item : d.*M) out += item + "\n";
  return out;
}
template <std::vector<std::string> NetDev::*M>
void clear_list(NetDev& d) { (d.*M).clear(); }
template <std::vector<std::string> NetDev::*M, auto C>
constexpr NetKeySpec list_key(std::string_view name, std::string_view sample, std::string_view types = "") {
  return {name, &set_list<M, C>, &get_list<M>, &clear_list<M>, sample, types};
}

Result<void> check_flags(std::string_view v) { return check_one_of(v, {"up"}); }
Result<void> check_veth_mode(std::string_view v) { return check_one_of(v, {"bridge", "router"}); }
Result<void> check_macvlan_mode(std::string_view v) { return check_one_of(v, {"private", "vepa", "bridge", "passthru"}); }
Result<void> check_ipvlan_mode(std::string_view v) { return check_one_of(v, {"l3", "l3s", "l2"}); }
Result<void> check_ipvlan_isolation(std::string_view v) { return check_one_of(v, {"bridge", "private", "vepa"}); }
Result<void> check_veth_vlan_id(std::string_view v) { return v == "none" ? Result<void>{} : check_vlan_id(v); }
Result<void> check_queues(std::string_view v) {
  auto n = parse_u64(v);
  if (!n || *n < 1 || *n > 4096) return invalid("invalid value \"" + printable(v) + "\": expected a queue count from 1 to 4096");
  return {};
}
Result<void> check_script(std::string_view v) {
  if (v.empty()) return invalid("expected a script path");
  return {};
}

Result<void> set_hwaddr(NetDev& d, std::string_view v) {
  if (auto r = check_hwaddr(v); !r) return r;
  // LXC fills the x placeholders as soon as the key is set, so that the
  // running container has a fixed address; the file keeps the pattern until
  // lxc-create or lxc-copy writes a real one.
  d.hwaddr = randomize_hwaddr(v);
  return {};
}

Result<void> set_l2proxy(NetDev& d, std::string_view v) {
  auto b = parse_bool(v);
  if (!b) return unexpected(b.error());
  d.l2proxy = *b;
  return {};
}

// As in LXC, setting the type starts the interface afresh: keys given before
// it, or for an earlier type of the same index, do not carry over.
Result<void> set_type(NetDev& d, std::string_view v) {
  if (auto r = check_net_type(v); !r) return r;
  d = NetDev{};
  d.type = std::string(v);
  return {};
}

constexpr NetKeySpec kNetKeys[] = {
    {"type", set_type, get_str<&NetDev::type>, clear_str<&NetDev::type>, "veth", ""},
    str_key<&NetDev::flags, check_flags>("flags", "up"),
    str_key<&NetDev::link, check_ifname>("link", "lxcbr0"),
    {"l2proxy", set_l2proxy, [](const NetDev& d) { return std::string(d.l2proxy ? "1" : "0"); },
     [](NetDev& d) { d.l2proxy = false; }, "1", ""},
    str_key<&NetDev::mtu, check_mtu>("mtu", "1400"),
    str_key<&NetDev::name, check_ifname>("name", "eth0"),
    {"hwaddr", set_hwaddr, get_str<&NetDev::hwaddr>, clear_str<&NetDev::hwaddr>, "00:16:3e:12:34:56", ""},
    list_key<&NetDev::ipv4_addresses, Canon{check_ipv4_address}>("ipv4.address", "10.0.3.5/24"),
    str_key<&NetDev::ipv4_gateway, check_ipv4_gateway>("ipv4.gateway", "10.0.3.1"),
    list_key<&NetDev::ipv6_addresses, Canon{check_ipv6_address}>("ipv6.address", "fd00::5/64"),
    str_key<&NetDev::ipv6_gateway, check_ipv6_gateway>("ipv6.gateway", "fd00::1"),
    str_key<&NetDev::script_up, check_script>("script.up", "/usr/local/bin/up.sh"),
    str_key<&NetDev::script_down, check_script>("script.down", "/usr/local/bin/down.sh"),
    str_key<&NetDev::veth_pair, check_ifname>("veth.pair", "vethc1", "veth"),
    str_key<&NetDev::veth_mode, check_veth_mode>("veth.mode", "router", "veth"),
    list_key<&NetDev::veth_ipv4_routes, Check{check_ipv4_route}>("veth.ipv4.route", "192.0.2.0/24", "veth"),
    list_key<&NetDev::veth_ipv6_routes, Check{check_ipv6_route}>("veth.ipv6.route", "2001:db8::/64", "veth"),
    str_key<&NetDev::veth_vlan_id, check_veth_vlan_id>("veth.vlan.id", "100", "veth"),
    list_key<&NetDev::veth_vlan_tagged_ids, Check{check_vlan_id}>("veth.vlan.tagged.id", "200", "veth"),
    str_key<&NetDev::veth_n_rxqueues, check_queues>("veth.n_rxqueues", "2", "veth"),
    str_key<&NetDev::veth_n_txqueues, check_queues>("veth.n_txqueues", "2", "veth"),
    str_key<&NetDev::macvlan_mode, check_macvlan_mode>("macvlan.mode", "bridge", "macvlan"),
    str_key<&NetDev::macvlan_vlan, check_vlan_id>("macvlan.vlan", "100", "macvlan"),
    str_key<&NetDev::ipvlan_mode, check_ipvlan_mode>("ipvlan.mode", "l2", "ipvlan"),
    str_key<&NetDev::ipvlan_isolation, check_ipvlan_isolation>("ipvlan.isolation", "private", "ipvlan"),
    str_key<&NetDev::vlan_id, check_vlan_id>("vlan.id", "100", "vlan"),
};

struct NetKey {
  int index = -1;           // -1 for plain "lxc.net"
  std::string_view subkey;  // empty for "lxc.net.N"
};

Result<NetKey> parse_net_key(std::string_view key) {
  if (key == "lxc.net") return NetKey{};
  std::string_view rest = key.substr(8);  // after "lxc.net."
  auto dot = rest.find('.');
  auto idx = parse_u64(rest.substr(0, dot));
  if (!idx || *idx > 65535) return invalid("expected lxc.net.N.KEY with an interface index N from 0 to 65535");
  NetKey k{static_cast<int>(*idx), {}};
  if (dot != std::string_view::npos) k.subkey = rest.substr(dot + 1);
  return k;
}

bool applies_to(const NetKeySpec& spec, std::string_view type) {
  if (spec.types.empty()) return true;
  for (const auto& t : split(spec.types, " "))
    if (t == type) return true;
  return false;
}

std::string list_subkeys(const NetDev& d) {
  std::string out;
  for (const auto& spec : kNetKeys)
    if (applies_to(spec, d.type)) out += std::string(spec.name) + "\n";
  return out;
}

}  // namespace

std::span<const NetKeySpec> net_keys() { return kNetKeys; }

const NetKeySpec* find_net_key(std::string_view subkey) {
  for (const auto& k : kNetKeys)
    if (k.name == subkey) return &k;
  return nullptr;
}

Result<void> set_net(Conf& c, std::string_view key, std::string_view v) {
  auto k = parse_net_key(key);
  if (!k) return unexpected(k.error());
  if (k->index < 0) return invalid("takes only an empty value, which removes every interface");
  if (k->subkey.empty())
    return invalid("takes only an empty value, which removes the interface; its settings are lxc.net." +
                   std::to_string(k->index) + ".type, .link, ...");
  const NetKeySpec* spec = find_net_key(k->subkey);
  if (!spec) {
    std::string msg = "unknown network key";
    if (auto hint = suggest_key(key); !hint.empty()) msg += " (" + hint + ")";
    return invalid(msg);
  }
  // A failed set must not leave behind an interface it created.
  bool created = !c.net.contains(k->index);
  NetDev& dev = c.net[k->index];
  if (!applies_to(*spec, dev.type)) {
    std::string prefix = "lxc.net." + std::to_string(k->index);
    std::string type = dev.type;
    if (created) c.net.erase(k->index);
    return invalid("applies only to " + prefix + ".type = " + std::string(spec->types) + ", but " + prefix +
                   ".type is " + (type.empty() ? std::string("not set (set it first)") : type));
  }
  auto r = spec->set(dev, v);
  if (!r && created) c.net.erase(k->index);
  return r;
}

std::string get_net(const Conf& c, std::string_view key) {
  auto k = parse_net_key(key);
  if (!k) return {};
  if (k->index < 0) {
    std::string out;
    for (const auto& [idx, dev] : c.net) out += std::to_string(idx) + "\n";
    return out;
  }
  auto it = c.net.find(k->index);
  if (it == c.net.end()) return {};
  if (k->subkey.empty()) return list_subkeys(it->second);
  const NetKeySpec* spec = find_net_key(k->subkey);
  return spec ? spec->get(it->second) : std::string();
}

void clear_net(Conf& c, std::string_view key) {
  auto k = parse_net_key(key);
  if (!k) return;
  if (k->index < 0) {
    c.net.clear();
    return;
  }
  auto it = c.net.find(k->index);
  if (it == c.net.end()) return;
  // Clearing the type clears the interface, as in LXC.
  if (k->subkey.empty() || k->subkey == "type") {
    c.net.erase(it);
    return;
  }
  if (const NetKeySpec* spec = find_net_key(k->subkey)) spec->clear(it->second);
  // An interface with nothing set is no interface: a file without its lines
  // would not have it either.
  if (it->second == NetDev{}) c.net.erase(it);
}

}  // namespace lxc::config
