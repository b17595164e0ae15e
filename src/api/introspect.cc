// Looking into a running container: its addresses (from inside its network
// namespace) and its resource use (from its cgroups).
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/container.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "cgroups/cgroup.h"

namespace lxc::api {

std::vector<std::string> Container::ips(int family) const {
  std::vector<std::string> out;
  auto pid = init_pid();
  if (!pid) return out;
  UniqueFd ns(::open(("/proc/" + std::to_string(*pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return out;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return out;
  // setns() on a network namespace changes the whole process; a child does it.
  pid_t child = ::fork();
  if (child == 0) {
    ::close(pipefd[0]);
    if (::setns(ns.get(), CLONE_NEWNET) < 0) ::_exit(1);
    struct ifaddrs* ifa = nullptr;
    if (::getifaddrs(&ifa) < 0) ::_exit(1);
    std::string text;
    for (auto* i = ifa; i; i = i->ifa_next) {
      if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK)) continue;
      int fam = i->ifa_addr->sa_family;
      if ((fam != AF_INET && fam != AF_INET6) || (family && fam != family)) continue;
      char buf[INET6_ADDRSTRLEN];
      const void* a = fam == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)
                                     : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr);
      if (fam == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(static_cast<const in6_addr*>(a))) continue;
      if (::inet_ntop(fam, a, buf, sizeof buf)) text += std::string(buf) + "\n";
    }
    ::freeifaddrs(ifa);
    [[maybe_unused]] auto n = ::write(pipefd[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  if (child > 0) ::waitpid(child, nullptr, 0);
  return split(text, "\n");
}

Result<Container::Stats> Container::stats() const {
  auto paths = cgroup_paths();
  if (!paths) return unexpected(paths.error());
  auto cg = cgroups::Cgroup::deserialize(*paths);
  if (!cg) return unexpected(cg.error());
  auto s = cg->stats();
  if (!s) return unexpected(s.error());
  return Stats{s->cpu_ns, s->blkio_bytes, s->memory_bytes, s->kmem_bytes};
}

}  // namespace lxc::api
