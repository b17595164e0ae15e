// Looking into a running container: its addresses (from inside its network
// namespace) and its resource use (from its cgroups).
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "api/container.h"
#include "base/file.h"
#include "base/namespaces.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "cgroups/cgroup.h"

namespace lxc::api {

namespace {

// The addresses of the interfaces of the network namespace the calling
// thread is in, loopback and IPv6 link-local ones left out.
// Every interface's but lo's, or, as liblxc's get_ips, those of the one named.
std::vector<std::string> interface_addresses(int family, std::string_view iface) {
  std::vector<std::string> out;
  struct ifaddrs* ifa = nullptr;
  if (::getifaddrs(&ifa) < 0) return out;
  for (auto* i = ifa; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (iface.empty() ? (i->ifa_flags & IFF_LOOPBACK) != 0 : iface != i->ifa_name) continue;
    int fam = i->ifa_addr->sa_family;
    if ((fam != AF_INET && fam != AF_INET6) || (family && fam != family)) continue;
    char buf[INET6_ADDRSTRLEN];
    const void* a = fam == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)
                                   : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr);
    if (fam == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(static_cast<const in6_addr*>(a))) continue;
    if (::inet_ntop(fam, a, buf, sizeof buf)) out.emplace_back(buf);
  }
  ::freeifaddrs(ifa);
  return out;
}

}  // namespace

Result<std::string> output_in_namespaces(pid_t pid, int flags, const std::function<std::string()>& fn) {
  // Every namespace opened before any is joined: inside the mount
  // namespace, /proc is the container's.
  std::vector<std::pair<UniqueFd, int>> ns;
  for (const auto& t : kNamespaceTypes) {
    if (!(flags & t.flag)) continue;
    std::string path = "/proc/" + std::to_string(pid) + "/ns/" + std::string(t.file);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_sys("open " + path);
    ns.emplace_back(std::move(fd), t.flag);
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd rd(p[0]), wr(p[1]);
  pid_t child = ::fork();
  if (child < 0) return fail_sys("fork");
  if (child == 0) {
    for (const auto& [fd, type] : ns)
      if (::setns(fd.get(), type) < 0) ::_exit(1);
    // The pid namespace holds only for children.
    pid_t inner = (flags & CLONE_NEWPID) ? ::fork() : 0;
    if (inner == 0) {
      (void)write_all(wr.get(), fn(), "pipe");
      ::_exit(0);
    }
    int st = 0;
    while (inner > 0 && ::waitpid(inner, &st, 0) < 0 && errno == EINTR) {
    }
    ::_exit(inner > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1);
  }
  wr.reset();
  auto text = read_to_end(rd.get(), "the output from inside pid " + std::to_string(pid) + "'s namespaces");
  int st = 0;
  while (::waitpid(child, &st, 0) < 0 && errno == EINTR) {
  }
  if (!text) return text;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return fail(0, "could not join the namespaces of pid " + std::to_string(pid));
  return text;
}

std::vector<std::string> Container::ips(int family, std::optional<pid_t> known_pid, std::string_view iface) const {
  std::vector<std::string> out;
  Result<pid_t> pid = known_pid ? Result<pid_t>(*known_pid) : init_pid();
  if (!pid) return out;
  UniqueFd ns(::open(("/proc/" + std::to_string(*pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return out;
  // A user who is not root reaches the network namespace of its container
  // only through the container's user namespace, which a thread cannot join.
  if (::geteuid() != 0) {
    auto text = output_in_namespaces(*pid, CLONE_NEWUSER | CLONE_NEWNET, [&] {
      std::string t;
      for (const auto& a : interface_addresses(family, iface)) t += a + "\n";
      return t;
    });
    if (text)
      for (auto& a : split(*text, "\n")) out.push_back(std::move(a));
    return out;
  }
  // A network namespace is a per-thread attribute: a short-lived thread
  // enters the container's and reads the addresses there, the rest of the
  // process stays where it is (lxc-ls -f asks this of every running
  // container: a thread costs a fraction of a fork).
  std::thread reader([&] {
    if (::setns(ns.get(), CLONE_NEWNET) == 0) out = interface_addresses(family, iface);
  });
  reader.join();
  return out;
}

Result<Container::Stats> Container::stats() const {
  auto paths = cgroup_paths();
  if (!paths) return unexpected(paths.error());
  auto cg = cgroups::Cgroup::deserialize(*paths);
  if (!cg) return unexpected(cg.error());
  auto s = cg->stats();
  if (!s) return unexpected(s.error());
  Stats out;
  out.cpu_ns = s->cpu_ns;
  out.cpu_user_ns = s->cpu_user_ns;
  out.cpu_system_ns = s->cpu_system_ns;
  out.blkio_bytes = s->blkio_bytes;
  out.blkio_read_bytes = s->blkio_read_bytes;
  out.blkio_write_bytes = s->blkio_write_bytes;
  out.blkio_ios = s->blkio_ios;
  out.memory_bytes = s->memory_bytes;
  out.kmem_bytes = s->kmem_bytes;
  out.swap_bytes = s->swap_bytes;
  return out;
}

}  // namespace lxc::api
