#include "templates/image.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "templates/root_dir.h"

// Set by CMake from the install prefix (see config/share/lxc).
#ifndef LXCPP_TEMPLATE_CONFIG
#define LXCPP_TEMPLATE_CONFIG "/usr/share/lxc/config"
#endif
#ifndef LXCPP_HOOK_DIR
#define LXCPP_HOOK_DIR "/usr/share/lxc/hooks"
#endif

namespace lxc::templates {

constinit const std::string_view kLxcTemplateConfig = LXCPP_TEMPLATE_CONFIG;
constinit const std::string_view kLxcHookDir = LXCPP_HOOK_DIR;

namespace {

constexpr log::Logger kLog("templates");

// Whether line contains pattern, where '.' in pattern is any character (the
// basic regular expressions "lxc.net.0" and "lxc." of LXC's sed calls).
bool contains_dotted(std::string_view line, std::string_view pattern) {
  if (line.size() < pattern.size()) return false;
  for (size_t i = 0; i + pattern.size() <= line.size(); ++i) {
    bool ok = true;
    for (size_t j = 0; ok && j < pattern.size(); ++j) ok = pattern[j] == '.' || pattern[j] == line[i + j];
    if (ok) return true;
  }
  return false;
}

void append_text(std::string& out, std::string_view text) {
  out += text;
  if (!text.empty() && text.back() != '\n') out += '\n';
}

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t hit = text.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(text.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(text.substr(pos));
  return out;
}

bool userns_partial() {
  auto map = read_file("/proc/self/uid_map");
  if (!map) return false;
  for (const auto& line : split(*map, "\n")) {
    auto f = split(line, " \t");
    if (f.size() == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295") return false;
  }
  return true;
}

// Fills the placeholders of one rootfs file listed in "templates"; missing
// files and anything but a regular file are skipped, as LXC's loop does.
Result<void> fill_rootfs_file(const RootDir& root, const std::string& rel, const Placeholders& p) {
  mode_t mode = 0644;
  auto text = root.read_file(rel, &mode);
  if (!text) {
    kLog.debug("template file {} skipped: {}", rel, describe(text.error()));
    return {};
  }
  std::string filled = fill_placeholders(*text, p);
  if (filled == *text) return {};
  return root.write_file(rel, filled, mode);
}

// LXC's "sed -i 's|mingetty|mingetty --nohangup|'" on /etc/init/tty.conf:
// vhangup(2) fails in a user namespace (CentOS, Oracle).
Result<void> fix_mingetty(const RootDir& root) {
  mode_t mode = 0644;
  auto text = root.read_file("etc/init/tty.conf", &mode);
  if (!text) return {};
  std::string out;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    end = end == std::string::npos ? text->size() : end + 1;
    std::string line = text->substr(pos, end - pos);
    if (auto at = line.find("mingetty"); at != std::string::npos) line.replace(at, 8, "mingetty --nohangup");
    out += line;
    pos = end;
  }
  if (out == *text) return {};
  return root.write_file("etc/init/tty.conf", out, mode);
}

}  // namespace

const std::string* ImageMeta::find(std::string_view name) const {
  std::string path(name);
  if (files.contains(path + "-" + mode)) path += "-" + mode;
  if (files.contains(path + "." + std::to_string(compat))) path += "." + std::to_string(compat);
  auto it = files.find(path);
  return it == files.end() ? nullptr : &it->second;
}

std::string fill_placeholders(std::string_view text, const Placeholders& p) {
  std::string out = replace_all(text, "LXC_NAME", p.name);
  out = replace_all(out, "LXC_PATH", p.path);
  out = replace_all(out, "LXC_ROOTFS", p.rootfs);
  out = replace_all(out, "LXC_TEMPLATE_CONFIG", p.template_config);
  return replace_all(out, "LXC_HOOK_DIR", p.hook_dir);
}

std::vector<std::string> list_lines(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& line : split(text, "\n")) {
    std::string_view l = line;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    if (!l.empty()) out.emplace_back(l);
  }
  return out;
}

std::string image_config(std::string_view initial, std::string_view dist_config, bool has_fstab, std::string_view name,
                         std::string_view path) {
  std::string kept, network, container;
  size_t pos = 0;
  while (pos < initial.size()) {
    size_t end = initial.find('\n', pos);
    if (end == std::string_view::npos) end = initial.size();
    std::string line(initial.substr(pos, end - pos));
    pos = end + 1;
    if (contains_dotted(line, "lxc.net.0")) {
      network += line + "\n";
    } else if (contains_dotted(line, "lxc.")) {
      container += line + "\n";
    } else {
      kept += line + "\n";
    }
  }
  std::string out = kept;
  out += "\n# Distribution configuration\n";
  append_text(out, dist_config);
  out += "\n# Container specific configuration\n";
  out += container;
  if (has_fstab) out += "lxc.mount.fstab = " + std::string(path) + "/fstab\n";
  out += "lxc.uts.name = " + std::string(name) + "\n";
  if (!network.empty()) out += "\n# Network configuration\n" + network;
  return out;
}

std::string image_mode(const std::vector<config::IdMap>& idmap) {
  return !idmap.empty() || userns_partial() ? "user" : "system";
}

Result<void> install_image(const Request& req, const ImageMeta& meta, std::string_view dist_config) {
  auto root = RootDir::open(req.rootfs);
  if (!root) return unexpected(root.error());
  if (auto r = root->make_dirs("dev/pts", 0755); !r) return r;

  Placeholders p{req.name, req.path, req.rootfs};
  const std::string* fstab = meta.find("fstab");
  auto initial = read_file(req.config_path());
  if (!initial) return unexpected(initial.error());
  std::string config = image_config(*initial, dist_config, fstab != nullptr, req.name, req.path);
  if (auto r = write_file_atomic(req.config_path(), fill_placeholders(config, p), 0640); !r) return r;
  if (fstab) {
    if (auto r = write_file_atomic(req.path + "/fstab", fill_placeholders(*fstab, p), 0644); !r) return r;
  }
  if (const std::string* list = meta.find("templates")) {
    for (const auto& rel : list_lines(*list))
      if (auto r = fill_rootfs_file(*root, rel, p); !r) return r;
  }
  if (auto r = fix_mingetty(*root); !r) return r;
  if (const std::string* msg = meta.find("create-message"); msg && !req.quiet) {
    std::printf("\n---\n%s", msg->c_str());
    if (!msg->empty() && msg->back() != '\n') std::printf("\n");
    std::fflush(stdout);
  }
  return {};
}

}  // namespace lxc::templates
