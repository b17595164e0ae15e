#include "config/legacy.h"

#include <vector>

#include "base/strings.h"
#include "config/parser.h"

namespace lxc::config {
namespace {

constexpr LegacyKey kRenames[] = {
    {"lxc.id_map", "lxc.idmap"},
    {"lxc.pts", "lxc.pty.max"},
    {"lxc.tty", "lxc.tty.max"},
    {"lxc.devttydir", "lxc.tty.dir"},
    {"lxc.aa_profile", "lxc.apparmor.profile"},
    {"lxc.aa_allow_incomplete", "lxc.apparmor.allow_incomplete"},
    {"lxc.se_context", "lxc.selinux.context"},
    {"lxc.mount", "lxc.mount.fstab"},
    {"lxc.utsname", "lxc.uts.name"},
    {"lxc.seccomp", "lxc.seccomp.profile"},
    {"lxc.console", "lxc.console.path"},
    {"lxc.haltsignal", "lxc.signal.halt"},
    {"lxc.rebootsignal", "lxc.signal.reboot"},
    {"lxc.stopsignal", "lxc.signal.stop"},
    {"lxc.syslog", "lxc.log.syslog"},
    {"lxc.loglevel", "lxc.log.level"},
    {"lxc.logfile", "lxc.log.file"},
    {"lxc.init_cmd", "lxc.init.cmd"},
    {"lxc.init_uid", "lxc.init.uid"},
    {"lxc.init_gid", "lxc.init.gid"},
    {"lxc.rootfs", "lxc.rootfs.path"},
    {"lxc.network", "lxc.net"},
    {"lxc.rootfs.backend", ""},
    {"lxc.pivotdir", ""},
    {"lxc.kmsg", ""},
};

// "lxc.network[.N].rest" → "lxc.net.N.rest", with ipv4/ipv6 → *.address.
// index is used when the key has none.
std::string rename_network_key(std::string_view key, int index) {
  std::string_view rest = key.substr(std::string_view("lxc.network").size());
  if (rest.empty()) return "lxc.net";
  rest.remove_prefix(1);  // '.'
  std::string idx = std::to_string(index);
  auto dot = rest.find('.');
  if (parse_u64(rest.substr(0, dot))) {
    idx = std::string(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  std::string sub(rest);
  if (sub == "ipv4" || sub == "ipv6") sub += ".address";
  return sub.empty() ? "lxc.net." + idx : "lxc.net." + idx + "." + sub;
}

}  // namespace

std::optional<std::string> legacy_replacement(std::string_view key) {
  if (key == "lxc.network" || key.starts_with("lxc.network.")) return rename_network_key(key, 0);
  if (key.starts_with("lxc.limit.")) return "lxc.prlimit." + std::string(key.substr(10));
  if (key == "lxc.limit") return std::string("lxc.prlimit");
  for (const auto& r : kRenames)
    if (key == r.old_name) return std::string(r.new_name);
  return std::nullopt;
}

std::string update_config_text(std::string_view text) {
  std::vector<std::string> lines = split(text, "\n");
  // split() drops empty pieces; keep blank lines by splitting by hand.
  lines.clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  bool trailing_newline = text.ends_with('\n');
  if (trailing_newline) lines.pop_back();

  // The storage driver named by lxc.rootfs.backend, for lxc.rootfs lines.
  std::string driver = "dir";
  for (const auto& l : lines) {
    auto parsed = split_line(l);
    if (parsed && *parsed && (*parsed)->key == "lxc.rootfs.backend" && !(*parsed)->value.empty())
      driver = std::string((*parsed)->value);
  }

  std::string out;
  int net_index = -1;
  for (const auto& line : lines) {
    // Commented-out settings are renamed too, so that uncommenting them later works.
    std::string_view body = trim(line);
    std::string lead = line.substr(0, line.find_first_not_of(" \t") == std::string::npos ? line.size() : line.find_first_not_of(" \t"));
    while (body.starts_with('#')) {
      lead += '#';
      body.remove_prefix(1);
    }
    auto parsed = split_line(body);
    if (!parsed || !*parsed || !(*parsed)->key.starts_with("lxc.")) {
      out += line + "\n";
      continue;
    }
    std::string key((*parsed)->key);
    std::string value((*parsed)->value);
    bool commented = lead.find('#') != std::string::npos;
    if (key == "lxc.network.type" && !commented) ++net_index;
    if (key.starts_with("lxc.network")) {
      key = rename_network_key(key, std::max(net_index, 0));
    } else if (key == "lxc.rootfs") {
      key = "lxc.rootfs.path";
      if (value.starts_with('/')) value = driver + ":" + value;
    } else if (auto repl = legacy_replacement(key)) {
      if (repl->empty()) continue;  // dropped keys go away
      key = *repl;
    } else {
      out += line + "\n";
      continue;
    }
    out += lead + key + " = " + value + "\n";
  }
  if (!trailing_newline && !out.empty()) out.pop_back();
  return out;
}

}  // namespace lxc::config
