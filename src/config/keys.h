// The registry of configuration keys: one row per lxc.* key (or key prefix)
// with its set, get and clear. lxc.net.N.* keys live in a second table keyed
// by the part after the index. Lookup tries an exact match first, then the
// longest prefix, so the order of rows never matters.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::config {

enum class Match { Exact, Prefix };

struct KeySpec {
  std::string_view name;
  Match match;
  Result<void> (*set)(Conf&, std::string_view key, std::string_view value);
  std::string (*get)(const Conf&, std::string_view key);
  void (*clear)(Conf&, std::string_view key);
  std::string_view sample;  // a valid value, for the round-trip test; empty: none
};

struct NetKeySpec {
  std::string_view name;  // after "lxc.net.N."
  Result<void> (*set)(NetDev&, std::string_view value);
  std::string (*get)(const NetDev&);
  void (*clear)(NetDev&);
  std::string_view sample;
  // The lxc.net.N.type values this key applies to, space-separated; empty:
  // every type. As in LXC, the type must be set before such a key.
  std::string_view types;
};

std::span<const KeySpec> container_keys();
std::span<const NetKeySpec> net_keys();

// The row that handles a key, or nullptr. Net keys return the lxc.net row.
const KeySpec* find_key(std::string_view key);
const NetKeySpec* find_net_key(std::string_view subkey);

// set/get/clear by full key name, as liblxc's set_config_item, get_config_item
// and clear_config_item. An empty value clears, as in LXC.
Result<void> set_item(Conf& conf, std::string_view key, std::string_view value);
Result<std::string> get_item(const Conf& conf, std::string_view key);
Result<void> clear_item(Conf& conf, std::string_view key);

// For an unknown key: "did you mean lxc.net.0.link?" or the rename for a
// legacy key; empty when nothing is close.
std::string suggest_key(std::string_view key);

// Keys whose values accumulate (set appends; an empty value clears them all).
bool is_list_key(std::string_view key);

}  // namespace lxc::config
