#include "api/create.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "api/create_config.h"
#include "base/file.h"
#include "base/scope_exit.h"
#include "base/unique_fd.h"
#include "config/config_file.h"
#include "config/system.h"
#include "log/log.h"
#include "storage/lock.h"
#include "storage/mount_ns.h"
#include "storage/remove_tree.h"
#include "templates/template.h"
#include "userns/mapped.h"

namespace lxc::api {
namespace {

constexpr log::Logger kLog("api");

// LXC's marker of a creation in progress: LXCPATH/NAME/partial, write-locked
// with fcntl while the creation runs, so that LXC's own tools see it as
// ongoing (and one left behind by a crash as unfinished).
class PartialMarker {
 public:
  static Result<PartialMarker> make(const std::string& dir) {
    std::string path = dir + "/partial";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return fail_sys("create " + path);
    struct flock lk {};
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    if (::fcntl(fd.get(), F_SETLK, &lk) < 0) {
      auto e = sys_error("lock " + path);
      ::unlink(path.c_str());
      return unexpected(e);
    }
    return PartialMarker(std::move(fd), std::move(path));
  }
  // Removes the file (the lock goes with the fd).
  void remove() {
    if (!fd_) return;
    ::unlink(path_.c_str());
    fd_.reset();
  }

 private:
  PartialMarker(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

// A crashed creation leaves LXCPATH/NAME with a "partial" file, no config
// and no lock holder. Under the container lock nobody else is creating it
// with lxcpp; LXC's creator would hold an fcntl lock on the file.
bool is_abandoned_partial(const std::string& dir) {
  std::string path = dir + "/partial";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return false;
  struct flock lk {};
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  if (::fcntl(fd.get(), F_GETLK, &lk) < 0) return false;
  return lk.l_type == F_UNLCK;
}

// The base config: -f, else lxc.default_config; a missing default.conf is empty.
struct BaseConfig {
  std::string text;         // as it goes into the new config
  std::string rootfs_path;  // its lxc.rootfs.path, if any
  std::vector<config::IdMap> idmap;  // its lxc.idmap: the templates own files through it
};

Result<BaseConfig> read_base_config(const std::string& config_file) {
  std::string path = config_file;
  if (path.empty()) {
    auto v = config::system_value("lxc.default_config");
    if (v && *v) path = **v;
    if (path.empty() || !path_exists(path)) {
      kLog.debug("no default config ({}); starting from an empty one", path.empty() ? "not set" : path);
      return BaseConfig{};
    }
  }
  auto raw = read_file(path);
  if (!raw) return unexpected(with_context(raw.error(), "cannot read configuration file " + path));
  auto parsed = config::ConfigFile::from_text(*raw, path);
  if (!parsed) return unexpected(parsed.error());
  return BaseConfig{base_config_text(*raw), parsed->conf().rootfs_path, parsed->conf().idmaps};
}

// What a creation has made so far, to be undone if it fails.
struct Made {
  std::string dir;  // the container dir, when this creation made it
  std::string config;
  std::string rootfs;  // the rootfs dir, when the backend made it
  // storage: a rootfs that is not a plain directory (loop image, subvolume,
  // logical volume...), destroyed through its backend.
  const storage::Backend* backend = nullptr;
  std::string storage_src;
  void undo() const {
    if (backend && !storage_src.empty())
      if (auto r = backend->destroy(storage_src); !r) kLog.error("cleanup: {}", describe(r.error()));
    // Undo in reverse: a rootfs outside the container dir first.
    if (!rootfs.empty() && (dir.empty() || !rootfs.starts_with(dir + "/"))) {
      if (auto r = storage::remove_tree(rootfs); !r) kLog.error("cleanup: {}", describe(r.error()));
    }
    if (!dir.empty()) {
      if (auto r = storage::remove_tree(dir); !r) kLog.error("cleanup: {}", describe(r.error()));
      return;
    }
    if (!config.empty()) ::unlink(config.c_str());
  }
};

class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : old_(::umask(m)) {}
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

}  // namespace

bool is_valid_storage_type(std::string_view type) { return storage::is_valid_type(type); }

Result<void> template_help(const std::string& template_name) {
  auto t = templates::find_template(template_name);
  if (!t) return unexpected(t.error());
  (*t)->print_help();
  return {};
}

Result<void> create(const Container& named, const CreateOptions& o) {
  if (auto r = check_name(named.name()); !r) return r;
  // The config records the rootfs by absolute path, whatever -P looked like.
  Container c = named;
  if (!named.lxcpath().starts_with("/")) {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return fail_sys("getcwd");
    c = Container(named.name(), std::string(cwd) + "/" + named.lxcpath());
  }
  // LXC creates with umask 022 whatever the caller's.
  UmaskGuard umask_guard(022);
  if (auto r = mkdir_p(c.lxcpath(), 0755); !r) return r;
  auto lock = storage::ContainerLock::acquire(c.lxcpath(), c.name());
  if (!lock) return unexpected(lock.error());
  if (c.is_defined()) return fail(0, "Container already exists");

  // Everything that can be checked is checked before anything is made.
  std::unique_ptr<templates::Template> tpl;
  if (!o.template_name.empty() && o.template_name != "none") {
    auto t = templates::find_template(o.template_name);
    if (!t) return unexpected(t.error());
    tpl = std::move(*t);
  }
  auto base = read_base_config(o.config_file);
  if (!base) return unexpected(base.error());
  std::string existing_rootfs;
  if (!base->rootfs_path.empty()) {
    existing_rootfs = std::string(storage::src_path(base->rootfs_path));
    if (!path_exists(existing_rootfs)) return fail(0, "The rootfs \"" + base->rootfs_path + "\" does not exist");
  }
  // Storage is made only for a template or a config naming an existing rootfs.
  const storage::Backend* backend = nullptr;
  if (tpl || !existing_rootfs.empty()) {
    backend = o.bdev.empty() || o.bdev == "best" ? storage::default_backend(o.bdev, c.rootfs_default(), o.spec)
                                                  : storage::find_backend(o.bdev);
    if (!backend) return fail(0, "backing store \"" + o.bdev + "\" is not supported yet by lxcpp");
  }

  const std::string dir = c.dir();
  Made made;
  made.config = c.config_path();
  ScopeExit undo([&] { made.undo(); });
  if (path_exists(dir)) {
    if (!is_dir(dir)) return fail(ENOTDIR, dir + " exists and is not a directory");
    if (is_abandoned_partial(dir)) {
      kLog.warn("removing {}, left behind by an unfinished creation", dir);
      if (auto r = storage::remove_tree(dir); !r) return r;
    }
  }
  if (!path_exists(dir)) {
    if (::mkdir(dir.c_str(), 0770) < 0) return fail_sys("mkdir " + dir);
    made.dir = dir;
    if (::chmod(dir.c_str(), 0770) < 0) return fail_sys("chmod " + dir);
    if (::geteuid() != 0 && !base->idmap.empty()) {
      // As LXC: the container's root owns its dir (to reach the rootfs in
      // it), the user's group keeps access.
      auto r = userns::run_mapped(
          base->idmap,
          [&](const userns::MappedIds& ids) { return ::chown(dir.c_str(), 0, ids.self_gid) < 0 ? errno : 0; },
          "give " + dir + " to the container's root");
      if (!r) return r;
    }
  }

  // No template and no rootfs: LXC just saves the config.
  if (!tpl && existing_rootfs.empty()) {
    if (auto r = write_file_atomic(c.config_path(), base->text, 0640); !r) return r;
    undo.release();
    return {};
  }

  auto partial = PartialMarker::make(dir);
  if (!partial) return unexpected(partial.error());
  ScopeExit drop_partial([&] { partial->remove(); });

  auto rootfs = backend->create(existing_rootfs.empty() ? c.rootfs_default() : existing_rootfs, c.name(), o.spec);
  if (!rootfs)
    return unexpected(
        with_context(rootfs.error(), "Failed to create " + std::string(backend->type()) + " storage for " + c.name()));
  if (rootfs->created) made.rootfs = rootfs->path;
  if (rootfs->created && rootfs->type != "dir") {  // storage
    made.backend = backend;
    made.storage_src = rootfs->src;
  }
  // storage: the template fills a mounted rootfs in a mount namespace of our
  // own, so that the mount (and a loop device) goes away whatever happens.
  std::optional<storage::PrivateMounts> private_mounts;
  if (backend->needs_mount()) {
    auto pm = storage::PrivateMounts::enter();
    if (!pm) return unexpected(pm.error());
    private_mounts.emplace(std::move(*pm));
    if (auto r = backend->mount(rootfs->src, rootfs->path, 0, ""); !r) return r;
  }

  std::string initial = assemble_config("", base->text, rootfs->src, "");
  std::string final_text = initial;
  if (tpl) {
    templates::Request req{c.name(), dir, rootfs->path, o.template_args, o.quiet, base->idmap};
    if (tpl->appends_to_config_file()) {
      if (auto r = write_file_atomic(c.config_path(), initial, 0640); !r) return r;
    }
    auto lines = tpl->run(req);
    if (!lines) return unexpected(with_context(lines.error(), "Failed to create container from template"));
    if (tpl->appends_to_config_file()) {
      auto written = read_file(c.config_path());
      if (!written) return unexpected(written.error());
      final_text = config_header(tpl->path(), o.template_args) + *written;
    } else {
      final_text = assemble_config(config_header(tpl->path(), o.template_args), base->text, rootfs->src, *lines);
    }
  }
  if (tpl && ::geteuid() != 0 && !base->idmap.empty()) {
    // An unprivileged user made these files: they go to the container's
    // root, through its id mapping (LXC runs its templates inside it).
    const std::string path = rootfs->path;
    auto r = userns::run_mapped(
        base->idmap, [&](const userns::MappedIds& ids) { return userns::chown_tree_to_root(path, ids); },
        "give " + path + " to the container's root");
    if (!r) return r;
  }
  if (auto r = write_file_atomic(c.config_path(), final_text, 0640); !r) return r;
  // LXC reloads the new config and fails the creation when it does not load.
  if (auto check = config::ConfigFile::load(c.config_path()); !check)
    return unexpected(with_context(check.error(), "the new config does not load"));
  partial->remove();
  undo.release();
  kLog.info("container {} created in {}", c.name(), dir);
  return {};
}

}  // namespace lxc::api
