#include "templates/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <memory>

#include "base/scope_exit.h"
#include "base/unique_fd.h"
#include "log/log.h"
#include "templates/lazy_lib.h"

LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_filetype)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_gid)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_hardlink)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_pathname)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_set_gid)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_set_hardlink)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_set_pathname)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_set_uid)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_size)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_entry_uid)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_errno)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_error_string)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_data)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_data_block)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_free)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_new)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_next_header)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_open_filename)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_support_filter_all)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_support_format_cpio)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_support_format_gnutar)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_read_support_format_tar)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_close)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_data_block)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_disk_new)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_disk_set_options)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_finish_entry)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_free)
LXCPP_LAZY(lxc::templates::lib::kArchive, archive_write_header)

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

struct ReadCloser {
  void operator()(archive* a) const { lib::archive_read_free(a); }
};
struct WriteCloser {
  void operator()(archive* a) const { lib::archive_write_free(a); }
};
using ReadArchive = std::unique_ptr<archive, ReadCloser>;
using WriteArchive = std::unique_ptr<archive, WriteCloser>;

// The error of an archive handle: its errno (ENOSPC, EIO ...) and message.
Error archive_failure(archive* a, const std::string& what) {
  const char* msg = lib::archive_error_string(a);
  int code = lib::archive_errno(a);
  // libarchive reports format errors with errno-like codes of its own (-1, EFTYPE ...).
  // (ARCHIVE_ERRNO_FILE_FORMAT is EILSEQ, whose strerror would only confuse).
  if (code < 0 || code > 4095 || code == EILSEQ) code = 0;
  return make_error(code, what + ": " + (msg ? msg : "unknown archive error"));
}

Result<ReadArchive> open_reader(const std::string& path) {
  if (auto r = lib::require(lib::kArchive, "to read tarballs (apt-get install libarchive13)"); !r)
    return unexpected(r.error());
  ReadArchive a(lib::archive_read_new());
  if (!a) return fail(ENOMEM, "archive_read_new");
  lib::archive_read_support_filter_all(a.get());
  lib::archive_read_support_format_tar(a.get());
  lib::archive_read_support_format_gnutar(a.get());
  lib::archive_read_support_format_cpio(a.get());
  if (lib::archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    return unexpected(archive_failure(a.get(), "cannot open " + path));
  return a;
}

std::string_view strip_dot_slash(std::string_view s) {
  while (s.starts_with("./")) {
    s.remove_prefix(2);
    while (s.starts_with("/")) s.remove_prefix(1);
  }
  return s == "." ? std::string_view() : s;
}

bool is_excluded(const ExtractOptions& o, const std::string& name) {
  std::string_view rel = strip_dot_slash(name);
  if (o.no_dev && rel.starts_with("dev/") && rel.size() > 4) return true;
  for (const auto& p : o.excludes)
    if (exclude_matches(p, name)) return true;
  return false;
}

// Shifts the entry's owner through the idmap; unmapped ids become the
// overflow id (65534) as the kernel shows them in a user namespace.
void shift_owner(archive_entry* e, const std::vector<config::IdMap>& idmap) {
  if (idmap.empty()) return;
  auto uid = map_id(idmap, 'u', static_cast<uint64_t>(lib::archive_entry_uid(e)));
  auto gid = map_id(idmap, 'g', static_cast<uint64_t>(lib::archive_entry_gid(e)));
  lib::archive_entry_set_uid(e, static_cast<la_int64_t>(uid.value_or(65534)));
  lib::archive_entry_set_gid(e, static_cast<la_int64_t>(gid.value_or(65534)));
}

// Copies the entry's data block by block (holes of sparse files stay holes).
Result<uint64_t> copy_data(archive* in, archive* out, const std::string& name) {
  uint64_t total = 0;
  for (;;) {
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = lib::archive_read_data_block(in, &buf, &size, &offset);
    if (r == ARCHIVE_EOF) return total;
    if (r < ARCHIVE_WARN) return unexpected(archive_failure(in, "read " + name));
    if (lib::archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN)
      return unexpected(archive_failure(out, "write " + name));
    total += size;
  }
}

int disk_flags() {
  int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
              ARCHIVE_EXTRACT_SPARSE | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
  // Only root can give files away; others extract as themselves (as tar does).
  if (::geteuid() == 0) flags |= ARCHIVE_EXTRACT_OWNER;
  return flags;
}

}  // namespace

std::string normalize_member(std::string_view name) {
  while (name.starts_with("/")) name.remove_prefix(1);
  return std::string(strip_dot_slash(name).empty() ? std::string_view() : name);
}

bool exclude_matches(std::string_view pattern, std::string_view member) {
  std::string p(strip_dot_slash(pattern));
  std::string m(strip_dot_slash(normalize_member(member)));
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.empty() || m.empty()) return false;
  // FNM_LEADING_DIR: "dev" also matches "dev/null", as tar's exclusion recurses.
  return ::fnmatch(p.c_str(), m.c_str(), FNM_LEADING_DIR) == 0;
}

std::optional<uint64_t> map_id(const std::vector<config::IdMap>& idmap, char t, uint64_t id) {
  for (const auto& m : idmap) {
    if (m.type == t && id >= m.nsid && id - m.nsid < m.range) return m.hostid + (id - m.nsid);
  }
  return std::nullopt;
}

Result<ExtractStats> extract_tarball(const std::string& path, const std::string& dest, const ExtractOptions& o) {
  auto in = open_reader(path);  // loads libarchive
  if (!in) return unexpected(in.error());
  WriteArchive out(lib::archive_write_disk_new());
  if (!out) return fail(ENOMEM, "archive_write_disk_new");
  lib::archive_write_disk_set_options(out.get(), disk_flags());

  // archive_write_disk works relative to the current directory.
  UniqueFd old_cwd(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!old_cwd) return fail_sys("open the current directory");
  if (::chdir(dest.c_str()) < 0) return fail_sys("chdir " + dest);
  ScopeExit back([&] {
    if (::fchdir(old_cwd.get()) < 0) kLog.warn("cannot return to the previous directory");
  });

  ExtractStats st;
  for (;;) {
    archive_entry* e = nullptr;
    int r = lib::archive_read_next_header(in->get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return unexpected(archive_failure(in->get(), path));
    if (r == ARCHIVE_WARN) kLog.warn("{}: {}", path, lib::archive_error_string(in->get()));
    std::string name = normalize_member(lib::archive_entry_pathname(e) ? lib::archive_entry_pathname(e) : "");
    if (name.empty()) name = ".";
    if (is_excluded(o, name)) {
      ++st.excluded;
      continue;
    }
    lib::archive_entry_set_pathname(e, name.c_str());
    if (const char* hl = lib::archive_entry_hardlink(e)) {
      std::string target = normalize_member(hl);
      lib::archive_entry_set_hardlink(e, target.c_str());
    }
    shift_owner(e, o.idmap);
    r = lib::archive_write_header(out.get(), e);
    if (r < ARCHIVE_WARN) return unexpected(archive_failure(out.get(), "extract " + name));
    if (r == ARCHIVE_WARN) kLog.warn("{}: {}", name, lib::archive_error_string(out.get()));
    if (r >= ARCHIVE_WARN && lib::archive_entry_size(e) > 0) {
      auto n = copy_data(in->get(), out.get(), name);
      if (!n) return unexpected(n.error());
      st.bytes += *n;
    }
    r = lib::archive_write_finish_entry(out.get());
    if (r < ARCHIVE_WARN) return unexpected(archive_failure(out.get(), "extract " + name));
    if (r == ARCHIVE_WARN) kLog.warn("{}: {}", name, lib::archive_error_string(out.get()));
    ++st.entries;
  }
  // Directory modes and times are set at close, after their contents.
  if (lib::archive_write_close(out.get()) < ARCHIVE_WARN)
    return unexpected(archive_failure(out.get(), "extract " + path));
  kLog.info("{}: {} entries ({} bytes) extracted to {}, {} left out", path, st.entries, st.bytes, dest, st.excluded);
  return st;
}

Result<std::map<std::string, std::string>> read_archive_files(const std::string& path, size_t max_bytes) {
  auto in = open_reader(path);
  if (!in) return unexpected(in.error());
  std::map<std::string, std::string> files;
  size_t total = 0;
  for (;;) {
    archive_entry* e = nullptr;
    int r = lib::archive_read_next_header(in->get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return unexpected(archive_failure(in->get(), path));
    if (lib::archive_entry_filetype(e) != AE_IFREG) continue;
    std::string name(
        strip_dot_slash(normalize_member(lib::archive_entry_pathname(e) ? lib::archive_entry_pathname(e) : "")));
    std::string data;
    char buf[16384];
    for (;;) {
      la_ssize_t n = lib::archive_read_data(in->get(), buf, sizeof buf);
      if (n < 0) return unexpected(archive_failure(in->get(), path + ": " + name));
      if (n == 0) break;
      total += static_cast<size_t>(n);
      if (total > max_bytes) return fail(EFBIG, path + ": more than " + std::to_string(max_bytes) + " bytes of files");
      data.append(buf, static_cast<size_t>(n));
    }
    if (!name.empty()) files[name] = std::move(data);
  }
  return files;
}

}  // namespace lxc::templates
