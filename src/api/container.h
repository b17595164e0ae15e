// The public container API that the tools use: a container is a name in an
// lxcpath. Paths follow LXC's layout: LXCPATH/NAME/{config,rootfs,snaps}.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "config/config_file.h"

namespace lxc::api {

class Container {
 public:
  Container(std::string name, std::string lxcpath);

  const std::string& name() const { return name_; }
  const std::string& lxcpath() const { return lxcpath_; }

  std::string dir() const;          // LXCPATH/NAME
  std::string config_path() const;  // LXCPATH/NAME/config
  std::string rootfs_default() const;  // LXCPATH/NAME/rootfs
  // Where the log goes when lxc.log.file is not set: /var/log/lxc/NAME.log
  // for root with the default lxcpath, else LXCPATH/NAME/NAME.log (as LXC).
  std::string log_path_default() const;

  // A container is defined when its config file exists.
  bool is_defined() const;

  // Reads the config (rcfile when given, else config_path()).
  Result<config::ConfigFile> load_config(const std::string& rcfile = {}) const;

 private:
  std::string name_;
  std::string lxcpath_;
};

// A container name as LXC accepts it: not empty, no '/', not "." or "..",
// at most 255 bytes... and no white space or control characters.
Result<void> check_name(std::string_view name);

// The names of the containers defined in lxcpath (directories with a config
// file), sorted.
std::vector<std::string> list_defined(const std::string& lxcpath);

}  // namespace lxc::api
