#include "api/destroy.h"

#include "api/copy.h"
#include "api/snapshot.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

#include "base/file.h"
#include "config/config_file.h"
#include "hooks/hooks.h"
#include "log/log.h"
#include "storage/backend.h"
#include "storage/lock.h"
#include "storage/rdeps.h"
#include "storage/remove_tree.h"
#include "userns/mapped.h"

namespace lxc::api {
namespace {

constexpr log::Logger kLog("api");

// One container dir to remove, with the storage its config names.
struct Doomed {
  std::string name;
  std::string dir;
  std::string rootfs_src;  // empty: no managed storage to destroy separately
  const storage::Backend* backend = nullptr;
  // Its config, when readable: lxc.idmap (an unprivileged user removes
  // through it) and lxc.hook.destroy.
  std::optional<config::ConfigFile> cfg;
};

// Runs work as the caller, or, for an unprivileged user's container with an
// id mapping, through that mapping (its files belong to the container's ids,
// which the user cannot remove directly).
Result<void> as_container_owner(const Doomed& d, const std::function<Result<void>()>& work) {
  if (::geteuid() == 0 || !d.cfg || d.cfg->conf().idmaps.empty()) return work();
  return userns::run_mapped(d.cfg->conf().idmaps, work, "remove " + d.dir);
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// A managed rootfs is deleted wherever it is (LXC does the same: --dir puts
// it anywhere), but a config naming "/", a top-level directory such as /usr,
// or a directory holding the container itself is a mistake, never a rootfs
// lxc-create made: refuse rather than empty the host.
Result<void> check_rootfs_location(const std::string& rootfs, const Container& c) {
  std::string r = canonical(rootfs);
  std::string dir = canonical(c.dir());
  size_t depth = 0;
  for (size_t i = 0; i + 1 < r.size(); ++i) depth += r[i] == '/';
  bool holds_container = dir == r || dir.starts_with(r + "/");
  if (r == "/" || depth < 2 || holds_container)
    return fail(EPERM, "refusing to remove rootfs " + rootfs + ": not a directory of its own; remove it by hand");
  return {};
}

Result<Doomed> plan(const Container& c, const std::string& rcfile = {}) {
  Doomed d{c.name(), c.dir(), {}, nullptr, {}};
  auto cfg = c.load_config(rcfile);
  if (cfg) d.cfg = *cfg;
  if (!cfg) {
    // Without a readable config only the container dir can go.
    kLog.warn("{}: {}; removing {} only", c.name(), describe(cfg.error()), c.dir());
  } else if (!cfg->conf().rootfs_path.empty() && cfg->conf().rootfs_managed) {
    const std::string& src = cfg->conf().rootfs_path;
    d.backend = storage::backend_for_src(src);
    if (!d.backend) {
      if (path_exists(std::string(storage::src_path(src)))) {
        std::string type(storage::src_type(src));
        return fail(0, "rootfs " + src + ": " + (type.empty() ? "this kind of storage" : "\"" + type + "\" storage") +
                           " is not supported yet by lxcpp");
      }
      kLog.warn("{}: rootfs {} does not exist", c.name(), src);
    } else if (d.backend->type() == "dir" && !path_exists(std::string(storage::src_path(src)))) {
      // Nothing to remove (a config that names a missing directory, say a
      // container that never started): the container dir alone goes.
      kLog.warn("{}: rootfs {} does not exist", c.name(), src);
      d.backend = nullptr;
    } else {
      d.rootfs_src = src;
      if (auto r = check_rootfs_location(std::string(storage::src_path(src)), c); !r) return unexpected(r.error());
      if (auto r = d.backend->check_destroy(src); !r) return unexpected(r.error());
    }
  }
  if (auto r = storage::check_no_mounts(d.dir); !r) return unexpected(r.error());
  return d;
}

std::vector<std::string> snapshot_names(const std::string& snaps) {
  std::vector<std::string> out;
  DIR* d = ::opendir(snaps.c_str());
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && path_exists(snaps + "/" + n + "/config")) out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_empty_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return false;
  bool empty = true;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(d);
  return empty;
}

// The content of dir except `keep` (LXC's lxc_rmdir_onedev(path, "snaps")).
Result<void> remove_all_but(const std::string& dir, const std::string& keep) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != ".." && n != keep) names.push_back(n);
    }
    ::closedir(d);
  }
  for (const auto& n : names)
    if (auto r = storage::remove_tree(dir + "/" + n); !r) return r;
  return {};
}

}  // namespace

RunState probe_run_state(const Container& c) { return c.is_running() ? RunState::Running : RunState::Stopped; }

Result<void> destroy(const Container& c, const DestroyOptions& o) {
  if (auto r = check_name(c.name()); !r) return r;
  if (!c.is_defined()) return fail(0, "Container is not defined");
  auto lock = storage::ContainerLock::acquire(c.lxcpath(), c.name());
  if (!lock) return unexpected(lock.error());
  if (!c.is_defined()) return fail(0, "Container is not defined");

  const std::string& n = c.name();
  std::string snaps = snapshot_dir(c);
  bool has_snaps = !o.keep_snapshots_dir && is_dir(snaps) && !is_empty_dir(snaps);
  if (has_snaps && !o.snapshots) return fail(0, "Destroying " + n + " failed: " + n + " has snapshots");
  // Overlay clones (and lvm/zfs snapshots) record themselves in lxc_snapshots;
  // destroying their base would break them. -s destroys them first.
  if (storage::has_dependents(c.dir())) {
    if (!o.snapshots || o.keep_snapshots_dir) return fail(0, "Destroying " + n + " failed: " + n + " has clones");
    for (const auto& ref : storage::dependents(c.dir())) {
      Container clone(ref.name, ref.lxcpath);
      if (!clone.is_defined()) continue;
      DestroyOptions co;
      co.force = o.force;
      co.snapshots = true;
      lock = unexpected(Error{});  // the clone's destroy edits our lxc_snapshots under its own lock
      if (auto r = destroy(clone, co); !r)
        return unexpected(with_context(r.error(), "Destroying " + n + " failed: clone " + ref.name));
      lock = storage::ContainerLock::acquire(c.lxcpath(), c.name());
      if (!lock) return unexpected(lock.error());
    }
    if (storage::has_dependents(c.dir())) return fail(0, "Destroying " + n + " failed: " + n + " has clones");
  }

  switch (probe_run_state(c)) {
    case RunState::Running:
      if (!o.force) return fail(0, n + " is running");
      // -f: kill it and wait for the monitor to finish its cleanup.
      if (auto r = c.kill(); !r && r.error().code != ESRCH) return unexpected(r.error());
      if (auto r = c.wait_for({State::Stopped}, std::chrono::seconds(10)); !r) return unexpected(r.error());
      break;
    case RunState::Stopped:
      break;
  }

  // Check everything first, then delete: snapshots, then the container.
  std::vector<Doomed> doomed;
  if (has_snaps) {
    for (const auto& s : snapshot_names(snaps)) {
      auto d = plan(Container(s, snaps));
      if (!d) return unexpected(with_context(d.error(), "Destroying snapshot " + s + " of " + n + " failed"));
      doomed.push_back(std::move(*d));
    }
  }
  auto self = plan(c, o.rcfile);
  if (!self) return unexpected(with_context(self.error(), "Destroying " + n + " failed"));
  doomed.push_back(std::move(*self));

  for (const auto& d : doomed) {
    // lxc.hook.destroy, as LXC: before anything of the container goes, with
    // LXC_SRC_NAME, LXC_CONFIG_FILE and LXC_ROOTFS_*; a failing hook stops
    // the destroy here.
    if (d.cfg && !d.cfg->conf().hooks[static_cast<size_t>(config::HookType::Destroy)].empty()) {
      hooks::HookEnv env = hooks::hook_env_from_conf(d.cfg->conf(), d.name, d.cfg->path());
      env.src_name = d.name;
      if (auto r = hooks::run_hooks(d.cfg->conf(), config::HookType::Destroy, env); !r)
        return unexpected(with_context(r.error(), "Destroying " + d.name + " failed"));
    }
    if (d.backend) {
      if (auto r = as_container_owner(d, [&] { return d.backend->destroy(d.rootfs_src); }); !r)
        return unexpected(with_context(r.error(), "Destroying " + d.name + " failed"));
    }
    // A clone leaves its base's list of dependents.
    if (auto r = storage::drop_dependency({absolute_lxcpath(dirname_of(d.dir)), d.name}); !r)
      kLog.warn("{}: {}", d.name, describe(r.error()));
    bool keep_snaps = o.keep_snapshots_dir && d.dir == c.dir();
    if (auto r = as_container_owner(
            d, [&] { return keep_snaps ? remove_all_but(d.dir, "snaps") : storage::remove_tree(d.dir); });
        !r)
      return unexpected(with_context(r.error(), "Destroying " + d.name + " failed"));
    kLog.debug("removed {}", d.dir);
  }
  if (has_snaps && is_dir(snaps) && is_empty_dir(snaps)) ::rmdir(snaps.c_str());
  return {};
}

}  // namespace lxc::api
