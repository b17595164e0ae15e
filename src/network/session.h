// The container's network (lxc.net.N.*) for one run of a container: the
// one entry point the start sequence calls.
//
//   network::Session net(conf, script_env);   // before the first boot
//   net.check();           // bad config, missing links: clear errors before anything is made
//   net.attach(pid);       // each boot, after init is cloned and before it goes on:
//                          // host side made, peers put in init's netns, configured there
//   net.stop();            // each boot's end, before STOPPED: phys interfaces back on
//                          // the host as they were, scripts, everything but veth host ends
//   net.teardown();        // the rest (veth host ends); also before a reboot's attach
//
// The destructor tears down whatever is still attached, so an early return
// of the start sequence leaves nothing behind. Everything runs in the
// monitor; the container's namespace is reached through a netlink socket
// opened inside it (Netlink::open_in, or open_in_userns for an unprivileged
// monitor) and the netns fd is kept until the teardown, so a phys interface
// can still be taken back after init exited.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/result.h"
#include "config/conf.h"
#include "hooks/hooks.h"

namespace lxc::network {

class Session {
 public:
  // env: what script.up/script.down get besides the LXC_NET_* variables
  // (LXC_NAME, LXC_CONFIG_FILE, LXC_ROOTFS_MOUNT...); init_pid is filled in.
  // A monitor that is not root on the host works as an unprivileged one:
  // veth through lxc-user-nic (given lxcpath and env.name), the rest from
  // inside the container's user namespace.
  Session(const config::Conf& conf, hooks::HookEnv env, std::string lxcpath);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Checks what can be checked before anything exists: keys that must be
  // set, one name per interface, links that must exist, passthru once per
  // link. Errors name the key (lxc.net.N.KEY).
  Result<void> check() const;
  // Whether the container gets interfaces from us (any type but none/empty).
  bool has_devices() const;

  // Creates and configures every interface for the container whose init is
  // `pid` (already in its own network namespace, waiting). On failure,
  // whatever was made is removed before returning.
  Result<void> attach(pid_t pid);
  // The stop path before STOPPED is reported: runs script.down, gives phys
  // interfaces back, removes proxy entries and container-side devices, and
  // lets go of the container's network namespace. Only the veth host ends
  // remain, for teardown().
  void stop();
  // Everything stop() does if not done yet, then the veth host ends (each a
  // kernel grace period: the monitor does it after reporting STOPPED).
  // Safe to call when nothing is attached. Errors are logged, not returned:
  // a stop goes on regardless.
  void teardown();
  // teardown() for a process whose exit is what its caller waits for
  // (lxc-execute): stop() here, the veth host ends in a child process of
  // their own, so that the caller need not sit through their grace periods.
  // The container's namespace is gone by then and the kernel is taking the
  // pairs down with it; the explicit removal is for a namespace that someone
  // else keeps alive.
  void teardown_detached();

 private:
  struct State;
  const config::Conf& conf_;
  hooks::HookEnv env_;
  std::string lxcpath_;
  bool unprivileged_;
  std::unique_ptr<State> state_;
};

}  // namespace lxc::network
