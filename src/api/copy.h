// Copying a container (lxc-copy, and the clones lxc-snapshot makes): LXC's
// clone. The copy gets the original's config with its paths, name and MAC
// addresses rewritten, and storage that is either a full copy of the rootfs
// or a copy-on-write snapshot of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/container.h"
#include "base/result.h"

namespace lxc::api {

struct CopyOptions {
  std::string new_name;     // -N; "" keeps the name (with -p)
  std::string new_lxcpath;  // -p; "" keeps the lxcpath
  std::string bdev;         // -B; "" chooses as LXC does
  bool snapshot = false;    // -s: copy-on-write (overlay for a dir rootfs)
  bool allow_running = false;  // -a
  bool keep_name = false;      // -K: keep lxc.uts.name and /etc/hostname
  bool keep_mac = false;       // -M: keep lxc.net.N.hwaddr
  uint64_t fssize = 0;         // -L, bytes: size of new block storage
  std::vector<std::string> hook_args;  // after "--": given to lxc.hook.clone
  std::string rcfile;                  // --rcfile: the config to copy
  // lxc-snapshot's clone (LXC_CLONE_KEEPBDEVTYPE | LXC_CLONE_MAYBE_SNAPSHOT):
  // same storage type as the original, a full copy when it cannot snapshot.
  bool keep_bdev_type = false;
  bool maybe_snapshot = false;
  // Set in the copy's config (lxc-copy -e): key, value.
  std::vector<std::pair<std::string, std::string>> extra_config;
  // lxc-copy -t: the overlay's upper layer lives on a tmpfs.
  bool upper_on_tmpfs = false;
};

// Makes the copy under both containers' locks. Any failure removes what was
// made (storage, directory). Errors carry LXC's messages ("error: clone:
// PATH exists", "container NAME is not stopped", "Error copying storage.").
Result<Container> copy(const Container& c, const CopyOptions& o);

// lxc-copy -R: as LXC, a copy under the new name (MAC addresses kept) and
// the original destroyed. A container with snapshots or clones is refused.
Result<Container> rename(const Container& c, const std::string& new_name, const std::string& new_lxcpath = {});

// The config text of a copy: every value under the old container directory
// moved to the new one, lxc.net.N.hwaddr made anew unless keep_mac. Exposed
// for the unit tests; copy() does the rest (rootfs, uts name).
std::string rewrite_config_text(std::string_view text, const std::string& old_dir, const std::string& new_dir,
                                bool keep_mac, bool keep_name);

// A random MAC address in LXC's range, 00:16:3e:xx:xx:xx.
std::string random_hwaddr();

// An absolute, normalized lxcpath (no trailing slash).
std::string absolute_lxcpath(const std::string& lxcpath);

}  // namespace lxc::api
