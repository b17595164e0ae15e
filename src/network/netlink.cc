// rtnetlink through libnl-route-3: the socket, per-namespace sockets, errors.
#include "network/netlink.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "base/spawn.h"
#include "base/unique_fd.h"
#include "commands/commands.h"

namespace lxc::network {
namespace {

int errno_of(int nlerr) {
  switch (nlerr < 0 ? -nlerr : nlerr) {
    case NLE_EXIST:
      return EEXIST;
    case NLE_NODEV:
    case NLE_OBJ_NOTFOUND:
      return ENODEV;
    case NLE_PERM:
      return EPERM;
    case NLE_BUSY:
      return EBUSY;
    case NLE_INVAL:
    case NLE_MSG_TOOSHORT:
    case NLE_RANGE:
      return EINVAL;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_MSGSIZE:
      return EMSGSIZE;
    default:
      return EIO;
  }
}

}  // namespace

Error nl_error(int nlerr, std::string_view what) {
  // libnl's own text says what went wrong ("Object exists", "No such device").
  return make_error(errno_of(nlerr), std::string(what) + ": " + nl_geterror(nlerr < 0 ? nlerr : -nlerr));
}

Result<Netlink> Netlink::open() {
  nl_sock* sk = nl_socket_alloc();
  if (!sk) return fail(ENOMEM, "netlink: allocate a socket");
  if (int e = nl_connect(sk, NETLINK_ROUTE); e < 0) {
    nl_socket_free(sk);
    return unexpected(nl_error(e, "netlink: connect"));
  }
  return Netlink(sk);
}

Result<Netlink> Netlink::open_in(int netns_fd) {
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return fail_sys("netlink: open /proc/thread-self/ns/net");
  if (::setns(netns_fd, CLONE_NEWNET) < 0) return fail_sys("netlink: enter the container's network namespace");
  auto sk = open();
  if (::setns(self.get(), CLONE_NEWNET) < 0) {
    // Staying in the container's namespace would put later host-side steps there.
    return fail_sys("netlink: return to the host's network namespace");
  }
  return sk;
}

Result<Netlink> Netlink::open_in_userns(int userns_fd, int netns_fd) {
  int sp[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) return fail_sys("netlink: socketpair");
  UniqueFd ours(sp[0]), theirs(sp[1]);
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys("netlink: fork");
  if (pid == 0) {
    // Only system calls from here: the parent may have had threads.
    int err = 0;
    if (::setns(userns_fd, CLONE_NEWUSER) < 0 || ::setns(netns_fd, CLONE_NEWNET) < 0) err = errno;
    int sk = err ? -1 : ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (!err && sk < 0) err = errno;
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks a free port
    if (!err && ::bind(sk, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) err = errno;
    (void)commands::send_fd(theirs.get(), err ? -1 : sk, &err, sizeof err);
    ::_exit(0);
  }
  theirs.reset();
  int err = 0;
  auto fd = commands::recv_fd(ours.get(), &err, sizeof err);
  (void)wait_for(pid);
  if (!fd) return unexpected(with_context(fd.error(), "netlink: socket in the container's network namespace"));
  if (err != 0 || !*fd) return fail(err ? err : EIO, "netlink: enter the container's user and network namespaces");
  nl_sock* sk = nl_socket_alloc();
  if (!sk) return fail(ENOMEM, "netlink: allocate a socket");
  if (int e = nl_socket_set_fd(sk, NETLINK_ROUTE, fd->get()); e < 0) {
    nl_socket_free(sk);
    return unexpected(nl_error(e, "netlink: use the container's socket"));
  }
  (void)fd->release();  // the nl_sock owns it now
  return Netlink(sk);
}

Netlink& Netlink::operator=(Netlink&& o) noexcept {
  if (this != &o) {
    if (sk_) nl_socket_free(sk_);
    sk_ = std::exchange(o.sk_, nullptr);
  }
  return *this;
}

Netlink::~Netlink() {
  if (sk_) nl_socket_free(sk_);
}

Result<LinkPtr> Netlink::link(std::string_view name) const {
  rtnl_link* l = nullptr;
  std::string n(name);
  if (int e = rtnl_link_get_kernel(sk_, 0, n.c_str(), &l); e < 0) return unexpected(nl_error(e, "interface " + n));
  return LinkPtr(l);
}

Result<LinkPtr> Netlink::link(int ifindex) const {
  rtnl_link* l = nullptr;
  if (int e = rtnl_link_get_kernel(sk_, ifindex, nullptr, &l); e < 0)
    return unexpected(nl_error(e, "interface #" + std::to_string(ifindex)));
  return LinkPtr(l);
}

bool Netlink::has_link(std::string_view name) const { return link(name).has_value(); }

Result<void> Netlink::change(rtnl_link* orig, rtnl_link* changes, std::string_view what) const {
  if (int e = rtnl_link_change(sk_, orig, changes, 0); e < 0) return unexpected(nl_error(e, what));
  return {};
}

Result<void> Netlink::remove_link(std::string_view name) const {
  LinkPtr l(rtnl_link_alloc());
  if (!l) return fail(ENOMEM, "netlink: allocate a link");
  rtnl_link_set_name(l.get(), std::string(name).c_str());
  if (int e = rtnl_link_delete(sk_, l.get()); e < 0)
    return unexpected(nl_error(e, "delete interface " + std::string(name)));
  return {};
}

Result<void> Netlink::set_up(int ifindex, bool up) const {
  auto orig = link(ifindex);
  if (!orig) return unexpected(orig.error());
  LinkPtr ch(rtnl_link_alloc());
  if (up)
    rtnl_link_set_flags(ch.get(), IFF_UP);
  else
    rtnl_link_unset_flags(ch.get(), IFF_UP);
  return change(orig->get(), ch.get(), std::string(up ? "bring up " : "bring down ") + rtnl_link_get_name(orig->get()));
}

Result<NlAddrPtr> parse_addr(std::string_view text, int family) {
  nl_addr* a = nullptr;
  std::string t(text);
  if (int e = nl_addr_parse(t.c_str(), family, &a); e < 0) return unexpected(nl_error(e, "address " + t));
  return NlAddrPtr(a);
}

}  // namespace lxc::network
