#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "config/system.h"
#include "log/log.h"
#include "storage/block.h"
#include "storage/dir.h"
#include "storage/run.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");
constexpr uint64_t kDefaultSize = 1ull << 30;

bool is_block(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISBLK(st.st_mode);
}

// "/dev/VG/LV" -> {VG, LV}.
std::pair<std::string, std::string> vg_lv(const std::string& dev) {
  std::string rest = dev.starts_with("/dev/") ? dev.substr(5) : dev;
  auto slash = rest.find('/');
  if (slash == std::string::npos) return {};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

bool is_thin_pool(const std::string& vg, const std::string& pool) {
  auto out = run_command({"lvs", "--noheadings", "-o", "lv_attr", vg + "/" + pool});
  if (!out || out->status != 0) return false;
  std::string attr(trim(out->output));
  return !attr.empty() && attr[0] == 't';
}

bool is_thin_volume(const std::string& dev) {
  auto out = run_command({"lvs", "--noheadings", "-o", "lv_attr", dev});
  if (!out || out->status != 0) return false;
  std::string attr(trim(out->output));
  return !attr.empty() && attr[0] == 'V';
}

}  // namespace

bool lvm_usable() { return have_program("lvcreate") && path_exists("/dev/mapper/control"); }

bool lvm_vg_exists(const std::string& vg) {
  if (!have_program("vgs")) return false;
  auto out = run_command({"vgs", "--noheadings", vg});
  return out && out->status == 0;
}

bool LvmBackend::owns(std::string_view src) const {
  if (src.starts_with("lvm:")) return true;
  return src_type(src).empty() && src.starts_with("/dev/") && is_block(std::string(src)) &&
         !src.starts_with("/dev/loop");
}

Result<Rootfs> LvmBackend::create(const std::string& dest, std::string_view name, const Spec& spec) const {
  if (!lvm_usable()) return fail(ENODEV, "lvm storage: lvm2's tools or the device mapper are missing");
  std::string vg = spec.vgname.empty() ? config::bdev_default("lxc.bdev.lvm.vg") : spec.vgname;
  std::string lv = spec.lvname.empty() ? std::string(name) : spec.lvname;
  std::string pool = spec.thinpool.empty() ? config::bdev_default("lxc.bdev.lvm.thin_pool") : spec.thinpool;
  std::string size = std::to_string(spec.fssize ? spec.fssize : kDefaultSize) + "b";
  std::vector<std::string> cmd = {"lvcreate", "-Wy", "--yes"};
  if (is_thin_pool(vg, pool))
    cmd.insert(cmd.end(), {"--thin", "-V", size, "-n", lv, vg + "/" + pool});
  else
    cmd.insert(cmd.end(), {"-L", size, "-n", lv, vg});
  if (auto r = run_checked(cmd); !r)
    return unexpected(with_context(r.error(), "Failed to create logical volume \"" + lv + "\""));
  Rootfs r;
  r.type = "lvm";
  r.path = dest;
  r.src = "lvm:/dev/" + vg + "/" + lv;
  r.created = true;
  std::string dev = "/dev/" + vg + "/" + lv;
  if (auto m = make_filesystem(dev, spec.fstype.empty() ? "ext4" : spec.fstype); !m) {
    (void)destroy(r.src);
    return unexpected(m.error());
  }
  if (auto m = make_mount_point(dest); !m) return unexpected(m.error());
  kLog.debug("created logical volume {}", dev);
  return r;
}

Result<void> LvmBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                               const std::string& data) const {
  std::string dev(src_path(src));
  UniqueFd fd(::open(dev.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + dev);
  return mount_block(dev, fd.get(), target, flags, data);
}

Result<Rootfs> LvmBackend::snapshot(std::string_view orig_src, const Place& to, const Spec& spec) const {
  std::string orig(src_path(orig_src));
  auto [vg, lv] = vg_lv(orig);
  if (vg.empty()) return fail(EINVAL, "lvm snapshot: bad device " + orig);
  std::string name = spec.lvname.empty() ? to.name : spec.lvname;
  std::vector<std::string> cmd = {"lvcreate", "-Wy", "--yes", "-s", "-n", name};
  // A thin volume's snapshot takes no size; a thick one gets the origin's.
  if (!is_thin_volume(orig)) {
    uint64_t size = spec.fssize ? spec.fssize : this->size(orig_src);
    cmd.insert(cmd.end(), {"-L", std::to_string(size ? size : kDefaultSize) + "b"});
  }
  cmd.push_back(orig);
  if (auto r = run_checked(cmd); !r)
    return unexpected(with_context(r.error(), "Failed to create lvm \"" + name + "\" snapshot of \"" + orig + "\""));
  Rootfs r;
  r.type = "lvm";
  r.path = to.rootfs();
  r.src = "lvm:/dev/" + vg + "/" + name;
  r.created = true;
  if (auto m = make_mount_point(r.path); !m) return unexpected(m.error());
  return r;
}

uint64_t LvmBackend::size(std::string_view src) const {
  auto s = device_size(std::string(src_path(src)));
  return s ? *s : 0;
}

Result<void> LvmBackend::check_destroy(std::string_view src) const {
  std::string dev(src_path(src));
  if (path_exists(dev) && !is_block(dev)) return fail(EINVAL, "lvm rootfs " + dev + " is not a block device");
  return {};
}

Result<void> LvmBackend::destroy(std::string_view src) const {
  std::string dev(src_path(src));
  if (!path_exists(dev)) return {};
  if (auto r = run_checked({"lvremove", "-f", dev}); !r)
    return unexpected(with_context(r.error(), "Failed to destroy logical volume \"" + dev + "\""));
  return {};
}

}  // namespace lxc::storage
