#include "api/snapshot.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "api/copy.h"
#include "api/destroy.h"
#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "storage/backend.h"
#include "storage/rdeps.h"

namespace lxc::api {
namespace {

constexpr log::Logger kLog("snapshot");

// snapN sorts by N; anything else after, by name.
bool snap_less(const std::string& a, const std::string& b) {
  auto num = [](const std::string& s) -> std::optional<uint64_t> {
    return s.starts_with("snap") ? parse_u64(std::string_view(s).substr(4)) : std::nullopt;
  };
  auto na = num(a), nb = num(b);
  if (na && nb) return *na < *nb;
  if (na != nb) return na.has_value();
  return a < b;
}

std::string timestamp_now() {
  std::time_t t = std::time(nullptr);
  struct tm tm {};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y:%m:%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string snapshot_dir(const Container& c) {
  std::string lxcpath = absolute_lxcpath(c.lxcpath());
  // LXC 1.0 kept snapshots in LXCPATHsnaps/NAME (/var/lib/lxcsnaps/c1).
  if (is_dir(lxcpath + "snaps")) return lxcpath + "snaps/" + c.name();
  return lxcpath + "/" + c.name() + "/snaps";
}

Result<std::string> snapshot(const Container& c, const std::string& comment_file) {
  if (!c.is_defined()) return fail(0, "Container " + c.name() + " is not defined");
  auto cfg = c.load_config();
  if (!cfg) return unexpected(cfg.error());
  const std::string& src = cfg->conf().rootfs_path;
  if (!src.empty() && !storage::backend_for_src(src))
    return fail(0, c.name() + "'s backing store cannot be backed up");
  std::string comment;
  if (!comment_file.empty()) {
    auto text = read_file(comment_file);
    if (!text) return unexpected(text.error());
    comment = std::move(*text);
  }
  std::string dir = snapshot_dir(c);
  if (auto r = mkdir_p(dir, 0755); !r)
    return unexpected(with_context(r.error(), "Failed to create snapshot directory " + dir));
  int i = 0;
  while (path_exists(dir + "/snap" + std::to_string(i))) ++i;
  std::string name = "snap" + std::to_string(i);
  if (storage::detect_type(src) == "dir") {
    // LXC logs this on every snapshot of a directory-backed container; its
    // lxc-snapshot prints nothing of it (so here: the log, not stderr).
    kLog.warn("Snapshot of directory-backed container requested");
    kLog.warn("Making a copy-clone.  If you do want snapshots, then");
    kLog.warn("please create overlay clone first, snapshot that");
    kLog.warn("and keep the original container pristine");
  }
  CopyOptions o;
  o.new_name = name;
  o.new_lxcpath = dir;
  o.snapshot = true;
  o.keep_mac = o.keep_name = o.keep_bdev_type = o.maybe_snapshot = true;
  auto n = copy(c, o);
  if (!n) return unexpected(with_context(n.error(), "Failed to clone of " + c.lxcpath() + ":" + c.name()));
  std::string snap_dir = dir + "/" + name;
  if (auto r = write_file_atomic(snap_dir + "/ts", timestamp_now(), 0644); !r) return unexpected(r.error());
  if (!comment_file.empty())
    if (auto r = write_file_atomic(snap_dir + "/comment", comment, 0644); !r) return unexpected(r.error());
  return name;
}

Result<std::vector<SnapshotInfo>> list_snapshots(const Container& c) {
  std::vector<SnapshotInfo> out;
  std::string dir = snapshot_dir(c);
  for (const auto& name : list_defined(dir)) {
    SnapshotInfo s{name, dir, {}, {}};
    if (auto ts = read_file(dir + "/" + name + "/ts")) s.timestamp = std::string(trim(*ts));
    if (path_exists(dir + "/" + name + "/comment")) s.comment_path = dir + "/" + name + "/comment";
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return snap_less(a.name, b.name); });
  return out;
}

Result<void> restore_snapshot(const Container& c, const std::string& snap, const std::string& new_name) {
  const std::string target = new_name.empty() ? c.name() : new_name;
  if (storage::has_dependents(c.dir())) return fail(0, "container rootfs has dependent snapshots");
  auto cfg = c.load_config();
  if (!cfg) return unexpected(with_context(cfg.error(), "Failed to find original backing store type"));
  std::string type = storage::detect_type(cfg->conf().rootfs_path);
  if (type.empty()) return fail(0, "Failed to find original backing store type");
  Container s(snap, snapshot_dir(c));
  if (!s.is_defined()) return fail(0, "Could not open snapshot " + snap);
  if (target == c.name()) {
    DestroyOptions d;
    d.keep_snapshots_dir = true;
    if (auto r = destroy(c, d); !r)
      return unexpected(with_context(r.error(), "Could not destroy existing container " + c.name()));
  }
  CopyOptions o;
  o.new_name = target;
  o.new_lxcpath = absolute_lxcpath(c.lxcpath());
  o.bdev = type;
  o.snapshot = type != "dir" && type != "loop";
  o.maybe_snapshot = o.snapshot;
  auto n = copy(s, o);
  if (!n) return unexpected(n.error());
  return {};
}

Result<void> destroy_snapshot(const Container& c, const std::string& snap) {
  std::string dir = snapshot_dir(c);
  if (snap == "ALL") {
    bool ok = true;
    for (const auto& name : list_defined(dir)) {
      if (auto r = destroy(Container(name, dir), DestroyOptions{}); !r) {
        kLog.error("Could not destroy snapshot {}: {}", name, describe(r.error()));
        ok = false;
      }
    }
    if (ok && is_dir(dir) && ::rmdir(dir.c_str()) < 0 && errno != ENOENT) kLog.warn("Error removing directory {}", dir);
    if (!ok) return fail(0, "Error deleting all snapshots");
    return {};
  }
  Container s(snap, dir);
  if (!s.is_defined()) return fail(0, "Could not find snapshot " + snap);
  if (auto r = destroy(s, DestroyOptions{}); !r)
    return unexpected(with_context(r.error(), "Could not destroy snapshot " + snap));
  if (is_dir(dir) && list_defined(dir).empty()) ::rmdir(dir.c_str());
  return {};
}

}  // namespace lxc::api
