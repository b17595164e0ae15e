// Container states, named and numbered as LXC reports them.
#pragma once

#include <optional>
#include <string_view>

namespace lxc {

enum class State : int { Stopped = 0, Starting = 1, Running = 2, Stopping = 3, Aborting = 4, Freezing = 5, Frozen = 6, Thawed = 7 };

std::string_view state_name(State s);
// Accepts LXC's names in any case.
std::optional<State> parse_state(std::string_view s);

}  // namespace lxc
