#include <sys/mount.h>

#include "base/file.h"
#include "base/strings.h"
#include "config/system.h"
#include "log/log.h"
#include "storage/dir.h"
#include "storage/run.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

std::string dataset_of(std::string_view src) { return std::string(src_path(src)); }

}  // namespace

bool zfs_dataset_exists(const std::string& dataset) {
  if (!have_program("zfs")) return false;
  auto out = run_command({"zfs", "list", "-H", "-o", "name", dataset});
  return out && out->status == 0;
}

bool ZfsBackend::owns(std::string_view src) const { return src.starts_with("zfs:"); }

Result<Rootfs> ZfsBackend::create(const std::string& dest, std::string_view name, const Spec& spec) const {
  if (!have_program("zfs")) return fail(ENOENT, "zfs storage: the zfs program is not installed");
  std::string root = spec.zfsroot.empty() ? config::bdev_default("lxc.bdev.zfs.root") : spec.zfsroot;
  std::string dataset = root + "/" + std::string(name);
  if (auto r = run_checked({"zfs", "create", "-o", "canmount=noauto", "-o", "mountpoint=" + dest, dataset}); !r)
    return unexpected(with_context(r.error(), "Failed to create zfs dataset \"" + dataset + "\""));
  Rootfs r;
  r.type = "zfs";
  r.path = dest;
  r.src = "zfs:" + dataset;
  r.created = true;
  if (auto m = make_mount_point(dest); !m) return unexpected(m.error());
  return r;
}

Result<void> ZfsBackend::mount(std::string_view src, const std::string& target, unsigned long flags,
                               const std::string& data) const {
  std::string dataset = dataset_of(src);
  std::string opts = "zfsutil,mntpoint=" + target + (data.empty() ? "" : "," + data);
  if (::mount(dataset.c_str(), target.c_str(), "zfs", flags, opts.c_str()) < 0)
    return fail_sys("mount zfs dataset " + dataset + " on " + target);
  return {};
}

// "zfs snapshot ORIG@NEW" and a clone of it as ROOT/NEW.
Result<Rootfs> ZfsBackend::snapshot(std::string_view orig_src, const Place& to, const Spec&) const {
  std::string orig = dataset_of(orig_src);
  auto slash = orig.rfind('/');
  std::string root = slash == std::string::npos ? config::bdev_default("lxc.bdev.zfs.root") : orig.substr(0, slash);
  std::string snap = orig + "@" + to.name;
  std::string dataset = root + "/" + to.name;
  if (auto r = run_checked({"zfs", "snapshot", snap}); !r)
    return unexpected(with_context(r.error(), "Failed to create zfs snapshot \"" + snap + "\""));
  if (auto r = run_checked({"zfs", "clone", "-o", "canmount=noauto", "-o", "mountpoint=" + to.rootfs(), snap,
                            dataset});
      !r) {
    (void)run_command({"zfs", "destroy", snap});
    return unexpected(with_context(r.error(), "Failed to clone zfs snapshot \"" + snap + "\""));
  }
  Rootfs r;
  r.type = "zfs";
  r.path = to.rootfs();
  r.src = "zfs:" + dataset;
  r.created = true;
  if (auto m = make_mount_point(r.path); !m) return unexpected(m.error());
  return r;
}

Result<void> ZfsBackend::check_destroy(std::string_view) const {
  if (!have_program("zfs")) return fail(ENOENT, "zfs storage: the zfs program is not installed");
  return {};
}

// The dataset, then the snapshot it was cloned from (as LXC).
Result<void> ZfsBackend::destroy(std::string_view src) const {
  std::string dataset = dataset_of(src);
  if (!zfs_dataset_exists(dataset)) return {};
  std::string origin;
  if (auto o = run_command({"zfs", "get", "-H", "-o", "value", "origin", dataset}); o && o->status == 0)
    origin = std::string(trim(o->output));
  if (auto r = run_checked({"zfs", "destroy", "-r", dataset}); !r)
    return unexpected(with_context(r.error(), "Failed to destroy zfs dataset \"" + dataset + "\""));
  if (!origin.empty() && origin != "-") {
    if (auto r = run_command({"zfs", "destroy", origin}); !r || r->status != 0)
      kLog.warn("could not delete zfs snapshot {}", origin);
  }
  return {};
}

}  // namespace lxc::storage
