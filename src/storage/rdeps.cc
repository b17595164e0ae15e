#include "storage/rdeps.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

std::vector<ContainerRef> read_pairs(const std::string& path) {
  std::vector<ContainerRef> out;
  auto text = read_file(path);
  if (!text) return out;
  std::vector<std::string> lines = split(*text, "\n");
  for (size_t i = 0; i + 1 < lines.size(); i += 2) out.push_back({lines[i], lines[i + 1]});
  return out;
}

std::string pairs_text(const std::vector<ContainerRef>& refs) {
  std::string out;
  for (const auto& r : refs) out += r.lxcpath + "\n" + r.name + "\n";
  return out;
}

// The old format: a single count.
std::optional<uint64_t> old_count(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return parse_u64(trim(*text));
}

Result<void> write_or_remove(const std::string& path, const std::string& text) {
  if (text.empty()) {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) return fail_sys("remove " + path);
    return {};
  }
  return write_file_atomic(path, text, 0644);
}

}  // namespace

bool has_dependents(const std::string& dir) {
  std::string path = dir + "/lxc_snapshots";
  auto text = read_file(path);
  if (!text || text->empty()) return false;
  if (auto n = old_count(path)) return *n != 0;
  return true;
}

std::vector<ContainerRef> dependents(const std::string& dir) {
  std::string path = dir + "/lxc_snapshots";
  if (old_count(path)) return {};
  return read_pairs(path);
}

std::vector<ContainerRef> bases(const std::string& dir) { return read_pairs(dir + "/lxc_rdepends"); }

Result<void> add_dependency(const ContainerRef& clone, const std::vector<ContainerRef>& on) {
  if (on.empty()) return {};
  std::string clone_dir = clone.lxcpath + "/" + clone.name;
  if (auto r = write_file_atomic(clone_dir + "/lxc_rdepends", pairs_text(on), 0644); !r) return r;
  for (const auto& base : on) {
    std::string path = base.lxcpath + "/" + base.name + "/lxc_snapshots";
    if (auto n = old_count(path)) {
      if (auto r = write_file_atomic(path, std::to_string(*n + 1) + "\n", 0644); !r) return r;
      continue;
    }
    auto refs = read_pairs(path);
    refs.push_back(clone);
    if (auto r = write_file_atomic(path, pairs_text(refs), 0644); !r) return r;
  }
  return {};
}

Result<void> drop_dependency(const ContainerRef& clone) {
  std::string clone_dir = clone.lxcpath + "/" + clone.name;
  for (const auto& base : bases(clone_dir)) {
    std::string dir = base.lxcpath + "/" + base.name;
    if (!is_dir(dir)) {
      kLog.info("dependency of {} on {}: {} is gone", clone.name, base.name, dir);
      continue;
    }
    std::string path = dir + "/lxc_snapshots";
    if (auto n = old_count(path)) {
      if (auto r = write_or_remove(path, *n > 1 ? std::to_string(*n - 1) + "\n" : ""); !r) return r;
      continue;
    }
    auto refs = read_pairs(path);
    std::erase(refs, clone);
    if (auto r = write_or_remove(path, pairs_text(refs)); !r) return r;
  }
  return {};
}

}  // namespace lxc::storage
