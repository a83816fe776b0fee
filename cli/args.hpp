#pragma once
// zscli's command line, parsed without exiting, printing or touching the network:
//
//   parseArgs(argv)          options, the action, the params file (--params-file or @FILE: a
//                            regular file's JSON object), param=value and query conditions
//   applyEnvironment(cmd, getenv)  ZSTACK_* and CA variables for what no option gave; CA files checked
//   resolvePasswords(cmd, getenv, prompt)  --password-file, ZSTACK_PASSWORD, the prompt
//   makeConfig(cmd)          the ClientConfig (endpoint, session, access key, TLS)
//
// Every failure is a zstack::Error of kind Usage (or Validation from the catalog) whose message
// never quotes an argument's text beyond a name-like prefix: arguments may hold passwords.

#include <zstack/zstack.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace zscli {

struct Options {
  std::optional<std::string> endpoint, session, accessKey, user, password, passwordFile;
  std::optional<std::string> caFile, caPath;
  std::string caFileFrom = "--ca-file", caPathFrom = "--ca-path";  // what named them, for errors
  std::optional<double> timeoutSeconds;
  bool insecure = false;
  bool curl = false;                      // --curl: print the request as a curl command, send nothing
  bool showSession = false;               // --show-session: a login's reply is printed with its session uuid
  std::optional<std::string> paramsFile;  // --params-file FILE (or an @FILE argument after the action)
};

struct Command {
  enum class Kind { Help, ActionHelp, Call, Version, Shell };  // Shell: options but no action
  Kind kind = Kind::Call;
  Options options;
  const zstack::ActionSpec* spec = nullptr;            // ActionHelp, Call
  std::optional<zstack::catalog::DynamicAction> action;  // Call: the params set
  // Call: password fields given as "-" (password=-), to be filled by resolvePasswords.
  std::vector<std::string> passwordFields;
  // Call: every field given a value (from the params file or the command line), in order, and
  // those of them that are secrets (schema::kSecret: passwords, session uuids, keys).
  std::vector<std::string> setFields, secretFields;
};

// The action names nearest to `name` for a "did you mean" hint: case-insensitive edit distance
// (a swap of two neighbours counts as one edit), ties all returned in catalog order, none when
// even the nearest is too far (more than max(2, length/4) edits). "API...Msg" and "...Action"
// spellings are compared without those affixes too.
std::vector<std::string> suggestActions(std::string_view name);

// Either the parsed command or the usage error to report.
using ParseResult = std::variant<Command, zstack::Error>;

// argv[0] is the program name and is ignored.
ParseResult parseArgs(int argc, const char* const* argv);
ParseResult parseArgs(const std::vector<std::string>& argv);

using Getenv = std::function<const char*(const char*)>;

// Fills what no option gave from ZSTACK_ENDPOINT, ZSTACK_SESSION, ZSTACK_ACCESS_KEY and, when
// neither --ca-file nor --ca-path was given, CURL_CA_BUNDLE / SSL_CERT_FILE (file) and
// SSL_CERT_DIR (directory). A CA file that cannot be read or a CA directory that is not one is
// a usage error naming the option or variable.
std::optional<zstack::Error> applyEnvironment(Command& cmd, const Getenv& getenv);

// Reads a password without echo; nullopt when there is no terminal or reading failed.
using Prompt = std::function<std::optional<std::string>(const char* prompt)>;

// The password for --user and for password=- fields: --password, else --password-file (first
// line, trailing newline stripped), else ZSTACK_PASSWORD, else the prompt (only asked when
// needed). No password from any source is a usage error.
std::optional<zstack::Error> resolvePasswords(Command& cmd, const Getenv& getenv, const Prompt& prompt);

// The client configuration: endpoint (default http://localhost:8080/zstack), session, access
// key, TLS. A malformed endpoint or access key is a usage error.
std::variant<zstack::ClientConfig, zstack::Error> makeConfig(const Command& cmd);

// The prompt zscli uses: /dev/tty with echo off, only when stdin is a terminal.
std::optional<std::string> promptOnTty(const char* prompt);

// An argument as it may be quoted in a message: its leading name-like characters
// ([A-Za-z0-9_.-], at most 64) or nothing.
std::string safePrefix(const std::string& arg);

}  // namespace zscli
