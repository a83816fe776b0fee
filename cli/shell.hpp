#pragma once
// zscli's interactive shell: `zscli [options]` with no action, on a terminal. Each line is a
// zscli command without the program name (the startup options come first); libedit edits the
// line, completes action names, parameter names and valid values (Tab), and keeps a history
// file (mode 0600) that lines giving a secret a value never enter.

#include "args.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zscli {

// Runs one command; argv[0] is the program name. Returns its exit code.
using RunCommand = std::function<int(const std::vector<std::string>& argv)>;

// $ZSCLI_HISTORY_FILE, else "history" beside the session file; nullopt when neither is known.
std::optional<std::string> historyFilePath(const Getenv& getenv);

// The read-run loop until exit, quit or end of input (Ctrl-D); returns 0.
int runShell(const std::vector<std::string>& options, const Getenv& getenv, const RunCommand& run);

}  // namespace zscli
