#include "userns/idmap.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/file.h"
#include "base/spawn.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "log/log.h"

extern char** environ;

namespace lxc::userns {
namespace {

constexpr log::Logger kLog("userns");

std::string type_name(char type) { return type == 'u' ? "uid" : "gid"; }

// The kernel takes a map in one write(2): a second write fails with EPERM.
Result<void> write_proc_file(const std::string& path, std::string_view text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  ssize_t n = ::write(fd.get(), text.data(), text.size());
  if (n < 0) return fail_sys("write " + path);
  if (static_cast<size_t>(n) != text.size()) return fail(EIO, "short write to " + path);
  return {};
}

Result<void> write_direct(pid_t pid, const std::vector<IdMap>& maps, char type) {
  std::string base = "/proc/" + std::to_string(pid);
  // Without CAP_SETGID over the parent namespace, the kernel takes a gid map
  // only once setgroups(2) is denied in the child namespace.
  if (type == 'g' && ::geteuid() != 0) {
    if (auto r = write_proc_file(base + "/setgroups", "deny"); !r && r.error().code != ENOENT)
      return unexpected(r.error());
  }
  std::string text = format_map(maps, type);
  kLog.debug("writing {}_map of {}: {}", type_name(type), pid, trim(text));
  if (auto r = write_proc_file(base + "/" + type_name(type) + "_map", text); !r) {
    std::string shown(trim(text));
    std::replace(shown.begin(), shown.end(), '\n', ',');
    return fail(r.error().code, "the kernel refused the " + type_name(type) + " map \"" + shown + "\" of process " +
                                    std::to_string(pid) + " (" + r.error().what + ")");
  }
  return {};
}

// Runs newuidmap/newgidmap PID NSID HOSTID RANGE...; its complaint (e.g.
// "uid range [0-65536) -> [200000-265536) not allowed") becomes the error.
Result<void> write_with_helper(const std::string& helper, pid_t pid, const std::vector<IdMap>& maps, char type) {
  std::vector<std::string> args{helper, std::to_string(pid)};
  for (const auto& m : maps) {
    if (m.type != type) continue;
    args.push_back(std::to_string(m.nsid));
    args.push_back(std::to_string(m.hostid));
    args.push_back(std::to_string(m.range));
  }
  std::string cmdline = join(args, " ");
  kLog.debug("running {}", cmdline);
  auto ran = run_captured(args);
  if (!ran) return unexpected(ran.error());
  if (ran->ok()) return {};
  return fail(EPERM, cmdline + " failed: " + ran->complaint());
}

}  // namespace

Result<std::vector<IdMap>> parse_map_arg(std::string_view arg) {
  auto bad = [&](std::string_view why) {
    return fail(EINVAL, "invalid id map \"" + std::string(arg) + "\": " + std::string(why) +
                            " (expected [u|g|b]:ns_id:host_id:range)");
  };
  std::vector<std::string> parts;
  size_t pos = 0;
  for (;;) {
    size_t colon = arg.find(':', pos);
    parts.emplace_back(arg.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (parts.size() != 4) return bad("it needs four colon-separated fields");
  if (parts[0] != "u" && parts[0] != "g" && parts[0] != "b") return bad("the type must be u, g or b");
  uint64_t v[3];
  for (int i = 0; i < 3; ++i) {
    auto n = parse_u64(parts[i + 1]);
    if (!n || *n > UINT32_MAX) return bad("\"" + parts[i + 1] + "\" is not an id");
    v[i] = *n;
  }
  if (v[2] == 0) return bad("the range must not be 0");
  if (v[0] + v[2] - 1 > UINT32_MAX || v[1] + v[2] - 1 > UINT32_MAX) return bad("the range goes past the last id");
  std::vector<IdMap> out;
  for (char t : {'u', 'g'})
    if (parts[0][0] == t || parts[0][0] == 'b') out.push_back({t, v[0], v[1], v[2]});
  return out;
}

std::vector<SubIdRange> subid_ranges(std::string_view text, std::string_view user, uid_t id) {
  std::vector<SubIdRange> out;
  std::string numeric = std::to_string(id);
  for (const auto& line : split(text, "\n")) {
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    auto fields = split(l, ":");
    if (fields.size() != 3) continue;
    if (fields[0] != user && fields[0] != numeric) continue;
    auto start = parse_u64(fields[1]);
    auto count = parse_u64(fields[2]);
    if (!start || !count || *count == 0) continue;
    out.push_back({*start, *count});
  }
  return out;
}

Result<SubIdRange> first_subid_range(const std::string& path, std::string_view user, uid_t id) {
  auto text = read_file(path);
  if (!text) return unexpected(text.error());
  auto ranges = subid_ranges(*text, user, id);
  if (ranges.empty()) return fail(ENOENT, path + " has no range for " + std::string(user));
  return ranges.front();
}

Result<std::vector<IdMap>> default_maps(std::string_view user, uid_t uid, const std::string& subuid_file,
                                        const std::string& subgid_file) {
  auto u = first_subid_range(subuid_file, user, uid);
  if (!u) return unexpected(u.error());
  auto g = first_subid_range(subgid_file, user, uid);
  if (!g) return unexpected(g.error());
  return std::vector<IdMap>{{'u', 0, u->start, u->count}, {'g', 0, g->start, g->count}};
}

bool maps_id(const std::vector<IdMap>& maps, char type, uint64_t nsid) {
  return std::any_of(maps.begin(), maps.end(),
                     [&](const IdMap& m) { return m.type == type && nsid >= m.nsid && nsid - m.nsid < m.range; });
}

std::pair<uint64_t, uint64_t> add_self_maps(std::vector<IdMap>& maps, uid_t uid, gid_t gid) {
  auto first_free = [&](char type) {
    uint64_t id = 0;
    // Each step jumps past the map that covers id; there are finitely many.
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& m : maps)
        if (m.type == type && id >= m.nsid && id - m.nsid < m.range) {
          id = m.nsid + m.range;
          moved = true;
        }
    }
    return id;
  };
  uint64_t nsuid = first_free('u');
  uint64_t nsgid = first_free('g');
  maps.push_back({'u', nsuid, uid, 1});
  maps.push_back({'g', nsgid, gid, 1});
  return {nsuid, nsgid};
}

std::string format_map(const std::vector<IdMap>& maps, char type) {
  std::string out;
  for (const auto& m : maps)
    if (m.type == type)
      out += std::to_string(m.nsid) + " " + std::to_string(m.hostid) + " " + std::to_string(m.range) + "\n";
  return out;
}

Result<void> write_id_maps(pid_t pid, const std::vector<IdMap>& maps, Writer how) {
  bool privileged = ::geteuid() == 0;
  for (char type : {'u', 'g'}) {
    if (format_map(maps, type).empty()) continue;
    std::string helper;
    if (how == Writer::Helper || (how == Writer::Auto && !privileged)) {
      helper = find_program(type == 'u' ? "newuidmap" : "newgidmap");
      if (helper.empty() && how == Writer::Helper)
        return fail(ENOENT, std::string(type == 'u' ? "newuidmap" : "newgidmap") +
                                " is not installed (Debian: apt install uidmap)");
      if (helper.empty())
        kLog.info("no {} found: writing the {} map directly with euid {}", type == 'u' ? "newuidmap" : "newgidmap",
                  type_name(type), ::geteuid());
    }
    Result<void> r = helper.empty() ? write_direct(pid, maps, type) : write_with_helper(helper, pid, maps, type);
    if (!r) return r;
  }
  return {};
}

Result<void> write_container_id_maps(pid_t pid, const std::vector<IdMap>& maps) {
  for (char type : {'u', 'g'})
    if (format_map(maps, type).empty()) return fail(EINVAL, "lxc.idmap has no " + type_name(type) + " mapping");
  if (auto r = write_id_maps(pid, maps); !r) return unexpected(with_context(r.error(), "lxc.idmap"));
  return {};
}

}  // namespace lxc::userns
