// Internal to the registry: lxc.net, lxc.net.N and lxc.net.N.KEY all go
// through one row of the container table, served by keys_net.cc.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::config {

Result<void> set_net(Conf& c, std::string_view key, std::string_view v);
std::string get_net(const Conf& c, std::string_view key);
void clear_net(Conf& c, std::string_view key);

}  // namespace lxc::config
