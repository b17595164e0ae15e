// liblxc's functions outside struct lxc_container: version, the system
// configuration, listing containers, logging, feature queries.
#include <lxc/version.h>

#include <map>
#include <mutex>

#include "api/listing.h"
#include "capi/handle.h"
#include "config/keys.h"
#include "config/system.h"
#include "log/log.h"

namespace {

// Names and/or container objects of list, as liblxc hands them over: the
// caller frees each and the arrays.
int hand_over(const char* lxcpath, const std::vector<std::string>& list, char*** names, lxc_container*** cret) {
  if (names) *names = nullptr;
  if (cret) *cret = nullptr;
  if (list.empty()) return 0;
  std::vector<lxc_container*> made;
  if (cret) {
    for (const auto& n : list) {
      lxc_container* c = lxc_container_new(n.c_str(), lxcpath);
      if (!c) {
        for (auto* m : made) lxc_container_put(m);
        return -1;
      }
      made.push_back(c);
    }
    *cret = static_cast<lxc_container**>(std::calloc(made.size(), sizeof(lxc_container*)));
    std::copy(made.begin(), made.end(), *cret);
  }
  if (names) {
    *names = static_cast<char**>(std::calloc(list.size(), sizeof(char*)));
    for (size_t i = 0; i < list.size(); ++i) (*names)[i] = lxc::capi::dup_string(list[i]);
  }
  return static_cast<int>(list.size());
}

std::vector<std::string> listed(const std::string& lxcpath, bool active_only) {
  lxc::api::ListOptions o;
  o.active = active_only;
  std::vector<std::string> out;
  if (auto l = lxc::api::list_containers(lxcpath, o))
    for (const auto& c : *l) out.push_back(c.name);
  return out;
}

std::string path_or_default(const char* lxcpath) { return lxcpath ? lxcpath : lxc::config::default_lxcpath(); }

}  // namespace

extern "C" {

const char* lxc_get_version(void) { return LXC_VERSION; }

// The value lives as long as the process: the same key gives the same pointer.
const char* lxc_get_global_config_item(const char* key) {
  if (!key) return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::string> values;
  std::lock_guard lock(mu);
  if (auto it = values.find(key); it != values.end()) return it->second.c_str();
  auto v = lxc::config::system_value(key);
  if (!v) return nullptr;
  return values.emplace(key, v->value_or("")).first->second.c_str();
}

int lxc_get_wait_states(const char** states) {
  static const char* const kStates[] = {"STOPPED", "STARTING", "RUNNING", "STOPPING",
                                        "ABORTING", "FREEZING", "FROZEN",  "THAWED"};
  if (states)
    for (size_t i = 0; i < std::size(kStates); ++i) states[i] = kStates[i];
  return static_cast<int>(std::size(kStates));
}

int list_defined_containers(const char* lxcpath, char*** names, lxc_container*** cret) {
  std::string p = path_or_default(lxcpath);
  return hand_over(p.c_str(), lxc::api::list_defined(p), names, cret);
}

int list_active_containers(const char* lxcpath, char*** names, lxc_container*** cret) {
  std::string p = path_or_default(lxcpath);
  return hand_over(p.c_str(), listed(p, true), names, cret);
}

int list_all_containers(const char* lxcpath, char*** names, lxc_container*** cret) {
  std::string p = path_or_default(lxcpath);
  std::vector<std::string> all = lxc::api::list_defined(p);
  for (const auto& n : listed(p, true))
    if (std::find(all.begin(), all.end(), n) == all.end()) all.push_back(n);
  std::sort(all.begin(), all.end());
  return hand_over(p.c_str(), all, names, cret);
}

int lxc_log_init(struct lxc_log* log) {
  if (!log) return -1;
  lxc::log::Settings s = lxc::log::settings();
  if (log->file) s.file = log->file;
  if (log->level) {
    auto l = lxc::log::parse_level(log->level);
    if (!l) return -1;
    s.level = *l;
  }
  s.quiet = log->quiet;
  if (log->prefix) s.prog = log->prefix;
  if (log->name) s.container = log->name;
  return lxc::log::configure(s) == 0 ? 0 : -1;
}

void lxc_log_close(void) {
  lxc::log::Settings s = lxc::log::settings();
  s.file.clear();
  (void)lxc::log::configure(s);
}

bool lxc_config_item_is_supported(const char* key) { return key && lxc::config::find_key(key) != nullptr; }

// The API extensions of LXC 5.0 that lxcpp provides.
bool lxc_has_api_extension(const char* extension) {
  static constexpr std::string_view kExtensions[] = {
      "lxc_log",          "lxc_config_item_is_supported", "console_log",         "reboot2",
      "network_veth_routes", "network_ipvlan",             "network_l2proxy",     "network_gateway_device_route",
      "network_phys_macvlan_mtu", "network_veth_router",   "cgroup2_devices",     "cgroup2",
      "pidfd",            "time_namespace",               "seccomp_allow_deny_syntax", "idmapped_mounts_v2",
      "core_scheduling"};
  if (!extension) return false;
  return std::find(std::begin(kExtensions), std::end(kExtensions), std::string_view(extension)) !=
         std::end(kExtensions);
}

}  // extern "C"
