// The containers of an lxcpath as lxc-ls shows them: filtered by name,
// state and group, each with the values of lxc-ls's columns, and with
// --nesting the containers defined inside running ones right after their
// parent, as PARENT/NAME.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config_file.h"
#include "state/state.h"

namespace lxc::api {

// lxc-ls's columns, in the spelling of its -F.
inline const std::vector<std::string> kListColumns = {"NAME",   "STATE", "PID",  "AUTOSTART",
                                                      "GROUPS", "IPV4",  "IPV6", "UNPRIVILEGED"};

struct ListOptions {
  std::string filter;  // an extended regular expression the name must match; "" lists all
  // Only containers in that state (several: in all of them, i.e. none).
  bool running = false, frozen = false, stopped = false, active = false;
  std::vector<std::string> groups;  // in at least one of these lxc.group values; empty: any
  int nesting = 0;                  // levels of containers inside running ones (--nesting)
};

struct ListedContainer {
  std::string name;     // PARENT/NAME for one inside a running container
  std::string lxcpath;  // where it is defined (a nested one's is inside its parent)
  State state = State::Stopped;
  pid_t pid = -1;  // init's, when running
  std::optional<config::ConfigFile> cfg;  // none when its config cannot be read

  // The column's value as lxc-ls prints it ("-" when there is none). IPV4 and
  // IPV6 look into the running container's network namespace.
  std::string column(const std::string& col) const;

  // A nested container's columns, worked out inside its parent's namespaces.
  std::map<std::string, std::string> fixed;
};

// The containers of lxcpath that opts selects, sorted by name. An error only
// for a filter that is not a regular expression.
Result<std::vector<ListedContainer>> list_containers(const std::string& lxcpath, const ListOptions& opts);

}  // namespace lxc::api
