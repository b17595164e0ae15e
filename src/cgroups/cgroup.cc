// The container's cgroups: creation, entering, killing, removal, and the text
// form the monitor hands to other tools.
#include "cgroups/cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/strings.h"
#include "cgroups/devices_bpf.h"
#include "cgroups/fs.h"
#include "cgroups/internal.h"
#include "cgroups/parse.h"
#include "config/system.h"
#include "log/log.h"

namespace lxc::cgroups {
namespace {

constexpr log::Logger kLog("cgroups");
constexpr auto kRemoveRetry = std::chrono::seconds(3);

// LXC writes memory.limit_in_bytes before memory.memsw.limit_in_bytes (the
// kernel refuses a memsw limit below the memory limit).
void order_memsw(std::vector<config::Setting>& s) {
  auto memsw = std::find_if(s.begin(), s.end(), [](const auto& x) { return x.first == "memory.memsw.limit_in_bytes"; });
  auto mem = std::find_if(s.begin(), s.end(), [](const auto& x) { return x.first == "memory.limit_in_bytes"; });
  if (memsw != s.end() && mem != s.end() && memsw < mem) std::iter_swap(memsw, mem);
}

// v1 cpuset: a new cgroup has empty cpuset.cpus/mems and refuses tasks until
// they are set. Copy the parent's (cpus without the isolated ones, as LXC),
// and turn on cgroup.clone_children so that deeper levels inherit them.
Result<void> init_cpuset(const std::string& parent, const std::string& dir, bool created) {
  auto cur = fs::read(fs::join(dir, "cpuset.cpus"));
  if (cur && trim(*cur).empty()) {
    auto pcpus = fs::read(fs::join(parent, "cpuset.cpus"));
    if (!pcpus) return unexpected(pcpus.error());
    std::string cpus(trim(*pcpus));
    if (auto iso = fs::read("/sys/devices/system/cpu/isolated"); iso && !trim(*iso).empty()) {
      auto all = parse_cpulist(cpus);
      auto isolated = parse_cpulist(*iso);
      if (all && isolated) {
        for (size_t i = 0; i < isolated->size() && i < all->size(); ++i)
          if ((*isolated)[i]) (*all)[i] = false;
        if (std::string rest = format_cpulist(*all); !rest.empty()) cpus = rest;
      }
    }
    if (auto r = fs::write(fs::join(dir, "cpuset.cpus"), cpus); !r) return r;
  }
  auto mems = fs::read(fs::join(dir, "cpuset.mems"));
  if (mems && trim(*mems).empty()) {
    auto pmems = fs::read(fs::join(parent, "cpuset.mems"));
    if (!pmems) return unexpected(pmems.error());
    if (auto r = fs::write(fs::join(dir, "cpuset.mems"), trim(*pmems)); !r) return r;
  }
  if (created) {
    if (auto r = fs::write(fs::join(dir, "cgroup.clone_children"), "1"); !r) return r;
  }
  return {};
}

void remove_parents(const Hierarchy& h, const std::string& leaf, const std::string& top) {
  if (top.empty() || top == leaf) return;
  for (std::string p = fs::parent(leaf); !p.empty() && (p == top || p.starts_with(top + "/")); p = fs::parent(p))
    if (::rmdir(h.path(p).c_str()) != 0) break;  // in use by someone else: theirs now
}

std::string encode_field(const std::string& s) {
  if (s.empty()) return "-";
  if (s == "-") return "\\055";
  return escape_octal(s);
}
std::string decode_field(std::string_view s) { return s == "-" ? std::string() : unescape_octal(s); }

bool safe_relative(const std::string& rel) {
  if (rel.starts_with('/')) return false;
  for (const std::string& part : split(rel, "/"))
    if (part == "..") return false;
  return true;
}

}  // namespace

namespace detail {

Result<std::string> make_tree(const Hierarchy& h, const std::string& start, const std::string& rel, bool leaf_may_exist) {
  bool cpuset = h.version == 1 && h.has("cpuset");
  auto parts = split(rel, "/");
  if (parts.empty()) return fail(EINVAL, "empty cgroup path");
  std::vector<std::string> created;
  auto undo = [&] {
    for (auto it = created.rbegin(); it != created.rend(); ++it) ::rmdir(h.path(*it).c_str());
  };
  std::string cur = start;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string parent = cur;
    cur = fs::join(cur, parts[i]);
    std::string dir = h.path(cur);
    bool last = i + 1 == parts.size();
    bool made = ::mkdir(dir.c_str(), 0755) == 0;
    if (!made && errno != EEXIST) {
      Error e = sys_error("mkdir " + dir);
      undo();
      return unexpected(e);
    }
    if (!made && last && !leaf_may_exist) {
      undo();
      return fail(EEXIST, "mkdir " + dir);
    }
    if (made) created.push_back(cur);
    if (cpuset) {
      if (auto r = init_cpuset(h.path(parent), dir, made); !r) {
        undo();
        return unexpected(with_context(r.error(), "initialize cpuset of " + dir));
      }
    }
  }
  return created.empty() ? std::string() : created.front();
}

}  // namespace detail

Cgroup::Cgroup() = default;
Cgroup::Cgroup(Cgroup&&) noexcept = default;
Cgroup& Cgroup::operator=(Cgroup&&) noexcept = default;
Cgroup::~Cgroup() = default;

Result<Cgroup> Cgroup::prepare(const config::Conf& conf, std::string_view name) {
  DetectOptions opt;
  opt.relative = conf.cgroup_relative;
  if (auto use = config::system_value("lxc.cgroup.use"); use && *use) opt.use = **use;
  std::string pattern;
  if (auto p = config::system_value("lxc.cgroup.pattern"); p && *p) pattern = **p;
  auto host = detect(opt);
  if (!host) return unexpected(host.error());
  return plan(std::move(*host), conf, name, pattern);
}

Result<Cgroup> Cgroup::plan(Host host, const config::Conf& conf, std::string_view name, std::string_view pattern) {
  auto placement = compute_placement(conf, name, pattern);
  if (!placement) return unexpected(placement.error());
  Cgroup cg;
  cg.owner_ = true;
  cg.layout_ = host.layout;
  for (Hierarchy& h : host.hierarchies) cg.nodes_.push_back(Node{std::move(h)});
  cg.placement_ = std::move(*placement);
  cg.v1_settings_ = conf.cgroup_v1;
  order_memsw(cg.v1_settings_);
  cg.v2_settings_ = conf.cgroup_v2;
  return cg;
}

Result<void> Cgroup::create_all(bool payload) {
  const std::string& stem = payload ? placement_.payload : placement_.monitor;
  const bool suffix = payload ? placement_.payload_suffix : placement_.monitor_suffix;
  const std::string what = payload ? "container" : "monitor";
  for (const Node& n : nodes_)
    if (!(payload ? n.limit : n.monitor).empty())
      return fail(EEXIST, "the " + what + " cgroup was created already");

  for (int idx = 0; idx < 1000; ++idx) {
    std::string rel = idx == 0 ? stem : stem + "-" + std::to_string(idx);
    std::optional<Error> err;
    size_t done = 0;
    for (; done < nodes_.size(); ++done) {
      Node& n = nodes_[done];
      auto top = detail::make_tree(n.hierarchy, n.hierarchy.base, rel, false);
      if (!top) {
        err = top.error();
        break;
      }
      std::string full = fs::join(n.hierarchy.base, rel);
      std::string& leaf = payload ? n.limit : n.monitor;
      std::string& top_field = payload ? n.payload_top : n.monitor_top;
      leaf = full;
      if (payload) n.payload = full;
      top_field = top->empty() ? full : *top;
    }
    if (!err) {
      if (!nodes_.empty()) kLog.info("the {} uses cgroup {}", what, rel);
      return {};
    }
    // Undo this attempt everywhere, then maybe try the next suffix.
    for (size_t i = 0; i < done; ++i) {
      if (auto r = payload ? remove_payload(nodes_[i]) : remove_monitor(nodes_[i]); !r)
        kLog.warn("{}", describe(r.error()));
    }
    if (err->code != EEXIST || !suffix)
      return unexpected(with_context(*err, "create the " + what + " cgroup " + rel));
    kLog.debug("cgroup {} is taken, trying the next name", rel);
  }
  return fail(ERANGE, "create the " + what + " cgroup: " + stem + " to " + stem + "-999 are all taken");
}

void Cgroup::remove_stale() {
  using namespace std::chrono_literals;
  const auto now = std::chrono::system_clock::now();
  for (const Node& n : nodes_) {
    for (const std::string* stem : {&placement_.payload, &placement_.monitor}) {
      std::string dir = n.hierarchy.path(fs::join(n.hierarchy.base, *stem));
      struct stat st {};
      if (::stat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) continue;
      auto made = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_ctim.tv_sec));
      if (now - made < 1s || !fs::tree_procs(dir).empty()) continue;
      kLog.info("removing {}, left behind by an earlier run", dir);
      if (auto r = fs::remove_tree(dir, fs::Clock::now() + kRemoveRetry); !r) kLog.warn("{}", describe(r.error()));
    }
  }
}

Result<void> Cgroup::create_monitor() { return create_all(false); }

Result<void> Cgroup::create_payload() {
  if (auto r = create_all(true); !r) return r;
  auto undo = [&](Error e) -> Result<void> {
    for (Node& n : nodes_)
      if (auto r = remove_payload(n); !r) kLog.warn("{}", describe(r.error()));
    return unexpected(std::move(e));
  };
  if (!placement_.inner.empty()) {
    // v1 devices refuses a change of its default ("a") once the cgroup has
    // children: set the limits before the inner cgroup exists, as LXC does.
    if (layout_ != Layout::Unified)
      if (auto r = apply_v1_devices(); !r) return undo(r.error());
    for (Node& n : nodes_) {
      auto top = detail::make_tree(n.hierarchy, n.limit, placement_.inner, false);
      if (!top) return undo(with_context(top.error(), "create the container's inner cgroup"));
      n.payload = fs::join(n.limit, placement_.inner);
    }
  }
  if (layout_ == Layout::Unified)
    if (auto r = delegate_controllers(); !r) return undo(r.error());
  return {};
}

Result<void> Cgroup::delegate_controllers() {
  for (const Node& n : nodes_) {
    const Hierarchy& h = n.hierarchy;
    if (h.version != 2 || h.controllers.empty() || n.payload.empty()) continue;
    // Every ancestor of the payload, from the base down, hands the
    // controllers on; the payload itself holds processes and so may not.
    std::string below = n.payload.substr(std::min(n.payload.size(), h.base.size()));
    auto parts = split(below, "/");
    std::string cur = h.base;
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string file = fs::join(h.path(cur), "cgroup.subtree_control");
      for (const std::string& c : h.controllers) {
        auto r = fs::write(file, "+" + c);
        if (r) continue;
        if (r.error().code == EBUSY)
          return fail(EBUSY, "enable the " + c + " controller in " + file +
                                 ": that cgroup has processes of its own, and cgroup2 gives controllers only to "
                                 "cgroups without (start from a delegated, empty cgroup, e.g. systemd-run --scope "
                                 "-p Delegate=yes)");
        kLog.warn("cannot enable the {} controller in {}: {}", c, file, describe(r.error()));
      }
      cur = fs::join(cur, parts[i]);
    }
  }
  return {};
}

Result<void> Cgroup::enter(pid_t pid, bool payload) {
  std::string p = std::to_string(pid);
  for (const Node& n : nodes_) {
    const std::string& rel = payload ? n.payload : n.monitor;
    if (rel.empty()) return fail(ENOENT, std::string("the ") + (payload ? "container" : "monitor") + " cgroup was not created");
    std::string dir = n.hierarchy.path(rel);
    if (auto r = fs::write(fs::join(dir, "cgroup.procs"), p); !r)
      return unexpected(with_context(r.error(), "move pid " + p + " into cgroup " + dir));
  }
  return {};
}

Result<void> Cgroup::enter_monitor(pid_t pid) { return enter(pid, false); }

bool Cgroup::monitor_enters_first() const {
  if (layout_ != Layout::Unified) return false;
  return std::any_of(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.hierarchy.base.empty(); });
}
Result<void> Cgroup::enter_payload(pid_t pid) { return enter(pid, true); }

namespace {

// v1 freezer.state of dir and every sub-cgroup to THAWED: a cgroup frozen by
// itself stays frozen when only its parent thaws, and a frozen task never
// handles its SIGKILL.
void thaw_tree_v1(const std::string& dir) {
  for (const std::string& sub : fs::subdirs(dir)) thaw_tree_v1(fs::join(dir, sub));
  (void)fs::write(fs::join(dir, "freezer.state"), "THAWED");
}

}  // namespace

Result<void> Cgroup::kill_all(std::chrono::milliseconds timeout) {
  const auto deadline = fs::Clock::now() + timeout;
  if (std::none_of(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.limit.empty(); })) return {};
  // cgroup2 >= 5.14: one write kills the whole subtree, frozen or not.
  for (const Node& n : nodes_) {
    if (n.hierarchy.version != 2 || n.limit.empty()) continue;
    std::string file = fs::join(n.hierarchy.path(n.limit), "cgroup.kill");
    if (fs::exists(file))
      if (auto r = fs::write(file, "1"); !r) kLog.warn("{}", describe(r.error()));
  }
  const Node* freezer = nullptr;
  for (const Node& n : nodes_)
    if (n.hierarchy.version == 1 && n.hierarchy.has("freezer") && !n.limit.empty()) freezer = &n;
  const pid_t self = ::getpid();
  std::chrono::milliseconds pause(5);
  for (;;) {
    std::vector<pid_t> pids;
    for (const Node& n : nodes_) {
      if (n.limit.empty()) continue;
      auto more = fs::tree_procs(n.hierarchy.path(n.limit));
      pids.insert(pids.end(), more.begin(), more.end());
    }
    std::sort(pids.begin(), pids.end());
    pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
    std::erase(pids, self);
    if (pids.empty()) return {};
    if (fs::Clock::now() >= deadline)
      return fail(ETIMEDOUT, "kill the container: " + std::to_string(pids.size()) +
                                 " processes remain in its cgroup (pid " + std::to_string(pids.front()) + ", ...)");
    // Without cgroup.kill: hold the tree still so that nothing forks between
    // reading cgroup.procs and the signals, then thaw so they are delivered.
    std::string fdir = freezer ? freezer->hierarchy.path(freezer->limit) : std::string();
    if (freezer) (void)detail::v1_freeze_state(fdir, "FROZEN", fs::Clock::now() + std::chrono::milliseconds(100));
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    if (freezer) thaw_tree_v1(fdir);
    fs::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Result<void> Cgroup::remove_payload(Node& n) {
  if (n.limit.empty()) return {};
  if (auto r = fs::remove_tree(n.hierarchy.path(n.limit), fs::Clock::now() + kRemoveRetry); !r) return r;
  forget_payload(n);
  return {};
}

// The payload of n is gone: its parents made for it go too.
void Cgroup::forget_payload(Node& n) {
  remove_parents(n.hierarchy, n.limit, n.payload_top);
  n.payload.clear();
  n.limit.clear();
  n.payload_top.clear();
}

Result<void> Cgroup::remove_monitor(Node& n) {
  if (n.monitor.empty()) return {};
  const Hierarchy& h = n.hierarchy;
  std::string dir = h.path(n.monitor);
  if (auto pids = fs::tree_procs(dir); !pids.empty()) {
    // The monitor cannot remove the cgroup it is in: it moves out first.
    auto move_to = [&](const std::string& rel) -> Result<void> {
      for (pid_t pid : pids) {
        auto r = fs::write(fs::join(h.path(rel), "cgroup.procs"), std::to_string(pid));
        if (!r && r.error().code != ESRCH) return r;
      }
      return {};
    };
    Result<void> moved = fail(EINVAL, "no pivot");
    if (placement_.pivot.empty()) moved = move_to(h.base);
    if (!moved) {
      std::string pivot = placement_.pivot.empty() ? std::string("lxc.pivot") : placement_.pivot;
      auto made = detail::make_tree(h, h.base, pivot, true);
      moved = made ? move_to(fs::join(h.base, pivot)) : Result<void>(unexpected(made.error()));
    }
    if (!moved) return unexpected(with_context(moved.error(), "move the monitor out of " + dir));
  }
  if (auto r = fs::remove_tree(dir, fs::Clock::now() + kRemoveRetry); !r) return r;
  remove_parents(h, n.monitor, n.monitor_top);
  n.monitor.clear();
  n.monitor_top.clear();
  return {};
}

Result<void> Cgroup::destroy() {
  auto payload = destroy_payload();
  std::optional<Error> first;
  if (!payload) first = payload.error();
  for (Node& n : nodes_) {
    auto r = remove_monitor(n);
    if (r) continue;
    kLog.warn("{}", describe(r.error()));
    if (!first) first = r.error();
  }
  if (first) return unexpected(with_context(*first, "destroy cgroups"));
  return {};
}

Result<void> Cgroup::destroy_payload() {
  if (devices_) devices_->detach();
  std::optional<Error> first;
  auto note = [&](Result<void> r) {
    if (r) return;
    kLog.warn("{}", describe(r.error()));
    if (!first) first = r.error();
  };
  // After a stop there is mostly nothing left in them (init's end took its
  // pid namespace along): one rmdir per hierarchy. What refuses has
  // processes or cgroups of its own and is handled below.
  bool left = false;
  for (Node& n : nodes_) {
    if (n.limit.empty()) continue;
    if (::rmdir(n.hierarchy.path(n.limit).c_str()) == 0 || errno == ENOENT)
      forget_payload(n);
    else
      left = true;
  }
  if (!left) return {};
  bool busy = false;
  for (const Node& n : nodes_)
    busy = busy || (!n.limit.empty() && !fs::tree_procs(n.hierarchy.path(n.limit)).empty());
  if (busy) {
    kLog.info("processes remain in the container's cgroup: killing them");
    note(kill_all());
  }
  for (Node& n : nodes_) note(remove_payload(n));
  if (first) return unexpected(with_context(*first, "destroy cgroups"));
  return {};
}

// ---- text form -----------------------------------------------------------------
//
//   lxcpp-cgroup 1
//   layout hybrid
//   pivot -
//   node VERSION MOUNTPOINT CONTROLLERS BASE PAYLOAD LIMIT PAYLOAD_TOP MONITOR MONITOR_TOP
//
// Fields are escaped as in mountinfo (\040 for a space); "-" is empty.

std::string Cgroup::serialize() const {
  std::string out = "lxcpp-cgroup 1\nlayout " + std::string(layout_name(layout_)) + "\npivot " +
                    encode_field(placement_.pivot) + "\n";
  for (const Node& n : nodes_) {
    const Hierarchy& h = n.hierarchy;
    out += "node " + std::to_string(h.version) + ' ' + encode_field(h.mountpoint) + ' ' +
           encode_field(join(h.controllers, ",")) + ' ' + encode_field(h.base) + ' ' + encode_field(n.payload) + ' ' +
           encode_field(n.limit) + ' ' + encode_field(n.payload_top) + ' ' + encode_field(n.monitor) + ' ' +
           encode_field(n.monitor_top) + '\n';
  }
  return out;
}

Result<Cgroup> Cgroup::of_process(pid_t pid) {
  auto host = detect();
  if (!host) return unexpected(host.error());
  auto text = fs::read("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text) return unexpected(text.error());
  const auto lines = parse_proc_cgroup(*text);
  Cgroup cg;
  cg.layout_ = host->layout;
  for (const Hierarchy& h : host->hierarchies) {
    for (const auto& l : lines) {
      bool match = h.version == 2 ? l.id == "0" && l.controllers.empty()
                                  : !h.controllers.empty() && std::find(l.controllers.begin(), l.controllers.end(),
                                                                        h.controllers.front()) != l.controllers.end();
      if (!match) continue;
      const size_t start = l.path.find_first_not_of('/');
      std::string rel = start == std::string::npos ? std::string() : l.path.substr(start);
      // Up to the container's own cgroup: init may be in a leaf of it (systemd's init.scope).
      if (auto at = rel.rfind("lxc.payload."); at != std::string::npos && (at == 0 || rel[at - 1] == '/'))
        rel = rel.substr(0, rel.find('/', at));
      Node n;
      n.hierarchy = h;
      n.payload = n.limit = rel;
      cg.nodes_.push_back(std::move(n));
      break;
    }
  }
  if (cg.nodes_.empty()) return fail(ENOENT, "no cgroup of pid " + std::to_string(pid) + " on this host");
  return cg;
}

Result<Cgroup> Cgroup::deserialize(std::string_view text) {
  auto bad = [](std::string why) { return fail(EINVAL, "cgroup paths from the monitor: " + why); };
  auto lines = split(text, "\n");
  if (lines.empty() || lines.front() != "lxcpp-cgroup 1") return bad("unknown format");
  Cgroup cg;
  bool have_layout = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    auto f = split(lines[i], " ");
    if (f.empty()) continue;
    if (f[0] == "layout" && f.size() == 2) {
      if (f[1] == "legacy")
        cg.layout_ = Layout::Legacy;
      else if (f[1] == "hybrid")
        cg.layout_ = Layout::Hybrid;
      else if (f[1] == "unified")
        cg.layout_ = Layout::Unified;
      else
        return bad("unknown layout " + printable(f[1]));
      have_layout = true;
    } else if (f[0] == "pivot" && f.size() == 2) {
      cg.placement_.pivot = decode_field(f[1]);
      if (!safe_relative(cg.placement_.pivot)) return bad("bad pivot path");
    } else if (f[0] == "node" && f.size() == 10) {
      Node n;
      auto version = parse_u64(f[1]);
      if (!version || (*version != 1 && *version != 2)) return bad("bad version in " + printable(lines[i]));
      n.hierarchy.version = static_cast<int>(*version);
      n.hierarchy.mountpoint = decode_field(f[2]);
      n.hierarchy.controllers = split(decode_field(f[3]), ",");
      n.hierarchy.base = decode_field(f[4]);
      n.payload = decode_field(f[5]);
      n.limit = decode_field(f[6]);
      n.payload_top = decode_field(f[7]);
      n.monitor = decode_field(f[8]);
      n.monitor_top = decode_field(f[9]);
      // The text crosses a socket: keep every path inside the cgroup mounts.
      const std::string& mp = n.hierarchy.mountpoint;
      if (!(mp == kCgroupRoot || mp.starts_with(std::string(kCgroupRoot) + "/")) || !safe_relative(mp.substr(1)))
        return bad("mountpoint outside " + std::string(kCgroupRoot) + ": " + printable(mp));
      for (const std::string* rel : {&n.hierarchy.base, &n.payload, &n.limit, &n.payload_top, &n.monitor, &n.monitor_top})
        if (!safe_relative(*rel)) return bad("bad path " + printable(*rel));
      cg.nodes_.push_back(std::move(n));
    } else if (f[0] == "node" || f[0] == "layout" || f[0] == "pivot") {
      return bad("malformed line " + printable(lines[i]));
    }
    // Other keywords: from a newer lxcpp, ignored.
  }
  if (!have_layout) return bad("no layout");
  return cg;
}

CgroupGuard::~CgroupGuard() {
  if (!cg_) return;
  if (auto r = cg_->destroy(); !r) kLog.error("cleaning up after a failed start: {}", describe(r.error()));
}

}  // namespace lxc::cgroups
