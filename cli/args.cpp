#include "args.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <cstdint>
#include <fstream>

namespace zscli {
namespace {

using zstack::Error;
using zstack::ErrorKind;
using zstack::Json;
namespace schema = zstack::schema;

Error usageError(std::string message) {
  Error e;
  e.kind = ErrorKind::Usage;
  e.message = std::move(message);
  return e;
}

const schema::TypeDesc& unwrap(const schema::TypeDesc& t) {
  return t.kind == schema::Kind::Optional ? t.element() : t;
}

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// "argument 4", counting from the first argument after the program name.
std::string argNo(int i) { return "argument " + std::to_string(i); }

// "name=vip1" -> key "name", op "=", value "vip1". The key ends at the first operator
// character; for a plain parameter the value is everything after the first '=', verbatim.
struct Arg {
  std::string key, op, value;
};
std::optional<Arg> splitArg(const std::string& s) {
  const auto at = s.find_first_of("=!<>?~");
  if (at == std::string::npos || at == 0) return std::nullopt;
  if (s[at] == '=') return Arg{s.substr(0, at), "=", s.substr(at + 1)};
  const auto valueAt = s.find_first_not_of("=!<>?~", at);
  return Arg{s.substr(0, at), s.substr(at, (valueAt == std::string::npos ? s.size() : valueAt) - at),
             valueAt == std::string::npos ? "" : s.substr(valueAt)};
}

// The field of the action named exactly `name`, or nullptr.
const schema::FieldDesc* fieldNamed(const zstack::catalog::DynamicAction& a, const std::string& name) {
  for (const auto& fd : a.fields())
    if (name == fd.name) return &fd;
  return nullptr;
}

// How argument i may be quoted: by the field name it starts with, when it starts with one.
std::string describeMalformed(int i, const std::string& text, const zstack::catalog::DynamicAction& a) {
  std::string s = argNo(i) + " is not param=value";
  const std::string prefix = safePrefix(text);
  if (!prefix.empty() && fieldNamed(a, prefix)) s += " (it starts with \"" + prefix + "\"; write " + prefix + "=VALUE)";
  return s;
}

// The text of a param=value argument as the JSON value the field's type wants.
std::optional<Json> toJsonValue(const schema::TypeDesc& type, const std::string& text, std::string& why) {
  const auto& t = unwrap(type);
  switch (t.kind) {
    case schema::Kind::String:
    case schema::Kind::Timestamp: return Json(text);
    case schema::Kind::Bool:
      if (text == "true" || text == "false") return Json(text == "true");
      why = "expects true or false";
      return std::nullopt;
    case schema::Kind::Int32:
    case schema::Kind::Int64:
    case schema::Kind::Double: {
      auto j = Json::parse(text);
      if (j && j->isNumber()) return j;
      why = "expects a number";
      return std::nullopt;
    }
    case schema::Kind::List:
      if (!text.empty() && text[0] == '[') break;
      if (unwrap(t.element()).kind == schema::Kind::String) {  // a,b,c
        Json::Array items;
        std::size_t start = 0;
        while (start <= text.size()) {
          const auto comma = text.find(',', start);
          items.emplace_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        return Json(std::move(items));
      }
      break;
    default: break;
  }
  std::string err;
  auto j = Json::parse(text, &err);
  if (!j) why = "expects JSON: " + err;
  return j;
}

// An API name as it may be quoted: letters and digits, starting with a capital letter.
bool looksLikeActionName(const std::string& s) {
  if (s.empty() || s.size() > 80 || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (Levenshtein plus swaps of neighbours), case-insensitive.
std::size_t editDistance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const bool same = lower(a[i - 1]) == lower(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}
bool endsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && startsWithNoCase(s.substr(s.size() - suffix.size()), suffix);
}

// "unknown action X; did you mean A?" / "... A or B?" / "... one of A, B, C?"
std::string didYouMean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string s = "; did you mean ";
  if (names.size() > 2) s += "one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) s += names.size() == 2 ? " or " : ", ";
    s += names[i];
  }
  return s + "?";
}

// The JSON object of a params file (at most 16 MiB). Errors name the file's problem, never its text.
std::optional<Error> readParamsFile(const std::string& path, Json::Object& out) {
  // A regular file only: a FIFO or a terminal (@/dev/stdin) could block the parse forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return usageError(std::string("params file: cannot read it (") + std::strerror(errno) + ")");
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return usageError("params file: not a regular file");
  }
  if (st.st_size > (off_t{16} << 20)) {
    ::close(fd);
    return usageError("params file: larger than 16 MiB");
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      if (n < 0) return usageError(std::string("params file: cannot read it (") + std::strerror(e) + ")");
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (std::size_t{16} << 20)) {
      ::close(fd);
      return usageError("params file: larger than 16 MiB");
    }
  }
  std::string err;
  auto j = Json::parse(text, &err);
  if (!j) return usageError("params file: not valid JSON (" + err + ")");
  if (!j->isObject()) return usageError("params file: expects a JSON object whose keys are parameter names");
  out = std::move(j->asObject());
  return std::nullopt;
}

const char* const kQueryKeys[] = {"limit", "start", "count", "replyWithCount", "sortBy", "sortDirection", "fields", "groupBy"};

}  // namespace

std::vector<std::string> suggestActions(std::string_view name) {
  std::vector<std::string_view> forms{name};
  std::string_view bare = name;
  if (startsWithNoCase(bare, "API") && endsWithNoCase(bare, "Msg") && bare.size() > 6) bare = bare.substr(3, bare.size() - 6);
  if (endsWithNoCase(bare, "Action") && bare.size() > 6) bare = bare.substr(0, bare.size() - 6);
  if (bare != name) forms.push_back(bare);
  const std::size_t limit = std::max<std::size_t>(2, bare.size() / 4);
  std::size_t best = limit + 1;
  std::vector<std::string> out;
  for (std::string_view actionName : zstack::catalog::names()) {  // names only: no spec is built
    std::size_t d = SIZE_MAX;
    for (auto f : forms) d = std::min(d, editDistance(f, actionName));
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      out.clear();
    }
    out.emplace_back(actionName);
  }
  if (out.size() > 5) out.resize(5);  // a hint, not a listing
  return out;
}

std::string safePrefix(const std::string& arg) {
  std::size_t n = 0;
  while (n < arg.size() && n < 64 && nameChar(arg[n])) ++n;
  return arg.substr(0, n);
}

ParseResult parseArgs(const std::vector<std::string>& argv) {
  std::vector<const char*> ptrs;
  ptrs.reserve(argv.size());
  for (const auto& a : argv) ptrs.push_back(a.c_str());
  return parseArgs(static_cast<int>(ptrs.size()), ptrs.data());
}

ParseResult parseArgs(int argc, const char* const* argv) {
  Command cmd;
  Options& o = cmd.options;
  int i = 1;
  for (; i < argc && argv[i] && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    const std::string opt = argv[i];
    if (opt == "--help") {
      cmd.kind = Command::Kind::Help;
      return cmd;
    }
    if (opt == "--version") {
      cmd.kind = Command::Kind::Version;
      return cmd;
    }
    if (opt == "--insecure") {
      o.insecure = true;
      continue;
    }
    if (opt == "--curl") {
      o.curl = true;
      continue;
    }
    if (opt == "--show-session") {
      o.showSession = true;
      continue;
    }
    std::optional<std::string>* slot = nullptr;
    if (opt == "--endpoint") slot = &o.endpoint;
    else if (opt == "--session") slot = &o.session;
    else if (opt == "--access-key") slot = &o.accessKey;
    else if (opt == "--user") slot = &o.user;
    else if (opt == "--password") slot = &o.password;
    else if (opt == "--password-file") slot = &o.passwordFile;
    else if (opt == "--ca-file") slot = &o.caFile;
    else if (opt == "--ca-path") slot = &o.caPath;
    else if (opt == "--params-file") slot = &o.paramsFile;
    else if (opt != "--timeout") {
      std::string m = "unknown option --" + safePrefix(opt.substr(2));
      if (opt.find('=') != std::string::npos) m += " (an option takes its value in the next argument)";
      return usageError(m);
    }
    if (i + 1 >= argc || !argv[i + 1]) return usageError(opt + " needs a value");
    const std::string v = argv[++i];
    if (slot) {
      *slot = v;
      continue;
    }
    char* end = nullptr;  // --timeout
    const double s = std::strtod(v.c_str(), &end);
    if (!end || *end || !std::isfinite(s) || s < 0.001 || s > 1e7)
      return usageError("--timeout expects a number of seconds between 0.001 and 10000000");
    o.timeoutSeconds = s;
  }
  if (o.password && o.passwordFile) return usageError("give one of --password and --password-file, not both");
  if (i >= argc || !argv[i]) {  // zscli runs its shell on a terminal; elsewhere this is an error
    cmd.kind = Command::Kind::Shell;
    return cmd;
  }

  const std::string name = argv[i];
  cmd.spec = zstack::catalog::find(name);
  if (!cmd.spec) {
    // Only a name-like argument is compared: the hint must not echo a mistyped secret.
    const std::string hint = safePrefix(name) == name ? didYouMean(suggestActions(name)) : "";
    if (looksLikeActionName(name)) return usageError("unknown action " + name + hint + " (zscli --help lists them)");
    return usageError(argNo(i) + " is not an action name" + hint + " (zscli --help lists them)");
  }
  const zstack::ActionSpec& spec = *cmd.spec;
  cmd.action.emplace(spec);
  zstack::catalog::DynamicAction& action = *cmd.action;
  ++i;

  auto noteSet = [&cmd](const schema::FieldDesc& f) {
    for (const auto& n : cmd.setFields)
      if (n == f.name) return;
    cmd.setFields.emplace_back(f.name);
    if (f.flags & schema::kSecret) cmd.secretFields.emplace_back(f.name);
  };

  // An @FILE argument after the action names the params file as --params-file does.
  for (int k = i; k < argc && argv[k]; ++k) {
    if (argv[k][0] != '@') continue;
    if (o.paramsFile) return usageError("give one params file (--params-file or an @ argument), not two");
    o.paramsFile = std::string(argv[k] + 1);
    if (o.paramsFile->empty()) return usageError(argNo(k) + ": @ needs the name of a params file after it");
  }

  Json::Array conditions;
  // The params file first: the command line's param=value arguments override its keys.
  if (o.paramsFile) {
    Json::Object params;
    if (auto err = readParamsFile(*o.paramsFile, params)) return std::move(*err);
    for (const auto& [key, value] : params) {
      const std::string where = "params file, key \"" + safePrefix(key) + "\"";
      if (value.isNull()) continue;  // null: not given
      if (spec.isQuery && key == "q") {  // conditions: a list of "field<op>value" strings
        if (!value.isArray()) return usageError(where + ": expects an array of \"field<op>value\" strings");
        for (const auto& c : value.asArray()) {
          if (!c.isString()) return usageError(where + ": expects an array of \"field<op>value\" strings");
          conditions.push_back(c);
        }
        continue;
      }
      const schema::FieldDesc* f = fieldNamed(action, key);
      if (!f) {
        const std::string help = " for " + spec.name + " (zscli " + spec.name + " --help)";
        if (safePrefix(key) == key) return usageError("params file: unknown parameter \"" + key + "\"" + help);
        return usageError("params file: a key is not a parameter" + help);
      }
      if ((f->flags & schema::kSha512) && value.isString() && value.asString() == "-") {
        cmd.passwordFields.push_back(key);
        noteSet(*f);
        continue;
      }
      if (auto err = action.set(key, value)) {
        // set() names the field and what it expects, never the value.
        err->message = "params file: " + err->message;
        return std::move(*err);
      }
      noteSet(*f);
    }
  }

  for (; i < argc && argv[i]; ++i) {
    const std::string text = argv[i];
    if (text == "--help" || text == "-h") {
      cmd.kind = Command::Kind::ActionHelp;
      cmd.action.reset();
      return cmd;
    }
    if (text[0] == '@') continue;  // the params file, read above
    auto arg = splitArg(text);
    if (!arg) return usageError(describeMalformed(i, text, action));
    bool queryKey = false;
    for (const char* k : kQueryKeys) queryKey |= arg->key == k;
    if (spec.isQuery && !(queryKey && arg->op == "=")) {
      conditions.emplace_back(text);  // field<op>value, as the server reads it
      continue;
    }
    const bool nameLike = safePrefix(arg->key) == arg->key;
    if (arg->op != "=") {
      if (nameLike) return usageError("expected param=value, got \"" + arg->key + arg->op + "...\" (" + argNo(i) + ")");
      return usageError(describeMalformed(i, text, action));
    }
    const schema::FieldDesc* f = fieldNamed(action, arg->key);
    if (!f) {
      const std::string help = " for " + spec.name + " (zscli " + spec.name + " --help)";
      if (nameLike) return usageError("unknown parameter \"" + arg->key + "\"" + help);
      return usageError(argNo(i) + ": unknown parameter" + help);
    }
    // The command line wins over the params file, also over a password=- there.
    for (auto it = cmd.passwordFields.begin(); it != cmd.passwordFields.end();)
      it = *it == arg->key ? cmd.passwordFields.erase(it) : it + 1;
    if ((f->flags & schema::kSha512) && arg->value == "-") {  // password=-: from the password sources
      cmd.passwordFields.push_back(arg->key);
      noteSet(*f);
      continue;
    }
    std::string why;
    auto value = toJsonValue(f->type(), arg->value, why);
    if (!value) return usageError(arg->key + ": " + why);
    if (auto err = action.set(arg->key, *value)) return std::move(*err);
    noteSet(*f);
  }
  if (!conditions.empty())
    if (auto err = action.set("q", Json(std::move(conditions)))) return std::move(*err);
  if (o.timeoutSeconds)
    action.common().timeout = std::chrono::milliseconds(static_cast<long long>(*o.timeoutSeconds * 1000));
  return cmd;
}

std::optional<Error> applyEnvironment(Command& cmd, const Getenv& getenv) {
  Options& o = cmd.options;
  auto env = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv ? getenv(name) : nullptr;
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  if (!o.endpoint) o.endpoint = env("ZSTACK_ENDPOINT");
  if (!o.session) o.session = env("ZSTACK_SESSION");
  if (!o.accessKey) o.accessKey = env("ZSTACK_ACCESS_KEY");
  // The CA variables count only when no CA option was given (and verification is on).
  if (!o.caFile && !o.caPath && !o.insecure) {
    for (const char* var : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"})
      if (auto v = env(var)) {
        o.caFile = v;
        o.caFileFrom = var;
        break;
      }
    if (auto v = env("SSL_CERT_DIR")) {
      o.caPath = v;
      o.caPathFrom = "SSL_CERT_DIR";
    }
  }
  if (o.caFile) {
    struct stat st {};
    const int fd = ::open(o.caFile->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return usageError(o.caFileFrom + ": cannot read the CA file (" + std::strerror(errno) + ")");
    const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular) return usageError(o.caFileFrom + ": the CA file is not a regular file");
  }
  if (o.caPath) {
    struct stat st {};
    if (stat(o.caPath->c_str(), &st) != 0) return usageError(o.caPathFrom + ": cannot use the CA directory (" + std::strerror(errno) + ")");
    if (!S_ISDIR(st.st_mode)) return usageError(o.caPathFrom + ": the CA directory is not a directory");
  }
  return std::nullopt;
}

std::optional<Error> resolvePasswords(Command& cmd, const Getenv& getenv, const Prompt& prompt) {
  Options& o = cmd.options;
  const bool forUser = o.user.has_value();
  if (!forUser && cmd.passwordFields.empty()) return std::nullopt;
  std::optional<std::string> pw = o.password;
  if (!pw && o.passwordFile) {
    std::ifstream in(*o.passwordFile, std::ios::binary);
    if (!in) return usageError(std::string("--password-file: cannot read the file (") + std::strerror(errno) + ")");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return usageError("--password-file: the first line is empty");
    pw = std::move(line);
  }
  if (!pw && getenv)
    if (const char* v = getenv("ZSTACK_PASSWORD"); v && *v) pw = std::string(v);
  if (!pw && prompt) {
    const std::string text = forUser ? "Password for " + safePrefix(*o.user) + ": " : std::string("Password: ");
    pw = prompt(text.c_str());
  }
  if (!pw) {
    const std::string who = forUser ? "--user" : cmd.passwordFields.front() + "=-";
    return usageError(who + " needs a password: --password-file PATH, ZSTACK_PASSWORD, or a terminal to be asked on");
  }
  o.password = *pw;
  for (const auto& field : cmd.passwordFields)
    if (auto err = cmd.action->set(field, Json(*pw))) return err;
  cmd.passwordFields.clear();
  return std::nullopt;
}

std::variant<zstack::ClientConfig, Error> makeConfig(const Command& cmd) {
  const Options& o = cmd.options;
  zstack::ClientConfig cfg;
  std::string why;
  auto endpoint = zstack::Endpoint::parse(o.endpoint.value_or("http://localhost:8080/zstack"), &why);
  if (!endpoint) {
    // The parser quotes the URL; a mistyped command line may have put a password there.
    const auto quote = why.rfind(": \"");
    return usageError("--endpoint: " + (quote == std::string::npos ? std::string("malformed") : why.substr(0, quote)));
  }
  cfg.endpoint = *endpoint;
  cfg.sessionId = o.session.value_or("");
  if (o.insecure) cfg.tls.verifyPeer = cfg.tls.verifyHost = false;
  if (o.caFile) cfg.tls.caFile = *o.caFile;
  if (o.caPath) cfg.tls.caPath = *o.caPath;
  if (o.accessKey && !o.accessKey->empty()) {
    const auto colon = o.accessKey->find(':');
    if (colon == std::string::npos) return usageError("--access-key expects ID:SECRET");
    cfg.accessKey = zstack::AccessKey{o.accessKey->substr(0, colon), o.accessKey->substr(colon + 1)};
  }
  return cfg;
}

std::optional<std::string> promptOnTty(const char* prompt) {
  if (!isatty(STDIN_FILENO)) return std::nullopt;
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  termios saved {};
  const bool haveTermios = tcgetattr(fd, &saved) == 0;
  if (haveTermios) {
    termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL));
    quiet.c_lflag |= ICANON;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt, std::strlen(prompt));
  std::string line;
  bool ok = false;
  for (;;) {
    char c;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n' || c == '\r') {
      ok = true;
      break;
    }
    line.push_back(c);
  }
  if (haveTermios) tcsetattr(fd, TCSAFLUSH, &saved);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  if (!ok && line.empty()) return std::nullopt;
  return line;
}

}  // namespace zscli
