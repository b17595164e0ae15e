#include "templates/busybox.h"

#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/file.h"
#include "base/spawn.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "templates/root_dir.h"

extern char** environ;

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

// The directories the script makes (mkdir -p, then chmod 755 on each).
constexpr std::string_view kTree[] = {"selinux", "dev",     "home",     "root", "etc",     "etc/init.d", "bin",
                                      "usr/bin", "sbin",    "usr/sbin", "proc", "sys",     "mnt",        "tmp",
                                      "var/log", "var/run", "dev/pts",  "lib",  "usr/lib", "lib64",      "usr/lib64"};

// Host library directories bind-mounted read-only when they exist.
constexpr std::string_view kLibDirs[] = {"lib", "usr/lib", "lib64", "usr/lib64"};

constexpr std::string_view kRcS =
    "#!/bin/sh\n"
    "/bin/syslogd\n"
    "/bin/mount -a\n"
    "/bin/udhcpc\n";

// busybox init: rcS first, a getty on tty1, a shell on the console.
constexpr std::string_view kInittab =
    "::sysinit:/etc/init.d/rcS\n"
    "tty1::respawn:/bin/getty -L tty1 115200 vt100\n"
    "console::askfirst:/bin/sh\n";

constexpr std::string_view kUdhcpcScript = R"(#!/bin/sh
case "$1" in
  deconfig)
    ip addr flush dev $interface
    ;;

  renew|bound)
    # flush all the routes
    if [ -n "$router" ]; then
      ip route del default 2> /dev/null
    fi

    # check broadcast
    if [ -n "$broadcast" ]; then
      broadcast="broadcast $broadcast"
    fi

    # add a new ip address
    ip addr add $ip/$mask $broadcast dev $interface

    if [ -n "$router" ]; then
      ip route add default via $router dev $interface
    fi

    [ -n "$domain" ] && echo search $domain > /etc/resolv.conf
    for i in $dns ; do
      grep "nameserver $i" /etc/resolv.conf > /dev/null 2>&1
      if [ $? -ne 0 ]; then
        echo nameserver $i >> /etc/resolv.conf
      fi
    done
    ;;
esac
exit 0
)";

template <class T>
T read_uint(std::string_view b, size_t off, bool little) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    T byte = static_cast<unsigned char>(b[off + i]);
    v |= little ? byte << (8 * i) : byte << (8 * (sizeof(T) - 1 - i));
  }
  return v;
}

// Runs "BUSYBOX --list" and returns its output: the one exec the template makes.
// The output goes to a memfd, read once busybox has exited: busybox writes
// each name and newline with a write of its own (~540 of them), and through a
// pipe every one of them woke this process up.
Result<std::string> busybox_list(const std::string& busybox) {
  UniqueFd out(::memfd_create("busybox-list", MFD_CLOEXEC));
  if (!out) return fail_sys("memfd_create");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out.get(), 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const char* argv[] = {busybox.c_str(), "--list", nullptr};
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, busybox.c_str(), &fa, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return fail(err, "run " + busybox + " --list");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail(0, busybox + " --list failed");
  // The file offset is shared with the child's stdout: back to the start.
  if (::lseek(out.get(), 0, SEEK_SET) < 0) return fail_sys("seek busybox --list output");
  return read_to_end(out.get(), busybox + " --list output");
}

void print_usage(const std::string& busybox) {
  std::printf(
      "LXC busybox image builder\n\n"
      "Special arguments:\n\n"
      "  [ -h | --help ]: Print this help message and exit.\n\n"
      "LXC internal arguments:\n\n"
      "  [ --name <name> ]: The container name\n"
      "  [ --path <path> ]: The path to the container\n"
      "  [ --rootfs <rootfs> ]: The path to the container's rootfs (default: config or <path>/rootfs)\n"
      "  [ --mapped-uid <map> ]: A uid map (user namespaces)\n"
      "  [ --mapped-gid <map> ]: A gid map (user namespaces)\n\n"
      "BUSYBOX template specific arguments:\n\n"
      "  [ --busybox-path <path> ]: busybox pathname (default: %s)\n\n",
      busybox.c_str());
}

Result<void> install(const RootDir& root, std::string_view binary, const std::vector<std::string>& applets) {
  for (auto d : kTree)
    if (auto r = root.make_dirs(d, 0755); !r) return r;
  // /tmp for every user, with the sticky bit.
  if (auto r = root.chmod("tmp", 01777); !r) return r;
  // The script appends (>>) to these files; so does this.
  if (auto r = root.write_file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644, true); !r) return r;
  if (auto r = root.write_file("etc/group", "root:x:0:root\n", 0644, true); !r) return r;
  if (auto r = root.write_file("etc/init.d/rcS", kRcS, 0744, true); !r) return r;
  if (auto r = root.write_file("etc/inittab", kInittab, 0644, true); !r) return r;

  std::string script = udhcpc_default_script(binary);
  std::string script_dir = dirname_of(script);
  if (auto r = root.make_dirs(script_dir, 0755); !r) return r;
  if (auto r = root.write_file(script, kUdhcpcScript, 0744, true); !r) return r;
  // The script sets 644 on the directory of the udhcpc script; kept for an
  // identical tree (root in the container searches it all the same). Set
  // after writing the script in it, which an unprivileged caller could not
  // do otherwise.
  if (auto r = root.chmod(script_dir, 0644); !r) return r;

  // busybox itself, then a link per applet beside it.
  if (auto r = root.write_file("bin/busybox", binary, 0755); !r) return r;
  auto bin = root.open_dir("bin");
  if (!bin) return unexpected(bin.error());
  for (const auto& a : applets) {
    if (::symlinkat("busybox", bin->get(), a.c_str()) < 0 && errno != EEXIST)
      return fail_sys("symlink " + root.path() + "/bin/" + a);
  }
  // /sbin/init is a hard link to busybox.
  auto sbin = root.open_dir("sbin");
  if (!sbin) return unexpected(sbin.error());
  if (::linkat(bin->get(), "busybox", sbin->get(), "init", 0) < 0 && errno != EEXIST)
    return fail_sys("link " + root.path() + "/sbin/init");
  // "mount -a" needs /etc/fstab.
  if (auto r = root.write_file("etc/fstab", "", 0644, true); !r) return r;
  // The script's "chmod +s bin/passwd" follows the link: busybox (and so
  // /sbin/init) becomes setuid and setgid root.
  if (std::find(applets.begin(), applets.end(), "passwd") != applets.end()) {
    if (auto r = root.chmod("bin/busybox", 06755); !r) return r;
  }
  if (auto r = root.write_file("etc/shadow", "", 0644, true); !r) return r;
  return {};
}

class BusyboxTemplate final : public Template {
 public:
  const std::string& path() const override { return path_; }
  bool appends_to_config_file() const override { return false; }

  void print_help() const override {
    std::string bb = find_program("busybox");
    print_usage(bb);
  }

  Result<std::string> run(const Request& req) const override {
    // The arguments exactly as LXC passes them to the script.
    std::vector<std::string> args = {"--path=" + req.path, "--name=" + req.name, "--rootfs=" + req.rootfs};
    args.insert(args.end(), req.args.begin(), req.args.end());
    auto a = parse_busybox_args(args);
    if (!a) {
      if (!req.quiet) print_usage(find_program("busybox"));
      return fail(EINVAL, "busybox template: " + a.error().what);
    }
    if (a->help) {
      if (!req.quiet) print_usage(find_program("busybox"));
      return std::string();
    }
    if (a->name.empty() || a->path.empty())
      return fail(EINVAL, "busybox template: Please pass the name and path for the container");
    std::string busybox = a->busybox_path.empty() ? find_program("busybox") : a->busybox_path;
    if (busybox.empty())
      return fail(
          ENOENT,
          "busybox template: no busybox found in PATH; install busybox-static (apt-get install busybox-static)");
    if (::access(busybox.c_str(), X_OK) < 0)
      return fail_sys("busybox template: Failed to find busybox binary (" + busybox + ")");
    // Mapped, not read: the 2 MB go from the page cache to the new file
    // without a copy in the heap.
    auto mapped = MappedFile::open(busybox);
    if (!mapped) return unexpected(with_context(mapped.error(), "busybox template"));
    std::string_view binary = mapped->view();
    auto stat_elf = is_static_elf(binary);
    if (!stat_elf) return fail(ENOEXEC, "busybox template: " + busybox + " is not an ELF executable");
    if (!*stat_elf)
      return fail(ENOEXEC, "busybox template: " + busybox +
                               " is dynamically linked; a static busybox is needed (apt-get install busybox-static)");
    auto list = busybox_list(busybox);
    if (!list) return unexpected(with_context(list.error(), "busybox template"));
    auto applets = parse_applet_list(*list);
    if (applets.empty()) return fail(0, "busybox template: " + busybox + " --list gave no applets");

    std::string rootfs = a->rootfs.empty() ? a->path + "/rootfs" : a->rootfs;
    if (auto r = mkdir_p(rootfs, 0755); !r) return unexpected(with_context(r.error(), "busybox template"));
    auto root = RootDir::open(rootfs);
    if (!root) return unexpected(with_context(root.error(), "busybox template"));
    if (auto r = install(*root, binary, applets); !r)
      return unexpected(with_context(r.error(), "busybox template: Failed to install rootfs"));
    kLog.info("busybox rootfs in {}: {} applets from {}", rootfs, applets.size(), busybox);
    if (!a->mapped_uid.empty() || !a->mapped_gid.empty())
      kLog.warn("busybox template: --mapped-uid/--mapped-gid are not applied yet (rootfs stays owned by the caller)");
    return busybox_config_lines(a->name, [](const std::string& d) { return is_dir(d); });
  }

 private:
  std::string path_{kBusyboxScriptPath};
};

}  // namespace

std::unique_ptr<Template> busybox_template() { return std::make_unique<BusyboxTemplate>(); }

Result<bool> is_static_elf(std::string_view b) {
  if (b.size() < EI_NIDENT || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) return fail(ENOEXEC, "not an ELF file");
  bool is64 = static_cast<unsigned char>(b[EI_CLASS]) == ELFCLASS64;
  bool little = static_cast<unsigned char>(b[EI_DATA]) == ELFDATA2LSB;
  size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (b.size() < ehsize) return fail(ENOEXEC, "truncated ELF header");
  uint64_t phoff = is64 ? read_uint<uint64_t>(b, offsetof(Elf64_Ehdr, e_phoff), little)
                        : read_uint<uint32_t>(b, offsetof(Elf32_Ehdr, e_phoff), little);
  uint16_t phentsize =
      read_uint<uint16_t>(b, is64 ? offsetof(Elf64_Ehdr, e_phentsize) : offsetof(Elf32_Ehdr, e_phentsize), little);
  uint16_t phnum = read_uint<uint16_t>(b, is64 ? offsetof(Elf64_Ehdr, e_phnum) : offsetof(Elf32_Ehdr, e_phnum), little);
  if (phnum == 0) return fail(ENOEXEC, "ELF file without program headers");
  if (phentsize < 4 || phoff > b.size() || static_cast<uint64_t>(phentsize) * phnum > b.size() - phoff)
    return fail(ENOEXEC, "truncated ELF program headers");
  for (uint16_t i = 0; i < phnum; ++i) {
    // p_type is the first word of a program header in both classes.
    if (read_uint<uint32_t>(b, phoff + static_cast<uint64_t>(i) * phentsize, little) == PT_INTERP) return false;
  }
  return true;
}

std::vector<std::string> parse_applet_list(std::string_view out) {
  std::vector<std::string> applets;
  for (const auto& line : split(out, "\n")) {
    std::string_view n = trim(line);
    // The script drops every name containing "busybox" (grep -v busybox).
    if (n.empty() || n == "." || n == ".." || n.find('/') != std::string_view::npos ||
        n.find("busybox") != std::string_view::npos)
      continue;
    applets.emplace_back(n);
  }
  return applets;
}

std::string udhcpc_default_script(std::string_view binary) {
  constexpr std::string_view kSuffix = "/default.script";
  size_t pos = 0;
  while ((pos = binary.find(kSuffix, pos)) != std::string_view::npos) {
    size_t end = pos + kSuffix.size();
    pos = end;
    if (end >= binary.size() || binary[end] != '\0') continue;
    size_t start = end - kSuffix.size();
    while (start > 0 && binary[start - 1] > 0x20 && binary[start - 1] < 0x7f) --start;
    std::string_view cand = binary.substr(start, end - start);
    if (cand.starts_with("/") && cand.find("udhcpc") != std::string_view::npos) return std::string(cand);
  }
  return "/usr/share/udhcpc/default.script";
}

std::string busybox_config_lines(std::string_view name, const std::function<bool(const std::string&)>& host_dir) {
  std::string out =
      "lxc.signal.halt = SIGUSR1\n"
      "lxc.signal.reboot = SIGTERM\n"
      "lxc.uts.name = \"" +
      std::string(name) +
      "\"\n"
      "lxc.autodev = 1\n"
      "lxc.tty.max = 5\n"
      "lxc.pty.max = 1\n"
      "lxc.cap.drop = sys_module mac_admin mac_override sys_time\n"
      "\n"
      "# When using LXC with apparmor, uncomment the next line to run unconfined:\n"
      "#lxc.apparmor.profile = unconfined\n"
      "\n"
      "lxc.mount.auto = cgroup:mixed proc:mixed sys:ro\n"
      "lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0\n"
      "lxc.mount.entry = mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0\n";
  for (auto d : kLibDirs) {
    std::string dir(d);
    if (host_dir("/" + dir)) out += "lxc.mount.entry = /" + dir + " " + dir + " none ro,bind 0 0\n";
  }
  out += "lxc.mount.entry = /sys/kernel/security sys/kernel/security none ro,bind,optional 0 0\n";
  return out;
}

Result<BusyboxArgs> parse_busybox_args(const std::vector<std::string>& args) {
  BusyboxArgs a;
  struct Opt {
    std::string_view long_name;
    char short_name;
    std::string BusyboxArgs::*field;
  };
  static const Opt kOpts[] = {
      {"name", 'n', &BusyboxArgs::name},           {"path", 'p', &BusyboxArgs::path},
      {"rootfs", 0, &BusyboxArgs::rootfs},         {"mapped-uid", 0, &BusyboxArgs::mapped_uid},
      {"mapped-gid", 0, &BusyboxArgs::mapped_gid}, {"busybox-path", 0, &BusyboxArgs::busybox_path},
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") {
      a.help = true;
      continue;
    }
    const Opt* opt = nullptr;
    std::optional<std::string> value;
    if (arg.starts_with("--")) {
      std::string_view body = arg.substr(2);
      std::string_view key = body.substr(0, body.find('='));
      if (key.size() < body.size()) value = std::string(body.substr(key.size() + 1));
      for (const auto& o : kOpts)
        if (o.long_name == key) opt = &o;
    } else if (arg.size() >= 2 && arg[0] == '-') {
      for (const auto& o : kOpts)
        if (o.short_name && o.short_name == arg[1]) opt = &o;
      if (opt && arg.size() > 2) value = std::string(arg.substr(2));
    } else {
      continue;  // getopt moves operands aside; the script ignores them
    }
    if (!opt) return fail(EINVAL, "unrecognized option '" + std::string(arg) + "'");
    if (!value) {
      if (i + 1 >= args.size()) return fail(EINVAL, "option '" + std::string(arg) + "' requires an argument");
      value = args[++i];
    }
    a.*(opt->field) = std::move(*value);
  }
  return a;
}

}  // namespace lxc::templates
