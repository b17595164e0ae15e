#include "api/create_config.h"

#include "base/strings.h"
#include "config/values.h"
#include "templates/image.h"

namespace lxc::api {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string config_header(std::string_view template_path, const std::vector<std::string>& args) {
  std::string h = "# Template used to create this container: " + std::string(template_path) + "\n";
  h += "# Parameters passed to the template:";
  for (const auto& a : args) h += " " + a;
  h += "\n";
  h += "# For additional config options, please look at lxc.container.conf(5)\n"
       "\n"
       "# Uncomment the following line to support nesting containers:\n";
  // The nesting.conf lxcpp installs, as LXC names its own.
  h += "#lxc.include = " + std::string(templates::kLxcTemplateConfig) + "/nesting.conf\n";
  h += "# (Be aware this has security implications)\n"
       "\n";
  return h;
}

bool is_hwaddr_line(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return false;
  auto eq = line.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view key = trim(line.substr(0, eq));
  for (std::string_view prefix : {"lxc.net.", "lxc.network."}) {
    if (!key.starts_with(prefix)) continue;
    std::string_view rest = key.substr(prefix.size());
    if (rest == "hwaddr") return true;
    auto dot = rest.find('.');
    if (dot != std::string_view::npos && all_digits(rest.substr(0, dot)) && rest.substr(dot + 1) == "hwaddr")
      return true;
  }
  return false;
}

std::string fill_hwaddr_line(std::string_view line, const HwaddrFiller& fill) {
  if (!is_hwaddr_line(line)) return std::string(line);
  size_t eq = line.find('=');
  size_t start = eq + 1;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  size_t end = line.size();
  while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
  std::string filled =
      fill ? fill(line.substr(start, end - start)) : config::randomize_hwaddr(line.substr(start, end - start));
  return std::string(line.substr(0, start)) + filled + std::string(line.substr(end));
}

std::string base_config_text(std::string_view text, const HwaddrFiller& fill) {
  std::string out;
  for (std::string_view line : lines(text)) {
    if (trim(line).empty()) continue;  // LXC keeps no blank lines
    out += fill_hwaddr_line(line, fill);
    out += '\n';
  }
  return out;
}

std::string assemble_config(std::string_view header, std::string_view base, std::string_view rootfs_src,
                            std::string_view template_lines) {
  std::string out(header);
  out += base;
  if (!rootfs_src.empty()) out += "lxc.rootfs.path = " + std::string(rootfs_src) + "\n";
  out += template_lines;
  return out;
}

}  // namespace lxc::api
