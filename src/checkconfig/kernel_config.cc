#include "checkconfig/kernel_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "base/file.h"
#include "base/spawn.h"
#include "base/strings.h"

namespace lxc::checkconfig {

// ---------------------------------------------------------------------------
// The kernel config text

bool KernelConfig::is_set(std::string_view symbol) const {
  auto it = values.find(symbol);
  return it != values.end() && (it->second == "y" || it->second == "m");
}

bool KernelConfig::is_module(std::string_view symbol) const {
  auto it = values.find(symbol);
  return it != values.end() && it->second == "m";
}

// Reads "N" at the front of s and drops it; nullopt when s does not start with a digit.
static std::optional<int> take_number(std::string_view& s) {
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return n;
}

// "6.1.0", "2.6.32-5-amd64", "6.18.44+deb13": major.minor[.patch], any suffix.
static std::optional<KernelVersion> parse_version_token(std::string_view tok) {
  KernelVersion v;
  auto major = take_number(tok);
  if (!major || !tok.starts_with('.')) return std::nullopt;
  tok.remove_prefix(1);
  auto minor = take_number(tok);
  if (!minor) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  if (tok.starts_with('.')) {
    tok.remove_prefix(1);
    if (auto patch = take_number(tok)) v.patch = *patch;
  }
  return v;
}

std::optional<KernelVersion> parse_config_version(std::string_view header_line) {
  auto tokens = split(header_line, " \t");
  // The last version-looking word wins, as the script's greedy sed does.
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it)
    if (auto v = parse_version_token(*it)) return v;
  return std::nullopt;
}

KernelConfig parse_kernel_config(std::string_view text) {
  KernelConfig config;
  constexpr std::string_view kNotSet = " is not set";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.starts_with("CONFIG_")) {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      config.values.insert_or_assign(std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))));
    } else if (line.starts_with("# CONFIG_") && line.ends_with(kNotSet)) {
      line.remove_prefix(2);
      line.remove_suffix(kNotSet.size());
      config.values.insert_or_assign(std::string(trim(line)), "n");
    } else if (!config.version && line.starts_with("# Linux") &&
               line.find("Kernel Configuration") != std::string_view::npos) {
      config.version = parse_config_version(line);
    }
  }
  return config;
}

Result<std::string> read_kernel_config(const std::string& path, size_t max_bytes) {
  const std::string what = "kernel configuration " + path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_sys("unable to read " + what);
  struct stat st {};
  if (::fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
    int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return fail(e, "unable to read " + what);
  }
  // gzread decompresses gzip and passes any other file through unchanged,
  // so /proc/config.gz and /boot/config-* take the same path.
  gzFile gz = ::gzdopen(fd, "rb");
  if (gz == nullptr) {
    int e = errno ? errno : ENOMEM;
    ::close(fd);
    return fail(e, "unable to read " + what);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    int n = ::gzread(gz, buf, sizeof buf);
    if (n < 0) {
      int saved = errno;
      int zerr = Z_OK;
      std::string msg = ::gzerror(gz, &zerr);
      ::gzclose_r(gz);
      if (zerr == Z_ERRNO) return fail(saved, "unable to read " + what);
      return fail(0, "unable to decompress " + what + ": " + msg);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      ::gzclose_r(gz);
      return fail(EFBIG, "unable to read " + what);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  // A gzip stream cut short reads to its end and only then reports it.
  int rc = ::gzclose_r(gz);
  if (rc == Z_BUF_ERROR) return fail(0, "unable to decompress " + what + ": unexpected end of file");
  if (rc != Z_OK) return fail(0, "unable to decompress " + what + ": " + ::zError(rc));
  return out;
}

// ---------------------------------------------------------------------------
// Where the config is

std::vector<std::string> fallback_config_paths(std::string_view kernel_release) {
  const std::string rel(kernel_release);
  // The script assigns the headers' .config first and /boot's second, so
  // /boot wins when both exist.
  return {"/boot/config-" + rel, "/lib/modules/" + rel + "/build/.config"};
}

ConfigLocation locate_kernel_config(const char* env_config, std::string_view kernel_release,
                                    const std::function<bool(const std::string&)>& is_file) {
  ConfigLocation loc;
  // The script's ${CONFIG:=...} treats an empty CONFIG as unset.
  if (env_config != nullptr && *env_config != '\0') {
    loc.path = env_config;
    loc.from_env = true;
    return loc;
  }
  if (is_file(std::string(kProcConfig))) {
    loc.path = kProcConfig;
    return loc;
  }
  loc.searched = true;
  for (auto& p : fallback_config_paths(kernel_release)) {
    if (is_file(p)) {
      loc.path = p;
      break;
    }
  }
  return loc;
}

std::string kernel_release() {
  struct utsname u {};
  if (::uname(&u) < 0) return {};
  return u.release;
}

static std::string module_key(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

bool modules_dep_has(std::string_view modules_dep_text, std::string_view modname) {
  const std::string want = module_key(modname);
  for (const auto& line : split(modules_dep_text, "\n")) {
    std::string_view file(line);
    file = file.substr(0, file.find(':'));
    file = file.substr(file.rfind('/') + 1);  // npos + 1 == 0
    size_t ko = file.find(".ko");
    if (ko == std::string_view::npos) continue;
    if (module_key(file.substr(0, ko)) == want) return true;
  }
  return false;
}

bool module_available(std::string_view kernel_release, std::string_view modname) {
  auto dep = read_file("/lib/modules/" + std::string(kernel_release) + "/modules.dep");
  return dep && modules_dep_has(*dep, modname);
}

// ---------------------------------------------------------------------------
// What the running host adds


void parse_cgroup_mounts(std::string_view mountinfo, std::vector<CgroupMount>& v1, std::vector<CgroupMount>& v2) {
  for (const auto& line : split(mountinfo, "\n")) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    auto f = split(line, " ");
    auto sep = std::find(f.begin() + std::min<size_t>(f.size(), 6), f.end(), "-");
    if (f.size() < 6 || sep == f.end() || sep + 1 == f.end()) continue;
    const std::string& fstype = *(sep + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount m;
    m.path = unescape_octal(f[4]);
    if (f.end() - sep >= 4) m.options = split(*(sep + 3), ",");
    (fstype == "cgroup" ? v1 : v2).push_back(std::move(m));
  }
}

std::set<std::string, std::less<>> parse_proc_modules(std::string_view text) {
  std::set<std::string, std::less<>> out;
  for (const auto& line : split(text, "\n")) {
    auto f = split(line, " \t");
    if (!f.empty()) out.insert(f[0]);
  }
  return out;
}

static bool is_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

HostFacts read_host_facts(const char* path_env) {
  HostFacts facts;
  // What a shell without PATH searches.
  std::string_view path = path_env ? path_env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  struct stat st {};
  facts.cgroup_ns = ::stat("/proc/self/ns/cgroup", &st) == 0;
  if (auto mods = read_file("/proc/modules")) facts.modules = parse_proc_modules(*mods);
  if (auto mi = read_file("/proc/self/mountinfo")) parse_cgroup_mounts(*mi, facts.cgroup_v1, facts.cgroup_v2);
  if (!facts.cgroup_v1.empty()) facts.clone_children = is_regular(facts.cgroup_v1.front().path + "/cgroup.clone_children");
  for (std::string_view helper : {"newuidmap", "newgidmap"}) {
    Helper state = Helper::NotInstalled;
    if (auto file = find_in_path(helper, path)) {
      struct stat hst {};
      state = ::stat(file->c_str(), &hst) == 0 && (hst.st_mode & S_ISUID) ? Helper::Ok : Helper::NotSetuid;
    }
    facts.helpers.emplace(std::string(helper), state);
  }
  facts.lxc_start_on_path = find_in_path("lxc-start", path).has_value();
  return facts;
}

// ---------------------------------------------------------------------------
// The items

std::string_view section_heading(Section s) {
  switch (s) {
    case Section::Namespaces: return "--- Namespaces ---";
    case Section::ControlGroups: return "--- Control groups ---";
    case Section::Misc: return "--- Misc ---";
    case Section::CheckpointRestore: return "--- Checkpoint/Restore ---";
  }
  return {};
}

// Labels, symbols, module names and kernel-version conditions are those of
// LXC 5.0's lxc-checkconfig, in its order. Only the three items it marks
// mandatory are required.
static constexpr Item kItems[] = {
    {.section = Section::Namespaces, .label = "Namespaces", .symbol = "CONFIG_NAMESPACES", .required = true},
    {.section = Section::Namespaces, .label = "Utsname namespace", .symbol = "CONFIG_UTS_NS"},
    {.section = Section::Namespaces, .label = "Ipc namespace", .symbol = "CONFIG_IPC_NS", .required = true},
    {.section = Section::Namespaces, .label = "Pid namespace", .symbol = "CONFIG_PID_NS", .required = true},
    {.section = Section::Namespaces, .label = "User namespace", .symbol = "CONFIG_USER_NS"},
    {.section = Section::Namespaces, .label = "newuidmap", .kind = Kind::IdMapHelper, .probe = "newuidmap",
     .only_if = "CONFIG_USER_NS"},
    {.section = Section::Namespaces, .label = "newgidmap", .kind = Kind::IdMapHelper, .probe = "newgidmap",
     .only_if = "CONFIG_USER_NS"},
    {.section = Section::Namespaces, .label = "Network namespace", .symbol = "CONFIG_NET_NS"},
    // devpts always has multiple instances since 4.7, and the option is gone.
    {.section = Section::Namespaces, .label = "Multiple /dev/pts instances",
     .symbol = "CONFIG_DEVPTS_MULTIPLE_INSTANCES", .shown_until = {4, 7, 0}},

    {.section = Section::ControlGroups, .label = "Cgroups", .symbol = "CONFIG_CGROUPS"},
    {.section = Section::ControlGroups, .label = "Cgroup namespace", .kind = Kind::CgroupNamespace},
    {.section = Section::ControlGroups, .label = "Cgroup mount points", .kind = Kind::CgroupMounts},
    {.section = Section::ControlGroups, .label = "Cgroup v1 systemd controller", .kind = Kind::CgroupV1Controller,
     .probe = "name=systemd"},
    {.section = Section::ControlGroups, .label = "Cgroup v1 freezer controller", .kind = Kind::CgroupV1Controller,
     .probe = "freezer"},
    {.section = Section::ControlGroups, .label = "Cgroup v1 clone_children flag",
     .kind = Kind::CgroupCloneChildren},
    {.section = Section::ControlGroups, .label = "Cgroup device", .symbol = "CONFIG_CGROUP_DEVICE"},
    {.section = Section::ControlGroups, .label = "Cgroup sched", .symbol = "CONFIG_CGROUP_SCHED"},
    {.section = Section::ControlGroups, .label = "Cgroup cpu account", .symbol = "CONFIG_CGROUP_CPUACCT"},
    // CONFIG_CGROUP_MEM_RES_CTLR was renamed CONFIG_MEMCG in 3.6.
    {.section = Section::ControlGroups, .label = "Cgroup memory controller", .symbol = "CONFIG_MEMCG",
     .old_symbol = "CONFIG_CGROUP_MEM_RES_CTLR", .renamed_in = {3, 6, 0}},
    // Without SMP there is no cpuset controller to ask about.
    {.section = Section::ControlGroups, .label = "Cgroup cpuset", .symbol = "CONFIG_CPUSETS", .only_if = "CONFIG_SMP"},

    {.section = Section::Misc, .label = "Veth pair device", .kind = Kind::Module, .symbol = "CONFIG_VETH",
     .probe = "veth"},
    {.section = Section::Misc, .label = "Macvlan", .kind = Kind::Module, .symbol = "CONFIG_MACVLAN", .probe = "macvlan"},
    {.section = Section::Misc, .label = "Vlan", .kind = Kind::Module, .symbol = "CONFIG_VLAN_8021Q", .probe = "8021q"},
    {.section = Section::Misc, .label = "Bridges", .kind = Kind::Module, .symbol = "CONFIG_BRIDGE", .probe = "bridge"},
    {.section = Section::Misc, .label = "Advanced netfilter", .kind = Kind::Module, .symbol = "CONFIG_NETFILTER_ADVANCED",
     .probe = "nf_tables"},
    // The script asks for these two on 4.7 to 4.x only.
    {.section = Section::Misc, .label = "CONFIG_NF_NAT_IPV4", .kind = Kind::Module, .symbol = "CONFIG_NF_NAT_IPV4",
     .probe = "nf_nat_ipv4", .shown_from = {4, 7, 0}, .shown_until = {5, 0, 0}},
    {.section = Section::Misc, .label = "CONFIG_NF_NAT_IPV6", .kind = Kind::Module, .symbol = "CONFIG_NF_NAT_IPV6",
     .probe = "nf_nat_ipv6", .shown_from = {4, 7, 0}, .shown_until = {5, 0, 0}},
    {.section = Section::Misc, .label = "CONFIG_IP_NF_TARGET_MASQUERADE", .kind = Kind::Module,
     .symbol = "CONFIG_IP_NF_TARGET_MASQUERADE", .probe = "nf_nat_masquerade_ipv4"},
    {.section = Section::Misc, .label = "CONFIG_IP6_NF_TARGET_MASQUERADE", .kind = Kind::Module,
     .symbol = "CONFIG_IP6_NF_TARGET_MASQUERADE", .probe = "nf_nat_masquerade_ipv6"},
    {.section = Section::Misc, .label = "CONFIG_NETFILTER_XT_TARGET_CHECKSUM", .kind = Kind::Module,
     .symbol = "CONFIG_NETFILTER_XT_TARGET_CHECKSUM", .probe = "xt_CHECKSUM"},
    {.section = Section::Misc, .label = "CONFIG_NETFILTER_XT_MATCH_COMMENT", .kind = Kind::Module,
     .symbol = "CONFIG_NETFILTER_XT_MATCH_COMMENT", .probe = "xt_comment"},
    {.section = Section::Misc, .label = "FUSE (for use with lxcfs)", .kind = Kind::Module, .symbol = "CONFIG_FUSE_FS",
     .probe = "fuse"},

    {.section = Section::CheckpointRestore, .label = "checkpoint restore", .symbol = "CONFIG_CHECKPOINT_RESTORE"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_FHANDLE", .symbol = "CONFIG_FHANDLE"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_EVENTFD", .symbol = "CONFIG_EVENTFD"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_EPOLL", .symbol = "CONFIG_EPOLL"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_UNIX_DIAG", .symbol = "CONFIG_UNIX_DIAG"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_INET_DIAG", .symbol = "CONFIG_INET_DIAG"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_PACKET_DIAG", .symbol = "CONFIG_PACKET_DIAG"},
    {.section = Section::CheckpointRestore, .label = "CONFIG_NETLINK_DIAG", .symbol = "CONFIG_NETLINK_DIAG"},
    // File capabilities cannot be configured off since 2.6.33.
    {.section = Section::CheckpointRestore, .label = "File capabilities",
     .symbol = "CONFIG_SECURITY_FILE_CAPABILITIES", .builtin_from = {2, 6, 33}},
};

std::span<const Item> items() { return kItems; }

std::string_view verdict_word(Verdict v) {
  switch (v) {
    case Verdict::Enabled: return "enabled";
    case Verdict::Missing: return "missing";
    case Verdict::Required: return "required";
  }
  return {};
}

std::string_view symbol_for(const Item& item, KernelVersion kernel) {
  if (!item.old_symbol.empty() && kernel < item.renamed_in) return item.old_symbol;
  return item.symbol;
}

// cgroup2 alone at /sys/fs/cgroup: the script skips its v1 checks.
static bool unified_only(const HostFacts& facts) {
  return facts.cgroup_v2.size() == 1 && facts.cgroup_v2.front().path == "/sys/fs/cgroup";
}

static Verdict absent(const Item& item) { return item.required ? Verdict::Required : Verdict::Missing; }

Evaluation evaluate(const Item& item, const KernelConfig& config, const HostFacts& facts) {
  Evaluation ev;
  const KernelVersion kernel = config.effective_version();
  if (kernel < item.shown_from || !(kernel < item.shown_until) ||
      (!item.only_if.empty() && !config.is_set(item.only_if))) {
    ev.shown = false;
    return ev;
  }
  switch (item.kind) {
    case Kind::Config:
    case Kind::Module: {
      bool on = !(kernel < item.builtin_from) || config.is_set(symbol_for(item, kernel));
      ev.verdict = on ? Verdict::Enabled : absent(item);
      // As the script, the load state is asked of every enabled item,
      // built in or not, and only when /proc/modules exists.
      if (on && item.kind == Kind::Module && facts.modules)
        ev.detail = facts.modules->contains(item.probe) ? ", loaded" : ", not loaded";
      break;
    }
    case Kind::CgroupNamespace:
      ev.verdict = facts.cgroup_ns ? Verdict::Enabled : absent(item);
      break;
    case Kind::CgroupMounts:
      ev.verdict = Verdict::Enabled;
      break;
    case Kind::CgroupV1Controller: {
      bool found = std::any_of(facts.cgroup_v1.begin(), facts.cgroup_v1.end(), [&](const CgroupMount& m) {
        return std::find(m.options.begin(), m.options.end(), item.probe) != m.options.end();
      });
      ev.verdict = found ? Verdict::Enabled : absent(item);
      ev.shown = !found && !unified_only(facts);
      break;
    }
    case Kind::CgroupCloneChildren:
      ev.verdict = facts.clone_children ? Verdict::Enabled : absent(item);
      ev.shown = facts.clone_children && !unified_only(facts);
      break;
    case Kind::IdMapHelper: {
      auto it = facts.helpers.find(item.probe);
      Helper state = it == facts.helpers.end() ? Helper::NotInstalled : it->second;
      const std::string name(item.probe);
      ev.verdict = state == Helper::Ok ? Verdict::Enabled : absent(item);
      ev.shown = state != Helper::Ok;
      if (state == Helper::NotInstalled) ev.detail = name + " is not installed";
      if (state == Helper::NotSetuid) ev.detail = "Warning: " + name + " is not setuid-root";
      break;
    }
  }
  return ev;
}

// ---------------------------------------------------------------------------
// The report

static Tone tone_of(const Item& item, Verdict v) {
  if (v == Verdict::Enabled) return Tone::Success;
  if (v == Verdict::Required) return Tone::Failure;
  // The script prints a missing v1 controller in red, other misses in yellow.
  return item.kind == Kind::CgroupV1Controller ? Tone::Failure : Tone::Warning;
}

Report build_report(const KernelConfig& config, const HostFacts& facts, std::string_view program) {
  Report r;
  auto plain = [&r](std::string text) { r.lines.push_back(Line{.text = std::move(text)}); };
  if (!config.version) {
    plain("WARNING: Unable to detect version from configuration, assuming latest");
    plain("");
  }
  std::optional<Section> section;
  for (const Item& item : items()) {
    if (section != item.section) {
      section = item.section;
      plain("");
      plain(std::string(section_heading(item.section)));
    }
    if (item.kind == Kind::CgroupMounts) {
      // The trailing space is the script's.
      plain("Cgroup v1 mount points: ");
      for (const auto& m : facts.cgroup_v1) plain(" - " + m.path);
      plain("Cgroup v2 mount points: ");
      for (const auto& m : facts.cgroup_v2) plain(" - " + m.path);
      continue;
    }
    Evaluation ev = evaluate(item, config, facts);
    if (!ev.shown) continue;
    if (ev.verdict == Verdict::Required) r.required_missing = true;
    if (item.kind == Kind::IdMapHelper) {
      plain(std::move(ev.detail));
      continue;
    }
    r.lines.push_back(Line{.text = std::string(item.label) + ": ",
                           .word = std::string(verdict_word(ev.verdict)),
                           .tone = tone_of(item, ev.verdict),
                           .tail = std::move(ev.detail)});
  }
  plain("");
  plain("Note : Before booting a new kernel, you can check its configuration");
  plain("usage : CONFIG=/path/to/config " + std::string(program));
  plain("");
  return r;
}

static std::string_view color_code(Tone t) {
  switch (t) {
    case Tone::Success: return "\033[1;32m";
    case Tone::Failure: return "\033[1;31m";
    case Tone::Warning: return "\033[1;33m";
    case Tone::Plain: break;
  }
  return {};
}

std::string render(const Report& report, bool color) {
  constexpr std::string_view kNormal = "\033[0;39m";
  std::string out;
  for (const Line& l : report.lines) {
    out += l.text;
    if (!l.word.empty()) {
      bool paint = color && l.tone != Tone::Plain;
      if (paint) out += color_code(l.tone);
      out += l.word;
      if (paint) out += kNormal;
    }
    out += l.tail;
    out += '\n';
  }
  return out;
}

}  // namespace lxc::checkconfig
