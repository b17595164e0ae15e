// What is done to an existing container cgroup: settings, single files,
// statistics, the freezer, delegation by chown.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/strings.h"
#include "base/unique_fd.h"
#include "cgroups/cgroup.h"
#include "cgroups/devices_bpf.h"
#include "cgroups/fs.h"
#include "cgroups/internal.h"
#include "cgroups/parse.h"
#include "log/log.h"

namespace lxc::cgroups {
namespace {

constexpr log::Logger kLog("cgroups");

std::string controller_of(std::string_view key) { return std::string(key.substr(0, key.find('.'))); }
bool is_devices_key(std::string_view key) { return key.starts_with("devices."); }

// A file name inside a cgroup directory, as given to lxc-cgroup or a config key.
Result<void> check_file_key(std::string_view key) {
  if (key.empty() || key.find('/') != std::string_view::npos || key.starts_with('.'))
    return fail(EINVAL, "\"" + printable(key) + "\" is not a cgroup file name");
  return {};
}

const Node* v1_node(const std::vector<Node>& nodes, std::string_view controller) {
  for (const Node& n : nodes)
    if (n.hierarchy.version == 1 && n.hierarchy.has(controller)) return &n;
  return nullptr;
}

const Node* v2_node(const std::vector<Node>& nodes) {
  for (const Node& n : nodes)
    if (n.hierarchy.version == 2) return &n;
  return nullptr;
}

std::string access_string(uint8_t access) {
  std::string s;
  if (access & kDevRead) s += 'r';
  if (access & kDevWrite) s += 'w';
  if (access & kDevMknod) s += 'm';
  return s;
}

std::string setting_what(std::string_view prefix, const config::Setting& s) {
  return "set " + std::string(prefix) + s.first + " = \"" + printable(s.second) + "\"";
}

// cgroup2 freeze: write cgroup.freeze, then wait for cgroup.events to say so
// (the kernel signals changes of that file with POLLPRI).
Result<void> v2_freeze_state(const std::string& dir, bool frozen, fs::Clock::time_point deadline) {
  std::string events = fs::join(dir, "cgroup.events");
  UniqueFd fd(::open(events.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + events);
  if (auto r = fs::write(fs::join(dir, "cgroup.freeze"), frozen ? "1" : "0"); !r) return r;
  const uint64_t want = frozen ? 1 : 0;
  for (;;) {
    char buf[512];
    ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    if (n < 0) return fail_sys("read " + events);
    if (parse_keyed(std::string_view(buf, static_cast<size_t>(n)), "frozen") == want) return {};
    auto now = fs::Clock::now();
    if (now >= deadline)
      return fail(ETIMEDOUT, std::string("wait for \"frozen ") + (frozen ? "1" : "0") + "\" in " + events);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    struct pollfd pfd = {fd.get(), POLLPRI, 0};
    ::poll(&pfd, 1, static_cast<int>(std::clamp<long long>(left, 1, 100)));
  }
}

}  // namespace

namespace detail {

Result<void> v1_freeze_state(const std::string& dir, std::string_view state, fs::Clock::time_point deadline) {
  std::string file = fs::join(dir, "freezer.state");
  std::chrono::milliseconds pause(1);
  for (;;) {
    // Writing FROZEN again retries the tasks that did not freeze yet.
    if (auto r = fs::write(file, state); !r) return r;
    auto now_state = fs::read(file);
    if (!now_state) return unexpected(now_state.error());
    if (trim(*now_state) == state) return {};
    if (fs::Clock::now() >= deadline)
      return fail(ETIMEDOUT, "wait for " + std::string(state) + " in " + file + " (it says " +
                                 std::string(trim(*now_state)) + ")");
    fs::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace detail

// ---- settings --------------------------------------------------------------------

Result<void> Cgroup::apply_v1(const config::Setting& s, bool in_payload_too) {
  const std::string what = setting_what("lxc.cgroup.", s);
  if (auto r = check_file_key(s.first); !r) return unexpected(with_context(r.error(), what));
  const std::string controller = controller_of(s.first);
  const Node* n = v1_node(nodes_, controller);
  if (!n) return fail(ENOENT, what + ": no cgroup v1 hierarchy has the " + controller + " controller");
  if (n->limit.empty()) return fail(ENOENT, what + ": the container's cgroup was not created");
  std::string value = s.second;
  if (s.first == "devices.allow" && value.starts_with('/')) {
    // "/dev/null rw" -> "c 1:3 rw", as LXC converts it for the v1 file.
    auto rule = parse_device_rule(s.first, value);
    if (!rule) return unexpected(with_context(rule.error(), what));
    value = std::string(1, rule->type) + ' ' + std::to_string(rule->major) + ':' + std::to_string(rule->minor) + ' ' +
            access_string(rule->access);
  }
  // With an inner cgroup, cpuset goes to it first: a child must stay within
  // its parent's set, so narrowing the parent first would fail.
  if (in_payload_too && controller == "cpuset" && n->payload != n->limit) {
    std::string file = fs::join(n->hierarchy.path(n->payload), s.first);
    if (auto r = fs::write(file, value); !r) return unexpected(with_context(r.error(), what));
  }
  std::string file = fs::join(n->hierarchy.path(n->limit), s.first);
  if (auto r = fs::write(file, value); !r) return unexpected(with_context(r.error(), what));
  kLog.debug("{}", what);
  return {};
}

Result<void> Cgroup::apply_v1_devices() {
  if (v1_devices_applied_) return {};
  for (const auto& s : v1_settings_) {
    if (!is_devices_key(s.first)) continue;
    auto r = apply_v1(s, false);
    if (r) continue;
    // Nested: the parent's devices cgroup may forbid it; LXC carries on.
    if (r.error().code == EPERM || r.error().code == EACCES) {
      kLog.warn("{}", describe(r.error()));
      continue;
    }
    return r;
  }
  v1_devices_applied_ = true;
  return {};
}

Result<void> Cgroup::apply_v2(const config::Setting& s) {
  const std::string what = setting_what("lxc.cgroup2.", s);
  if (auto r = check_file_key(s.first); !r) return unexpected(with_context(r.error(), what));
  const Node* n = v2_node(nodes_);
  if (!n) return fail(ENOENT, what + ": there is no cgroup2 hierarchy");
  if (n->limit.empty()) return fail(ENOENT, what + ": the container's cgroup was not created");
  std::string file = fs::join(n->hierarchy.path(n->limit), s.first);
  if (auto r = fs::write(file, s.second); !r) {
    std::string c = controller_of(s.first);
    if (r.error().code == ENOENT && c != "cgroup" && !n->hierarchy.has(c))
      return unexpected(with_context(r.error(), what + " (the " + c + " controller is not available to this cgroup)"));
    return unexpected(with_context(r.error(), what));
  }
  kLog.debug("{}", what);
  return {};
}

Result<void> Cgroup::apply_v2_devices(const std::vector<config::Setting>& rules) {
  const Node* n = v2_node(nodes_);
  if (!n || n->limit.empty()) return fail(ENOENT, "lxc.cgroup2.devices: the container's cgroup2 cgroup was not created");
  DevicePolicy policy;
  for (const auto& s : rules) {
    auto rule = parse_device_rule(s.first, s.second);
    if (!rule) return unexpected(with_context(rule.error(), setting_what("lxc.cgroup2.", s)));
    policy.add(*rule);
  }
  if (!devices_) devices_ = std::make_unique<DeviceProgram>();
  std::string dir = n->hierarchy.path(n->limit);
  if (auto r = devices_->attach(dir, policy); !r)
    return unexpected(with_context(r.error(), "lxc.cgroup2.devices (" + std::to_string(rules.size()) + " rules) on " + dir));
  device_rules_ = rules;
  return {};
}

Result<void> Cgroup::apply_settings(Stage stage) {
  const bool v1_host = layout_ != Layout::Unified;
  if (stage == Stage::Limits) {
    if (!v1_host) {
      if (!v1_settings_.empty()) kLog.warn("ignoring lxc.cgroup.* on a cgroup2-only host (use lxc.cgroup2.*)");
      return {};
    }
    for (const auto& s : v1_settings_)
      if (!is_devices_key(s.first))
        if (auto r = apply_v1(s, true); !r) return r;
    return {};
  }

  if (v1_host) {
    if (auto r = apply_v1_devices(); !r) return r;
    if (!v2_settings_.empty())
      kLog.warn("ignoring lxc.cgroup2.* on a host with cgroup v1 controllers (use lxc.cgroup.*), as LXC does");
    return {};
  }
  std::vector<config::Setting> devices;
  for (const auto& s : v2_settings_) {
    if (is_devices_key(s.first)) {
      devices.push_back(s);
      continue;
    }
    if (auto r = apply_v2(s); !r) return r;
  }
  if (!devices.empty()) return apply_v2_devices(devices);
  return {};
}

Result<void> Cgroup::add_device_rule(std::string_view key, std::string_view value) {
  config::Setting s{std::string(key), std::string(value)};
  if (auto rule = parse_device_rule(key, value); !rule)
    return unexpected(with_context(rule.error(), setting_what("lxc.cgroup2.", s)));
  auto rules = device_rules_;
  rules.push_back(std::move(s));
  return apply_v2_devices(rules);
}

// ---- delegation ----------------------------------------------------------------------

Result<void> Cgroup::chown_payload(uid_t uid, gid_t gid) {
  std::vector<std::string> v2_files;
  if (auto d = fs::read("/sys/kernel/cgroup/delegate")) {
    for (std::string& f : split(*d, " \t\n"))
      if (f != "cgroup.procs") v2_files.push_back(std::move(f));
  } else {
    v2_files = {"cgroup.subtree_control", "cgroup.threads"};
  }
  for (const Node& n : nodes_) {
    if (n.payload.empty()) return fail(ENOENT, "chown: the container's cgroup was not created");
    std::string dir = n.hierarchy.path(n.payload);
    // The directory group-writable, so that the container can make sub-cgroups.
    if (::chown(dir.c_str(), uid, gid) < 0) return fail_sys("chown " + dir);
    if (::chmod(dir.c_str(), 0775) < 0) return fail_sys("chmod " + dir);
    std::vector<std::string> files = {"cgroup.procs"};
    if (n.hierarchy.version == 1)
      files.push_back("tasks");
    else
      files.insert(files.end(), v2_files.begin(), v2_files.end());
    for (const std::string& f : files) {
      std::string path = fs::join(dir, f);
      if (::lchown(path.c_str(), uid, gid) == 0 && ::chmod(path.c_str(), 0664) == 0) continue;
      if (errno == ENOENT) continue;  // e.g. memory.oom.group without the memory controller
      if (f == "cgroup.procs") return fail_sys("chown " + path);
      kLog.warn("chown {}: {}", path, std::strerror(errno));
    }
  }
  return {};
}

// ---- freezer ---------------------------------------------------------------------------

const Node* Cgroup::freezer_node() const {
  for (const Node& n : nodes_)
    if (n.hierarchy.version == 1 && n.hierarchy.has("freezer") && !n.payload.empty()) return &n;
  const Node* u = v2_node(nodes_);
  if (u && !u->payload.empty() && fs::exists(fs::join(u->hierarchy.path(u->payload), "cgroup.freeze"))) return u;
  return nullptr;
}

Result<void> Cgroup::freeze(std::chrono::milliseconds timeout) {
  const Node* n = freezer_node();
  if (!n) return fail(ENOENT, "freeze: no freezer (no v1 freezer hierarchy and no cgroup.freeze)");
  std::string dir = n->hierarchy.path(n->payload);
  auto deadline = fs::Clock::now() + timeout;
  Result<void> r = n->hierarchy.version == 1 ? detail::v1_freeze_state(dir, "FROZEN", deadline)
                                             : v2_freeze_state(dir, true, deadline);
  if (r) return {};
  // Not half-frozen: back to running, and report.
  if (n->hierarchy.version == 1)
    (void)fs::write(fs::join(dir, "freezer.state"), "THAWED");
  else
    (void)fs::write(fs::join(dir, "cgroup.freeze"), "0");
  return unexpected(with_context(r.error(), "freeze"));
}

Result<void> Cgroup::thaw(std::chrono::milliseconds timeout) {
  const Node* n = freezer_node();
  if (!n) return fail(ENOENT, "thaw: no freezer (no v1 freezer hierarchy and no cgroup.freeze)");
  std::string dir = n->hierarchy.path(n->payload);
  auto deadline = fs::Clock::now() + timeout;
  Result<void> r = n->hierarchy.version == 1 ? detail::v1_freeze_state(dir, "THAWED", deadline)
                                             : v2_freeze_state(dir, false, deadline);
  if (!r) return unexpected(with_context(r.error(), "thaw"));
  return {};
}

Result<bool> Cgroup::is_frozen() const {
  const Node* n = freezer_node();
  if (!n) return fail(ENOENT, "no freezer (no v1 freezer hierarchy and no cgroup.freeze)");
  std::string dir = n->hierarchy.path(n->payload);
  if (n->hierarchy.version == 1) {
    auto s = fs::read(fs::join(dir, "freezer.state"));
    if (!s) return unexpected(s.error());
    return trim(*s) == "FROZEN";
  }
  auto e = fs::read(fs::join(dir, "cgroup.events"));
  if (!e) return unexpected(e.error());
  return parse_keyed(*e, "frozen") == 1u;
}

// ---- single files and stats ----------------------------------------------------------

const Node* Cgroup::node_for(std::string_view controller) const {
  if (controller.empty() || layout_ == Layout::Unified) return v2_node(nodes_);
  return v1_node(nodes_, controller);
}

std::string Cgroup::payload_dir(std::string_view controller) const {
  const Node* n = node_for(controller);
  return n && !n->payload.empty() ? n->hierarchy.path(n->payload) : std::string();
}

namespace {

// The directory holding KEY for get/set: the v1 hierarchy of its controller,
// else (hybrid: cgroup.freeze, hugetlb.* ...) the cgroup2 one.
Result<std::string> file_for(const std::vector<Node>& nodes, Layout layout, std::string_view key) {
  if (auto r = check_file_key(key); !r) return unexpected(r.error());
  const std::string controller = controller_of(key);
  const Node* n = layout == Layout::Unified ? v2_node(nodes) : v1_node(nodes, controller);
  if (!n && layout == Layout::Hybrid) n = v2_node(nodes);
  if (!n) return fail(ENOENT, std::string(key) + ": no cgroup hierarchy has the " + controller + " controller");
  if (n->limit.empty()) return fail(ENOENT, std::string(key) + ": the container's cgroup was not created");
  return fs::join(n->hierarchy.path(n->limit), key);
}

}  // namespace

Result<std::string> Cgroup::get(std::string_view key) const {
  auto file = file_for(nodes_, layout_, key);
  if (!file) return unexpected(file.error());
  return fs::read(*file);
}

Result<void> Cgroup::set(std::string_view key, std::string_view value) {
  if (layout_ == Layout::Unified && is_devices_key(key)) {
    if (!owner_)
      return fail(EOPNOTSUPP, std::string(key) +
                                  ": on cgroup2, device rules are an eBPF program that only the container's monitor "
                                  "can replace");
    return add_device_rule(key, value);
  }
  auto file = file_for(nodes_, layout_, key);
  if (!file) return unexpected(file.error());
  if (auto r = fs::write(*file, value); !r)
    return unexpected(with_context(r.error(), "set " + std::string(key) + " = \"" + printable(value) + "\""));
  return {};
}

Result<Stats> Cgroup::stats() const {
  if (std::none_of(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.limit.empty(); }))
    return fail(ENOENT, "stats: the container's cgroup was not created");
  auto v1_file = [&](std::string_view controller, std::string_view file) -> std::optional<std::string> {
    const Node* n = v1_node(nodes_, controller);
    if (!n || n->limit.empty()) return std::nullopt;
    auto text = fs::read(fs::join(n->hierarchy.path(n->limit), file));
    return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
  };
  auto v2_file = [&](std::string_view file) -> std::optional<std::string> {
    const Node* n = v2_node(nodes_);
    if (!n || n->limit.empty()) return std::nullopt;
    auto text = fs::read(fs::join(n->hierarchy.path(n->limit), file));
    return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
  };
  Stats s;
  auto usec_to_ns = [](std::optional<uint64_t> us) { return us ? std::optional<uint64_t>(*us * 1000) : std::nullopt; };
  if (auto t = v1_file("cpuacct", "cpuacct.usage"))
    s.cpu_ns = parse_u64_value(*t);
  else if (auto t2 = v2_file("cpu.stat"))
    s.cpu_ns = usec_to_ns(parse_keyed(*t2, "usage_usec"));
  if (auto t = v1_file("cpuacct", "cpuacct.stat")) {
    // cpuacct.stat counts in USER_HZ ticks, whatever the kernel's HZ.
    const long hz = ::sysconf(_SC_CLK_TCK);
    const uint64_t ns_per_tick = 1000000000ull / static_cast<uint64_t>(hz > 0 ? hz : 100);
    if (auto v = parse_keyed(*t, "user")) s.cpu_user_ns = *v * ns_per_tick;
    if (auto v = parse_keyed(*t, "system")) s.cpu_system_ns = *v * ns_per_tick;
  } else if (auto t2 = v2_file("cpu.stat")) {
    s.cpu_user_ns = usec_to_ns(parse_keyed(*t2, "user_usec"));
    s.cpu_system_ns = usec_to_ns(parse_keyed(*t2, "system_usec"));
  }
  if (auto t = v1_file("memory", "memory.usage_in_bytes"))
    s.memory_bytes = parse_u64_value(*t);
  else if (auto t2 = v2_file("memory.current"))
    s.memory_bytes = parse_u64_value(*t2);
  if (auto t = v1_file("memory", "memory.kmem.usage_in_bytes"))
    s.kmem_bytes = parse_u64_value(*t);
  else if (auto t2 = v2_file("memory.stat"))
    s.kmem_bytes = parse_keyed(*t2, "kernel");
  if (auto t = v1_file("memory", "memory.memsw.usage_in_bytes"))
    s.swap_bytes = parse_u64_value(*t);
  else if (auto t2 = v2_file("memory.swap.current"))
    s.swap_bytes = parse_u64_value(*t2);
  if (auto t = v1_file("blkio", "blkio.throttle.io_service_bytes")) {
    s.blkio_bytes = parse_blkio_total(*t);
    s.blkio_read_bytes = parse_blkio_op(*t, "Read");
    s.blkio_write_bytes = parse_blkio_op(*t, "Write");
    if (auto ios = v1_file("blkio", "blkio.throttle.io_serviced")) s.blkio_ios = parse_blkio_total(*ios);
  } else if (auto t2 = v2_file("io.stat")) {
    s.blkio_bytes = parse_io_stat_bytes(*t2);
    s.blkio_read_bytes = parse_io_stat_field(*t2, "rbytes");
    s.blkio_write_bytes = parse_io_stat_field(*t2, "wbytes");
    auto r = parse_io_stat_field(*t2, "rios"), w = parse_io_stat_field(*t2, "wios");
    if (r && w) s.blkio_ios = *r + *w;
  }
  if (auto t = v1_file("pids", "pids.current"))
    s.pids = parse_u64_value(*t);
  else if (auto t2 = v2_file("pids.current"))
    s.pids = parse_u64_value(*t2);
  return s;
}

}  // namespace lxc::cgroups
