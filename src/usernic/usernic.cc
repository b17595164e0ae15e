#include "usernic/usernic.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <netlink/route/link/veth.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <memory>

#include "base/random.h"
#include "base/file.h"
#include "log/log.h"
#include "network/netdev.h"
#include "network/netlink.h"
#include "usernic/quota.h"

namespace lxc::usernic {
namespace {

constexpr log::Logger kLog("usernic");

struct VethFree {
  void operator()(rtnl_link* l) const { rtnl_link_veth_release(l); }
};

// "veth<PID>_XXXX" (LXC's pattern) when it fits IFNAMSIZ with the peer's
// "p", else "veth" and six random characters.
std::string host_nic_name(pid_t pid) {
  std::string name = "veth" + std::to_string(pid) + "_" + random_alnum(4);
  if (name.size() + 1 >= IFNAMSIZ) name = "veth" + random_alnum(6);
  return name;
}

// The veth pair in one request: the host end up, on the bridge, with its
// MTU; the peer made straight in the container's namespace under its name.
Result<void> make_pair(const network::Netlink& nl, const std::string& host, int netns_fd, const std::string& nicname,
                       const std::string& bridge) {
  auto br = nl.link(bridge);
  if (!br) return unexpected(with_context(br.error(), "bridge " + bridge));
  unsigned mtu = rtnl_link_get_mtu(br->get());
  std::unique_ptr<rtnl_link, VethFree> veth(rtnl_link_veth_alloc());
  if (!veth) return fail(ENOMEM, "netlink: allocate a veth");
  rtnl_link* peer = rtnl_link_veth_get_peer(veth.get());
  rtnl_link_set_name(veth.get(), host.c_str());
  rtnl_link_set_master(veth.get(), rtnl_link_get_ifindex(br->get()));
  rtnl_link_set_flags(veth.get(), IFF_UP);
  rtnl_link_set_name(peer, nicname.c_str());
  rtnl_link_set_ns_fd(peer, netns_fd);
  if (mtu) {
    rtnl_link_set_mtu(veth.get(), mtu);
    rtnl_link_set_mtu(peer, mtu);
  }
  rtnl_link_put(peer);  // get_peer took a reference
  int err = rtnl_link_add(nl.get(), veth.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err < 0)
    return unexpected(network::nl_error(err, "create veth pair " + host + "/" + nicname + " on bridge " + bridge));
  return {};
}

// The database, locked for the whole create: concurrent calls must not both
// take the last interface of a quota.
Result<UniqueFd> lock_db(const std::string& path) {
  if (auto r = mkdir_p(dirname_of(path), 0755); !r) return unexpected(r.error());
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return fail_sys("open " + path);
  while (::flock(fd.get(), LOCK_EX) < 0)
    if (errno != EINTR) return fail_sys("lock " + path);
  return fd;
}

Result<std::string> read_fd(int fd, const std::string& what) {
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_sys("seek " + what);
  return read_to_end(fd, what);
}

Result<void> rewrite_fd(int fd, const std::string& text, const std::string& what) {
  if (::ftruncate(fd, 0) < 0 || ::lseek(fd, 0, SEEK_SET) < 0) return fail_sys("truncate " + what);
  return write_all(fd, text, what);
}

}  // namespace

Result<Caller> current_caller() {
  Caller c;
  c.uid = ::getuid();
  struct passwd* pw = ::getpwuid(c.uid);
  if (!pw) return fail(ENOENT, "Failed to get username: " + std::to_string(c.uid));
  c.user = pw->pw_name;
  std::vector<gid_t> gids(static_cast<size_t>(std::max(::getgroups(0, nullptr), 0)) + 1);
  int n = ::getgroups(static_cast<int>(gids.size()) - 1, gids.data());
  if (n < 0) return fail_sys("Failed to get process groups");
  gids.resize(static_cast<size_t>(n));
  gids.push_back(::getgid());
  for (gid_t g : gids)
    if (struct group* gr = ::getgrgid(g)) c.groups.emplace_back(gr->gr_name);
  return c;
}

Result<UniqueFd> open_netns_as(uid_t uid, pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  uid_t euid = ::geteuid();
  // Opened as the caller: the kernel's ptrace check then says whether the
  // caller may look at that process at all.
  if (euid != uid && ::seteuid(uid) < 0) return fail_sys("drop privilege to uid " + std::to_string(uid));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  int err = errno;
  if (euid != uid && ::seteuid(euid) < 0) return fail_sys("restore uid " + std::to_string(euid));
  if (!fd) return fail(err, "Uid " + std::to_string(uid) + " may not access " + path);
  return fd;
}

Result<void> check_privileged_over(int netns_fd, uid_t uid) {
  if (uid == 0) return {};
  UniqueFd ns(::ioctl(netns_fd, NS_GET_USERNS));
  if (!ns) return fail_sys("get the user namespace of the network namespace");
  // The kernel grants the caller (in the initial user namespace) every
  // capability in a namespace under a top-level one it owns: walk up to
  // the namespace right below the initial one and compare its owner.
  for (;;) {
    UniqueFd parent(::ioctl(ns.get(), NS_GET_PARENT));
    if (!parent) break;  // ns is the initial namespace: only root is privileged there
    UniqueFd grandparent(::ioctl(parent.get(), NS_GET_PARENT));
    if (!grandparent) {  // parent is the initial namespace: ns is top-level
      uid_t owner = 0;
      if (::ioctl(ns.get(), NS_GET_OWNER_UID, &owner) < 0) return fail_sys("get the owner of a user namespace");
      if (owner == uid) return {};
      break;
    }
    ns = std::move(parent);
  }
  return fail(EPERM, "Process is not privileged over network namespace");
}

Result<Created> create_nic(const Caller& caller, const Request& req, const std::string& usernet_file,
                           const std::string& db_file) {
  if (req.type != "veth") return fail(EINVAL, "Invalid network type " + req.type + " (only veth is supported)");
  std::string nicname = req.nicname.empty() ? "eth0" : req.nicname;
  if (nicname.size() >= IFNAMSIZ || nicname.find_first_of("/: \t") != std::string::npos)
    return fail(EINVAL, "Invalid interface name \"" + nicname + "\"");
  auto netns = open_netns_as(caller.uid, req.pid);
  if (!netns) return unexpected(netns.error());
  if (auto r = check_privileged_over(netns->get(), caller.uid); !r)
    return unexpected(
        with_context(r.error(), "User " + caller.user + " may not modify netns for pid " + std::to_string(req.pid)));

  auto db_fd = lock_db(db_file);
  if (!db_fd) return unexpected(db_fd.error());
  auto db_text = read_fd(db_fd->get(), db_file);
  if (!db_text) return unexpected(db_text.error());
  auto db = cull(parse_db(*db_text), [](const std::string& nic) { return network::link_exists(nic); });
  auto usernet = read_file(usernet_file);
  if (!usernet && usernet.error().code != ENOENT) return unexpected(usernet.error());
  auto grants = grants_for(parse_usernet(usernet ? *usernet : ""), caller.user, caller.groups, req.type, req.bridge);
  auto owner = pick_owner(grants, db);
  if (!owner) return fail(EDQUOT, "Quota reached");

  auto nl = network::Netlink::open();
  if (!nl) return unexpected(nl.error());
  std::string host = host_nic_name(req.pid);
  if (auto r = make_pair(*nl, host, netns->get(), nicname, req.bridge); !r) return unexpected(r.error());
  auto undo = [&] { (void)nl->remove_link(host); };

  Created out{nicname, 0, host, 0};
  auto host_link = nl->link(host);
  if (!host_link) {
    undo();
    return unexpected(host_link.error());
  }
  auto inside = network::Netlink::open_in(netns->get());
  if (!inside) {
    undo();
    return unexpected(inside.error());
  }
  auto peer = inside->link(nicname);
  if (!peer) {
    undo();
    return unexpected(peer.error());
  }
  out.host_ifindex = rtnl_link_get_ifindex(host_link->get());
  out.ifindex = rtnl_link_get_ifindex(peer->get());

  db.push_back({*owner, req.type, req.bridge, host});
  if (auto r = rewrite_fd(db_fd->get(), format_db(db), db_file); !r) {
    undo();
    return unexpected(r.error());
  }
  kLog.info("{}: {} (inside pid {}) and {} on {}, counted against {}", caller.user, nicname, req.pid, host, req.bridge,
            *owner);
  return out;
}

}  // namespace lxc::usernic
