// lxc-unshare: run a command in a new set of namespaces (clone3 with the
// flags of -s), optionally as another user (-u), with a hostname (-H), with
// host interfaces moved in (-i), with /proc, /dev/shm and /dev/mqueue
// mounted afresh (-M). The command's exit status is ours (128+N when it was
// killed by signal N), or 0 at once with -d; our own failures are 1.
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/namespaces.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "network/netdev.h"
#include "tools/args.h"
#include "tools/tools.h"
#include "userns/idmap.h"
#include "userns/process.h"

namespace lxc::tools {
namespace {

constexpr const char* kProg = "lxc-unshare";

void error(const std::string& msg, int err = 0) {
  if (err)
    std::fprintf(stderr, "%s: %s: %s\n", kProg, msg.c_str(), std::strerror(err));
  else
    std::fprintf(stderr, "%s: %s\n", kProg, msg.c_str());
}

// "NETWORK|IPC" -> flags; prints why and returns nullopt on a bad name.
std::optional<int> parse_namespaces(std::string_view arg) {
  int flags = 0;
  auto names = split(arg, "|");
  if (names.empty()) {
    error("Invalid namespace name \"" + std::string(arg) + "\"");
    return std::nullopt;
  }
  for (const auto& raw : names) {
    std::string_view name = trim(raw);
    // LXC's names (MOUNT, UTSNAME, NETWORK...) and the kernel's short ones
    // (mnt, uts, net...), in any case.
    int flag = namespace_flag_from_lxc_name(name, true);
    if (!flag) {
      error("Invalid namespace name \"" + std::string(name) +
            "\" (allowed: MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP, TIME)");
      return std::nullopt;
    }
    flags |= flag;
  }
  return flags;
}

struct Target {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// -u: a uid of an existing user, or a user name.
std::optional<Target> lookup_user(const char* arg) {
  struct passwd* pw = nullptr;
  if (auto id = parse_u64(arg); id && *id <= UINT32_MAX) {
    pw = ::getpwuid(static_cast<uid_t>(*id));
    if (!pw) {
      error(std::string("Invalid uid : ") + arg);
      return std::nullopt;
    }
  } else {
    pw = ::getpwnam(arg);
    if (!pw) {
      error(std::string("Invalid username \"") + arg + "\"");
      return std::nullopt;
    }
  }
  return Target{pw->pw_uid, pw->pw_gid, pw->pw_name};
}

struct Options {
  int flags = 0;
  std::optional<Target> user;
  std::string hostname;
  bool set_hostname = false;
  std::vector<std::string> ifnames;
  bool daemonize = false;
  bool remount = false;
  std::vector<std::string> argv;
};

// LXC's lxc_setup_fs: a fresh /proc for the new pid namespace, and
// /dev/shm and /dev/mqueue for the new ipc namespace where they exist.
bool remount_default_fs() {
  struct Fs {
    const char* source;
    const char* target;
    const char* type;
  };
  for (auto fs :
       {Fs{"proc", "/proc", "proc"}, Fs{"shmfs", "/dev/shm", "tmpfs"}, Fs{"mqueue", "/dev/mqueue", "mqueue"}}) {
    if (std::strcmp(fs.target, "/proc") != 0 && ::access(fs.target, F_OK) != 0) continue;
    (void)::umount2(fs.target, MNT_DETACH);  // may be locked (user namespace) or absent: mount over it then
    if (::mount(fs.source, fs.target, fs.type, MS_NOSUID | MS_NODEV | (fs.type[0] == 'p' ? MS_NOEXEC : 0), nullptr) <
        0) {
      error(std::string("Failed to mount ") + fs.target, errno);
      return false;
    }
  }
  return true;
}

// A uid change without a new user namespace is a real one: take the user's
// groups too, not root's. In a new user namespace only the uid is mapped.
bool switch_user(const Target& t, bool in_userns) {
  if (!in_userns) {
    if (::initgroups(t.name.c_str(), t.gid) < 0 || ::setgid(t.gid) < 0) {
      error("Failed to set gid " + std::to_string(t.gid), errno);
      return false;
    }
  }
  if (::setuid(t.uid) < 0) {
    error("Failed to set uid " + std::to_string(t.uid), errno);
    return false;
  }
  return true;
}

// In the new namespaces; returns only on failure.
void run_child(const Options& o, int go_rd) {
  char c = 0;
  // The parent writes the uid map and moves the interfaces in first.
  if (::read(go_rd, &c, 1) != 1 || c != '1') return;
  ::close(go_rd);
  if (o.flags & CLONE_NEWNS) {
    // Mounts made here must not propagate back to the host.
    if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
      error("Failed to make / a dependent mount", errno);
      return;
    }
    if (o.remount && !remount_default_fs()) return;
  }
  if (o.set_hostname && ::sethostname(o.hostname.data(), o.hostname.size()) < 0) {
    error("Failed to set hostname " + o.hostname, errno);
    return;
  }
  if (o.user && !switch_user(*o.user, o.flags & CLONE_NEWUSER)) return;
  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  error("Failed to exec: '" + o.argv[0] + "'", errno);
}

pid_t clone_child(int flags) {
  struct clone_args args {};
  args.flags = static_cast<uint64_t>(flags);
  args.exit_signal = SIGCHLD;
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

// Before the child may go on: its uid map (-u with USER) and its interfaces.
bool prepare_child(const Options& o, pid_t pid) {
  if (o.user && (o.flags & CLONE_NEWUSER)) {
    // As LXC: the target uid inside is the caller's uid outside.
    std::vector<userns::IdMap> map{{'u', o.user->uid, ::getuid(), 1}};
    if (auto r = userns::write_id_maps(pid, map, userns::Writer::Direct); !r) {
      error("Failed to map uid: " + describe(r.error()));
      return false;
    }
  }
  for (const auto& ifname : o.ifnames) {
    // As LXC, an interface that cannot be moved is reported, not fatal.
    if (auto r = network::move_link_to_netns(ifname, pid); !r)
      error("Could not move interface \"" + ifname + "\" into container " + std::to_string(pid) + ": " +
            describe(r.error()));
  }
  return true;
}

int run(const Options& o) {
  int go[2];
  if (::pipe2(go, O_CLOEXEC) < 0) {
    error("Failed to create a pipe", errno);
    return 1;
  }
  UniqueFd go_rd(go[0]), go_wr(go[1]);
  std::fflush(nullptr);
  pid_t pid = clone_child(o.flags);
  if (pid < 0) {
    error("Failed to clone", errno);
    return 1;
  }
  if (pid == 0) {
    go_wr.reset();
    run_child(o, go_rd.get());
    std::fflush(nullptr);
    ::_exit(1);
  }
  go_rd.reset();
  userns::relay_signals_to(pid);
  if (!prepare_child(o, pid)) {
    go_wr.reset();
    (void)userns::wait_exit_status(pid);
    return 1;
  }
  char c = '1';
  if (::write(go_wr.get(), &c, 1) != 1) {
    error("Failed to wake the child", errno);
    ::kill(pid, SIGKILL);
    (void)userns::wait_exit_status(pid);
    return 1;
  }
  go_wr.reset();
  if (o.daemonize) return 0;
  auto status = userns::wait_exit_status(pid);
  if (!status) {
    error("Failed to wait for '" + std::to_string(pid) + "'", status.error().code);
    return 1;
  }
  return *status;
}

}  // namespace

int lxc_unshare_main(int argc, char** argv) {
  Options o;
  bool have_ns = false;
  ToolSpec spec{
      kProg,
      "-s NAMESPACES COMMAND",
      "lxc-unshare run a COMMAND in a new set of NAMESPACES",
      "  -s, --namespaces=FLAGS\n"
      "                    ORed list of flags to unshare:\n"
      "                    MOUNT, PID, UTSNAME, IPC, USER, NETWORK, CGROUP, TIME\n"
      "  -u, --user=USERID\n"
      "                    new id to be set if -s USER is specified\n"
      "  -H, --hostname=HOSTNAME\n"
      "                    Set the hostname in the container\n"
      "  -i, --ifname=IFNAME\n"
      "                    Interface name to be moved into container (presumably with NETWORK unsharing set)\n"
      "  -d, --daemon      Daemonize (do not wait for container to exit)\n"
      "  -M, --remount     Remount default fs inside container (/proc /dev/shm /dev/mqueue)\n",
      "s:u:H:i:dM",
      {{"namespaces", required_argument, nullptr, 's'},
       {"user", required_argument, nullptr, 'u'},
       {"hostname", required_argument, nullptr, 'H'},
       {"ifname", required_argument, nullptr, 'i'},
       {"daemon", no_argument, nullptr, 'd'},
       {"remount", no_argument, nullptr, 'M'}},
      [&](int opt, const char* arg) {
        switch (opt) {
          case 's': {
            auto f = parse_namespaces(arg);
            if (!f) return false;
            o.flags |= *f;
            have_ns = true;
            return true;
          }
          case 'u':
            o.user = lookup_user(arg);
            return o.user.has_value();
          case 'H':
            o.hostname = arg;
            o.set_hostname = true;
            return true;
          case 'i':
            o.ifnames.emplace_back(arg);
            return true;
          case 'd':
            o.daemonize = true;
            return true;
          case 'M':
            o.remount = true;
            return true;
        }
        return false;
      },
      /*needs_name=*/false};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  o.argv = args.rest;
  if (o.argv.empty()) {
    error("A command to execute in the new namespace is required");
    return 1;
  }
  if (!have_ns) {
    error("A namespace to execute command is required");
    return 1;
  }
  if (!o.ifnames.empty() && !(o.flags & CLONE_NEWNET)) {
    error("-i <interfacename> needs -s NETWORK option");
    return 1;
  }
  if (o.set_hostname && !(o.flags & CLONE_NEWUTS)) {
    error("-H <hostname> needs -s UTSNAME option");
    return 1;
  }
  if (o.remount && !(o.flags & CLONE_NEWNS)) {
    error("-M needs -s MOUNT option");
    return 1;
  }
  return run(o);
}

}  // namespace lxc::tools
