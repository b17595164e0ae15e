// idmap= mounts (lxc.rootfs.options, lxc.mount.entry): detached copies of
// host paths whose files show with the container's ids, made by the monitor
// (mount_setattr(MOUNT_ATTR_IDMAP) wants privilege over the source's
// filesystem) and attached by the container's first process.
#include <fcntl.h>
#include <sys/mount.h>

#include "rootfs/quote.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs {

using detail::quoted;

std::vector<IdmappedTree> idmapped_trees(const MountPlan& plan) {
  std::vector<IdmappedTree> out;
  for (const Step& s : plan.steps) {
    if (s.idmap.empty()) continue;
    IdmappedTree t;
    t.origin = s.origin;
    t.source = s.source;
    t.recursive = s.kind == StepKind::BindRootfs || (s.flags & MS_REC) != 0;
    t.idmap = s.idmap;
    t.optional = s.optional;
    out.push_back(std::move(t));
  }
  return out;
}

Result<UniqueFd> make_idmapped_tree(const IdmappedTree& t, int container_userns_fd) {
  UniqueFd userns;
  int ns = container_userns_fd;
  if (t.idmap != "container") {
    userns.reset(::open(t.idmap.c_str(), O_RDONLY | O_CLOEXEC));
    if (!userns) return fail_sys(t.origin + ": idmap=" + t.idmap + ": open the user namespace file");
    ns = userns.get();
  }
  unsigned rec = t.recursive ? AT_RECURSIVE : 0;
  UniqueFd tree(::open_tree(AT_FDCWD, t.source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec));
  if (!tree) return fail_sys(t.origin + ": clone the mount of " + quoted(t.source));
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(ns);
  if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH | rec, &attr, sizeof attr) < 0) {
    if (errno == EINVAL || errno == EPERM)
      return fail_sys(t.origin + ": idmap " + quoted(t.source) +
                      " (its filesystem must support idmapped mounts, and only root may idmap a host filesystem)");
    return fail_sys(t.origin + ": idmap " + quoted(t.source));
  }
  return tree;
}

}  // namespace lxc::rootfs
