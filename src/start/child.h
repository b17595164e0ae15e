// Internal to start/: what the container's first process needs, and its
// entry point. Everything here runs between clone() and execve(): no
// exceptions, no unwinding; failures go to the monitor over the sync socket.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "config/conf.h"
#include "rootfs/rootfs.h"
#include "security/lsm.h"

namespace lxc::start {

struct ChildSpec {
  const config::Conf* conf = nullptr;
  std::string name;
  std::string lxcpath;
  std::string config_file;  // for the hooks' LXC_CONFIG_FILE
  std::string rootfs;       // host path; empty: share the host's root
  int sync_fd = -1;
  int console_fd = -1;                 // pty slave for /dev/console and init's stdio; -1: none
  std::string console_path;            // that slave's /dev/pts path on the host
  std::vector<std::string> tty_paths;  // slaves for /dev/tty1..N
  std::vector<std::string> argv;
  bool execute = false;  // run lxcpp's init with argv as its child
  bool userns = false;
  bool new_netns = false;
  bool new_cgroupns = false;
  bool new_utsns = true;  // false: the uts namespace is shared, leave its host name alone
  // Namespaces joined instead of made (lxc.namespace.share.*, --share-*):
  // (fd of /proc/PID/ns/X, CLONE_NEW*), setns()'d right after clone. The pid
  // namespace is not among them: the monitor joins it before clone.
  std::vector<std::pair<int, int>> share_fds;
  int pdeath_signal = SIGKILL;         // lxc.monitor.signal.pdeath
  rootfs::CgroupMounts cgroup_mounts;  // for lxc.mount.auto = cgroup*
  security::Lsm lsm = security::Lsm::None;  // init's label at execve (security::prepare_lsm)
  std::string lsm_label;
};

[[noreturn]] void child_main(const ChildSpec& spec);

// The rootfs context of the spec (without run_hook and next_idmapped_tree):
// the child's, and the monitor's to plan the same mounts (idmapped trees).
rootfs::RootfsContext rootfs_context(const ChildSpec& spec);

// The sync socket after Continue carries one message per idmapped tree of
// the plan, in order: an int errno (0: the tree's fd is attached).
Result<void> send_idmapped_tree(int sock, const Result<UniqueFd>& tree);
Result<UniqueFd> recv_idmapped_tree(int sock);

// lxc-execute's PID 1: runs argv as its child, forwards signals to it, reaps
// orphans, and exits with the child's status.
[[noreturn]] void run_init(const std::vector<std::string>& argv, int sync_fd);

}  // namespace lxc::start
