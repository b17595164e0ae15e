// Which hierarchies the host has and where our cgroups go in each.
#include <unistd.h>

#include <algorithm>

#include "base/file.h"
#include "base/strings.h"
#include "cgroups/cgroup.h"
#include "cgroups/fs.h"
#include "cgroups/parse.h"
#include "log/log.h"

namespace lxc::cgroups {
namespace {

constexpr log::Logger kLog("cgroups");

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool under_cgroup_root(std::string_view mountpoint) {
  return mountpoint == kCgroupRoot ||
         (mountpoint.starts_with(kCgroupRoot) && mountpoint.size() > kCgroupRoot.size() &&
          mountpoint[kCgroupRoot.size()] == '/');
}

// The base cgroup relative to the mount: /proc/PID/cgroup gives the path in
// the hierarchy; a mount of a subtree (root != "/") sees it below its root.
std::optional<std::string> relative_base(std::string path, const std::string& root, bool prune_init_scope) {
  if (root != "/" && !root.empty()) {
    if (path == root)
      path = "/";
    else if (path.starts_with(root + "/"))
      path = path.substr(root.size());
    else
      return std::nullopt;
  }
  // Root's containers escape to init's cgroup; on systemd hosts init sits in
  // /init.scope, a leaf, so LXC uses its parent.
  if (prune_init_scope) {
    if (path == "/init.scope")
      path = "/";
    else if (path.ends_with("/init.scope"))
      path.resize(path.size() - std::string_view("/init.scope").size());
  }
  if (!path.starts_with('/')) return std::nullopt;
  for (const std::string& part : split(path, "/"))
    if (part == "..") return std::nullopt;  // outside our cgroup namespace
  if (path.ends_with(" (deleted)")) return std::nullopt;
  return fs::join("", path);
}

}  // namespace

std::string_view layout_name(Layout l) {
  switch (l) {
    case Layout::Legacy: return "legacy";
    case Layout::Hybrid: return "hybrid";
    case Layout::Unified: return "unified";
  }
  return "unknown";
}

bool Hierarchy::has(std::string_view controller) const { return contains(controllers, controller); }
std::string Hierarchy::path(std::string_view rel) const { return fs::join(mountpoint, rel); }

const Hierarchy* Host::unified() const {
  for (const auto& h : hierarchies)
    if (h.version == 2) return &h;
  return nullptr;
}

const Hierarchy* Host::v1(std::string_view controller) const {
  for (const auto& h : hierarchies)
    if (h.version == 1 && h.has(controller)) return &h;
  return nullptr;
}

Result<Host> parse_host(const HostText& in) {
  auto self = parse_proc_cgroup(in.self_cgroup);
  auto base = parse_proc_cgroup(in.base_cgroup);
  // Which mount options are controller names: those /proc/self/cgroup lists.
  std::vector<std::string> known;
  for (const auto& l : self) known.insert(known.end(), l.controllers.begin(), l.controllers.end());

  Host host;
  bool saw_v1 = false, saw_v2 = false;
  for (const CgroupMount& m : parse_cgroup_mounts(in.mountinfo)) {
    if (!under_cgroup_root(m.mountpoint)) {
      kLog.trace("ignoring cgroup mount {} outside {}", m.mountpoint, kCgroupRoot);
      continue;
    }
    Hierarchy h;
    h.version = m.version;
    h.mountpoint = m.mountpoint;
    const ProcCgroupLine* line = nullptr;
    if (m.version == 1) {
      for (const std::string& o : m.options)
        if (contains(known, o) && !h.has(o)) h.controllers.push_back(o);
      if (h.controllers.empty()) continue;
      saw_v1 = true;
      bool dup = false;
      for (const auto& other : host.hierarchies)
        for (const auto& c : h.controllers) dup = dup || other.has(c);
      if (dup) continue;  // the same hierarchy mounted twice
      if (!in.use.empty() &&
          !std::all_of(h.controllers.begin(), h.controllers.end(), [&](const auto& c) { return contains(in.use, c); })) {
        kLog.trace("lxc.cgroup.use leaves out {}", m.mountpoint);
        continue;
      }
      for (const auto& l : base)
        if (contains(l.controllers, h.controllers.front())) line = &l;
    } else {
      saw_v2 = true;
      if (host.unified()) continue;
      for (const auto& l : base)
        if (l.id == "0" && l.controllers.empty()) line = &l;
    }
    if (!line) {
      kLog.warn("no cgroup of ours in the hierarchy at {}", m.mountpoint);
      continue;
    }
    auto rel = relative_base(line->path, m.root, in.prune_init_scope);
    if (!rel) {
      kLog.warn("cgroup {} is not reachable through the mount at {}", line->path, m.mountpoint);
      continue;
    }
    h.base = *rel;
    host.hierarchies.push_back(std::move(h));
  }
  host.layout = saw_v1 && saw_v2 ? Layout::Hybrid : saw_v1 ? Layout::Legacy : Layout::Unified;
  if (!saw_v1 && !saw_v2) return fail(ENOENT, "no cgroup hierarchy is mounted under " + std::string(kCgroupRoot));
  return host;
}

Result<void> check_use(const Host& host, const std::vector<std::string>& use) {
  for (const std::string& c : use) {
    bool found = false;
    for (const auto& h : host.hierarchies) found = found || h.has(c);
    if (!found) return fail(ENOENT, "lxc.cgroup.use: no " + c + " controller mountpoint found");
  }
  return {};
}

Result<Host> detect(const DetectOptions& opt) {
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return unexpected(with_context(mountinfo.error(), "detect cgroups"));
  auto self = read_file("/proc/self/cgroup");
  if (!self) return unexpected(with_context(self.error(), "detect cgroups"));
  bool escape = !opt.relative && ::geteuid() == 0;
  std::string base_text = *self;
  if (escape) {
    // Root's containers are placed relative to init's cgroup, not the caller's.
    if (auto init = read_file("/proc/1/cgroup"))
      base_text = std::move(*init);
    else
      kLog.warn("cannot read /proc/1/cgroup ({}); placing cgroups relative to our own", describe(init.error()));
  }
  HostText in;
  in.mountinfo = *mountinfo;
  in.self_cgroup = *self;
  in.base_cgroup = base_text;
  in.prune_init_scope = !opt.relative;  // as LXC, for every user
  for (const std::string& c : split(opt.use, ", \t")) in.use.push_back(c);
  auto host = parse_host(in);
  if (!host) return host;

  std::vector<Hierarchy> usable;
  for (Hierarchy& h : host->hierarchies) {
    std::string dir = h.path(h.base);
    if (h.version == 2) {
      // cgroup2 controllers are per cgroup: those our base may hand down.
      if (auto c = read_file(fs::join(dir, "cgroup.controllers"))) h.controllers = split(*c, " \t\n");
    }
    // As LXC: a hierarchy whose base we cannot write is not ours to use.
    if (::access(dir.c_str(), W_OK) != 0 ||
        (h.version == 2 && ::access(fs::join(dir, "cgroup.procs").c_str(), W_OK) != 0)) {
      kLog.info("cgroup {} is not writable, not using that hierarchy", dir);
      continue;
    }
    usable.push_back(std::move(h));
  }
  host->hierarchies = std::move(usable);
  if (host->hierarchies.empty())
    kLog.warn("no writable cgroup hierarchy: the container runs without cgroups of its own");
  if (auto r = check_use(*host, in.use); !r) return unexpected(r.error());
  kLog.debug("cgroup layout {}, {} hierarchies", layout_name(host->layout), host->hierarchies.size());
  return host;
}

// ---- placement --------------------------------------------------------------

namespace {

// A relative cgroup path from the config: no leading '/', no "..", no empty
// or "." components.
Result<std::string> clean_relative(std::string_view key, std::string_view v) {
  if (v.starts_with('/'))
    return fail(EINVAL, std::string(key) + " = " + std::string(v) + ": must be a path relative to the base cgroup");
  std::vector<std::string> parts;
  for (std::string& p : split(v, "/")) {
    if (p == ".") continue;
    if (p == "..") return fail(EINVAL, std::string(key) + " = " + std::string(v) + ": may not contain \"..\"");
    parts.push_back(std::move(p));
  }
  if (parts.empty()) return fail(EINVAL, std::string(key) + " = \"" + std::string(v) + "\": empty cgroup path");
  return join(parts, "/");
}

bool nested(const std::string& a, const std::string& b) {
  return a == b || a.starts_with(b + "/") || b.starts_with(a + "/");
}

}  // namespace

Result<Placement> compute_placement(const config::Conf& conf, std::string_view name, std::string_view pattern) {
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return fail(EINVAL, "\"" + std::string(name) + "\" cannot name a cgroup");
  Placement p;
  bool split_dirs = !conf.cgroup_dir_container.empty() || !conf.cgroup_dir_monitor.empty() ||
                    !conf.cgroup_dir_container_inner.empty();
  if (split_dirs) {
    // LXC's check_cgroup_dir_config().
    if (!conf.cgroup_dir.empty())
      return fail(EINVAL, "lxc.cgroup.dir conflicts with lxc.cgroup.dir.container/lxc.cgroup.dir.monitor");
    if (conf.cgroup_dir_container.empty() || conf.cgroup_dir_monitor.empty())
      return fail(EINVAL, "lxc.cgroup.dir.container and lxc.cgroup.dir.monitor must both be set");
    auto c = clean_relative("lxc.cgroup.dir.container", conf.cgroup_dir_container);
    if (!c) return unexpected(c.error());
    auto m = clean_relative("lxc.cgroup.dir.monitor", conf.cgroup_dir_monitor);
    if (!m) return unexpected(m.error());
    p.payload = *c;
    p.monitor = *m;
    if (!conf.cgroup_dir_container_inner.empty()) {
      auto i = clean_relative("lxc.cgroup.dir.container.inner", conf.cgroup_dir_container_inner);
      if (!i) return unexpected(i.error());
      p.inner = *i;
    }
    p.payload_suffix = p.monitor_suffix = false;
  } else if (!conf.cgroup_dir.empty()) {
    auto d = clean_relative("lxc.cgroup.dir", conf.cgroup_dir);
    if (!d) return unexpected(d.error());
    p.payload = *d + "/lxc.payload." + std::string(name);
    p.monitor = *d + "/lxc.monitor." + std::string(name);
  } else if (!pattern.empty()) {
    std::string tree;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'n') {
        tree += name;
        ++i;
      } else {
        tree += pattern[i];
      }
    }
    auto t = clean_relative("lxc.cgroup.pattern", tree);
    if (!t) return unexpected(t.error());
    p.payload = *t + "/lxc.payload";
    p.monitor = *t + "/lxc.monitor";
  } else {
    p.payload = "lxc.payload." + std::string(name);
    p.monitor = "lxc.monitor." + std::string(name);
  }
  if (!conf.cgroup_dir_monitor_pivot.empty()) {
    auto v = clean_relative("lxc.cgroup.dir.monitor.pivot", conf.cgroup_dir_monitor_pivot);
    if (!v) return unexpected(v.error());
    p.pivot = *v + "/lxc.pivot";
  }
  // Killing or removing one must never reach the other.
  if (nested(p.payload, p.monitor))
    return fail(EINVAL, "the container's cgroup " + p.payload + " and the monitor's " + p.monitor + " overlap");
  if (!p.pivot.empty() && (nested(p.pivot, p.payload) || nested(p.pivot, p.monitor)))
    return fail(EINVAL, "lxc.cgroup.dir.monitor.pivot may not be inside the container's or the monitor's cgroup");
  return p;
}

}  // namespace lxc::cgroups
