// struct lxc_container's methods: liblxc's semantics, lxcpp's api:: underneath.
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>

#include "api/cgroup_access.h"
#include "api/console_access.h"
#include "api/copy.h"
#include "api/create.h"
#include "api/destroy.h"
#include "api/snapshot.h"
#include "base/file.h"
#include "console/proxy.h"
#include "console/pty.h"
#include "base/strings.h"
#include "capi/handle.h"
#include "config/keys.h"
#include "config/system.h"
#include "log/log.h"
#include "state/state.h"

namespace lxc::capi {

namespace {
constexpr log::Logger kLog("lxccontainer");
}  // namespace

Handle* handle(lxc_container* c) { return reinterpret_cast<Handle*>(c->lxc_conf); }
api::Container container(lxc_container* c) { return api::Container(c->name, c->config_path); }

void clear_error(lxc_container* c) {
  std::free(c->error_string);
  c->error_string = nullptr;
  c->error_num = 0;
}

void set_error(lxc_container* c, const Error& e) {
  std::free(c->error_string);
  c->error_string = dup_string(describe(e));
  c->error_num = e.code ? e.code : EINVAL;
  errno = c->error_num;
}

bool ok(lxc_container* c, const Result<void>& r) {
  if (r) {
    clear_error(c);
    return true;
  }
  // As liblxc's: a failed action is said in the log (stderr by default,
  // lxc_log_init's file); a query that finds nothing is not.
  kLog.error("{}: {}", c->name, describe(r.error()));
  set_error(c, r.error());
  return false;
}

char* dup_string(const std::string& s) { return ::strdup(s.c_str()); }

char** dup_string_array(const std::vector<std::string>& v) {
  auto** out = static_cast<char**>(std::calloc(v.size() + 1, sizeof(char*)));
  if (!out) return nullptr;
  for (size_t i = 0; i < v.size(); ++i) out[i] = dup_string(v[i]);
  return out;
}

namespace {

// The configuration to work on: the one in memory, or the file's, or (for a
// container not made yet) an empty one.
config::ConfigFile& config_of(lxc_container* c) {
  Handle* h = handle(c);
  if (!h->cfg) {
    auto f = config::ConfigFile::load(c->configfile);
    h->cfg = f ? std::move(*f) : *config::ConfigFile::from_text("", c->configfile);
  }
  return *h->cfg;
}

Result<void> unsupported(const char* what) {
  return fail(ENOSYS, std::string(what) + " is not supported by lxcpp's liblxc");
}

// LXC's buffer convention: the value's length; up to inlen - 1 bytes of it
// and a NUL in retv when retv is given.
int copy_out(const std::string& v, char* retv, int inlen) {
  if (retv && inlen > 0) {
    size_t n = std::min(v.size(), static_cast<size_t>(inlen - 1));
    std::memcpy(retv, v.data(), n);
    retv[n] = '\0';
  }
  return static_cast<int>(v.size());
}

bool is_defined(lxc_container* c) { return container(c).is_defined(); }

const char* state(lxc_container* c) {
  // Static strings, as liblxc's.
  static const char* const kNames[] = {"STOPPED", "STARTING", "RUNNING", "STOPPING",
                                       "ABORTING", "FREEZING", "FROZEN",  "THAWED"};
  auto s = static_cast<size_t>(container(c).state());
  return s < std::size(kNames) ? kNames[s] : "STOPPED";
}

bool is_running(lxc_container* c) { return container(c).is_running(); }
bool freeze(lxc_container* c) { return ok(c, container(c).freeze()); }
bool unfreeze(lxc_container* c) { return ok(c, container(c).unfreeze()); }

pid_t init_pid(lxc_container* c) {
  auto pid = container(c).init_pid();
  return pid ? *pid : -1;
}

int init_pidfd(lxc_container* c) {
  pid_t pid = init_pid(c);
  if (pid <= 0) {
    set_error(c, Error{ESRCH, std::string(c->name) + " is not running"});
    return -1;
  }
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) set_error(c, sys_error("pidfd_open"));
  return fd;
}

bool load_config(lxc_container* c, const char* alt_file) {
  std::lock_guard lock(handle(c)->mu);
  auto f = config::ConfigFile::load(alt_file ? alt_file : c->configfile);
  if (!f) return ok(c, unexpected(f.error()));
  handle(c)->cfg = std::move(*f);
  return ok(c, {});
}

bool start_argv(lxc_container* c, int useinit, const std::vector<std::string>& argv) {
  start::StartOptions o;
  o.argv = argv;
  o.execute = useinit != 0;  // lxc-execute's init runs the command
  o.daemonize = c->daemonize;
  o.close_fds = handle(c)->close_all_fds;
  config::ConfigFile cfg = [&] {
    std::lock_guard lock(handle(c)->mu);
    return config_of(c);
  }();
  auto ct = container(c);
  // As liblxc: a container runs from a config, its file's or one set in memory.
  if (!ct.is_defined() && cfg.text().empty())
    return ok(c, fail(ENOENT, "Container " + std::string(c->name) + " is not defined in " + c->config_path));
  if (ct.is_running()) return ok(c, fail(EBUSY, std::string(c->name) + " is already running"));
  if (!c->daemonize) {
    auto r = ct.start(std::move(cfg), o);
    return ok(c, r ? Result<void>() : Result<void>(unexpected(r.error())));
  }
  // lxc-start -d's start returns once the container runs and leaves its
  // monitor behind; here that monitor must not stay our child (we would
  // have to reap it): an intermediate process starts it and exits, so that
  // it is reparented, as liblxc's double fork does.
  int pfd[2];
  if (::pipe2(pfd, O_CLOEXEC) < 0) return ok(c, fail_sys("pipe"));
  pid_t mid = ::fork();
  if (mid < 0) {
    ::close(pfd[0]);
    ::close(pfd[1]);
    return ok(c, fail_sys("fork"));
  }
  if (mid == 0) {
    // Nothing of the caller's (its files, sockets) goes on into the monitor.
    ::close(pfd[0]);
    if (pfd[1] > 3) ::close_range(3, static_cast<unsigned>(pfd[1]) - 1, 0);
    ::close_range(static_cast<unsigned>(pfd[1]) + 1, ~0U, 0);
    auto r = ct.start(std::move(cfg), o);
    std::string msg = r ? std::string() : describe(r.error());
    [[maybe_unused]] auto n = ::write(pfd[1], msg.data(), msg.size());
    ::_exit(r ? 0 : 1);
  }
  ::close(pfd[1]);
  // The monitor has a copy of the pipe: no EOF while it runs. What the
  // intermediate said is there once it has exited.
  int status = 0;
  while (::waitpid(mid, &status, 0) < 0 && errno == EINTR) {
  }
  ::fcntl(pfd[0], F_SETFL, O_NONBLOCK);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pfd[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<size_t>(n));
  ::close(pfd[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ok(c, {});
  return ok(c, fail(ECHILD, msg.empty() ? "the container did not start" : msg));
}

bool start(lxc_container* c, int useinit, char* const argv[]) {
  std::vector<std::string> args;
  for (int i = 0; argv && argv[i]; ++i) args.emplace_back(argv[i]);
  return start_argv(c, useinit, args);
}

bool startl(lxc_container* c, int useinit, ...) {
  std::vector<std::string> args;
  va_list ap;
  va_start(ap, useinit);
  while (const char* a = va_arg(ap, const char*)) args.emplace_back(a);
  va_end(ap);
  return start_argv(c, useinit, args);
}

bool stop(lxc_container* c) { return ok(c, container(c).kill()); }

bool want_daemonize(lxc_container* c, bool state) {
  c->daemonize = state;
  return true;
}

bool want_close_all_fds(lxc_container* c, bool state) {
  handle(c)->close_all_fds = state;
  return true;
}

char* config_file_name(lxc_container* c) { return dup_string(c->configfile); }

bool wait(lxc_container* c, const char* state_name, int timeout) {
  auto s = state_name ? parse_state(state_name) : std::nullopt;
  if (!s) return ok(c, fail(EINVAL, std::string("unknown state ") + (state_name ? state_name : "(null)")));
  std::optional<std::chrono::milliseconds> limit;
  if (timeout >= 0) limit = std::chrono::seconds(timeout);
  auto r = container(c).wait_for({*s}, limit);
  return ok(c, r ? Result<void>() : Result<void>(unexpected(r.error())));
}

bool set_config_item(lxc_container* c, const char* key, const char* value) {
  if (!key || !value) return ok(c, fail(EINVAL, "set_config_item: no key or value"));
  std::lock_guard lock(handle(c)->mu);
  return ok(c, config_of(c).set_item(key, value));
}

bool clear_config_item(lxc_container* c, const char* key) {
  if (!key) return ok(c, fail(EINVAL, "clear_config_item: no key"));
  std::lock_guard lock(handle(c)->mu);
  return ok(c, config_of(c).clear_item(key));
}

void clear_config(lxc_container* c) {
  std::lock_guard lock(handle(c)->mu);
  handle(c)->cfg = *config::ConfigFile::from_text("", c->configfile);
}

int get_config_item(lxc_container* c, const char* key, char* retv, int inlen) {
  if (!key) return -1;
  std::lock_guard lock(handle(c)->mu);
  auto v = config_of(c).get_item(key);
  if (!v) {
    set_error(c, v.error());
    return -1;
  }
  clear_error(c);
  return copy_out(*v, retv, inlen);
}

char* get_running_config_item(lxc_container* c, const char* key) {
  if (!key) return nullptr;
  auto v = container(c).get_running_config_item(key);
  if (!v) {
    set_error(c, v.error());
    return nullptr;
  }
  return dup_string(*v);
}

// As liblxc: for lxc.net.N the keys that interface's type takes (what
// get_config_item("lxc.net.N") says), else every key lxcpp knows.
int get_keys(lxc_container* c, const char* key, char* retv, int inlen) {
  std::string_view k = key ? key : "";
  std::string out;
  if (k.starts_with("lxc.net.")) {
    std::string_view idx = k.substr(8, k.find('.', 8) == std::string_view::npos ? std::string_view::npos : k.find('.', 8) - 8);
    std::lock_guard lock(handle(c)->mu);
    auto v = config_of(c).get_item("lxc.net." + std::string(idx));
    if (!v) {
      set_error(c, v.error());
      return -1;
    }
    out = *v;
  } else {
    for (const auto& s : config::container_keys()) out += std::string(s.name) + "\n";
  }
  clear_error(c);
  return copy_out(out, retv, inlen);
}

bool save_config(lxc_container* c, const char* alt_file) {
  std::lock_guard lock(handle(c)->mu);
  std::string path = alt_file ? alt_file : c->configfile;
  if (!alt_file)
    if (auto r = mkdir_p(container(c).dir(), 0770); !r) return ok(c, r);
  return ok(c, config_of(c).save(path));
}

bool destroy_opts(lxc_container* c, bool snapshots) {
  api::DestroyOptions o;
  o.snapshots = snapshots;
  bool done = ok(c, api::destroy(container(c), o));
  if (done) {
    std::lock_guard lock(handle(c)->mu);
    handle(c)->cfg.reset();
  }
  return done;
}
bool destroy(lxc_container* c) { return destroy_opts(c, false); }
bool destroy_with_snapshots(lxc_container* c) { return destroy_opts(c, true); }

bool create_argv(lxc_container* c, const char* t, const char* bdevtype, bdev_specs* specs, int flags,
                 const std::vector<std::string>& args) {
  api::CreateOptions o;
  o.template_name = t ? t : "";
  o.template_args = args;
  o.bdev = bdevtype ? bdevtype : "";
  o.quiet = flags & LXC_CREATE_QUIET;
  if (specs) {
    if (specs->fstype) o.spec.fstype = specs->fstype;
    o.spec.fssize = specs->fssize;
    if (specs->dir) o.spec.dir = specs->dir;
    if (specs->zfs.zfsroot) o.spec.zfsroot = specs->zfs.zfsroot;
    if (specs->lvm.vg) o.spec.vgname = specs->lvm.vg;
    if (specs->lvm.lv) o.spec.lvname = specs->lvm.lv;
    if (specs->lvm.thinpool) o.spec.thinpool = specs->lvm.thinpool;
    if (specs->rbd.rbdname) o.spec.rbdname = specs->rbd.rbdname;
    if (specs->rbd.rbdpool) o.spec.rbdpool = specs->rbd.rbdpool;
  }
  // As liblxc: a container whose config exists (python3-lxc saves it before
  // create()) but names no rootfs that exists is made now; one with its
  // rootfs is refused. Its config is the one in memory, which gets written.
  if (container(c).is_defined()) {
    auto existing = config::ConfigFile::load(c->configfile);
    std::string rootfs = existing ? existing->conf().rootfs_path : std::string();
    if (rootfs.starts_with("dir:")) rootfs.erase(0, 4);
    if (!rootfs.empty() && path_exists(rootfs))
      return ok(c, fail(EEXIST, "Container \"" + std::string(c->name) + "\" already exists in \"" +
                                    c->config_path + "\""));
    {
      std::lock_guard lock(handle(c)->mu);
      if (!handle(c)->cfg && existing) handle(c)->cfg = std::move(*existing);
    }
    if (::unlink(c->configfile) < 0 && errno != ENOENT) return ok(c, fail_sys(std::string("unlink ") + c->configfile));
  }
  // As liblxc: the configuration in memory, when something set or loaded
  // one, is the new container's; else lxc.default_config is.
  std::string tmp;
  {
    std::lock_guard lock(handle(c)->mu);
    if (handle(c)->cfg && !handle(c)->cfg->text().empty()) {
      char path[] = "/tmp/lxcpp-create-XXXXXX";
      int fd = ::mkstemp(path);
      if (fd < 0) return ok(c, fail_sys("mkstemp"));
      ::close(fd);
      tmp = path;
      if (auto r = handle(c)->cfg->save(tmp); !r) {
        ::unlink(tmp.c_str());
        return ok(c, r);
      }
      o.config_file = tmp;
    }
  }
  auto r = api::create(container(c), o);
  if (!tmp.empty()) ::unlink(tmp.c_str());
  if (!r) return ok(c, r);
  return load_config(c, nullptr);
}

bool create(lxc_container* c, const char* t, const char* bdevtype, bdev_specs* specs, int flags, char* const argv[]) {
  std::vector<std::string> args;
  for (int i = 0; argv && argv[i]; ++i) args.emplace_back(argv[i]);
  return create_argv(c, t, bdevtype, specs, flags, args);
}

bool createl(lxc_container* c, const char* t, const char* bdevtype, bdev_specs* specs, int flags, ...) {
  std::vector<std::string> args;
  va_list ap;
  va_start(ap, flags);
  while (const char* a = va_arg(ap, const char*)) args.emplace_back(a);
  va_end(ap);
  return create_argv(c, t, bdevtype, specs, flags, args);
}

bool rename(lxc_container* c, const char* newname) {
  if (!newname) return ok(c, fail(EINVAL, "rename: no new name"));
  auto r = api::rename(container(c), newname);
  if (!r) return ok(c, unexpected(r.error()));
  std::lock_guard lock(handle(c)->mu);
  std::free(c->name);
  std::free(c->configfile);
  c->name = dup_string(newname);
  c->configfile = dup_string(r->config_path());
  handle(c)->cfg.reset();
  return ok(c, {});
}

const config::Conf* conf_of(lxc_container* c, std::optional<config::ConfigFile>& keep) {
  auto f = config::ConfigFile::load(c->configfile);
  if (!f) return nullptr;
  keep = std::move(*f);
  return &keep->conf();
}

bool reboot(lxc_container* c) {
  std::optional<config::ConfigFile> keep;
  return ok(c, container(c).reboot(conf_of(c, keep)));
}

bool reboot2(lxc_container* c, int timeout) {
  std::optional<config::ConfigFile> keep;
  return ok(c, container(c).reboot(conf_of(c, keep), timeout));
}

bool shutdown(lxc_container* c, int timeout) {
  std::optional<config::ConfigFile> keep;
  return ok(c, container(c).shutdown(conf_of(c, keep), timeout));
}

// The container's interfaces (lo included, as liblxc's).
char** get_interfaces(lxc_container* c) {
  pid_t pid = init_pid(c);
  if (pid <= 0) {
    set_error(c, Error{ESRCH, std::string(c->name) + " is not running"});
    return nullptr;
  }
  auto names = api::output_in_namespaces(pid, CLONE_NEWNET, [] {
    std::string out;
    if (struct if_nameindex* ifs = ::if_nameindex()) {
      for (auto* i = ifs; i->if_name; ++i) out += std::string(i->if_name) + "\n";
      ::if_freenameindex(ifs);
    }
    return out;
  });
  if (!names) {
    set_error(c, names.error());
    return nullptr;
  }
  return dup_string_array(split(*names, "\n"));
}

// Addresses of the container's interfaces other than lo, or of the one
// named; family "inet" or "inet6" (NULL: both). IPv6 link-local addresses
// are left out (liblxc's scope 0, global); lxcpp takes no other scope.
char** get_ips(lxc_container* c, const char* interface, const char* family, int scope) {
  if (scope != 0) {
    set_error(c, unsupported("get_ips of a scope other than 0").error());
    return nullptr;
  }
  int fam = !family ? 0 : std::strcmp(family, "inet") == 0 ? AF_INET : std::strcmp(family, "inet6") == 0 ? AF_INET6 : -1;
  if (fam < 0) {
    set_error(c, Error{EINVAL, std::string("unknown address family ") + family});
    return nullptr;
  }
  return dup_string_array(container(c).ips(fam, std::nullopt, interface ? interface : ""));
}

int get_cgroup_item(lxc_container* c, const char* subsys, char* retv, int inlen) {
  if (!subsys) return -1;
  auto v = api::get_cgroup_item(container(c), subsys);
  if (!v) {
    set_error(c, v.error());
    return -1;
  }
  clear_error(c);
  return copy_out(*v, retv, inlen);
}

bool set_cgroup_item(lxc_container* c, const char* subsys, const char* value) {
  if (!subsys || !value) return ok(c, fail(EINVAL, "set_cgroup_item: no key or value"));
  return ok(c, api::set_cgroup_item(container(c), subsys, value));
}

const char* get_config_path(lxc_container* c) { return c->config_path; }

bool set_config_path(lxc_container* c, const char* path) {
  if (!path) return ok(c, fail(EINVAL, "set_config_path: no path"));
  std::lock_guard lock(handle(c)->mu);
  std::free(c->config_path);
  std::free(c->configfile);
  c->config_path = dup_string(path);
  c->configfile = dup_string(container(c).config_path());
  handle(c)->cfg.reset();
  return true;
}

lxc_container* clone(lxc_container* c, const char* newname, const char* lxcpath, int flags, const char* bdevtype,
                     const char* bdevdata, uint64_t newsize, char** hookargs) {
  (void)bdevdata;
  api::CopyOptions o;
  o.new_name = newname ? newname : "";
  o.new_lxcpath = lxcpath ? lxcpath : "";
  o.bdev = bdevtype ? bdevtype : "";
  o.snapshot = flags & LXC_CLONE_SNAPSHOT;
  o.keep_name = flags & LXC_CLONE_KEEPNAME;
  o.keep_mac = flags & LXC_CLONE_KEEPMACADDR;
  o.keep_bdev_type = flags & LXC_CLONE_KEEPBDEVTYPE;
  o.maybe_snapshot = flags & LXC_CLONE_MAYBE_SNAPSHOT;
  o.allow_running = flags & LXC_CLONE_ALLOW_RUNNING;
  o.fssize = newsize;
  for (int i = 0; hookargs && hookargs[i]; ++i) o.hook_args.emplace_back(hookargs[i]);
  auto r = api::copy(container(c), o);
  if (!r) {
    set_error(c, r.error());
    return nullptr;
  }
  clear_error(c);
  return lxc_container_new(r->name().c_str(), r->lxcpath().c_str());
}

// The tty's fd (closing it gives the tty back) and, in ptxfd, its pty master.
int console_getfd(lxc_container* c, int* ttynum, int* ptxfd) {
  auto t = api::open_console(container(c), ttynum ? *ttynum : -1);
  if (!t) {
    set_error(c, t.error());
    return -1;
  }
  if (ttynum) *ttynum = t->tty;
  if (ptxfd) *ptxfd = t->master.release();
  return t->connection.release();
}

// lxc-console's session on the caller's fds: tty ttynum (-1: the first free
// one, 0: the console) until <escape q> (escape 1 is Ctrl+a), the end of
// stdinfd's input, or the container's stop.
int console(lxc_container* c, int ttynum, int stdinfd, int stdoutfd, int stderrfd, int escape) {
  auto ct = container(c);
  // Subscribed first, so that a stop while we attach is not missed.
  auto state = api::subscribe_state(ct);
  if (!state) return ok(c, unexpected(state.error())) ? 0 : -1;
  auto con = api::open_console(ct, ttynum);
  if (!con) return ok(c, unexpected(con.error())) ? 0 : -1;
  std::string banner = console::banner(con->tty, escape);
  [[maybe_unused]] auto n = ::write(stderrfd, banner.data(), banner.size());
  console::RawMode raw;
  if (::isatty(stdinfd)) {
    auto r = console::RawMode::enter(stdinfd);
    if (!r) return ok(c, unexpected(r.error())) ? 0 : -1;
    raw = std::move(*r);
  }
  auto end = console::run_proxy({stdinfd, stdoutfd, con->master.get(), state->get(), escape});
  raw.restore();
  return ok(c, end ? Result<void>() : Result<void>(unexpected(end.error()))) ? 0 : -1;
}

int snapshot(lxc_container* c, const char* commentfile) {
  auto s = api::snapshot(container(c), commentfile ? commentfile : "");
  if (!s) {
    set_error(c, s.error());
    return -1;
  }
  clear_error(c);
  return static_cast<int>(parse_u64(std::string_view(*s).substr(4)).value_or(0));
}

void free_snapshot(lxc_snapshot* s) {
  std::free(s->name);
  std::free(s->comment_pathname);
  std::free(s->timestamp);
  std::free(s->lxcpath);
}

int snapshot_list(lxc_container* c, lxc_snapshot** out) {
  if (!out) return -1;
  auto l = api::list_snapshots(container(c));
  if (!l) {
    set_error(c, l.error());
    return -1;
  }
  *out = nullptr;
  if (l->empty()) return 0;
  auto* arr = static_cast<lxc_snapshot*>(std::calloc(l->size(), sizeof(lxc_snapshot)));
  if (!arr) return -1;
  for (size_t i = 0; i < l->size(); ++i) {
    const auto& s = (*l)[i];
    arr[i].name = dup_string(s.name);
    // As liblxc: where its comment is or would be (python3-lxc reads it unchecked).
    arr[i].comment_pathname = dup_string(s.comment_path.empty() ? s.lxcpath + "/" + s.name + "/comment" : s.comment_path);
    arr[i].timestamp = dup_string(s.timestamp);
    arr[i].lxcpath = dup_string(s.lxcpath);
    arr[i].free = free_snapshot;
  }
  *out = arr;
  return static_cast<int>(l->size());
}

bool snapshot_restore(lxc_container* c, const char* snapname, const char* newname) {
  if (!snapname) return ok(c, fail(EINVAL, "snapshot_restore: no snapshot name"));
  return ok(c, api::restore_snapshot(container(c), snapname, newname ? newname : ""));
}

bool snapshot_destroy(lxc_container* c, const char* snapname) {
  if (!snapname) return ok(c, fail(EINVAL, "snapshot_destroy: no snapshot name"));
  return ok(c, api::destroy_snapshot(container(c), snapname));
}

bool snapshot_destroy_all(lxc_container* c) {
  auto l = api::list_snapshots(container(c));
  if (!l) return ok(c, unexpected(l.error()));
  for (const auto& s : *l)
    if (auto r = api::destroy_snapshot(container(c), s.name); !r) return ok(c, r);
  return ok(c, {});
}

// As liblxc: whoever may write the container's directory (or its lxcpath,
// for one not made yet) controls it.
bool may_control(lxc_container* c) {
  if (::geteuid() == 0) return true;
  std::string dir = container(c).dir();
  return ::access(is_dir(dir) ? dir.c_str() : c->config_path, W_OK) == 0;
}

bool add_device_node(lxc_container* c, const char* src, const char* dst) {
  if (!src) return ok(c, fail(EINVAL, "add_device_node: no device"));
  return ok(c, container(c).add_device_node(src, dst ? dst : ""));
}

bool remove_device_node(lxc_container* c, const char* src, const char* dst) {
  if (!src) return ok(c, fail(EINVAL, "remove_device_node: no device"));
  return ok(c, container(c).remove_device_node(src, dst ? dst : ""));
}

bool attach_interface(lxc_container* c, const char* dev, const char* dst) {
  if (!dev) return ok(c, fail(EINVAL, "attach_interface: no interface"));
  return ok(c, container(c).attach_interface(dev, dst ? dst : ""));
}

bool detach_interface(lxc_container* c, const char* dev, const char* dst) {
  if (!dev) return ok(c, fail(EINVAL, "detach_interface: no interface"));
  return ok(c, container(c).detach_interface(dev, dst ? dst : ""));
}

bool checkpoint(lxc_container* c, char*, bool, bool) { return ok(c, unsupported("checkpoint (CRIU)")); }
bool restore(lxc_container* c, char*, bool) { return ok(c, unsupported("restore (CRIU)")); }

int migrate(lxc_container* c, unsigned int, migrate_opts*, unsigned int) {
  set_error(c, unsupported("migrate (CRIU)").error());
  return -1;
}

int console_log(lxc_container* c, lxc_console_log* log) {
  if (!log) return -EINVAL;
  auto text = api::console_log(container(c), log->clear);
  if (!text) {
    set_error(c, text.error());
    return -(text.error().code ? text.error().code : EIO);
  }
  if (log->read) {
    std::string s = *text;
    if (log->read_max && *log->read_max > 0 && s.size() > *log->read_max) s.resize(*log->read_max);
    if (log->read_max) *log->read_max = s.size();
    log->data = dup_string(s);
  }
  return 0;
}

int mount(lxc_container* c, const char*, const char*, const char*, unsigned long, const void*, lxc_mount*) {
  set_error(c, unsupported("mount injection").error());
  return -ENOSYS;
}

int umount(lxc_container* c, const char*, unsigned long, lxc_mount*) {
  set_error(c, unsupported("mount injection").error());
  return -ENOSYS;
}

int seccomp_notify_fd(lxc_container* c) {
  set_error(c, unsupported("the seccomp notify fd").error());
  return -ENOSYS;
}

int devpts_fd(lxc_container* c) {
  set_error(c, unsupported("devpts_fd").error());
  return -ENOSYS;
}

}  // namespace

void fill_methods(lxc_container* c) {
  c->is_defined = is_defined;
  c->state = state;
  c->is_running = is_running;
  c->freeze = freeze;
  c->unfreeze = unfreeze;
  c->init_pid = init_pid;
  c->load_config = load_config;
  c->start = start;
  c->startl = startl;
  c->stop = stop;
  c->want_daemonize = want_daemonize;
  c->want_close_all_fds = want_close_all_fds;
  c->config_file_name = config_file_name;
  c->wait = wait;
  c->set_config_item = set_config_item;
  c->destroy = destroy;
  c->save_config = save_config;
  c->create = create;
  c->createl = createl;
  c->rename = rename;
  c->reboot = reboot;
  c->shutdown = shutdown;
  c->clear_config = clear_config;
  c->clear_config_item = clear_config_item;
  c->get_config_item = get_config_item;
  c->get_running_config_item = get_running_config_item;
  c->get_keys = get_keys;
  c->get_interfaces = get_interfaces;
  c->get_ips = get_ips;
  c->get_cgroup_item = get_cgroup_item;
  c->set_cgroup_item = set_cgroup_item;
  c->get_config_path = get_config_path;
  c->set_config_path = set_config_path;
  c->clone = clone;
  c->console_getfd = console_getfd;
  c->console = console;
  c->snapshot = snapshot;
  c->snapshot_list = snapshot_list;
  c->snapshot_restore = snapshot_restore;
  c->snapshot_destroy = snapshot_destroy;
  c->may_control = may_control;
  c->add_device_node = add_device_node;
  c->remove_device_node = remove_device_node;
  c->attach_interface = attach_interface;
  c->detach_interface = detach_interface;
  c->checkpoint = checkpoint;
  c->restore = restore;
  c->destroy_with_snapshots = destroy_with_snapshots;
  c->snapshot_destroy_all = snapshot_destroy_all;
  c->migrate = migrate;
  c->console_log = console_log;
  c->reboot2 = reboot2;
  c->mount = mount;
  c->umount = umount;
  c->seccomp_notify_fd = seccomp_notify_fd;
  c->seccomp_notify_fd_active = seccomp_notify_fd;
  c->init_pidfd = init_pidfd;
  c->devpts_fd = devpts_fd;
  fill_attach_methods(c);
}

}  // namespace lxc::capi

using lxc::capi::Handle;

extern "C" {

lxc_container* lxc_container_new(const char* name, const char* configpath) {
  if (!name || !lxc::api::check_name(name)) {
    errno = EINVAL;
    return nullptr;
  }
  std::string lxcpath = configpath ? configpath : lxc::config::default_lxcpath();
  auto* c = static_cast<lxc_container*>(std::calloc(1, sizeof(lxc_container)));
  if (!c) return nullptr;
  auto* h = new Handle;
  c->lxc_conf = reinterpret_cast<lxc_conf*>(h);
  c->name = ::strdup(name);
  c->config_path = ::strdup(lxcpath.c_str());
  c->configfile = ::strdup(lxc::api::Container(name, lxcpath).config_path().c_str());
  c->numthreads = 1;
  c->daemonize = true;
  lxc::capi::fill_methods(c);
  // As liblxc: a config file that exists is loaded now, and one that does
  // not load makes no container object.
  if (::access(c->configfile, F_OK) == 0 && !c->load_config(c, nullptr)) {
    std::fprintf(stderr, "Failed to load config for %s: %s\n", name, c->error_string ? c->error_string : "");
    lxc_container_put(c);
    return nullptr;
  }
  return c;
}

int lxc_container_get(lxc_container* c) {
  if (!c || !c->lxc_conf) return -1;
  Handle* h = lxc::capi::handle(c);
  std::lock_guard lock(h->mu);
  if (h->refs <= 0) return 0;
  ++h->refs;
  ++c->numthreads;
  return 1;
}

int lxc_container_put(lxc_container* c) {
  if (!c || !c->lxc_conf) return -1;
  Handle* h = lxc::capi::handle(c);
  {
    std::lock_guard lock(h->mu);
    --c->numthreads;
    if (--h->refs > 0) return 0;
  }
  delete h;
  std::free(c->name);
  std::free(c->configfile);
  std::free(c->pidfile);
  std::free(c->config_path);
  std::free(c->error_string);
  std::free(c);
  return 1;
}

}  // extern "C"
