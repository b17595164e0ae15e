// lxc-copy: copy, snapshot, rename a container, or start an ephemeral copy
// of it (lxc-copy(1)).
#include <sys/stat.h>

#include <cstdio>

#include "api/copy.h"
#include "api/destroy.h"
#include "base/random.h"
#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "storage/backend.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

constexpr log::Logger kLog("lxc_copy");

struct Mount {
  std::string type, src, dst;
  bool ro = false;
};

// LXC's parse_byte_size_string: a number with an optional B/K/M/G/T unit.
bool parse_size(std::string_view s, uint64_t& out) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  auto n = parse_u64(s.substr(0, i));
  if (!n) return false;
  std::string unit = to_lower(trim(s.substr(i)));
  if (unit.ends_with("b")) unit.pop_back();
  uint64_t mul = 1;
  if (unit == "k") mul = 1ull << 10;
  else if (unit == "m") mul = 1ull << 20;
  else if (unit == "g") mul = 1ull << 30;
  else if (unit == "t") mul = 1ull << 40;
  else if (!unit.empty()) return false;
  out = *n * mul;
  return true;
}

// -m bind=/src:/dest:ro,overlay=/src:/dest
bool parse_mounts(std::string_view arg, std::vector<Mount>& out) {
  for (const auto& item : split(arg, ",")) {
    auto eq = item.find('=');
    if (eq == std::string::npos) return false;
    Mount m;
    m.type = item.substr(0, eq);
    if (m.type != "bind" && m.type != "overlay") return false;
    auto parts = split(item.substr(eq + 1), ":");
    if (parts.empty() || parts[0].empty()) return false;
    m.src = parts[0];
    size_t i = 1;
    if (i < parts.size() && parts[i] != "ro" && parts[i] != "rw") m.dst = parts[i++];
    if (i < parts.size()) m.ro = parts[i++] == "ro";
    if (i != parts.size()) return false;
    if (m.dst.empty()) m.dst = m.src;
    out.push_back(std::move(m));
  }
  return true;
}

std::string random_suffix() { return random_alnum(6); }

// The -m entries of an ephemeral copy; an overlay mount gets an upper and a
// work directory of its own in the copy's directory.
Result<void> add_mount_entries(const std::vector<Mount>& mounts, const api::Container& n, config::ConfigFile& cfg) {
  for (const auto& m : mounts) {
    std::string dst = m.dst;
    while (dst.starts_with("/")) dst.erase(0, 1);
    std::string entry;
    if (m.type == "bind") {
      entry = m.src + " " + dst + " none bind,create=dir" + (m.ro ? ",ro" : "") + " 0 0";
    } else {
      std::string id = random_suffix();
      std::string upper = n.dir() + "/delta#" + id, work = n.dir() + "/work#" + id;
      if (auto r = mkdir_p(upper, 0755); !r) return r;
      if (auto r = mkdir_p(work, 0755); !r) return r;
      entry = m.src + " " + dst + " overlay lowerdir=" + m.src + ",upperdir=" + upper + ",workdir=" + work +
              ",create=dir 0 0";
    }
    if (auto r = cfg.set_item("lxc.mount.entry", entry); !r) return r;
  }
  return cfg.save();
}

}  // namespace

int lxc_copy_main(int argc, char** argv) {
  api::CopyOptions o;
  bool rename = false, ephemeral = false, keepdata = false, foreground = false, daemon = false, tmpfs = false;
  std::vector<Mount> mounts;
  ToolSpec spec{
      .prog = "lxc-copy",
      .usage =
          "--name=NAME [-P lxcpath] -N newname [-p newpath] [-B backingstorage] [-s] [-K] [-M] [-L size [unit]] -- "
          "hook options\n"
          "--name=NAME [-P lxcpath] [-N newname] [-p newpath] [-B backingstorage] -e [-d] [-D] [-K] [-M] [-m "
          "{bind,overlay}=/src:/dest] -- hook options\n"
          "--name=NAME [-P lxcpath] -N newname -R",
      .description = "lxc-copy clone a container",
      .options_help =
          "  -N, --newname=NEWNAME     NEWNAME for the restored container\n"
          "  -p, --newpath=NEWPATH     NEWPATH for the container to be stored\n"
          "  -R, --rename              rename container\n"
          "  -s, --snapshot            create snapshot instead of clone\n"
          "  -a, --allowrunning        allow snapshot creation even if source container is running\n"
          "  -F, --foreground          start with current tty attached to /dev/console\n"
          "  -d, --daemon              daemonize the container (default)\n"
          "  -e, --ephemeral           start ephemeral container\n"
          "  -m, --mount               directory to mount into container, either \n"
          "                            {bind,overlay}=/src-path or {bind,overlay}=/src-path:/dst-path\n"
          "  -B, --backingstorage=TYPE backingstorage type for the container\n"
          "  -t, --tmpfs               place ephemeral container on a tmpfs\n"
          "                            (WARNING: On reboot all changes made to the container will be lost.)\n"
          "  -L, --fssize              size of the new block device for block device containers\n"
          "  -D, --keepdata            pass together with -e start a persistent snapshot \n"
          "  -K, --keepname            keep the hostname of the original container\n"
          "  --  hook options          arguments passed to the hook program\n"
          "  -M, --keepmac             keep the MAC address of the original container\n"
          "  --rcfile=FILE             Load configuration file FILE\n",
      .short_opts = "N:p:RsaFdem:B:tL:DKM",
      .long_opts = {{"newname", required_argument, nullptr, 'N'},
                    {"newpath", required_argument, nullptr, 'p'},
                    {"rename", no_argument, nullptr, 'R'},
                    {"snapshot", no_argument, nullptr, 's'},
                    {"allowrunning", no_argument, nullptr, 'a'},
                    {"foreground", no_argument, nullptr, 'F'},
                    {"daemon", no_argument, nullptr, 'd'},
                    {"ephemeral", no_argument, nullptr, 'e'},
                    {"mount", required_argument, nullptr, 'm'},
                    {"backingstorage", required_argument, nullptr, 'B'},
                    {"tmpfs", no_argument, nullptr, 't'},
                    {"fssize", required_argument, nullptr, 'L'},
                    {"keepdata", no_argument, nullptr, 'D'},
                    {"keepname", no_argument, nullptr, 'K'},
                    {"keepmac", no_argument, nullptr, 'M'}},
  };
  spec.on_option = [&](int opt, const char* arg) {
    switch (opt) {
      case 'N': o.new_name = arg; return true;
      case 'p': o.new_lxcpath = arg; return true;
      case 'R': rename = true; return true;
      case 's': o.snapshot = true; return true;
      case 'a': o.allow_running = true; return true;
      case 'F': foreground = true; return true;
      case 'd': daemon = true; return true;
      case 'e': ephemeral = true; return true;
      case 'm':
        if (!parse_mounts(arg, mounts)) {
          std::fprintf(stderr, "lxc-copy: invalid mount option \"%s\"\n", arg);
          return false;
        }
        return true;
      case 'B': o.bdev = arg; return true;
      case 't': tmpfs = true; return true;
      case 'L':
        if (!parse_size(arg, o.fssize)) {
          std::fprintf(stderr, "lxc-copy: invalid size \"%s\"\n", arg);
          return false;
        }
        return true;
      case 'D': keepdata = true; return true;
      case 'K': o.keep_name = true; return true;
      case 'M': o.keep_mac = true; return true;
    }
    return false;
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  o.hook_args = args.rest;
  o.rcfile = args.rcfile;

  if (o.new_name.empty() && !ephemeral) {
    kLog.error("You must provide a NEWNAME for the clone");
    return 1;
  }
  if (!o.bdev.empty() && o.bdev != "best" && !storage::is_valid_type(o.bdev)) {
    kLog.error("Invalid backing storage type \"{}\"", o.bdev);
    return 1;
  }
  if ((foreground || daemon || !mounts.empty() || tmpfs || keepdata) && !ephemeral) {
    kLog.error("-F, -d, -m, -t and -D can only be used with -e");
    return 1;
  }
  if (foreground && daemon) {
    kLog.error("-d and -F cannot be used together");
    return 1;
  }
  api::Container c(args.name, args.lxcpath());
  if (o.rcfile.empty() && !c.is_defined()) {
    kLog.error("Container {} is not defined", c.name());
    return 1;
  }

  if (rename) {
    if (auto r = api::rename(c, o.new_name, o.new_lxcpath); !r) {
      kLog.error("{}", describe(r.error()));
      kLog.error("Renaming container {} to {} failed", c.name(), o.new_name);
      return 1;
    }
    return 0;
  }

  if (ephemeral) {
    // LXC: an ephemeral copy is always a snapshot, named NAME_XXXXXX unless -N.
    o.snapshot = true;
    if (o.new_name.empty()) {
      std::string lxcpath = o.new_lxcpath.empty() ? c.lxcpath() : o.new_lxcpath;
      do o.new_name = c.name() + "_" + random_suffix();
      while (path_exists(lxcpath + "/" + o.new_name));
    }
    if (!keepdata) o.extra_config.emplace_back("lxc.ephemeral", "1");
    o.upper_on_tmpfs = tmpfs;
  }
  auto n = api::copy(c, o);
  if (!n) {
    kLog.error("{}", describe(n.error()));
    kLog.error("Failed to clone");
    return 1;
  }
  kLog.info("Created {} as {} of {}", n->name(), o.snapshot ? "snapshot" : "clone", c.name());
  if (!ephemeral) return 0;
  // LXC names the ephemeral copy on stdout (its name may be a random one).
  if (!args.quiet) std::printf("Created %s as clone of %s\n", n->name().c_str(), c.name().c_str());
  std::fflush(stdout);

  auto cfg = n->load_config();
  if (cfg && !mounts.empty())
    if (auto r = add_mount_entries(mounts, *n, *cfg); !r) cfg = unexpected(r.error());
  if (!cfg) {
    kLog.error("{}", describe(cfg.error()));
    (void)api::destroy(*n, api::DestroyOptions{});
    return 1;
  }
  start::StartOptions so;
  so.daemonize = !foreground;
  auto r = n->start(std::move(*cfg), so);
  if (!r) {
    kLog.error("{}", describe(r.error()));
    kLog.error("The container failed to start");
    // An ephemeral container that never ran is removed here.
    if (n->is_defined() && !n->is_running()) (void)api::destroy(*n, api::DestroyOptions{});
    return 1;
  }
  return so.daemonize ? 0 : *r;
}

}  // namespace lxc::tools
