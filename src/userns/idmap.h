// User namespace id maps: parsing them (lxc-usernsexec's -m, /etc/subuid and
// /etc/subgid) and writing them for a process (/proc/PID/{uid,gid}_map).
//
// This is the one place that writes id maps. A caller with CAP_SETUID and
// CAP_SETGID (root) writes the files itself; anyone else goes through the
// setuid helpers newuidmap(1) and newgidmap(1) of shadow-utils (Debian:
// package uidmap), which accept only ranges /etc/subuid and /etc/subgid grant
// the caller (and the caller's own id). Without the helpers, an unprivileged
// caller can still map its own uid and gid (one id each): the kernel allows
// that once /proc/PID/setgroups says "deny", which is then written first.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::userns {

using config::IdMap;

// "u:0:100000:65536" (lxc-usernsexec -m): type u (uids), g (gids) or b
// (both: two maps), the first id inside, the first id on the host, how many.
Result<std::vector<IdMap>> parse_map_arg(std::string_view arg);

// One "NAME:START:COUNT" range of /etc/subuid or /etc/subgid.
struct SubIdRange {
  uint64_t start = 0;
  uint64_t count = 0;
  bool operator==(const SubIdRange&) const = default;
};

// The ranges of `text` (a subuid/subgid file) that belong to the user: lines
// naming it or its numeric id, as newuidmap reads them. Malformed lines and
// comments are skipped.
std::vector<SubIdRange> subid_ranges(std::string_view text, std::string_view user, uid_t id);

// The first range of the file for the user (LXC uses only the first: with
// several it cannot know which one was meant). ENOENT when there is none.
Result<SubIdRange> first_subid_range(const std::string& path, std::string_view user, uid_t id);

// lxc-usernsexec's default maps: the first /etc/subuid and /etc/subgid
// ranges of the user, at id 0 inside.
Result<std::vector<IdMap>> default_maps(std::string_view user, uid_t uid,
                                        const std::string& subuid_file = "/etc/subuid",
                                        const std::string& subgid_file = "/etc/subgid");

// lxc-usernsexec -s: maps the host `uid` and `gid` (one id each) at the
// lowest id inside that no map of that type covers yet; returns those ids
// inside (uid, gid).
std::pair<uint64_t, uint64_t> add_self_maps(std::vector<IdMap>& maps, uid_t uid, gid_t gid);

// The text of /proc/PID/uid_map (type 'u') or gid_map ('g'): "NSID HOSTID
// RANGE" lines, in the order given.
std::string format_map(const std::vector<IdMap>& maps, char type);

// Whether `maps` maps `nsid` of that type.
bool maps_id(const std::vector<IdMap>& maps, char type, uint64_t nsid);

enum class Writer {
  Auto,    // directly as root, else newuidmap/newgidmap if installed, else directly
  Direct,  // always write the /proc files ourselves
  Helper,  // always newuidmap/newgidmap
};

// Writes the maps of each type present in `maps` for process `pid` (a type
// with no map is left unwritten). The process must be in a user namespace
// whose maps are not written yet.
Result<void> write_id_maps(pid_t pid, const std::vector<IdMap>& maps, Writer how = Writer::Auto);

// The same for a container's lxc.idmap: both a uid and a gid map must be
// there (a container with only one cannot set up its root).
Result<void> write_container_id_maps(pid_t pid, const std::vector<IdMap>& maps);

}  // namespace lxc::userns
