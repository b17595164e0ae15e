// Copying a root filesystem tree, as LXC's "rsync -aHAX" copy clone does but
// without a helper program: owners, modes (setuid and setgid bits too),
// timestamps, extended attributes (file capabilities, ACLs, SELinux labels),
// device nodes, fifos and sockets, symbolic links as links, hard links as
// links, and holes in sparse files. copy_file_range lets the kernel share or
// offload the data where it can. The copy stays on the source's filesystem:
// a directory that is a mount point is made empty on the other side.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace lxc::storage {

struct CopyStats {
  uint64_t files = 0, dirs = 0, links = 0, others = 0, bytes = 0;
};

// Copies the content of the directory src into the directory dst, which
// must exist (an empty directory, or the root of a new filesystem); dst
// itself gets src's owner, mode, xattrs and times. Stops at the first error,
// which names the path.
Result<CopyStats> copy_tree(const std::string& src, const std::string& dst);

}  // namespace lxc::storage
