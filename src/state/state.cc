#include "state/state.h"

#include <array>

#include "base/strings.h"

namespace lxc {

namespace {
constexpr std::array<std::string_view, 8> kNames = {"STOPPED", "STARTING", "RUNNING", "STOPPING",
                                                    "ABORTING", "FREEZING", "FROZEN",  "THAWED"};
}

std::string_view state_name(State s) {
  auto i = static_cast<size_t>(s);
  return i < kNames.size() ? kNames[i] : "UNKNOWN";
}

std::optional<State> parse_state(std::string_view s) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (iequals(s, kNames[i])) return static_cast<State>(i);
  return std::nullopt;
}

}  // namespace lxc
