#pragma once
// From a described action to what goes on the wire, and the client-side checks before that.

#include "zstack/action.hpp"
#include "zstack/error.hpp"

#include <optional>
#include <string>

namespace zstack::core {

struct Wire {
  std::string path;     // "/v1/vips/abc/actions": after the context path; also what access keys sign
  std::string query;    // percent-encoded "k=v&k=v", without '?'
  std::string body;     // empty = no body
  std::string logPath;  // path and query with secret values replaced by ***; only built on request
};

// Every violated constraint of the action, by field name; nullopt when it may be sent.
std::optional<Error> validate(const ActionSpec& spec, const void* action);

// `withLogPath`: also build the redacted copy for the debug log (skipped otherwise: it costs as
// much as the query itself).
Wire buildWire(const ActionSpec& spec, const void* action, bool withLogPath = false);

}  // namespace zstack::core
