#pragma once
// Logging: off unless the user installs a sink. Authorization headers, session UUIDs, passwords
// and access-key secrets are redacted before a line is formatted.

#include "zstack/function.hpp"

#include <string_view>

namespace zstack::log {

enum class Level { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Off = 5 };

using Sink = std::function<void(Level, std::string_view message)>;

// Installs the process-wide sink (nullptr removes it). Thread-safe.
void setSink(Sink sink);
void setLevel(Level level);
Level level();
bool enabled(Level level);
void write(Level level, std::string_view message);

}  // namespace zstack::log
