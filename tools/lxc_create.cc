// lxc-create: make a container from a template (lxc-create(1)).
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>

#include "api/create.h"
#include "log/log.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

constexpr log::Logger kLog("lxc_create");

enum : int { kDir = 0x2000, kLvname, kVgname, kThinpool, kFstype, kFssize, kZfsroot, kRbdname, kRbdpool };

constexpr std::string_view kOptionsHelp =
    "  -f, --config=CONFIG              Initial configuration file\n"
    "  -t, --template=TEMPLATE          Template to use to setup container\n"
    "  -B, --bdev=BDEV                  Backing store type to use\n"
    "      --dir=DIR                    Place rootfs directory under DIR\n"
    "\n"
    "  BDEV options for LVM (with -B/--bdev lvm):\n"
    "      --lvname=LVNAME              Use LVM lv name LVNAME\n"
    "                                   (Default: container name)\n"
    "      --vgname=VG                  Use LVM vg called VG\n"
    "                                   (Default: lxc)\n"
    "      --thinpool=TP                Use LVM thin pool called TP\n"
    "                                   (Default: lxc)\n"
    "\n"
    "  BDEV options for Ceph RBD (with -B/--bdev rbd) :\n"
    "      --rbdname=RBDNAME            Use Ceph RBD name RBDNAME\n"
    "                                   (Default: container name)\n"
    "      --rbdpool=POOL               Use Ceph RBD pool name POOL\n"
    "                                   (Default: lxc)\n"
    "\n"
    "  BDEV option for ZFS (with -B/--bdev zfs) :\n"
    "      --zfsroot=PATH               Create zfs under given zfsroot\n"
    "                                   (Default: tank/lxc)\n"
    "\n"
    "  BDEV options for LVM or Loop (with -B/--bdev lvm/loop) :\n"
    "      --fstype=TYPE                Create fstype TYPE\n"
    "                                   (Default: ext4)\n"
    "      --fssize=SIZE[U]             Create filesystem of\n"
    "                                   size SIZE * unit U (bBkKmMgGtT)\n"
    "                                   (Default: 1G, default unit: M)\n";

// LXC's --fssize: a number with an optional unit, megabytes by default; a bad
// value means the default size (0).
uint64_t parse_fssize(const char* s) {
  char* end = nullptr;
  uint64_t v = std::strtoull(s, &end, 0);
  if (end == s) {
    std::fprintf(stderr, "Invalid blockdev size '%s', using default size\n", s);
    return 0;
  }
  while (*end == ' ' || *end == '\t') ++end;
  switch (std::tolower(static_cast<unsigned char>(*end))) {
    case '\0':
      return v << 20;
    case 'b':
      return v;
    case 'k':
      return v << 10;
    case 'm':
      return v << 20;
    case 'g':
      return v << 30;
    case 't':
      return v << 40;
    default:
      std::fprintf(stderr, "Invalid blockdev unit size '%c' in '%s', using default size\n", *end, s);
      return 0;
  }
}

// LXC's validate_bdev_args: block-device options only with their backends.
bool validate_bdev_args(const api::CreateOptions& o) {
  const std::string& b = o.bdev;
  if (b == "best") return true;
  const auto& s = o.spec;
  if ((!s.fstype.empty() || s.fssize) && b != "lvm" && b != "loop" && b != "rbd") {
    std::fprintf(stderr, "filesystem type and size are only valid with block devices\n");
    return false;
  }
  if (b != "lvm" && (!s.lvname.empty() || !s.vgname.empty() || !s.thinpool.empty())) {
    std::fprintf(stderr, "--lvname, --vgname and --thinpool are only valid with -B lvm\n");
    return false;
  }
  if (b != "rbd" && (!s.rbdname.empty() || !s.rbdpool.empty())) {
    std::fprintf(stderr, "--rbdname and --rbdpool are only valid with -B rbd\n");
    return false;
  }
  if (b != "zfs" && !s.zfsroot.empty()) {
    std::fprintf(stderr, "zfsroot is only valid with -B zfs\n");
    return false;
  }
  return true;
}

bool asked_for_help(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-?") == 0)
      return true;
  }
  return false;
}

}  // namespace

int lxc_create_main(int argc, char** argv) {
  api::CreateOptions o;
  ToolSpec spec{
      .prog = "lxc-create",
      .usage = "--name=NAME --template=TEMPLATE [OPTION...]",
      .description = "lxc-create creates a container",
      .options_help = kOptionsHelp,
      .short_opts = "f:t:B:",
      .long_opts = {{"config", required_argument, nullptr, 'f'},
                    {"template", required_argument, nullptr, 't'},
                    {"bdev", required_argument, nullptr, 'B'},
                    {"dir", required_argument, nullptr, kDir},
                    {"lvname", required_argument, nullptr, kLvname},
                    {"vgname", required_argument, nullptr, kVgname},
                    {"thinpool", required_argument, nullptr, kThinpool},
                    {"fstype", required_argument, nullptr, kFstype},
                    {"fssize", required_argument, nullptr, kFssize},
                    {"zfsroot", required_argument, nullptr, kZfsroot},
                    {"rbdname", required_argument, nullptr, kRbdname},
                    {"rbdpool", required_argument, nullptr, kRbdpool}},
      .on_option =
          [&o](int opt, const char* arg) {
            switch (opt) {
              case 'f':
                o.config_file = arg;
                break;
              case 't':
                o.template_name = arg;
                break;
              case 'B':
                o.bdev = arg;
                break;
              case kDir:
                o.spec.dir = arg;
                break;
              case kLvname:
                o.spec.lvname = arg;
                break;
              case kVgname:
                o.spec.vgname = arg;
                break;
              case kThinpool:
                o.spec.thinpool = arg;
                break;
              case kFstype:
                o.spec.fstype = arg;
                break;
              case kFssize:
                o.spec.fssize = parse_fssize(arg);
                break;
              case kZfsroot:
                o.spec.zfsroot = arg;
                break;
              case kRbdname:
                o.spec.rbdname = arg;
                break;
              case kRbdpool:
                o.spec.rbdpool = arg;
                break;
              default:
                return false;
            }
            return true;
          },
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) {
    // As LXC: "lxc-create -t T -h" shows the template's help after its own.
    if (rc == 0 && !o.template_name.empty() && o.template_name != "none" && asked_for_help(argc, argv)) {
      std::fflush(stdout);
      if (auto t = api::template_help(o.template_name); !t) std::fprintf(stderr, "%s\n", describe(t.error()).c_str());
    }
    return rc;
  }
  if (!setup_logging(args, spec.prog)) return 1;

  if (o.template_name.empty()) {
    kLog.error("A template must be specified");
    kLog.error("Use \"none\" if you really want a container without a rootfs");
    return 1;
  }
  if (!validate_bdev_args(o)) return 1;
  if (o.bdev == "none") o.bdev = "dir";
  if (!o.bdev.empty() && o.bdev != "best" && !api::is_valid_storage_type(o.bdev)) {
    kLog.error("{} is not a valid backing storage type", o.bdev);
    return 1;
  }
  if (::geteuid() != 0 && !o.bdev.empty() && o.bdev != "dir" && o.bdev != "btrfs") {
    kLog.error("Unprivileged users cannot create {} containers", o.bdev);
    return 1;
  }
  o.template_args = args.rest;
  o.quiet = args.quiet;

  api::Container c(args.name, args.lxcpath());
  if (auto r = api::create(c, o); !r) {
    kLog.error("{}", describe(r.error()));
    if (r.error().what != "Container already exists") kLog.error("Failed to create container {}", c.name());
    return 1;
  }
  return 0;
}

}  // namespace lxc::tools
