// The download template, built in: LXC's image-server client
// (/usr/share/lxc/templates/lxc-download) in C++, plus signature checks.
//
//   lxc-create -t download -n NAME -- -d DIST -r RELEASE -a ARCH [--variant V]
//              [--server HOST|URL] [--flush-cache] [--force-cache]
//              [--keyring FILE] [--keyid ID] [--no-validate] [--keyserver K]
//   lxc-create -t download -n x -- --list [-d DIST ...]
//
// The server (https://HOST unless a URL is given) has /meta/1.0/index-system
// and index-user (user: unprivileged container or a user namespace; first
// tried with the compat suffix ".7"), lines "dist;release;arch;variant;
// build_id;path", and under each path rootfs.tar.xz and meta.tar.xz.
//
// Cache, as LXC's (so that either reuses the other's): /var/cache/lxc for
// root, ~/.cache/lxc otherwise, or $LXC_CACHE_PATH; below it
// download/DIST/RELEASE/ARCH/VARIANT holds rootfs.tar.xz, the unpacked
// metadata and build_id. A cached copy is used without asking the server
// until its expiry passes; then the index is fetched and the image
// downloaded again only when its build_id changed. Updates are built beside
// the cache and renamed into place: a failed download leaves the old copy.
//
// Beyond LXC 5 (which relies on HTTPS alone): the index, rootfs.tar.xz and
// meta.tar.xz must each have a good detached signature (URL + ".asc") by a
// key of the keyring (--keyring; default kSystemKeyring for root,
// ~/.config/lxcpp/download-keyring.gpg for others when it exists), and of
// --keyid when given. --no-validate skips the check. --keyserver is accepted
// for LXC 3 compatibility and not used: keys come from the keyring file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "templates/template.h"

namespace lxc::templates {

inline constexpr std::string_view kDownloadScriptPath = "/usr/share/lxc/templates/lxc-download";
inline constexpr std::string_view kDefaultImageServer = "images.linuxcontainers.org";
inline constexpr std::string_view kSystemKeyring = "/etc/lxcpp/download-keyring.gpg";
inline constexpr int kDownloadCompat = 7;

std::unique_ptr<Template> download_template();

// --- The pure parts, for the unit tests. ---

struct IndexEntry {
  std::string dist, release, arch, variant, build, path;
};
// The index lines with all six fields (LXC skips those without build or path).
std::vector<IndexEntry> parse_index(std::string_view text);

struct ImageFilter {
  std::string dist, release, arch, variant;  // "" matches anything
};
bool filter_matches(const ImageFilter& f, const IndexEntry& e);

// LXC's listing: "---", the DIST RELEASE ARCH VARIANT BUILD header, "---",
// one tab-separated line per image, "---".
std::string image_table(const std::vector<IndexEntry>& entries, const ImageFilter& f);

// "https://HOST" for a host name, the value itself for a URL; no trailing "/".
std::string server_url(std::string_view server);
// base + path + "/" + file, with exactly one "/" between the parts.
std::string join_url(std::string_view base, std::string_view path, std::string_view file);

// Whether an expiry file's content (epoch seconds) is before now; an
// unreadable value counts as expired.
bool cache_expired(std::string_view expiry, int64_t now);

// A dist, release, arch or variant usable as a cache directory name.
bool valid_image_field(std::string_view v);

}  // namespace lxc::templates
