// The public container API that the tools use: a container is a name in an
// lxcpath. Paths follow LXC's layout: LXCPATH/NAME/{config,rootfs,snaps}.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <chrono>
#include <optional>

#include <functional>

#include "base/result.h"
#include "config/config_file.h"
#include "attach/attach.h"
#include "start/start.h"
#include "state/state.h"

namespace lxc::api {

class Container {
 public:
  Container(std::string name, std::string lxcpath);

  const std::string& name() const { return name_; }
  const std::string& lxcpath() const { return lxcpath_; }

  std::string dir() const;          // LXCPATH/NAME
  std::string config_path() const;  // LXCPATH/NAME/config
  std::string rootfs_default() const;  // LXCPATH/NAME/rootfs
  // Where the log goes when lxc.log.file is not set: /var/log/lxc/NAME.log
  // for root with the default lxcpath, else LXCPATH/NAME/NAME.log (as LXC).
  std::string log_path_default() const;

  // A container is defined when its config file exists.
  bool is_defined() const;

  // Reads the config (rcfile when given, else config_path()).
  Result<config::ConfigFile> load_config(const std::string& rcfile = {}) const;

  // ---- runtime (lifecycle.cc) ----
  // Starts with cfg; see start::start for what the result means.
  Result<int> start(config::ConfigFile cfg, const start::StartOptions& opts) const;
  State state() const;  // STOPPED when no monitor answers
  bool is_running() const { return state() != State::Stopped; }
  Result<pid_t> init_pid() const;
  // Sends sig to init (the graceful stop and reboot of lxc-stop).
  Result<void> signal_init(int sig) const;
  // The signal that asks init to halt: lxc.signal.halt, else, as LXC, SIGRTMIN+3
  // when init blocks it (systemd), else SIGPWR.
  int halt_signal(const config::Conf* conf) const;
  // liblxc's shutdown(): the halt signal to init, then up to timeout_s
  // seconds for the container to stop (< 0: no limit, 0: do not wait).
  // ETIMEDOUT when it is still running after that.
  Result<void> shutdown(const config::Conf* conf, int timeout_s) const;
  // liblxc's reboot(): lxc.signal.reboot (default SIGINT) to init.
  Result<void> reboot(const config::Conf* conf) const;
  // liblxc's reboot2(): the same, then up to timeout_s seconds (< 0: no
  // limit) until init went down and the container is RUNNING again.
  // ETIMEDOUT when it did not come back in time, ECHILD when it stopped.
  Result<void> reboot(const config::Conf* conf, int timeout_s) const;
  // Stops init through the monitor with lxc.signal.stop, SIGKILL unless set
  // (lxc-stop -k, and after lxc-stop -t).
  Result<void> kill() const;
  Result<void> freeze() const;
  Result<void> unfreeze() const;
  // Waits until the container is in one of states; nullopt timeout waits
  // forever. ETIMEDOUT when the time ran out.
  Result<State> wait_for(const std::vector<State>& states, std::optional<std::chrono::milliseconds> timeout) const;
  // A config item as the running container has it (or from the file when stopped).
  Result<std::string> get_running_config_item(std::string_view key) const;
  // The monitor's cgroup paths (serialized, see cgroups::Cgroup::serialize).
  Result<std::string> cgroup_paths() const;

  // Runs a command inside the running container (attach.cc); returns its
  // exit status. The container's configuration comes from its monitor, or
  // from rcfile when given (lxc-attach -f).
  Result<int> attach(const attach::AttachOptions& opts, const std::string& rcfile = {}) const;
  // liblxc's attach(): starts the attached process as the caller's child and
  // returns its pid (see attach::spawn).
  Result<pid_t> spawn_attached(const attach::AttachOptions& opts) const;

  // ---- devices of the running container (devices.cc), as liblxc's ----
  // A host device node src (character or block) made at dst (default src)
  // in the container's /dev with the same numbers, owner and mode, and
  // allowed in its devices cgroup; remove_device_node takes it away and
  // denies it again (when the host still has src to give the numbers).
  Result<void> add_device_node(const std::string& src, const std::string& dst = {}) const;
  Result<void> remove_device_node(const std::string& src, const std::string& dst = {}) const;
  // A host network interface moved into the container (renamed to dst when
  // given), and one of the container's moved back to the host.
  Result<void> attach_interface(const std::string& dev, const std::string& dst = {}) const;
  Result<void> detach_interface(const std::string& dev, const std::string& dst = {}) const;

  // ---- introspection (introspect.cc) ----
  // Addresses of the container's interfaces, lo excluded (family 0: both),
  // or of the interface iface only. init_pid, when the caller has it
  // already, saves asking the monitor.
  std::vector<std::string> ips(int family = 0, std::optional<pid_t> init_pid = {}, std::string_view iface = {}) const;
  // Resource use from the container's cgroups (see cgroups::Stats for the
  // files); a field is empty when the host has no such counter.
  struct Stats {
    std::optional<uint64_t> cpu_ns, blkio_bytes, memory_bytes, kmem_bytes;
    std::optional<uint64_t> cpu_user_ns, cpu_system_ns;  // lxc-top's CPU Sys and CPU User
    std::optional<uint64_t> blkio_read_bytes, blkio_write_bytes, blkio_ios;
    std::optional<uint64_t> swap_bytes;  // cgroup1: memory+swap (memsw); cgroup2: swap only
  };
  Result<Stats> stats() const;

 private:
  Result<attach::Target> attach_target(const std::string& rcfile) const;

  std::string name_;
  std::string lxcpath_;
};

// Why a request that needs the container's lxcpp monitor found none: it is
// not running (ESRCH), or LXC's own monitor runs it (ENOTSUP, saying what
// lxcpp's tools can still do to it).
Error no_monitor_error(const Container& c);

// A container name as LXC accepts it: not empty, no '/', not "." or "..",
// at most 255 bytes... and no white space or control characters.
Result<void> check_name(std::string_view name);

// The names of the containers defined in lxcpath (directories with a config
// file), sorted.
std::vector<std::string> list_defined(const std::string& lxcpath);

// Runs fn in a child process that has joined the namespaces of pid that
// flags name (CLONE_NEW*; the user namespace first), and returns what fn
// returned. With CLONE_NEWPID, fn runs in a grandchild: the first process
// inside that namespace. (introspect.cc)
Result<std::string> output_in_namespaces(pid_t pid, int flags, const std::function<std::string()>& fn);

}  // namespace lxc::api
