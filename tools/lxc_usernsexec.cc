// lxc-usernsexec: run a command as root in a new user namespace (and a new
// mount namespace), with the id maps of -m, or by default the caller's first
// /etc/subuid and /etc/subgid ranges at id 0. As LXC: options "m:hs", the
// command defaults to /bin/sh, its exit status is ours, and every failure of
// our own is exit status 1.
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "tools/tools.h"
#include "userns/idmap.h"
#include "userns/process.h"

namespace lxc::tools {
namespace {

constexpr const char* kProg = "lxc-usernsexec";

void usage(const char* argv0, FILE* out) {
  std::fprintf(out,
               "usage: %s [-h] [-m <uid-maps>] [-s] -- [command [arg ..]]\n"
               "\n"
               "  -h            this message\n"
               "\n"
               "  -m <uid-maps> uid maps to use\n"
               "\n"
               "  -s:           map self\n"
               "  uid-maps: [u|g|b]:ns_id:host_id:range\n"
               "            [u|g|b]: map user id, group id, or both\n"
               "            ns_id: the base id in the new namespace\n"
               "            host_id: the base id in the parent namespace\n"
               "            range: how many ids to map\n"
               "  Note: This program uses newuidmap(2) and newgidmap(2).\n"
               "        As such, /etc/subuid and /etc/subgid must grant the\n"
               "        calling user permission to use the mapped ranges\n",
               argv0);
}

void error(const char* fmt, const std::string& a = {}, int err = 0) {
  std::fprintf(stderr, "%s: ", kProg);
  std::fprintf(stderr, fmt, a.c_str());
  if (err) std::fprintf(stderr, ": %s", std::strerror(err));
  std::fputc('\n', stderr);
}

// The child, between fork and exec: waits until its maps are written, then
// becomes root of the namespace and runs the command. Returns only on failure.
void run_child(int ready_wr, int go_rd, char** argv) {
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
    error("Failed to unshare mount and user namespace", {}, errno);
    return;
  }
  char c = '1';
  if (::write(ready_wr, &c, 1) != 1) return;
  ::close(ready_wr);
  // The parent closes the pipe without a byte when it could not map us.
  if (::read(go_rd, &c, 1) != 1 || c != '1') return;
  ::close(go_rd);
  // With newgidmap, setgroups is allowed; after a direct unprivileged gid map it is denied (EPERM).
  if (::setgroups(0, nullptr) < 0 && errno != EPERM) {
    error("Failed to setgroups(0, NULL)", {}, errno);
    return;
  }
  if (::setresgid(0, 0, 0) < 0) {
    error("Failed to setresgid(0, 0, 0) (is gid 0 mapped?)", {}, errno);
    return;
  }
  if (::setresuid(0, 0, 0) < 0) {
    error("Failed to setresuid(0, 0, 0) (is uid 0 mapped?)", {}, errno);
    return;
  }
  // Mounts made inside must not propagate back to the host's namespace.
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
    error("Failed to recursively turn root mount tree into dependent mount", {}, errno);
    return;
  }
  ::execvp(argv[0], argv);
  error("Failed to execute \"%s\"", argv[0], errno);
}

Result<std::vector<userns::IdMap>> caller_default_maps() {
  uid_t uid = ::getuid();
  struct passwd pw, *found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found)
    return fail(ENOENT, "Failed to get password record for uid " + std::to_string(uid));
  return userns::default_maps(pw.pw_name, uid);
}

}  // namespace

int lxc_usernsexec_main(int argc, char** argv) {
  std::vector<userns::IdMap> maps;
  bool map_self = false;
  optind = 1;
  opterr = 1;
  int opt;
  // '+': the command's own options are not ours even without "--".
  while ((opt = ::getopt(argc, argv, "+m:hs")) != -1) {
    switch (opt) {
      case 'm': {
        auto m = userns::parse_map_arg(optarg);
        if (!m) {
          error("%s", describe(m.error()));
          usage(argv[0], stdout);
          return 1;
        }
        maps.insert(maps.end(), m->begin(), m->end());
        break;
      }
      case 'h':
        usage(argv[0], stdout);
        return 0;
      case 's':
        map_self = true;
        break;
      default:
        usage(argv[0], stdout);
        return 1;
    }
  }
  if (maps.empty()) {
    auto d = caller_default_maps();
    if (!d) {
      // "has no range for USER" says it all; a missing file needs its errno.
      error("%s", d.error().code == ENOENT && d.error().what.find("has no range") != std::string::npos
                      ? d.error().what
                      : describe(d.error()));
      std::fprintf(stderr, "Failed to find subuid or subgid allocation\n");
      return 1;
    }
    maps = std::move(*d);
  }
  if (map_self) userns::add_self_maps(maps, ::getuid(), ::getgid());

  static char sh[] = "/bin/sh";
  char* default_argv[] = {sh, nullptr};
  char** cmd = optind < argc ? argv + optind : default_argv;

  int ready[2], go[2];
  if (::pipe2(ready, O_CLOEXEC) < 0 || ::pipe2(go, O_CLOEXEC) < 0) {
    error("Failed to open new pipe", {}, errno);
    return 1;
  }
  UniqueFd ready_rd(ready[0]), ready_wr(ready[1]), go_rd(go[0]), go_wr(go[1]);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    error("Failed to fork", {}, errno);
    return 1;
  }
  if (pid == 0) {
    ready_rd.reset();
    go_wr.reset();
    run_child(ready_wr.get(), go_rd.get(), cmd);
    std::fflush(nullptr);
    ::_exit(1);
  }
  ready_wr.reset();
  go_rd.reset();
  // Like system(3): a ^C at the terminal reaches the command, which decides;
  // we report how it ended. A kill of ours is passed on.
  userns::relay_signals_to(pid);

  char c = 0;
  ssize_t n;
  do n = ::read(ready_rd.get(), &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) {  // the child failed to unshare and said why
    (void)userns::wait_exit_status(pid);
    return 1;
  }
  if (auto r = userns::write_id_maps(pid, maps); !r) {
    error("%s", describe(r.error()));
    std::fprintf(stderr, "Failed to write id mapping for child process\n");
    go_wr.reset();
    (void)userns::wait_exit_status(pid);
    return 1;
  }
  c = '1';
  if (::write(go_wr.get(), &c, 1) != 1) {
    error("Failed to write to pipe file descriptor %s", std::to_string(go_wr.get()), errno);
    ::kill(pid, SIGKILL);
    (void)userns::wait_exit_status(pid);
    return 1;
  }
  go_wr.reset();
  auto status = userns::wait_exit_status(pid);
  if (!status) {
    error("Failed to wait on child process", {}, status.error().code);
    return 1;
  }
  return *status;
}

}  // namespace lxc::tools
