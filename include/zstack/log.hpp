#pragma once
/// \file
/// Logging: off unless the user installs a sink. Authorization headers, session UUIDs, passwords
/// and access-key secrets are redacted before a line is formatted.

#include "zstack/function.hpp"

#include <string_view>

namespace zstack::log {

/// Severity of a log line; Off disables logging.
enum class Level {
  Trace = 0,  ///< The finest detail.
  Debug = 1,  ///< Diagnostics: the SDK logs each call's method, path and job here (redacted).
  Info = 2,   ///< Notable events (the default level).
  Warn = 3,   ///< Something unexpected.
  Error = 4,  ///< Failures.
  Off = 5,    ///< Nothing is logged.
};

/// Receives every log line at or above the level.
using Sink = std::function<void(Level, std::string_view message)>;

/// Installs the process-wide sink (nullptr removes it). Thread-safe.
void setSink(Sink sink);
/// Sets the lowest level that is written.
void setLevel(Level level);
/// The current level.
Level level();
/// Whether a line of `level` would reach a sink (a sink is installed and the level is high enough).
bool enabled(Level level);
/// Hands `message` to the sink when enabled(level).
void write(Level level, std::string_view message);

}  // namespace zstack::log
