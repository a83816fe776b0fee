#pragma once
// The saved session of zscli: LogInByAccount (and any other LogIn* action whose reply carries a
// session inventory) writes it, later commands without credentials use it, LogOut removes it.
//
//   where: $ZSCLI_SESSION_FILE, else $XDG_CONFIG_HOME/zscli/session, else
//          $HOME/.zstack/zscli/session (none of them set: no session file)
//   what:  line 1 the session uuid, line 2 the endpoint it was opened on (only used there)
//   how:   directories made 0700, the file 0600, written to a temporary file in the same
//          directory and renamed over the old one (a reader never sees half a file)
//
// Nothing here prints or returns the uuid in a message: it is a secret.

#include "args.hpp"

#include <optional>
#include <string>

namespace zscli {

struct SavedSession {
  std::string uuid;
  std::string endpoint;  // base URL, "http://10.0.0.5:8080/zstack"
};

// The session file's path, or nullopt when none is configured.
std::optional<std::string> sessionFilePath(const Getenv& getenv);

// The saved session, or nullopt (no file, or no usable uuid in it). `problem` is set when the
// file exists but cannot be used.
std::optional<SavedSession> loadSession(const std::string& path, std::string* problem = nullptr);

// Writes the session atomically (0600; missing directories 0700). A message on failure.
std::optional<std::string> saveSession(const std::string& path, const SavedSession& s);

// mkdir -p, the directories it makes 0700 (existing ones are left as they are).
bool makePrivateDirs(const std::string& dir);

// Removes the file when it still holds `uuid` (another zscli may have saved a newer one since).
void removeSession(const std::string& path, const std::string& uuid);

}  // namespace zscli
