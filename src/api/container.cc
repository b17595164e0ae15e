#include "api/container.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include "base/file.h"
#include "config/system.h"

namespace lxc::api {

Container::Container(std::string name, std::string lxcpath) : name_(std::move(name)), lxcpath_(std::move(lxcpath)) {
  while (lxcpath_.size() > 1 && lxcpath_.back() == '/') lxcpath_.pop_back();
}

std::string Container::dir() const { return lxcpath_ + "/" + name_; }
std::string Container::config_path() const { return dir() + "/config"; }
std::string Container::rootfs_default() const { return dir() + "/rootfs"; }

std::string Container::log_path_default() const {
  if (::geteuid() == 0 && lxcpath_ == config::default_paths().lxcpath)
    return config::default_paths().log_dir + "/" + name_ + ".log";
  return dir() + "/" + name_ + ".log";
}

bool Container::is_defined() const { return path_exists(config_path()); }

Result<config::ConfigFile> Container::load_config(const std::string& rcfile) const {
  const std::string& path = rcfile.empty() ? config_path() : rcfile;
  if (rcfile.empty() && !is_defined()) return fail(ENOENT, "container " + name_ + " is not defined in " + lxcpath_);
  return config::ConfigFile::load(path);
}

Result<void> check_name(std::string_view name) {
  if (name.empty()) return fail(EINVAL, "the container name is empty");
  if (name == "." || name == "..") return fail(EINVAL, "invalid container name \"" + std::string(name) + "\"");
  if (name.size() > 255) return fail(ENAMETOOLONG, "the container name is longer than 255 bytes");
  for (unsigned char c : name)
    if (c == '/' || c <= 0x20 || c == 0x7f)
      return fail(EINVAL, "invalid container name \"" + std::string(name) + "\": no '/', white space or control characters");
  return {};
}

std::vector<std::string> list_defined(const std::string& lxcpath) {
  std::vector<std::string> out;
  DIR* d = ::opendir(lxcpath.c_str());
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    if (path_exists(lxcpath + "/" + n + "/config")) out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lxc::api
