#include "userns/mapped.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "base/unique_fd.h"
#include "log/log.h"
#include "userns/idmap.h"

namespace lxc::userns {
namespace {

constexpr log::Logger kLog("userns");

MappedIds g_tree_ids;  // for the nftw callback

int chown_entry(const char* path, const struct stat* st, int, struct FTW*) {
  uid_t uid = st->st_uid == g_tree_ids.self_uid ? 0 : st->st_uid;
  gid_t gid = st->st_gid == g_tree_ids.self_gid ? 0 : st->st_gid;
  if (uid == st->st_uid && gid == st->st_gid) return 0;
  if (::lchown(path, uid, gid) < 0) return errno;
  // chown drops setuid and setgid bits: they are put back (not on symlinks).
  if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)))
    if (::chmod(path, st->st_mode & 07777) < 0) return errno;
  return 0;
}

}  // namespace

Result<void> run_mapped(const std::vector<config::IdMap>& idmaps, const std::function<int(const MappedIds&)>& fn,
                        const std::string& what) {
  if (idmaps.empty()) return fail(EINVAL, what + ": the container has no lxc.idmap");
  std::vector<config::IdMap> maps = idmaps;
  auto [self_uid, self_gid] = add_self_maps(maps, ::getuid(), ::getgid());
  MappedIds ids{static_cast<uid_t>(self_uid), static_cast<gid_t>(self_gid)};

  int ready[2], go[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) return fail_sys(what + ": pipe");
  UniqueFd ready_r(ready[0]), ready_w(ready[1]);
  if (::pipe2(go, O_CLOEXEC) < 0) return fail_sys(what + ": pipe");
  UniqueFd go_r(go[0]), go_w(go[1]);
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys(what + ": fork");
  if (pid == 0) {
    ready_r.reset();
    go_w.reset();
    char c = ::unshare(CLONE_NEWUSER) == 0 ? 1 : 0;
    if (::write(ready_w.get(), &c, 1) != 1 || !c) ::_exit(EPERM);
    if (::read(go_r.get(), &c, 1) != 1 || !c) ::_exit(EPERM);
    if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0) ::_exit(errno);
    ::setgroups(0, nullptr);  // allowed with newgidmap; harmless where not
    ::_exit(fn(ids));
  }
  ready_w.reset();
  go_r.reset();
  char c = 0;
  bool unshared = ::read(ready_r.get(), &c, 1) == 1 && c;
  Result<void> maps_written = unshared ? write_id_maps(pid, maps) : fail(EPERM, "unshare(CLONE_NEWUSER)");
  c = maps_written ? 1 : 0;
  (void)!::write(go_w.get(), &c, 1);
  go_w.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!maps_written) return unexpected(with_context(maps_written.error(), what));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
  return fail(code, what + " in the container's user namespace");
}

Result<void> run_mapped(const std::vector<config::IdMap>& idmaps, const std::function<Result<void>()>& work,
                        const std::string& what) {
  return run_mapped(
      idmaps,
      [&](const MappedIds&) {
        auto r = work();
        if (r) return 0;
        kLog.error("{}", describe(r.error()));
        return r.error().code ? r.error().code : EIO;
      },
      what);
}

int chown_tree_to_root(const std::string& path, const MappedIds& ids) {
  g_tree_ids = ids;
  int r = ::nftw(path.c_str(), chown_entry, 32, FTW_PHYS | FTW_MOUNT);
  return r == 0 ? 0 : (r > 0 ? r : errno);
}

}  // namespace lxc::userns
