// fstab lines, mount options and lxc.mount.auto tokens, parsed as LXC 5 does.
#include <sys/mount.h>

#include <charconv>

#include "base/strings.h"
#include "log/log.h"
#include "rootfs/rootfs.h"

namespace lxc::rootfs {
namespace {

constexpr log::Logger kLog("rootfs");

// getmntent's escapes: \040 space, \011 tab, \012 newline, \134 and \\ backslash.
std::string decode_fstab_field(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      std::string_view rest = s.substr(i + 1);
      if (rest.starts_with("040")) { out += ' '; i += 3; continue; }
      if (rest.starts_with("011")) { out += '\t'; i += 3; continue; }
      if (rest.starts_with("012")) { out += '\n'; i += 3; continue; }
      if (rest.starts_with("134")) { out += '\\'; i += 3; continue; }
      if (rest.starts_with("\\")) { out += '\\'; i += 1; continue; }
    }
    out += s[i];
  }
  return out;
}

int parse_fstab_number(std::string_view s) {
  // sscanf("%d") as getmntent: a field that is not a number reads as 0.
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() ? v : 0;
}

struct VfsOption {
  std::string_view name;
  bool clear;
  unsigned long flag;
};
// LXC's mount_opt table; "bind", "rbind" and "defaults" are handled apart.
constexpr VfsOption kVfsOptions[] = {
    {"atime", true, MS_NOATIME},         {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},   {"exec", true, MS_NOEXEC},
    {"noatime", false, MS_NOATIME},      {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME}, {"noexec", false, MS_NOEXEC},
    {"norelatime", true, MS_RELATIME},   {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},        {"relatime", false, MS_RELATIME},
    {"ro", false, MS_RDONLY},            {"rw", true, MS_RDONLY},
    {"strictatime", false, MS_STRICTATIME}, {"suid", true, MS_NOSUID},
};
// Superblock flags LXC 5 accepts but does not apply (mount_setattr has no
// attribute for them); kept as "ignored" so the behaviour is the same.
constexpr std::string_view kLxcIgnored[] = {"sync", "async", "dirsync", "lazytime", "mand", "nomand", "remount"};

struct PropagationOption {
  std::string_view name;
  unsigned long flags;
};
constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE},           {"shared", MS_SHARED},
    {"slave", MS_SLAVE},               {"unbindable", MS_UNBINDABLE},
    {"rprivate", MS_PRIVATE | MS_REC}, {"rshared", MS_SHARED | MS_REC},
    {"rslave", MS_SLAVE | MS_REC},     {"runbindable", MS_UNBINDABLE | MS_REC},
};

}  // namespace

Result<FstabEntry> parse_fstab_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::vector<std::string> fields = split(line, " \t");
  if (fields.size() < 3)
    return fail(EINVAL, "invalid mount entry \"" + printable(line) +
                            "\": expected SOURCE TARGET FSTYPE [OPTIONS [DUMP [PASS]]]");
  FstabEntry e;
  e.source = decode_fstab_field(fields[0]);
  e.target = decode_fstab_field(fields[1]);
  e.fstype = decode_fstab_field(fields[2]);
  if (fields.size() > 3) e.options = decode_fstab_field(fields[3]);
  if (fields.size() > 4) e.dump = parse_fstab_number(fields[4]);
  if (fields.size() > 5) e.pass = parse_fstab_number(fields[5]);
  return e;
}

Result<std::vector<FstabEntry>> parse_fstab(std::string_view text) {
  std::vector<FstabEntry> out;
  size_t lineno = 0;
  for (std::string_view line : lines(text)) {
    ++lineno;
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    auto e = parse_fstab_line(t);
    if (!e) return unexpected(with_context(std::move(e.error()), "line " + std::to_string(lineno)));
    out.push_back(std::move(*e));
  }
  return out;
}

MountOptions parse_mount_options(std::string_view options) {
  MountOptions o;
  for (const std::string& opt : split(options, ",")) {
    if (opt == "create=dir") { o.create_dir = true; continue; }
    if (opt == "create=file") { o.create_file = true; continue; }
    if (opt == "optional") { o.optional = true; continue; }
    if (opt == "relative") { o.relative = true; continue; }
    if (opt.starts_with("idmap=")) { o.idmap = opt.substr(6); continue; }
    if (opt.find('=') != std::string::npos) {
      if (!o.data.empty()) o.data += ',';
      o.data += opt;
      continue;
    }
    if (opt == "defaults") continue;
    if (opt == "bind" || opt == "rbind") {
      o.bind = true;
      o.flags |= MS_BIND;
      if (opt == "rbind") {
        o.recursive = true;
        o.flags |= MS_REC;
      }
      continue;
    }
    bool known = false;
    for (const auto& v : kVfsOptions) {
      if (opt != v.name) continue;
      if (v.clear) {
        o.flags &= ~v.flag;
        o.cleared |= v.flag;
      } else {
        o.flags |= v.flag;
        o.cleared &= ~v.flag;
      }
      known = true;
      break;
    }
    if (!known) {
      for (const auto& p : kPropagation) {
        if (opt != p.name) continue;
        o.propagation = p.flags;
        known = true;
        break;
      }
    }
    if (!known) {
      bool lxc_ignored = false;
      for (auto name : kLxcIgnored) lxc_ignored = lxc_ignored || opt == name;
      kLog.debug("ignoring mount option \"{}\"{}", opt, lxc_ignored ? " (not applied by LXC either)" : "");
      o.ignored.push_back(opt);
    }
  }
  return o;
}

Result<AutoMounts> parse_mount_auto(const std::vector<std::string>& tokens) {
  AutoMounts a;
  using C = AutoMounts::CgroupKind;
  using M = AutoMounts::CgroupMode;
  for (const auto& t : tokens) {
    if (t == "proc" || t == "proc:mixed") { a.proc = AutoMounts::Proc::Mixed; continue; }
    if (t == "proc:rw") { a.proc = AutoMounts::Proc::Rw; continue; }
    if (t == "sys" || t == "sys:mixed") { a.sys = AutoMounts::Sys::Mixed; continue; }
    if (t == "sys:ro") { a.sys = AutoMounts::Sys::Ro; continue; }
    if (t == "sys:rw") { a.sys = AutoMounts::Sys::Rw; continue; }
    if (t.starts_with("shmounts:")) {
      std::string rest = t.substr(9);
      std::string host = rest, cont;
      if (auto colon = rest.find(':'); colon != std::string::npos) {
        host = rest.substr(0, colon);
        cont = rest.substr(colon + 1);
      }
      // LXC's default place for the mount tunnel.
      if (cont.empty()) cont = "/dev/.lxc-mounts";
      if (host.empty() || host.front() != '/' || cont.front() != '/')
        return fail(EINVAL, "lxc.mount.auto: invalid \"" + printable(t) + "\": shmounts:HOSTPATH[:CONTAINERPATH] takes absolute paths");
      a.shmounts.emplace(host, cont);
      continue;
    }
    // cgroup[:mixed|:ro|:rw][:force], cgroup-full[...], cgroup2[:ro][:force]
    std::vector<std::string> parts = split(t, ":");
    C kind = C::None;
    if (!parts.empty()) {
      if (parts[0] == "cgroup") kind = C::Cgroup;
      else if (parts[0] == "cgroup-full") kind = C::Full;
      else if (parts[0] == "cgroup2") kind = C::Cgroup2;
    }
    if (kind == C::None || parts.size() > 3 || t.back() == ':')
      return fail(EINVAL, "lxc.mount.auto: unknown token \"" + printable(t) + "\"");
    M mode = kind == C::Cgroup2 ? M::Rw : M::NoSpec;
    bool force = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      const auto& p = parts[i];
      bool last = i + 1 == parts.size();
      if (p == "force" && last) force = true;
      else if (i == 1 && p == "ro") mode = M::Ro;
      else if (i == 1 && p == "rw" && kind != C::Cgroup2) mode = M::Rw;
      else if (i == 1 && p == "mixed" && kind != C::Cgroup2) mode = M::Mixed;
      else return fail(EINVAL, "lxc.mount.auto: unknown token \"" + printable(t) + "\"");
    }
    // One cgroup setting: the last token of any cgroup kind wins, as in LXC.
    a.cgroup = kind;
    a.cgroup_mode = mode;
    a.cgroup_force = force;
  }
  return a;
}

}  // namespace lxc::rootfs
