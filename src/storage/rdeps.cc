#include "storage/rdeps.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"

namespace lxc::storage {
namespace {

constexpr log::Logger kLog("storage");

std::vector<ContainerRef> pairs_of(std::string_view text) {
  std::vector<ContainerRef> out;
  std::vector<std::string> lines = split(text, "\n");
  for (size_t i = 0; i + 1 < lines.size(); i += 2) out.push_back({lines[i], lines[i + 1]});
  return out;
}

std::vector<ContainerRef> read_pairs(const std::string& path) {
  auto text = read_file(path);
  if (!text) return {};
  return pairs_of(*text);
}

std::string pairs_text(const std::vector<ContainerRef>& refs) {
  std::string out;
  for (const auto& r : refs) out += r.lxcpath + "\n" + r.name + "\n";
  return out;
}

// A base's lxc_snapshots, read once: the old format's count, or the pairs.
struct Dependents {
  bool present = false;  // the file is there with some content
  std::optional<uint64_t> count;
  std::vector<ContainerRef> refs;
  bool last_complete = false;  // the text ends with a newline and holds whole pairs
};

Dependents read_dependents(const std::string& path) {
  Dependents d;
  auto text = read_file(path);
  if (!text || text->empty()) return d;
  d.present = true;
  d.count = parse_u64(trim(*text));
  if (!d.count) {
    d.refs = pairs_of(*text);
    d.last_complete = text->back() == '\n' && std::count(text->begin(), text->end(), '\n') % 2 == 0;
  }
  return d;
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
  auto d = read_dependents(dir + "/lxc_snapshots");
  return d.present && (!d.count || *d.count != 0);
}

std::vector<ContainerRef> dependents(const std::string& dir) { return read_dependents(dir + "/lxc_snapshots").refs; }

std::vector<ContainerRef> bases(const std::string& dir) { return read_pairs(dir + "/lxc_rdepends"); }

Result<void> add_dependency(const ContainerRef& clone, const std::vector<ContainerRef>& on) {
  if (on.empty()) return {};
  std::string clone_dir = clone.lxcpath + "/" + clone.name;
  if (auto r = write_file_atomic(clone_dir + "/lxc_rdepends", pairs_text(on), 0644); !r) return r;
  for (const auto& base : on) {
    std::string path = base.lxcpath + "/" + base.name + "/lxc_snapshots";
    auto d = read_dependents(path);
    if (d.count) {
      if (auto r = write_file_atomic(path, std::to_string(*d.count + 1) + "\n", 0644); !r) return r;
      continue;
    }
    // Adding is an append, as LXC's mod_rdep does: no temporary file, rename
    // and fsyncs for each clone (they were half of lxc-copy -s). A list that
    // does not end in a newline (cut short) is rewritten whole instead.
    std::string record = pairs_text({clone});
    if (!d.present || d.last_complete) {
      if (auto r = append_file(path, record, 0644); !r) return r;
      continue;
    }
    d.refs.push_back(clone);
    if (auto r = write_file_atomic(path, pairs_text(d.refs), 0644); !r) return r;
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
    auto d = read_dependents(path);
    if (d.count) {
      if (auto r = write_or_remove(path, *d.count > 1 ? std::to_string(*d.count - 1) + "\n" : ""); !r) return r;
      continue;
    }
    std::erase(d.refs, clone);
    if (auto r = write_or_remove(path, pairs_text(d.refs)); !r) return r;
  }
  return {};
}

}  // namespace lxc::storage
