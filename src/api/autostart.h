// lxc-autostart's choice of containers (lxc-autostart(1), lxc.start.*,
// lxc.group): which ones, in which order, with which delay after each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace lxc::api {

struct AutostartSelection {
  // Groups in the order given; "" is the NULL group (containers without
  // lxc.group). Empty means the NULL group alone.
  std::vector<std::string> groups;
  bool all = false;          // -a: every group, lxc.group ignored
  bool ignore_auto = false;  // -A: lxc.start.auto ignored
  bool reverse = false;      // shutdown and kill: the last started goes first
};

struct AutostartItem {
  std::string name;
  uint64_t delay = 0;  // lxc.start.delay: seconds to wait after starting it
  config::ConfigFile config;
};

struct AutostartPlan {
  std::vector<AutostartItem> items;  // in processing order, each container once
  std::vector<std::string> errors;   // containers whose config could not be read
};

// -g arguments ("onboot,", "dns,web,,onboot", "") to the ordered group list:
// an empty field names the NULL group; a group given twice counts once.
std::vector<std::string> parse_autostart_groups(const std::vector<std::string>& args);

// The defined containers of lxcpath that sel picks: group after group, and in
// each by lxc.start.order (lower first), then by name; reversed for
// sel.reverse. ENOENT and the like when lxcpath cannot be read.
Result<AutostartPlan> autostart_plan(const std::string& lxcpath, const AutostartSelection& sel);

}  // namespace lxc::api
