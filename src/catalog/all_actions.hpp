#pragma once

#include "zstack/action.hpp"

#include <vector>

namespace zstack::detail {
// Every generated action's spec, sorted by name (src/generated/all_actions.cpp).
const std::vector<const ActionSpec*>& allActionSpecs();
}  // namespace zstack::detail
