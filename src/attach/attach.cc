#include "attach/attach.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "cgroups/cgroup.h"
#include "config/conf.h"
#include "log/log.h"
#include "security/caps.h"
#include "security/seccomp.h"

extern char** environ;

namespace lxc::attach {
namespace {

constexpr log::Logger kLog("attach");

struct NsInfo {
  unsigned bit;
  const char* file;
  int flag;
};
// The user namespace goes first: the others belong to it.
constexpr NsInfo kOrder[] = {{kUser, "user", CLONE_NEWUSER}, {kCgroup, "cgroup", CLONE_NEWCGROUP},
                             {kIpc, "ipc", CLONE_NEWIPC},     {kUts, "uts", CLONE_NEWUTS},
                             {kNet, "net", CLONE_NEWNET},     {kPid, "pid", CLONE_NEWPID},
                             {kMount, "mnt", CLONE_NEWNS}};

bool same_ns(pid_t pid, const char* file) {
  struct stat a {}, b {};
  std::string mine = std::string("/proc/self/ns/") + file;
  std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + file;
  return ::stat(mine.c_str(), &a) == 0 && ::stat(theirs.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// The login shell of uid from the container's /etc/passwd (read after
// entering its mount namespace), else /bin/sh.
std::string user_shell(uid_t uid) {
  auto text = read_file("/etc/passwd", 1 << 20);
  if (text) {
    for (const auto& line : split(*text, "\n")) {
      std::vector<std::string> f;
      size_t pos = 0;
      while (true) {
        size_t c = line.find(':', pos);
        f.push_back(line.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
        if (c == std::string::npos) break;
        pos = c + 1;
      }
      if (f.size() >= 7 && parse_u64(f[2]) == uid && !f[6].empty()) return f[6];
    }
  }
  return "/bin/sh";
}

void build_environment(const Target& t, const AttachOptions& o) {
  if (o.clear_env) {
    std::vector<std::pair<std::string, std::string>> kept;
    for (const auto& v : o.keep_vars)
      if (const char* val = std::getenv(v.c_str())) kept.emplace_back(v, val);
    ::clearenv();
    ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    for (const auto& [k, v] : kept) ::setenv(k.c_str(), v.c_str(), 1);
  }
  ::setenv("container", "lxc", 1);
  for (const auto& e : t.environment) {
    auto eq = e.find('=');
    if (eq != std::string::npos) ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
  }
  for (const auto& e : o.set_vars) {
    auto eq = e.find('=');
    if (eq != std::string::npos) ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
  }
}

}  // namespace

Result<unsigned> parse_namespaces(std::string_view s) {
  static constexpr std::pair<std::string_view, unsigned> kNames[] = {
      {"MOUNT", kMount}, {"PID", kPid}, {"UTSNAME", kUts}, {"IPC", kIpc}, {"USER", kUser}, {"NETWORK", kNet}, {"CGROUP", kCgroup}};
  unsigned mask = 0;
  for (const auto& part : split(s, "|")) {
    bool found = false;
    for (auto [name, bit] : kNames)
      if (iequals(trim(part), name)) mask |= bit, found = true;
    if (!found)
      return fail(EINVAL, "unknown namespace \"" + part + "\" (MOUNT, PID, UTSNAME, IPC, USER, NETWORK or CGROUP)");
  }
  return mask;
}

Result<int> run(const Target& t, const AttachOptions& o) {
  // Open every namespace first: once we are in the container's mount
  // namespace, /proc/PID of the host is out of reach.
  std::vector<std::pair<UniqueFd, int>> nss;
  for (const auto& ns : kOrder) {
    if (!(o.namespaces & ns.bit)) continue;
    if (same_ns(t.init_pid, ns.file)) continue;
    std::string path = "/proc/" + std::to_string(t.init_pid) + "/ns/" + ns.file;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_sys("open " + path);
    nss.emplace_back(std::move(fd), ns.flag);
  }
  if (!o.keep_cgroup && !t.cgroup_paths.empty()) {
    auto cg = cgroups::Cgroup::deserialize(t.cgroup_paths);
    if (!cg) return unexpected(with_context(cg.error(), "cgroups"));
    if (auto r = cg->enter_payload(::getpid()); !r) return unexpected(with_context(r.error(), "join the container's cgroup"));
  }
  // The container's confinement, prepared while host paths (the seccomp
  // profile) are still reachable.
  config::Conf caps_conf;
  caps_conf.cap_drop = t.cap_drop;
  caps_conf.cap_keep = t.cap_keep;
  caps_conf.seccomp_profile = t.seccomp_profile;
  auto seccomp = security::prepare_seccomp(caps_conf);
  if (!seccomp) return unexpected(with_context(seccomp.error(), "seccomp"));
  int errpipe[2];
  if (::pipe2(errpipe, O_CLOEXEC) < 0) return fail_sys("pipe");
  for (auto& [fd, flag] : nss)
    if (::setns(fd.get(), flag) < 0) return fail_sys(std::string("enter the container's namespaces (setns ") + std::to_string(flag) + ")");
  nss.clear();


  // Our pid namespace changes only for children: the command runs in one.
  pid_t child = ::fork();
  if (child < 0) return fail_sys("fork");
  if (child == 0) {
    ::close(errpipe[0]);
    auto die = [&](int code, const std::string& what) {
      int err = errno;
      std::string msg = what + ": " + std::strerror(err);
      [[maybe_unused]] auto n = ::write(errpipe[1], msg.data(), msg.size());
      ::_exit(code);
    };
    if (::chdir("/") < 0) die(1, "chdir /");
    build_environment(t, o);
    uid_t uid = o.uid.value_or(0);
    gid_t gid = o.gid.value_or(0);
    if (!o.keep_caps)
      if (auto r = security::apply_capabilities(caps_conf); !r) {
        errno = r.error().code;
        die(1, r.error().what);
      }
    if (auto r = security::load_seccomp(*seccomp); !r) {
      errno = r.error().code;
      die(1, r.error().what);
    }
    if (::setgroups(0, nullptr) < 0 && errno != EPERM) die(1, "setgroups");
    if (::setresgid(gid, gid, gid) < 0) die(1, "setgid " + std::to_string(gid));
    if (::setresuid(uid, uid, uid) < 0) die(1, "setuid " + std::to_string(uid));
    std::vector<std::string> argv = o.argv;
    if (argv.empty()) argv = {user_shell(uid)};
    if (const char* home = std::getenv("HOME"); !home && uid == 0) ::setenv("HOME", "/root", 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execvp(args[0], args.data());
    die(errno == ENOENT ? 127 : 126, "exec " + argv[0]);
  }
  ::close(errpipe[1]);
  // Signals meant for the command go to it; we only wait.
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP}) ::signal(s, SIG_IGN);
  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = ::read(errpipe[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(n));
  ::close(errpipe[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!err.empty()) kLog.error("{}", err);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace lxc::attach
