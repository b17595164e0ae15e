// lxc-user-nic: the setuid-root helper with which unprivileged users get a
// veth pair for their container (see src/usernic/usernic.h):
//   lxc-user-nic create LXCPATH NAME PID TYPE BRIDGE [NICNAME]
//   lxc-user-nic delete LXCPATH NAME NETNS-PATH TYPE BRIDGE NICNAME
// On success create prints "NICNAME:IFINDEX:HOSTNIC:HOSTIFINDEX". LXCPATH and
// NAME are not used (as in LXC). As LXC, delete handles only openvswitch
// ports, which lxcpp does not support: veth pairs go away with their
// namespace. Every failure is exit status 1.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/strings.h"
#include "tools/args.h"
#include "tools/tools.h"
#include "usernic/quota.h"
#include "usernic/usernic.h"

namespace lxc::tools {
namespace {

constexpr const char* kProg = "lxc-user-nic";

void usage(FILE* out) {
  std::fprintf(out,
               "Description:\n"
               "  Manage nics in another network namespace\n"
               "\n"
               "Usage:\n"
               "  lxc-user-nic [command]\n"
               "\n"
               "Available Commands:\n"
               "  create {lxcpath} {name} {pid} {type} {bridge} {nicname}\n"
               "  delete {lxcpath} {name} {/proc/<pid>/ns/net} {type} {bridge} {nicname}\n");
}

int create(int argc, char** argv) {
  if (argc < 7 || argc > 8) {
    usage(stderr);
    return 1;
  }
  auto pid = parse_u64(argv[4]);
  if (!pid || *pid == 0 || *pid > 4194304) {
    std::fprintf(stderr, "%s: Could not read pid: %s\n", kProg, argv[4]);
    return 1;
  }
  auto caller = usernic::current_caller();
  if (!caller) {
    std::fprintf(stderr, "%s: %s\n", kProg, describe(caller.error()).c_str());
    return 1;
  }
  usernic::Request req{static_cast<pid_t>(*pid), argv[5], argv[6], argc == 8 ? argv[7] : ""};
  auto r = usernic::create_nic(*caller, req, usernic::kUsernetFile, usernic::kDbFile);
  if (!r) {
    std::fprintf(
        stderr, "%s: %s\n", kProg,
        r.error().code == EDQUOT || r.error().code == EPERM ? r.error().what.c_str() : describe(r.error()).c_str());
    std::fprintf(stderr, "%s: Failed to create new nic\n", kProg);
    return 1;
  }
  std::printf("%s:%d:%s:%d\n", r->nic.c_str(), r->ifindex, r->host_nic.c_str(), r->host_ifindex);
  return 0;
}

}  // namespace

int lxc_user_nic_main(int argc, char** argv) {
  // Setuid root: nothing from the caller's environment may steer us.
  if (::clearenv() != 0) {
    std::fprintf(stderr, "%s: Failed to clear environment\n", kProg);
    return 1;
  }
  if (::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) != 0) {
    std::fprintf(stderr, "%s: Failed to set PATH, exiting\n", kProg);
    return 1;
  }
  if (argc >= 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)) {
    usage(stdout);
    return 0;
  }
  if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("lxcpp %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());
    return 0;
  }
  if (argc >= 2 && std::strcmp(argv[1], "create") == 0) return create(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "delete") == 0) {
    if (argc != 8) {
      usage(stderr);
      return 1;
    }
    std::fprintf(stderr, "%s: Deletion of non ovs type network devices not implemented\n", kProg);
    return 1;
  }
  usage(stderr);
  return 1;
}

}  // namespace lxc::tools
