// Templates fill a new container's rootfs and add their lines to its config
// ("lxc-create -t NAME"). LXC's templates are scripts in
// /usr/share/lxc/templates/lxc-NAME, called as
//   TEMPLATE --path=LXCPATH/NAME --name=NAME --rootfs=ROOTFS [ARGS after --]
// which append to LXCPATH/NAME/config themselves. lxcpp has busybox, local
// and download built in and runs any other template as a script through
// that same interface, as root in a mount namespace of its own (as LXC
// does), so that mounts a failed script leaves behind vanish with it.
//
// LXC's templates need no environment from lxc-create and none of them
// sources /usr/share/lxc/lxc.functions (that file serves LXC's own shell
// tools), so lxcpp ships no copy of it. What some need are LXC's config
// snippets in /usr/share/lxc/config: lxcpp installs its own set there
// (config/share/lxc, at DATADIR/lxc/config for other prefixes).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::templates {

inline constexpr std::string_view kTemplateDir = "/usr/share/lxc/templates";
// lxcpp's own template scripts: ${datadir}/lxcpp/templates, searched before
// LXC's; $LXCPP_TEMPLATE_DIR replaces it (tests, a build tree).
std::string lxcpp_template_dir();

struct Request {
  std::string name;                  // container name
  std::string path;                  // the container directory, LXCPATH/NAME
  std::string rootfs;                // the directory to fill
  std::vector<std::string> args;     // the user's arguments (after "--")
  bool quiet = false;                // -q: the template's output goes to /dev/null
  std::vector<config::IdMap> idmap;  // the new config's lxc.idmap (unprivileged container)
  // The config file scripts append to (path + "/config").
  std::string config_path() const { return path + "/config"; }
};

class Template {
 public:
  virtual ~Template() = default;
  // The path the config header names ("# Template used to create this container: ...").
  virtual const std::string& path() const = 0;
  // Scripts append to LXCPATH/NAME/config, so the initial config must be on
  // disk before they run. Built-in templates return their lines instead.
  virtual bool appends_to_config_file() const = 0;
  // Fills req.rootfs; returns the config lines to append (empty for scripts).
  virtual Result<std::string> run(const Request& req) const = 0;
  // The template's own help, for "lxc-create -t NAME -h".
  virtual void print_help() const = 0;
};

// A template by name ("busybox", "debian", ...) or absolute path to a script,
// as LXC looks them up: busybox, local and download are built in; another
// name means lxc-NAME in lxcpp_template_dir(), else in kTemplateDir, which
// must be executable. "Template \"NAME\" not found" or "Bad template
// pathname" otherwise.
Result<std::unique_ptr<Template>> find_template(std::string_view name);

// Runs a template script with LXC's template interface.
std::unique_ptr<Template> script_template(std::string path);

}  // namespace lxc::templates
