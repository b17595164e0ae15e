#include "cgroups/parse.h"

#include "base/strings.h"

namespace lxc::cgroups {
namespace {

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    if (end > pos) out.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::vector<ProcCgroupLine> parse_proc_cgroup(std::string_view text) {
  std::vector<ProcCgroupLine> out;
  for (std::string_view line : lines(text)) {
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    ProcCgroupLine l;
    l.id = std::string(line.substr(0, c1));
    l.controllers = split(line.substr(c1 + 1, c2 - c1 - 1), ",");
    l.path = std::string(line.substr(c2 + 1));
    if (l.path.empty()) continue;
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (std::string_view line : lines(mountinfo)) {
    auto f = fields_of(line);
    // id parent maj:min root mountpoint options [optional...] - fstype source superopts
    size_t sep = 6;
    while (sep < f.size() && f[sep] != "-") ++sep;
    if (sep + 3 >= f.size()) continue;  // no "- fstype source superopts" tail
    std::string_view fstype = f[sep + 1];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount m;
    m.version = fstype == "cgroup2" ? 2 : 1;
    m.root = unescape_octal(f[3]);
    m.mountpoint = unescape_octal(f[4]);
    m.options = split(f[sep + 3], ",");
    out.push_back(std::move(m));
  }
  return out;
}

std::string unescape_octal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_octal(s[i + 1]) && is_octal(s[i + 2]) && is_octal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string escape_octal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\' || u < 0x20 || u == 0x7f) {
      out += '\\';
      out += static_cast<char>('0' + ((u >> 6) & 7));
      out += static_cast<char>('0' + ((u >> 3) & 7));
      out += static_cast<char>('0' + (u & 7));
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<uint64_t> parse_u64_value(std::string_view text) { return parse_u64(trim(text)); }

std::optional<uint64_t> parse_keyed(std::string_view text, std::string_view key) {
  for (std::string_view line : lines(text)) {
    auto f = fields_of(trim(line));
    if (f.size() == 2 && f[0] == key) return parse_u64(f[1]);
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_blkio_total(std::string_view text) {
  // "8:0 Read 4096\n8:0 Write 0\n...\nTotal 4096\n"
  for (std::string_view line : lines(text)) {
    auto f = fields_of(trim(line));
    if (f.size() == 2 && f[0] == "Total") return parse_u64(f[1]);
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_io_stat_bytes(std::string_view text) {
  // "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n" per device
  uint64_t total = 0;
  for (std::string_view line : lines(text)) {
    for (std::string_view tok : fields_of(trim(line))) {
      if (!tok.starts_with("rbytes=") && !tok.starts_with("wbytes=")) continue;
      auto v = parse_u64(tok.substr(7));
      if (!v) return std::nullopt;
      total += *v;
    }
  }
  return total;
}

std::optional<uint64_t> parse_blkio_op(std::string_view text, std::string_view op) {
  uint64_t total = 0;
  for (std::string_view line : lines(text)) {
    auto f = fields_of(trim(line));
    if (f.size() != 3 || f[1] != op) continue;
    auto v = parse_u64(f[2]);
    if (!v) return std::nullopt;
    total += *v;
  }
  return total;
}

std::optional<uint64_t> parse_io_stat_field(std::string_view text, std::string_view key) {
  uint64_t total = 0;
  for (std::string_view line : lines(text)) {
    for (std::string_view tok : fields_of(trim(line))) {
      if (tok.size() <= key.size() || !tok.starts_with(key) || tok[key.size()] != '=') continue;
      auto v = parse_u64(tok.substr(key.size() + 1));
      if (!v) return std::nullopt;
      total += *v;
    }
  }
  return total;
}

std::optional<std::vector<bool>> parse_cpulist(std::string_view text) {
  constexpr uint64_t kMaxCpus = 1u << 16;
  std::vector<bool> cpus;
  for (const std::string& part : split(trim(text), ",")) {
    std::string_view p = trim(part);
    size_t dash = p.find('-');
    auto lo = parse_u64(p.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_u64(p.substr(dash + 1));
    if (!lo || !hi || *lo > *hi || *hi >= kMaxCpus) return std::nullopt;
    if (cpus.size() <= *hi) cpus.resize(*hi + 1, false);
    for (uint64_t c = *lo; c <= *hi; ++c) cpus[c] = true;
  }
  return cpus;
}

std::string format_cpulist(const std::vector<bool>& cpus) {
  std::string out;
  size_t i = 0;
  while (i < cpus.size()) {
    if (!cpus[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1]) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(i);
    if (j > i) out += '-' + std::to_string(j);
    i = j + 1;
  }
  return out;
}

}  // namespace lxc::cgroups
