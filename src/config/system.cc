#include "config/system.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "base/file.h"
#include "base/strings.h"
#include "config/parser.h"

namespace lxc::config {
namespace {

constexpr std::string_view kSystemKeys[] = {"lxc.default_config", "lxc.lxcpath",     "lxc.bdev.lvm.vg",
                                            "lxc.bdev.lvm.thin_pool", "lxc.bdev.zfs.root", "lxc.cgroup.use",
                                            "lxc.cgroup.pattern"};

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_dir;
  return "/";
}

}  // namespace

Paths default_paths() {
  Paths p;
  if (::geteuid() == 0) {
    p.config_dir = "/etc/lxc";
    p.lxcpath = "/var/lib/lxc";
    p.log_dir = "/var/log/lxc";
    p.cache_dir = "/var/cache/lxc";
    p.run_dir = "/run/lxcpp";
  } else {
    std::string home = home_dir();
    p.config_dir = home + "/.config/lxc";
    p.lxcpath = home + "/.local/share/lxc";
    p.log_dir = home + "/.cache/lxc";
    p.cache_dir = home + "/.cache/lxc";
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    p.run_dir = xdg && *xdg == '/' ? std::string(xdg) + "/lxcpp" : home + "/.cache/lxcpp/run";
  }
  p.system_conf = p.config_dir + "/lxc.conf";
  p.default_config = p.config_dir + "/default.conf";
  p.usernet = "/etc/lxc/lxc-usernet";
  return p;
}

std::span<const std::string_view> system_keys() { return kSystemKeys; }

Result<std::optional<std::string>> system_value(std::string_view key, const std::string& conf_file) {
  bool known = false;
  for (auto k : kSystemKeys) known = known || k == key;
  if (!known) return fail(EINVAL, "unknown configuration item: " + std::string(key));

  Paths paths = default_paths();
  const std::string& file = conf_file.empty() ? paths.system_conf : conf_file;
  // lxc.conf is read line by line for the one key asked for, as LXC does:
  // other lines, even malformed ones, do not matter here.
  if (auto text = read_file(file)) {
    std::optional<std::string> found;
    size_t pos = 0;
    while (pos < text->size()) {
      size_t end = text->find('\n', pos);
      if (end == std::string::npos) end = text->size();
      auto parsed = split_line(std::string_view(*text).substr(pos, end - pos));
      pos = end + 1;
      if (parsed && *parsed && (*parsed)->key == key) found = std::string((*parsed)->value);
    }
    if (found) return found;
  }

  if (key == "lxc.default_config") return std::optional<std::string>(paths.default_config);
  if (key == "lxc.lxcpath") return std::optional<std::string>(paths.lxcpath);
  if (key == "lxc.bdev.lvm.vg" || key == "lxc.bdev.lvm.thin_pool" || key == "lxc.bdev.zfs.root")
    return std::optional<std::string>("lxc");
  return std::optional<std::string>();  // lxc.cgroup.use and lxc.cgroup.pattern have no default
}

std::string default_lxcpath() {
  auto v = system_value("lxc.lxcpath");
  if (v && *v && !(*v)->empty()) return **v;
  return default_paths().lxcpath;
}

std::string bdev_default(std::string_view key, const std::string& conf_file) {
  auto v = system_value(key, conf_file);
  if (v && *v && !(*v)->empty()) return **v;
  return "lxc";
}

}  // namespace lxc::config
