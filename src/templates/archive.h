// Root filesystem tarballs, read with libarchive: any compression libarchive
// knows (gz, xz, zst, bz2, lz4, lzma, none), any tar flavour (ustar, pax,
// GNU). Extraction keeps owners (numeric, as tar --numeric-owner), modes,
// times, extended attributes (security.capability, ACLs), device nodes,
// hard and symbolic links, and never writes outside the destination: member
// names with "..", absolute names after the leading "/" is dropped (as tar
// does) and paths through symbolic links are refused by libarchive's
// ARCHIVE_EXTRACT_SECURE_* checks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::templates {

struct ExtractOptions {
  // GNU tar's "--anchored --exclude=PATTERN": shell wildcards ('*' also
  // matching '/') against the whole member name; a match also excludes
  // everything below it. "./" in front of the name or pattern is ignored.
  std::vector<std::string> excludes;
  // Leaves out everything below dev/ (device nodes need privilege and
  // lxc.autodev makes /dev at start anyway); dev/ itself is kept.
  bool no_dev = false;
  // lxc.idmap of an unprivileged container: owners are shifted to the host
  // ids they map to. Empty: owners as in the archive.
  std::vector<config::IdMap> idmap;
};

struct ExtractStats {
  uint64_t entries = 0;   // written
  uint64_t excluded = 0;  // left out by excludes or no_dev
  uint64_t bytes = 0;     // file data written
};

// Extracts archive into the existing directory dest.
Result<ExtractStats> extract_tarball(const std::string& archive, const std::string& dest, const ExtractOptions& o);

// The regular files of a small archive (image metadata), by name without a
// leading "./" or "/". Fails beyond max_bytes of file data.
Result<std::map<std::string, std::string>> read_archive_files(const std::string& archive, size_t max_bytes = 16u << 20);

// --- The pure parts, for the unit tests. ---

// Whether an exclude pattern matches a member name (see ExtractOptions).
bool exclude_matches(std::string_view pattern, std::string_view member);
// The member name as it is written: leading "/" (any number) removed, "" for
// the archive's root entry ("." or "./").
std::string normalize_member(std::string_view name);
// The host id a container id maps to through idmap entries of type t ('u' or
// 'g'); nullopt when unmapped.
std::optional<uint64_t> map_id(const std::vector<config::IdMap>& idmap, char t, uint64_t id);

}  // namespace lxc::templates
