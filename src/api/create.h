// Creating a container: lxc-create's work once its options are parsed.
#pragma once

#include <string>
#include <vector>

#include "api/container.h"
#include "base/result.h"
#include "storage/backend.h"

namespace lxc::api {

struct CreateOptions {
  std::string template_name;               // -t: a name, an absolute path, or "" for none
  std::vector<std::string> template_args;  // after "--"
  std::string bdev;                        // -B: "" when not given, "best", or a storage type
  storage::Spec spec;                      // --dir, --fstype, ...
  std::string config_file;                 // -f; "" means lxc.default_config (missing file: empty)
  bool quiet = false;                      // -q: the template's output goes to /dev/null
};

// Makes LXCPATH/NAME: directory (0770), storage, template, config (0640,
// written atomically, and loaded back as a check). Holds the container lock
// (storage/lock.h) throughout and marks the directory with a "partial" file
// (fcntl-locked, as LXC's) until done. Any failure removes what it made: no
// half-made container is left. Errors carry LXC's messages where LXC has
// one ("Container already exists", "Template \"x\" not found", ...).
Result<void> create(const Container& c, const CreateOptions& o);

// Prints a template's own help ("lxc-create -t NAME -h").
Result<void> template_help(const std::string& template_name);

// The -B types LXC knows (dir, btrfs, loop, lvm, nbd, overlay, overlayfs,
// rbd, zfs); only dir has a backend in lxcpp so far.
bool is_valid_storage_type(std::string_view type);

}  // namespace lxc::api
