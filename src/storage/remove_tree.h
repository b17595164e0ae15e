// Removing a container's files without ever leaving them: no symbolic link is
// followed, and neither a mount point nor a directory on another filesystem
// is entered. LXC's lxc_rmdir_onedev skips other devices but still empties a
// rootfs that is itself a mount point; here any mount point at or below the
// tree makes the removal refuse before anything is deleted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lxc::storage {

// The mount points listed in a /proc/self/mountinfo text (the fifth field,
// with its octal escapes such as \040 decoded).
std::vector<std::string> parse_mount_points(std::string_view mountinfo);

// The mount points of this mount namespace at or below path (which is made
// canonical first). Empty when path does not exist.
Result<std::vector<std::string>> mounts_at_or_below(const std::string& path);

// EBUSY naming the first mount point at or below path, if there is one.
Result<void> check_no_mounts(const std::string& path);

// Removes path and everything below it. A missing path is not an error; a
// path that is not a directory is unlinked. Refuses "/" and, through
// check_no_mounts, trees with mount points; while deleting, a directory on
// another device or mount stops it with EXDEV (a mount that appeared after
// the check).
Result<void> remove_tree(const std::string& path);

}  // namespace lxc::storage
