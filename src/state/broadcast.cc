#include "state/broadcast.h"

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "config/system.h"

namespace lxc::state_broadcast {
namespace {

// One spelling of an lxcpath for both sides ("/var/lib/lxc/" and a symlink
// to it are /var/lib/lxc).
std::string canonical(const std::string& lxcpath) {
  if (char* real = ::realpath(lxcpath.c_str(), nullptr)) {
    std::string out(real);
    std::free(real);
    return out;
  }
  std::string out = lxcpath;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// RUNDIR/monitor: exists only while some lxc-monitor listens.
std::string listeners_root() { return config::default_paths().run_dir + "/monitor"; }

std::string dir_of(const std::string& canonical_lxcpath) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a_64(canonical_lxcpath)));
  return listeners_root() + "/" + hash;
}

// Sends "LXCPATH\0NAME\0KIND\0VALUE" (KIND state or exit) to each listener.
void send_all(const std::string& lxcpath, const std::string& name, std::string_view kind, const std::string& value) {
  // The usual case, no lxc-monitor at all: one failed access(), no path resolved.
  if (::access(listeners_root().c_str(), F_OK) != 0) return;
  const std::string where = canonical(lxcpath);
  const std::string dir = dir_of(where);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;  // nobody listens
  std::string msg = where;
  for (std::string_view part : {std::string_view(name), kind, std::string_view(value)}) {
    msg += '\0';
    msg += part;
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  while (fd) {
    struct dirent* e = ::readdir(d);
    if (!e) break;
    if (e->d_name[0] == '.') continue;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = dir + "/" + e->d_name;
    if (path.size() >= sizeof addr.sun_path) continue;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::sendto(fd.get(), msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
                 sizeof addr) < 0 &&
        errno == ECONNREFUSED)
      ::unlink(path.c_str());  // its lxc-monitor was killed
  }
  ::closedir(d);
}

}  // namespace

std::string listener_dir(const std::string& lxcpath) { return dir_of(canonical(lxcpath)); }

void send_state(const std::string& lxcpath, const std::string& name, State s) {
  send_all(lxcpath, name, "state", std::string(state_name(s)));
}

void send_exit(const std::string& lxcpath, const std::string& name, int wait_status) {
  send_all(lxcpath, name, "exit", std::to_string(wait_status));
}

Result<Listener> Listener::open(const std::string& lxcpath) {
  const std::string dir = listener_dir(lxcpath);
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return fail_sys("socket");
  std::string path = dir + "/" + std::to_string(::getpid());
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return fail(ENAMETOOLONG, path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // Twice: the last listener going may remove the directory in between.
  for (int attempt = 0;; ++attempt) {
    if (auto r = mkdir_p(dir, 0755); !r) return unexpected(r.error());
    ::unlink(path.c_str());  // a killed lxc-monitor's with our pid
    // Only this user (and root) may tell it anything.
    mode_t old = ::umask(0077);
    int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc == 0) break;
    if (errno != ENOENT || attempt > 0) return fail_sys("bind " + path);
  }
  return Listener(std::move(fd), std::move(path), canonical(lxcpath));
}

Listener::Listener(Listener&& other) noexcept
    : fd_(std::move(other.fd_)), path_(std::move(other.path_)), lxcpath_(std::move(other.lxcpath_)) {
  other.path_.clear();
}

Listener::~Listener() {
  if (path_.empty()) return;
  ::unlink(path_.c_str());
  // The last one out: no directory for the monitors to look into.
  const std::string dir = dirname_of(path_);
  if (::rmdir(dir.c_str()) == 0) ::rmdir(dirname_of(dir).c_str());
}

Result<Event> Listener::receive() {
  char buf[8192];
  ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
  if (n < 0) return fail_sys("receive a state change");
  std::vector<std::string> f;
  std::string_view rest(buf, static_cast<size_t>(n));
  for (;;) {
    size_t z = rest.find('\0');
    f.emplace_back(rest.substr(0, z));
    if (z == std::string_view::npos) break;
    rest.remove_prefix(z + 1);
  }
  if (f.size() != 4) return fail(EINVAL, "a state change message of " + std::to_string(f.size()) + " fields");
  // Another lxcpath whose hash is the same: not for us.
  if (f[0] != lxcpath_) return fail(EAGAIN, "a state change of another lxcpath");
  Event ev;
  ev.lxcpath = f[0];
  ev.name = f[1];
  if (f[2] == "exit") {
    auto v = parse_i64(f[3]);
    if (!v) return fail(EINVAL, "a bad exit status");
    ev.exited = true;
    ev.exit_status = static_cast<int>(*v);
    return ev;
  }
  auto s = parse_state(f[3]);
  if (f[2] != "state" || !s) return fail(EINVAL, "a bad state change message");
  ev.state = *s;
  return ev;
}

}  // namespace lxc::state_broadcast
