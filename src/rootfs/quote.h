// Internal to rootfs/: how paths and config lines appear in messages.
#pragma once

#include <string>
#include <string_view>

#include "base/strings.h"

namespace lxc::rootfs::detail {

inline std::string quoted(std::string_view s) { return "\"" + printable(s, 200) + "\""; }

}  // namespace lxc::rootfs::detail
