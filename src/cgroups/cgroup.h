// Control groups for a container, on cgroup v1 (legacy), hybrid and cgroup2
// (unified) hosts, with LXC 5's names and rules.
//
// The runtime's sequence (what LXC's start does):
//
//   auto cg = cgroups::Cgroup::prepare(conf, name);   // detect the host, pick the names
//   cgroups::CgroupGuard guard(*cg);                   // a failed start removes everything
//   cg->remove_stale();  cg->create_monitor();
//   cg->enter_monitor(getpid()) here only if cg->monitor_enters_first()
//   cg->create_payload();                               // after the monitor left the base (cgroup2 rule)
//   ... clone the container init ...
//   cg->enter_payload(init_pid);  cg->enter_monitor(getpid());
//   cg->apply_settings(Stage::Limits);                  // lxc.cgroup.* except devices
//   if (!conf.idmaps.empty()) cg->chown_payload(uid, container_root_gid);
//   ... the container sets up its rootfs and /dev ...
//   cg->apply_settings(Stage::Devices);                 // devices, lxc.cgroup2.*, eBPF device program
//   guard.commit();
//   ... monitor loop: cg->serialize() answers "where are your cgroups" ...
//   cg->kill_all();  cg->destroy();                     // at stop; destroy() is idempotent
//
// Other processes (lxc-cgroup, lxc-info, lxc-freeze) rebuild the object with
// Cgroup::deserialize(text from the monitor) and call get/set/stats/freeze.
//
// Names, as LXC 5, relative to each hierarchy's base cgroup: init's cgroup
// for root, the caller's own for other users, either without a trailing
// /init.scope; with lxc.cgroup.relative = 1 the caller's own cgroup as it is.
//   default                       lxc.payload.NAME          lxc.monitor.NAME
//   lxc.cgroup.dir = D            D/lxc.payload.NAME        D/lxc.monitor.NAME
//   lxc.cgroup.pattern = P (%n)   P/lxc.payload             P/lxc.monitor
//   lxc.cgroup.dir.container = C  C (+ /INNER with lxc.cgroup.dir.container.inner)
//   lxc.cgroup.dir.monitor = M    M
// A name already taken (a stale cgroup) gets LXC's -1, -2, ... suffix, the same
// in every hierarchy; the explicit lxc.cgroup.dir.container/.monitor do not.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::cgroups {

inline constexpr std::string_view kCgroupRoot = "/sys/fs/cgroup";

enum class Layout : uint8_t {
  Legacy,  // cgroup v1 controllers only
  Hybrid,  // v1 controllers plus a cgroup2 mount (e.g. /sys/fs/cgroup/unified)
  Unified  // cgroup2 only, at /sys/fs/cgroup
};
std::string_view layout_name(Layout l);  // "legacy", "hybrid", "unified"

// One mounted hierarchy.
struct Hierarchy {
  int version = 1;                       // 1 or 2
  std::string mountpoint;                // /sys/fs/cgroup/memory, /sys/fs/cgroup/unified, /sys/fs/cgroup
  std::vector<std::string> controllers;  // v1: "cpu","cpuacct" or "name=systemd"; v2: the base's cgroup.controllers
  std::string base;                      // where our cgroups go, relative to mountpoint ("" = its root)
  bool has(std::string_view controller) const;
  std::string path(std::string_view rel) const;  // mountpoint/rel
  bool operator==(const Hierarchy&) const = default;
};

// What the host offers.
struct Host {
  Layout layout = Layout::Unified;
  std::vector<Hierarchy> hierarchies;  // in mountinfo order; at most one with version 2
  const Hierarchy* unified() const;
  const Hierarchy* v1(std::string_view controller) const;
};

// Input for parse_host(): file contents, so that tests can feed canned hosts.
struct HostText {
  std::string_view mountinfo;    // /proc/self/mountinfo
  std::string_view self_cgroup;  // /proc/self/cgroup: which controller names exist
  std::string_view base_cgroup;  // /proc/1/cgroup (root, not relative) or /proc/self/cgroup
  bool prune_init_scope = false; // strip a trailing "/init.scope" from the base (not relative)
  std::vector<std::string> use;  // lxc.cgroup.use; v1 hierarchies with other controllers are skipped
};
// Finds the hierarchies mounted under /sys/fs/cgroup and their base cgroups.
// cgroup2 controllers are left empty (they are read from the live cgroup).
Result<Host> parse_host(const HostText& in);
// Every controller of lxc.cgroup.use must be in some hierarchy.
Result<void> check_use(const Host& host, const std::vector<std::string>& use);

struct DetectOptions {
  bool relative = false;  // lxc.cgroup.relative
  std::string use;        // lxc.cgroup.use, comma-separated; empty: every controller
};
// The live host: reads /proc, cgroup.controllers, and drops hierarchies whose
// base cgroup we cannot write (as LXC does).
Result<Host> detect(const DetectOptions& opt = {});

// Where the cgroups go, relative to each hierarchy's base.
struct Placement {
  std::string payload;         // lxc.payload.NAME, D/lxc.payload.NAME, P/lxc.payload or C
  std::string inner;           // lxc.cgroup.dir.container.inner: processes in payload/inner, limits on payload
  std::string monitor;         // lxc.monitor.NAME, ... or M
  std::string pivot;           // lxc.cgroup.dir.monitor.pivot + "/lxc.pivot"; "" = see destroy()
  bool payload_suffix = true;  // try -1, -2, ... when the name is taken
  bool monitor_suffix = true;
  bool operator==(const Placement&) const = default;
};
// pattern is lxc.cgroup.pattern from lxc.system.conf ("" when unset).
Result<Placement> compute_placement(const config::Conf& conf, std::string_view name, std::string_view pattern);

// One hierarchy and our directories in it, relative to hierarchy.mountpoint;
// "" = not created (yet).
struct Node {
  Hierarchy hierarchy;
  std::string payload;      // processes enter here
  std::string limit;        // limits, kill and removal here (payload's parent with an inner dir)
  std::string payload_top;  // the highest directory we created for the payload
  std::string monitor;
  std::string monitor_top;
  bool operator==(const Node&) const = default;
};

enum class Stage : uint8_t {
  // lxc.cgroup.* except devices.*: right after enter_payload(), before the
  // container sets up its rootfs (LXC's setup_limits_legacy(false)).
  Limits,
  // lxc.cgroup.devices.*, then every lxc.cgroup2.* key, devices.* as an eBPF
  // program: once the container has set up /dev, before it execs init.
  Devices,
};

// For lxc-info and lxc-top; a field is empty when the host has no such counter.
struct Stats {
  std::optional<uint64_t> cpu_ns;         // cpuacct.usage / cpu.stat usage_usec * 1000
  std::optional<uint64_t> cpu_user_ns;    // cpuacct.stat user (USER_HZ ticks) / cpu.stat user_usec
  std::optional<uint64_t> cpu_system_ns;  // cpuacct.stat system / cpu.stat system_usec
  std::optional<uint64_t> memory_bytes;  // memory.usage_in_bytes / memory.current
  std::optional<uint64_t> kmem_bytes;    // memory.kmem.usage_in_bytes / memory.stat kernel
  std::optional<uint64_t> swap_bytes;    // memory.memsw.usage_in_bytes (memory+swap) / memory.swap.current
  std::optional<uint64_t> blkio_bytes;   // blkio.throttle.io_service_bytes Total / io.stat rbytes+wbytes
  std::optional<uint64_t> blkio_read_bytes;   // io_service_bytes Read lines / io.stat rbytes
  std::optional<uint64_t> blkio_write_bytes;  // io_service_bytes Write lines / io.stat wbytes
  std::optional<uint64_t> blkio_ios;          // blkio.throttle.io_serviced Total / io.stat rios+wios
  std::optional<uint64_t> pids;          // pids.current
};

class DeviceProgram;

class Cgroup {
 public:
  // detect() with the conf's lxc.cgroup.relative and lxc.cgroup.use, then plan()
  // with lxc.cgroup.pattern from lxc.system.conf.
  static Result<Cgroup> prepare(const config::Conf& conf, std::string_view name);
  // Nothing is created yet. Keeps the conf's lxc.cgroup.* / lxc.cgroup2.* for apply_settings().
  static Result<Cgroup> plan(Host host, const config::Conf& conf, std::string_view name,
                             std::string_view pattern = {});
  Cgroup(Cgroup&&) noexcept;
  Cgroup& operator=(Cgroup&&) noexcept;
  ~Cgroup();

  // Removes what a monitor killed with SIGKILL left: the container's and the
  // monitor's cgroups under their first name, where no process is left in
  // them and they are older than a start takes (a second: a same-named
  // container of another lxcpath may be starting there). Call it once this
  // start owns the container (its command socket is bound).
  void remove_stale();
  // Makes the monitor's cgroup in every hierarchy (suffix -1, -2... when taken).
  Result<void> create_monitor();
  Result<void> enter_monitor(pid_t pid);
  // Whether the monitor must leave the base cgroup before create_payload():
  // on a cgroup2-only host whose base is not the root, which must hold no
  // process before it hands controllers down. Elsewhere the monitor can enter
  // its cgroup later, in the same burst of cgroup.procs writes as the
  // container's init: the first write of a burst waits for an RCU grace
  // period (cgroup_threadgroup_rwsem), the following ones do not.
  bool monitor_enters_first() const;
  // Makes the container's cgroup in every hierarchy. On v1 the cpuset of new
  // directories is copied from the parent (minus isolated cpus) and
  // cgroup.clone_children set, so that tasks can enter. On a cgroup2-only host
  // the base's controllers are enabled in cgroup.subtree_control from the base
  // down to the payload's parent; call it after enter_monitor() so that the
  // base holds no process ("no internal processes" rule).
  Result<void> create_payload();
  // Moves pid (the whole thread group) into the payload cgroup everywhere.
  Result<void> enter_payload(pid_t pid);

  // Writes the conf's settings for one stage, in config order (LXC's one
  // exception: memory.limit_in_bytes before memory.memsw.limit_in_bytes).
  // lxc.cgroup.KEY goes to the v1 hierarchy of KEY's controller;
  // lxc.cgroup2.KEY to the cgroup2 hierarchy. As LXC, lxc.cgroup.* is
  // ignored (warning) on a cgroup2-only host and lxc.cgroup2.* on a host with
  // v1 controllers. Errors name the key, the file and the value.
  Result<void> apply_settings(Stage stage);
  // lxc-cgroup NAME devices.allow|deny VALUE on a cgroup2-only host: only the
  // process that attached the program (the monitor) can extend it.
  Result<void> add_device_rule(std::string_view key, std::string_view value);

  // Cgroup delegation for a container with lxc.idmap, as LXC: the payload
  // directory (0775) and its cgroup.procs (+ tasks on v1; + the files listed in
  // /sys/kernel/cgroup/delegate on cgroup2) (0664) get owner uid and group gid.
  // LXC passes the launcher's uid and the container root's gid; from an
  // unprivileged launcher the chown must run inside the container's userns.
  Result<void> chown_payload(uid_t uid, gid_t gid);

  // v1 freezer (FROZEN, polled until it sticks) when there is a v1 freezer
  // hierarchy, else cgroup2 cgroup.freeze (waits for "frozen 1" in cgroup.events).
  Result<void> freeze(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  Result<void> thaw(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  Result<bool> is_frozen() const;

  // One file of the container's cgroup, e.g. "memory.limit_in_bytes": in the
  // v1 hierarchy of the key's controller, else in the cgroup2 hierarchy.
  Result<std::string> get(std::string_view key) const;
  Result<void> set(std::string_view key, std::string_view value);
  Result<Stats> stats() const;

  // SIGKILLs every process of the container (cgroup.kill when the kernel has
  // it, else each pid in cgroup.procs, the v1 freezer holding them still
  // meanwhile) until the cgroups are empty.
  Result<void> kill_all(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Removes the container's and the monitor's directories in every hierarchy,
  // sub-cgroups first, and the parents we created when they are empty;
  // retries briefly on EBUSY. Processes still in the payload are killed;
  // processes still in the monitor cgroup (the monitor itself) move to the
  // pivot: lxc.cgroup.dir.monitor.pivot/lxc.pivot when set, else the base
  // cgroup, else base/lxc.pivot (LXC's pivot, left in place like LXC's).
  // Idempotent; safe on partly created state.
  Result<void> destroy();
  // The container's part of destroy(): its directories (processes killed
  // first); the monitor's stay. destroy() afterwards removes the rest.
  Result<void> destroy_payload();

  // The paths (and the host layout) as one line-based text, for the command
  // socket; deserialize() gives an object that can get/set/stats/freeze/kill.
  std::string serialize() const;
  static Result<Cgroup> deserialize(std::string_view text);

  // The cgroups of a container that another runtime runs (LXC's monitor),
  // found from its init: in each hierarchy of this host, the lxc.payload.*
  // cgroup above init (LXC's name for a container's cgroup), else init's
  // own. Payload and limit only: for lxc-attach to join, lxc-info and
  // lxc-cgroup to read and write; nothing of it was made here to remove.
  static Result<Cgroup> of_process(pid_t pid);

  Layout layout() const { return layout_; }
  std::span<const Node> nodes() const { return nodes_; }
  const Placement& placement() const { return placement_; }
  // The node of a v1 controller, or with "" (or on a cgroup2-only host) the
  // cgroup2 one. nullptr when there is none.
  const Node* node_for(std::string_view controller) const;
  // Absolute payload directory for a controller (see node_for); "" when none.
  std::string payload_dir(std::string_view controller = {}) const;

 private:
  Cgroup();
  Result<void> create_all(bool payload);
  Result<void> delegate_controllers();
  Result<void> enter(pid_t pid, bool payload);
  Result<void> apply_v1(const config::Setting& s, bool in_payload_too);
  Result<void> apply_v1_devices();
  Result<void> apply_v2(const config::Setting& s);
  Result<void> apply_v2_devices(const std::vector<config::Setting>& rules);
  Result<void> remove_payload(Node& n);
  void forget_payload(Node& n);
  Result<void> remove_monitor(Node& n);
  const Node* freezer_node() const;

  Layout layout_ = Layout::Unified;
  std::vector<Node> nodes_;
  Placement placement_;
  std::vector<config::Setting> v1_settings_;
  std::vector<config::Setting> v2_settings_;
  bool v1_devices_applied_ = false;
  bool owner_ = false;  // made by plan(): the monitor's object, not a deserialized view
  std::unique_ptr<DeviceProgram> devices_;  // the attached cgroup2 device program
  std::vector<config::Setting> device_rules_;  // its rules, for add_device_rule()
};

// Removes the cgroups unless commit() ran: for a start that fails half-way.
class CgroupGuard {
 public:
  explicit CgroupGuard(Cgroup& cg) : cg_(&cg) {}
  CgroupGuard(const CgroupGuard&) = delete;
  CgroupGuard& operator=(const CgroupGuard&) = delete;
  ~CgroupGuard();
  void commit() noexcept { cg_ = nullptr; }

 private:
  Cgroup* cg_;
};

}  // namespace lxc::cgroups
