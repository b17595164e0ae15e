#include "api/copy.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <optional>

#include "api/destroy.h"
#include "api/snapshot.h"
#include "base/random.h"
#include "base/file.h"
#include "base/scope_exit.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "config/config_file.h"
#include "hooks/hooks.h"
#include "log/log.h"
#include "storage/backend.h"
#include "storage/copy_tree.h"
#include "storage/dir.h"
#include "storage/lock.h"
#include "storage/mount_ns.h"
#include "storage/rdeps.h"
#include "storage/remove_tree.h"

namespace lxc::api {
namespace {

constexpr log::Logger kLog("copy");

// "key = value" of a config line; nullopt for comments and blank lines.
std::optional<std::pair<std::string, std::string>> split_line(std::string_view line) {
  std::string_view t = trim(line);
  if (t.empty() || t.front() == '#') return std::nullopt;
  auto eq = t.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(trim(t.substr(0, eq))), std::string(trim(t.substr(eq + 1))));
}

std::vector<std::string> lines_of(std::string_view text) {
  auto v = lines(text);
  return {v.begin(), v.end()};
}

bool is_hwaddr_key(std::string_view key) {
  return (key.starts_with("lxc.net.") || key.starts_with("lxc.network.")) && key.ends_with(".hwaddr");
}

// Keys whose value names a file that belongs to the container and so is
// copied along when it lies in the old container directory.
bool is_file_key(std::string_view key) {
  return key.starts_with("lxc.hook.") || key == "lxc.mount.fstab" || key == "lxc.seccomp.profile" ||
         key == "lxc.include" || key == "lxc.apparmor.profile_file";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

Result<void> copy_file(const std::string& from, const std::string& to) {
  struct stat st {};
  if (::stat(from.c_str(), &st) < 0 || !S_ISREG(st.st_mode)) return {};
  if (path_exists(to)) return {};
  auto text = read_file(from);
  if (!text) return unexpected(text.error());
  if (auto r = mkdir_p(dirname_of(to), 0755); !r) return r;
  if (auto r = write_file_atomic(to, *text, st.st_mode & 07777); !r)
    return unexpected(with_context(r.error(), "error: copying " + from + " to " + to));
  return {};
}

// The files the config names in the old container dir (hooks, fstab,
// seccomp profile...), copied to the same place in the new one. An fstab
// elsewhere is copied into the new dir too (LXC's copy_fstab).
Result<std::string> copy_owned_files(std::string text, const std::string& old_dir, const std::string& new_dir) {
  std::string out;
  for (const auto& line : lines_of(text)) {
    auto kv = split_line(line);
    std::string keep = line;
    if (kv && is_file_key(kv->first)) {
      std::string path = kv->second.substr(0, kv->second.find_first_of(" \t"));
      if (path.starts_with(new_dir + "/")) {
        if (auto r = copy_file(old_dir + path.substr(new_dir.size()), path); !r) return unexpected(r.error());
      } else if (kv->first == "lxc.mount.fstab" && path.starts_with("/") && path_exists(path)) {
        std::string to = new_dir + "/" + basename_of(path);
        if (path_exists(to)) return fail(EEXIST, "error: fstab file " + to + " exists");
        if (auto r = copy_file(path, to); !r) return unexpected(r.error());
        keep = "lxc.mount.fstab = " + to;
      }
    }
    out += keep + "\n";
  }
  return out;
}

// What a copy has made, undone if it fails.
struct Made {
  std::string dir;  // the new container dir, when made here
  const storage::Backend* backend = nullptr;
  std::string storage_src;
  void undo() const {
    if (backend && !storage_src.empty())
      if (auto r = backend->destroy(storage_src); !r) kLog.error("cleanup: {}", describe(r.error()));
    if (!dir.empty())
      if (auto r = storage::remove_tree(dir); !r) kLog.error("cleanup: {}", describe(r.error()));
  }
};

struct StorageChoice {
  const storage::Backend* from = nullptr;
  const storage::Backend* to = nullptr;
  bool snapshot = false;
};

bool same_filesystem(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev;
}

// LXC's storage_copy rules for the new storage type.
Result<StorageChoice> choose_storage(const std::string& src, const Container& c, const Container& n,
                                     const CopyOptions& o) {
  StorageChoice ch;
  ch.from = storage::backend_for_src(src);
  if (!ch.from) return fail(EINVAL, "rootfs " + src + ": unknown storage type or missing rootfs");
  std::string orig_type(ch.from->type());
  ch.snapshot = o.snapshot;
  if (o.maybe_snapshot && o.keep_bdev_type && o.bdev.empty() && !ch.from->can_snapshot(orig_type))
    ch.snapshot = false;
  std::string bdev = o.bdev;
  if (bdev.empty() && !o.keep_bdev_type && ch.snapshot && orig_type == "dir") bdev = "overlay";
  if (!bdev.empty()) {
    ch.to = bdev == "best" ? storage::default_backend("best", n.rootfs_default()) : storage::find_backend(bdev);
    if (!ch.to)
      return fail(EINVAL, storage::is_valid_type(bdev) ? "backing store \"" + bdev + "\" is not supported by lxcpp"
                                                       : "unknown backing store type \"" + bdev + "\"");
  } else if (!o.keep_bdev_type && !ch.snapshot && n.lxcpath() != c.lxcpath()) {
    ch.to = storage::find_backend("dir");  // LXC: a full copy into another lxcpath is a directory
  } else {
    ch.to = ch.from;
  }
  std::string new_type(ch.to->type());
  if (new_type == "overlay" && orig_type != "overlay" && !ch.snapshot)
    return fail(EINVAL, "The overlay storage driver can only be used for snapshots");
  // An overlay copied as an overlay keeps its lower layer and copies its delta.
  if (new_type == "overlay" && orig_type == "overlay") ch.snapshot = true;
  // btrfs to btrfs on one filesystem: always a snapshot (as LXC).
  if (new_type == "btrfs" && orig_type == "btrfs" && same_filesystem(std::string(storage::src_path(src)), n.lxcpath()))
    ch.snapshot = true;
  if (ch.snapshot && !ch.to->can_snapshot(orig_type)) {
    // LXC's message for each driver.
    if (new_type == "overlay") return fail(EINVAL, "overlay clone of " + orig_type + " container is not yet supported");
    if (new_type == "dir") return fail(EINVAL, "Directories cannot be snapshotted");
    if (new_type == "loop") return fail(EINVAL, "The loop storage driver does not support snapshots");
    if (new_type == "lvm") return fail(EINVAL, "LVM snapshot from \"" + orig_type + "\" storage driver is not supported");
    return fail(EINVAL, new_type + " snapshot from " + orig_type + " backing store is not supported");
  }
  return ch;
}

// Fills new storage with a copy of the original's tree, both mounted in a
// mount namespace of our own when they need it.
Result<void> fill(const StorageChoice& ch, const std::string& src, const Container& c, const storage::Rootfs& to) {
  std::optional<storage::PrivateMounts> pm;
  if (ch.from->needs_mount() || ch.to->needs_mount()) {
    auto p = storage::PrivateMounts::enter();
    if (!p) return unexpected(p.error());
    pm.emplace(std::move(*p));
  }
  auto from_dir = storage::rootfs_dir(src, c.dir());
  if (!from_dir) return unexpected(from_dir.error());
  if (ch.from->needs_mount())
    if (auto r = ch.from->mount(src, *from_dir, MS_RDONLY, ""); !r) return r;
  std::string to_dir = ch.to->needs_mount() ? to.path : std::string(storage::src_path(to.src));
  if (ch.to->needs_mount())
    if (auto r = ch.to->mount(to.src, to_dir, 0, ""); !r) return r;
  auto stats = storage::copy_tree(*from_dir, to_dir);
  if (!stats) return unexpected(stats.error());
  kLog.debug("copied {} files, {} dirs, {} links, {} bytes", stats->files, stats->dirs, stats->links, stats->bytes);
  return {};
}

Result<storage::Rootfs> copy_storage(const StorageChoice& ch, const std::string& src, const Container& c,
                                     const Container& n, const CopyOptions& o, Made& made) {
  storage::Place place{n.lxcpath(), n.name()};
  storage::Spec spec;
  spec.fssize = o.fssize;
  if (ch.snapshot) {
    auto r = ch.to->snapshot(src, place, spec);
    if (!r) return unexpected(r.error());
    made.backend = ch.to;
    made.storage_src = r->src;
    return r;
  }
  if (!spec.fssize) spec.fssize = ch.from->size(src);
  auto r = ch.to->create(n.rootfs_default(), n.name(), spec);
  if (!r) return unexpected(r.error());
  made.backend = ch.to;
  made.storage_src = r->src;
  if (auto f = fill(ch, src, c, *r); !f) return unexpected(f.error());
  return r;
}

// The containers whose rootfs a new overlay reads: the original, or for an
// overlay original, the base it depends on itself.
std::vector<storage::ContainerRef> overlay_bases(const Container& c, const std::string& orig_type) {
  if (orig_type == "overlay") return storage::bases(c.dir());
  return {{c.lxcpath(), c.name()}};
}

// /etc/hostname of the new rootfs gets the new name when it is there (not
// following links out of the rootfs).
void update_hostname(const std::string& root, const std::string& name) {
  UniqueFd etc(::open((root + "/etc").c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!etc) return;
  UniqueFd f(::openat(etc.get(), "hostname", O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC));
  if (!f) return;
  if (auto r = write_all(f.get(), name, root + "/etc/hostname"); !r) kLog.warn("{}", describe(r.error()));
}

// lxc.hook.clone and the hostname, with the new rootfs mounted.
Result<void> finish_rootfs(const config::ConfigFile& cfg, const Container& c, const Container& n,
                           const storage::Rootfs& nr, const CopyOptions& o) {
  const auto& hooks = cfg.conf().hooks[static_cast<int>(config::HookType::Clone)];
  if (hooks.empty() && o.keep_name) return {};
  const storage::Backend* b = storage::backend_for_src(nr.src);
  // An overlay clone without clone hooks: its hostname goes straight into
  // the upper layer, no mount needed (half the time of lxc-copy -s).
  if (hooks.empty() && b && b->type() == "overlay") {
    auto done = storage::overlay_write_offline(nr.src, "etc/hostname", n.name());
    if (!done) return unexpected(done.error());
    if (*done) return {};
  }
  std::optional<storage::PrivateMounts> pm;
  std::string root(storage::src_path(nr.src));
  if (b && b->needs_mount()) {
    auto p = storage::PrivateMounts::enter();
    if (!p) return unexpected(p.error());
    pm.emplace(std::move(*p));
    root = nr.path;
    if (auto r = b->mount(nr.src, root, 0, ""); !r) return r;
  }
  if (!hooks.empty()) {
    hooks::HookEnv env = hooks::hook_env_from_conf(cfg.conf(), n.name(), n.config_path(), root);
    env.src_name = c.name();
    env.args = o.hook_args;
    if (auto r = hooks::run_hooks(cfg.conf(), config::HookType::Clone, env); !r)
      return unexpected(with_context(r.error(), "Error executing clone hook for " + n.name()));
  }
  if (!o.keep_name) update_hostname(root, n.name());
  return {};
}

}  // namespace

std::string random_hwaddr() {
  unsigned char b[3];
  random_bytes(b, sizeof b);
  return fmt::format("00:16:3e:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2]);
}

std::string absolute_lxcpath(const std::string& lxcpath) {
  std::string p = lxcpath;
  if (!p.starts_with("/")) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) p = std::string(cwd) + "/" + p;
  }
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string rewrite_config_text(std::string_view text, const std::string& old_dir, const std::string& new_dir,
                                bool keep_mac, bool keep_name) {
  std::string out;
  for (const auto& line : lines_of(text)) {
    auto kv = split_line(line);
    if (!kv) {
      out += line + "\n";
      continue;
    }
    auto& [key, value] = *kv;
    if (!keep_name && key == "lxc.utsname") continue;  // lxc.uts.name is set afresh
    std::string v = value;
    if (!keep_mac && is_hwaddr_key(key)) {
      v = random_hwaddr();
    } else if (key == "lxc.mount.entry") {
      v = replace_all(v, old_dir + "/", new_dir + "/");  // overlay upperdir=, workdir=, bind sources
    } else if (v == old_dir || v.starts_with(old_dir + "/")) {
      v = new_dir + v.substr(old_dir.size());
    }
    out += v == value ? line + "\n" : key + " = " + v + "\n";
  }
  if (!text.ends_with("\n") && !out.empty()) out.pop_back();
  return out;
}

Result<Container> copy(const Container& orig, const CopyOptions& o) {
  Container c(orig.name(), absolute_lxcpath(orig.lxcpath()));
  const std::string new_lxcpath = o.new_lxcpath.empty() ? c.lxcpath() : absolute_lxcpath(o.new_lxcpath);
  const std::string new_name = o.new_name.empty() ? c.name() : o.new_name;
  if (auto r = check_name(new_name); !r) return unexpected(r.error());
  Container n(new_name, new_lxcpath);
  if (!c.is_defined() && o.rcfile.empty()) return fail(0, "Container " + c.name() + " is not defined");
  if (n.dir() == c.dir()) return fail(EEXIST, "error: clone: " + n.config_path() + " exists");
  if (auto r = mkdir_p(new_lxcpath, 0755); !r) return unexpected(r.error());

  auto lock_src = storage::ContainerLock::acquire(c.lxcpath(), c.name());
  if (!lock_src) return unexpected(lock_src.error());
  auto lock_dst = storage::ContainerLock::acquire(n.lxcpath(), n.name());
  if (!lock_dst) return unexpected(lock_dst.error());
  if (!o.allow_running && c.is_running()) return fail(0, "container " + c.name() + " is not stopped");
  if (n.is_defined()) return fail(EEXIST, "error: clone: " + n.config_path() + " exists");

  auto cfg = c.load_config(o.rcfile);
  if (!cfg) return unexpected(cfg.error());
  const std::string src = cfg->conf().rootfs_path;
  std::optional<StorageChoice> choice;
  if (!src.empty()) {
    auto ch = choose_storage(src, c, n, o);
    if (!ch) return unexpected(ch.error());
    choice = *ch;
  }

  Made made;
  ScopeExit undo([&] { made.undo(); });
  if (path_exists(n.dir())) {
    if (!is_dir(n.dir())) return fail(ENOTDIR, n.dir() + " exists and is not a directory");
  } else {
    if (::mkdir(n.dir().c_str(), 0770) < 0) return fail_sys("mkdir " + n.dir());
    made.dir = n.dir();
  }

  storage::Rootfs nr;
  if (choice) {
    auto r = copy_storage(*choice, src, c, n, o, made);
    if (!r) return unexpected(with_context(r.error(), "Error copying storage."));
    nr = std::move(*r);
  }

  auto text = copy_owned_files(rewrite_config_text(cfg->text(), c.dir(), n.dir(), o.keep_mac, o.keep_name), c.dir(),
                               n.dir());
  if (!text) return unexpected(text.error());
  auto ncfg = config::ConfigFile::from_text(*text, n.config_path());
  if (!ncfg) return unexpected(with_context(ncfg.error(), "the copied config does not load"));
  if (choice)
    if (auto r = ncfg->set_item("lxc.rootfs.path", nr.src); !r) return unexpected(r.error());
  if (!o.keep_name)
    if (auto r = ncfg->set_item("lxc.uts.name", new_name); !r)
      return unexpected(with_context(r.error(), "Error setting new hostname"));
  for (const auto& [k, v] : o.extra_config)
    if (auto r = ncfg->set_item(k, v); !r) return unexpected(r.error());
  if (auto r = ncfg->save(n.config_path()); !r) return unexpected(r.error());

  if (choice && choice->to->type() == "overlay") {
    if (auto r = storage::add_dependency({n.lxcpath(), n.name()}, overlay_bases(c, std::string(choice->from->type())));
        !r)
      return unexpected(with_context(r.error(), "Failed to update snapshots file"));
    if (o.upper_on_tmpfs)
      if (auto r = storage::mark_upper_on_tmpfs(nr.src); !r) return unexpected(r.error());
  } else if (choice && choice->snapshot && (choice->to->type() == "lvm" || choice->to->type() == "zfs")) {
    if (auto r = storage::add_dependency({n.lxcpath(), n.name()}, {{c.lxcpath(), c.name()}}); !r)
      return unexpected(with_context(r.error(), "Failed to update snapshots file"));
  }
  if (choice)
    if (auto r = finish_rootfs(*ncfg, c, n, nr, o); !r) {
      (void)storage::drop_dependency({n.lxcpath(), n.name()});
      return unexpected(r.error());
    }
  undo.release();
  kLog.info("Created {} as {} of {}", n.name(), choice && choice->snapshot ? "snapshot" : "copy", c.name());
  return n;
}

Result<Container> rename(const Container& orig, const std::string& new_name, const std::string& new_lxcpath) {
  Container c(orig.name(), absolute_lxcpath(orig.lxcpath()));
  if (!c.is_defined()) return fail(0, "Container " + c.name() + " is not defined");
  std::string snaps = snapshot_dir(c);
  if ((is_dir(snaps) && !list_defined(snaps).empty()) || storage::has_dependents(c.dir()))
    return fail(0, "Renaming a container with snapshots is not supported");
  CopyOptions o;
  o.new_name = new_name;
  o.new_lxcpath = new_lxcpath;
  o.keep_mac = true;
  o.keep_bdev_type = true;
  auto n = copy(c, o);
  if (!n) return n;
  if (auto r = destroy(c, DestroyOptions{}); !r)
    return unexpected(with_context(r.error(), "Could not destroy existing container " + c.name()));
  return n;
}

}  // namespace lxc::api
