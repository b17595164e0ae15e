// network::Session: check, attach and tear down the container's interfaces
// for each boot. See session.h.
#include "network/session.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "base/file.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "network/internal.h"
#include "network/netlink.h"

namespace lxc::network {
namespace {

constexpr log::Logger kLog("network");

bool needs_link(std::string_view type) {
  return type == "phys" || type == "macvlan" || type == "vlan" || type == "ipvlan";
}

// lxc.net.N.script.up / script.down, as LXC runs them: section "net", type
// "up"/"down"; with hook version 0 the network type, the parent and (veth)
// the host end follow as arguments, with version 1 they are LXC_NET_TYPE,
// LXC_NET_PARENT (macvlan, veth, phys) and LXC_NET_PEER (veth).
Result<void> run_script(const config::Conf& conf, hooks::HookEnv env, const Iface& i, bool up) {
  const auto& d = *i.dev;
  const std::string& script = up ? d.script_up : d.script_down;
  if (script.empty()) return {};
  env.section = "net";
  env.type_name = up ? "up" : "down";
  env.key = i.key + (up ? ".script.up" : ".script.down");
  bool veth = d.type == "veth";
  if (conf.hook_version == 0) {
    env.args.push_back(d.type);
    if (!d.link.empty()) env.args.push_back(d.link);
    if (veth) env.args.push_back(i.host_name);
  } else {
    env.extra_env.push_back("LXC_NET_TYPE=" + d.type);
    if (veth || d.type == "macvlan" || d.type == "phys") env.extra_env.push_back("LXC_NET_PARENT=" + d.link);
    if (veth) env.extra_env.push_back("LXC_NET_PEER=" + i.host_name);
  }
  return hooks::run_hook(script, config::HookType::Start, env, conf.hook_version);
}

}  // namespace

struct Session::State {
  UniqueFd netns;
  std::optional<Netlink> host;
  std::optional<Netlink> inside;
  std::vector<Iface> ifaces;
  bool stopped = false;
};

Session::Session(const config::Conf& conf, hooks::HookEnv env, std::string lxcpath)
    : conf_(conf), env_(std::move(env)), lxcpath_(std::move(lxcpath)), unprivileged_(::geteuid() != 0) {}

Session::~Session() { teardown(); }

bool Session::has_devices() const {
  for (const auto& [idx, d] : conf_.net)
    if (d.type != "none") return true;
  return false;
}

Result<void> Session::check() const {
  auto names = inside_names(conf_);
  std::map<std::string, std::string> seen_name, seen_pair, phys_links, passthru;
  std::optional<Netlink> host;
  size_t k = 0;
  for (const auto& [idx, d] : conf_.net) {
    std::string key = "lxc.net." + std::to_string(idx);
    const std::string& name = names[k++];
    if (d.type.empty()) return fail(EINVAL, key + ".type is not set");
    if (d.type == "none" || d.type == "empty") continue;
    if (unprivileged_) {
      Iface i;
      i.dev = &d;
      i.key = key;
      if (auto r = check_unprivileged(i); !r) return r;
    }
    if (auto [it, fresh] = seen_name.emplace(name, key); !fresh)
      return fail(EINVAL, key + ".name = " + name + ": " + it->second + " has that name already");
    if (!d.veth_pair.empty())
      if (auto [it, fresh] = seen_pair.emplace(d.veth_pair, key); !fresh)
        return fail(EINVAL, key + ".veth.pair = " + d.veth_pair + ": " + it->second + " has that name already");
    if (needs_link(d.type) && d.link.empty())
      return fail(EINVAL, key + ".link is not set (type " + d.type + " needs the host interface it uses)");
    if ((d.ipv4_gateway == "auto" || d.ipv6_gateway == "auto") && d.link.empty())
      return fail(EINVAL,
                  key + (d.ipv4_gateway == "auto" ? ".ipv4" : ".ipv6") + ".gateway = auto needs " + key + ".link");
    if (d.type == "phys")
      if (auto [it, fresh] = phys_links.emplace(d.link, key); !fresh)
        return fail(EINVAL, key + ".link = " + d.link + ": " + it->second + " takes that interface already");
    if (d.type == "macvlan" && d.macvlan_mode == "passthru")
      if (auto [it, fresh] = passthru.emplace(d.link, key); !fresh)
        return fail(EINVAL, key + ".macvlan.mode = passthru: " + it->second + " is in passthru mode on " + d.link +
                                " already (one passthru macvlan per link)");
    if (!d.link.empty()) {
      if (!host) {
        auto nl = Netlink::open();
        if (!nl) return unexpected(nl.error());
        host = std::move(*nl);
      }
      if (!host->has_link(d.link)) return fail(ENODEV, key + ".link = " + d.link + ": no such interface on the host");
    }
  }
  return {};
}

Result<void> Session::attach(pid_t pid) {
  teardown();
  if (!has_devices()) return {};
  auto st = std::make_unique<State>();
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  st->netns.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!st->netns) return fail_sys("network: open " + path);
  auto host = Netlink::open();
  if (!host) return unexpected(host.error());
  st->host = std::move(*host);
  // Only interfaces that are configured from the inside need a socket
  // there; `empty` alone does not (and an unprivileged monitor could not
  // enter the namespace: setns wants CAP_SYS_ADMIN where the caller is).
  bool configures_inside = false;
  for (const auto& [idx, d] : conf_.net) configures_inside |= d.type != "none" && d.type != "empty";
  if (configures_inside && unprivileged_) {
    std::string upath = "/proc/" + std::to_string(pid) + "/ns/user";
    UniqueFd userns(::open(upath.c_str(), O_RDONLY | O_CLOEXEC));
    if (!userns) return fail_sys("network: open " + upath);
    auto inside = Netlink::open_in_userns(userns.get(), st->netns.get());
    if (!inside) return unexpected(inside.error());
    st->inside = std::move(*inside);
  } else if (configures_inside) {
    auto inside = Netlink::open_in(st->netns.get());
    if (!inside) return unexpected(inside.error());
    st->inside = std::move(*inside);
  }

  auto names = inside_names(conf_);
  size_t k = 0;
  for (const auto& [idx, d] : conf_.net) {
    Iface i;
    i.index = idx;
    i.dev = &d;
    i.key = "lxc.net." + std::to_string(idx);
    i.inside_name = names[k++];
    i.unprivileged = unprivileged_;
    if (d.type != "none") st->ifaces.push_back(std::move(i));
  }
  // From here on a failure must undo what was made.
  state_ = std::move(st);
  env_.init_pid = -1;  // as LXC: script.up runs before LXC_PID is known
  for (auto& i : state_->ifaces) {
    if (auto r = unprivileged_ ? create_iface_unprivileged(i, pid, lxcpath_, env_.name)
                               : create_iface(*state_->host, i, pid);
        !r)
      return r;
    if (i.dev->type != "empty")
      if (auto r = configure_inside(*state_->host, *state_->inside, i); !r) return r;
    if (auto r = run_script(conf_, env_, i, true); !r) return r;
    i.up_script_ran = true;
  }
  env_.init_pid = pid;
  return {};
}

void Session::stop() {
  if (!state_ || state_->stopped) return;
  // Last made, first removed; script.down runs while the interface still exists.
  for (auto it = state_->ifaces.rbegin(); it != state_->ifaces.rend(); ++it) {
    if (it->up_script_ran)
      if (auto r = run_script(conf_, env_, *it, false); !r) kLog.warn("{}", describe(r.error()));
    it->up_script_ran = false;
    release_iface(*state_->host, state_->inside ? &*state_->inside : nullptr, *it);
  }
  // The namespace can go now; the kernel takes the container's ends with it.
  state_->inside.reset();
  state_->netns.reset();
  state_->stopped = true;
}

void Session::teardown_detached() {
  if (!state_) return;
  stop();
  if (std::none_of(state_->ifaces.begin(), state_->ifaces.end(),
                   [](const Iface& i) { return i.created && i.dev->type == "veth"; })) {
    state_.reset();
    return;
  }
  pid_t child = ::fork();
  if (child == 0) {
    // Out of the caller's session: a ^C at its terminal once lxc-execute has
    // returned does not cut this short. Off its stdio too: a caller reading
    // lxc-execute's output through a pipe ($(...)) gets its end of file now
    // (problems still reach the log file).
    ::setsid();
    stdio_to_dev_null();
    teardown();
    ::_exit(0);
  }
  if (child < 0) {
    teardown();
    return;
  }
  state_.reset();  // the child removes them
}

void Session::teardown() {
  if (!state_) return;
  stop();
  for (auto it = state_->ifaces.rbegin(); it != state_->ifaces.rend(); ++it) remove_iface(*state_->host, *it);
  state_.reset();
}

}  // namespace lxc::network
