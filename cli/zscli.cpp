// zscli: the SDK on the command line, in zstack-cli's syntax.
//
//   zscli [options] <ActionName> [param=value ...] [@params.json]
//   zscli [options]            (on a terminal: the interactive shell, cli/shell.hpp)
//
// Built on the action catalog: every action, its fields, types and constraints come from the
// same declarations the SDK uses. Exit codes: 0 ok, 1 the server reported an error, 2 bad usage
// or a validation error (nothing was sent), 3 transport, timeout or decode errors.

#include "args.hpp"
#include "curl.hpp"
#include "session_file.hpp"
#ifdef ZSCLI_HAVE_SHELL
#include "shell.hpp"
#endif

#include <zstack/pattern.hpp>
#include <zstack/zstack.hpp>

#include <openssl/sha.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using zstack::Error;
using zstack::ErrorKind;
using zstack::Json;
namespace schema = zstack::schema;

enum Exit { kOk = 0, kApi = 1, kUsage = 2, kTransport = 3 };

#ifndef ZSCLI_VERSION
#define ZSCLI_VERSION "unknown"
#endif
#ifndef ZSCLI_API_SNAPSHOT
#define ZSCLI_API_SNAPSHOT "unknown"
#endif

const char* kUsageText =
    "usage: zscli [options] <ActionName> [param=value ...] [@params.json]\n"
    "       zscli <ActionName> --help\n"
    "       zscli --version\n"
    "       zscli [options]       (no action, on a terminal: an interactive shell; see 'help' there)\n"
    "\n"
    "options:\n"
    "  --endpoint URL          management node (default $ZSTACK_ENDPOINT or http://localhost:8080/zstack)\n"
    "  --session UUID          session to use (default $ZSTACK_SESSION)\n"
    "  --access-key ID:SECRET  access-key auth (default $ZSTACK_ACCESS_KEY)\n"
    "  --user NAME             log in as NAME before the action and log out after it; the password\n"
    "                          from --password, --password-file, $ZSTACK_PASSWORD, or asked for on\n"
    "                          the terminal (no echo) when stdin is one\n"
    "  --password PW           the password (visible to other users in ps: prefer the others)\n"
    "  --password-file PATH    the password is the file's first line (trailing newline stripped)\n"
    "  --timeout SECONDS       how long to wait for an async job (default 3 hours)\n"
    "  --ca-file PATH          CA certificates (PEM) to verify the server with; default\n"
    "                          $CURL_CA_BUNDLE, then $SSL_CERT_FILE, else the system store\n"
    "  --ca-path DIR           a directory of hashed CA certificates; default $SSL_CERT_DIR\n"
    "                          (the variables count only when neither option is given)\n"
    "  --insecure              do not verify the server's TLS certificate\n"
    "  --params-file FILE      parameters from a JSON object {\"name\": value, ...} (also @FILE after\n"
    "                          the action); param=value arguments override its keys\n"
    "  --curl                  print the request as a curl command instead of sending it (secrets\n"
    "                          as shell variables: $ZSTACK_SESSION_ID, $ZSTACK_PASSWORD_SHA512...)\n"
    "  --show-session          print a login's session uuid in its reply (by default it is \"***\":\n"
    "                          the session is saved in the session file, not shown)\n"
    "  --version               zscli's version and the API snapshot it serves\n"
    "  --help                  this text and the list of actions\n"
    "\n"
    "sessions: a successful LogInByAccount saves its session in $ZSCLI_SESSION_FILE, else\n"
    "$XDG_CONFIG_HOME/zscli/session, else ~/.zstack/zscli/session (0600); later commands given no\n"
    "--session, --access-key or --user (nor $ZSTACK_SESSION / $ZSTACK_ACCESS_KEY) use it, on the\n"
    "endpoint it was opened on (the default endpoint then); LogOut with no sessionUuid logs it out\n"
    "and removes the file. The login's reply is printed with the session uuid as \"***\" (it is a\n"
    "credential: terminals and CI logs keep what is printed); --show-session prints it.\n"
    "\n"
    "values: scalars as written; lists and maps as JSON (rules='[{\"type\":\"Ingress\"}]'),\n"
    "lists of strings also comma-separated (vmNicUuids=a,b).\n"
    "queries: every field<op>value argument is a condition (name=vip1 state!=Disabled vmNics.ip=10.0.0.5;\n"
    "ops = != > < >= <= ?= !?= ~= !~=), plus limit= start= count= replyWithCount= sortBy= sortDirection=\n"
    "fields= groupBy=.\n"
    "like: ~= and !~= are SQL LIKE with the value as given: % is any run of characters, _ one\n"
    "character, and zscli adds no wildcards (name~=web matches only \"web\"; write name~=%web%).\n"
    "zstack-cli wraps a value that has neither % nor _ in %...%: there name~=web matches \"myweb1\".\n"
    "passwords: password=- (LogInByAccount) takes the password from the sources --user uses.\n"
    "output: the reply as the server sent it, as JSON on stdout; errors as JSON on stderr.\n"
    "exit: 0 ok, 1 the server reported an error, 2 usage or validation error (nothing sent),\n"
    "3 transport, TLS, timeout or decode error.\n";

int fail(const Error& e) {
  std::cerr << e.toJson().pretty() << "\n";
  switch (e.kind) {
    case ErrorKind::Api:
    case ErrorKind::HttpStatus: return kApi;
    case ErrorKind::Validation:
    case ErrorKind::Usage: return kUsage;
    default: return kTransport;
  }
}

// The exit code, unless stdout could not take the output (a closed pipe): then 3.
int flushed(int code) {
  std::cout.flush();
  if (std::cout) return code;
  std::cerr << "zscli: cannot write the output (" << std::strerror(errno) << ")\n";
  return kTransport;
}

const schema::TypeDesc& unwrap(const schema::TypeDesc& t) {
  return t.kind == schema::Kind::Optional ? t.element() : t;
}

std::string describeField(const schema::FieldDesc& f) {
  const auto& c = f.constraints;
  std::string s = std::string("  ") + f.name + " (" + unwrap(f.type()).name + ")";
  if (c.required || f.location == schema::Location::Path) s += " required";
  if (!c.validValues.empty()) {
    s += " one of:";
    for (const auto& v : c.validValues) s += " " + v;
  }
  if (c.maxLength) s += " max length " + std::to_string(*c.maxLength);
  if (c.min || c.max) s += " range " + std::to_string(c.min.value_or(0)) + ".." + std::to_string(c.max.value_or(0));
  if (c.nonEmpty) s += " non-empty";
  if (c.pattern) s += " matching (Java regex, whole value) " + c.pattern->source();
  return s;
}

void printActionHelp(const zstack::ActionSpec& spec, const zstack::catalog::DynamicAction& a) {
  std::cout << spec.name << ": " << spec.summary << "\n"
            << zstack::toString(spec.method) << " /v1" << spec.path << (spec.needPoll ? " (async job)" : "") << "\n"
            << "parameters:\n";
  for (const auto& f : a.fields()) {
    if (spec.isQuery && (std::strcmp(f.name, "q") == 0)) continue;
    std::cout << describeField(f) << "\n";
  }
  if (spec.isQuery) std::cout << "  conditions: field<op>value, e.g. name=vip1 state!=Disabled\n";
}

std::string sha512Hex(const std::string& s) {
  unsigned char d[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

// The value of a string field of the action ("" when it is not a set string).
std::string stringField(const zstack::catalog::DynamicAction& a, const char* name) {
  for (const auto& f : a.fields()) {
    if (std::strcmp(f.name, name) != 0) continue;
    const schema::TypeDesc* t = &f.type();
    const void* v = f.in(a.raw());
    if (t->kind == schema::Kind::Optional) {
      if (!t->has(v)) return "";
      v = t->get(v);
      t = &t->element();
    }
    return t->kind == schema::Kind::String ? *static_cast<const std::string*>(v) : std::string();
  }
  return "";
}

// An object's member, to change it in place; nullptr when absent.
Json* member(Json& j, std::string_view key) {
  if (!j.isObject()) return nullptr;
  for (auto& kv : j.asObject())
    if (kv.first == key) return &kv.second;
  return nullptr;
}

bool isLogIn(const zstack::ActionSpec& spec) {
  return spec.name.rfind("LogIn", 0) == 0 || spec.name.rfind("Login", 0) == 0;
}

// The endpoint as its canonical base URL ("" when it does not parse).
std::string canonicalEndpoint(const std::string& url) {
  auto e = zstack::Endpoint::parse(url);
  return e ? e->baseUrl() : std::string();
}

int printVersion() {
  std::cout << "zscli " << ZSCLI_VERSION << " (zstack-sdk-cpp " << ZSCLI_VERSION << ")\n"
            << "API: " << zstack::catalog::all().size() << " actions, " << ZSCLI_API_SNAPSHOT << "\n";
  return flushed(kOk);
}

// The session placeholder under --curl (letters and digits: percent-encoding leaves it alone).
const char* kSessionPlaceholder = "ZSCLI0SESSION0PLACEHOLDER0";

// --curl: runs the SDK's call path with a capturing transport and prints what it would send.
int printCurl(zscli::Command& cmd, zstack::ClientConfig cfg, const std::string& sessionNote) {
  const zstack::ActionSpec& spec = *cmd.spec;
  std::vector<zscli::Secret> secrets;
  // Session auth (the SDK prefers a session to an access key, as here).
  const bool accessKeyAuth = cfg.sessionId.empty() && cfg.accessKey && !cmd.options.user;
  if (!accessKeyAuth) {
    cfg.accessKey.reset();
    cfg.sessionId = kSessionPlaceholder;
  }
  secrets.push_back({kSessionPlaceholder, "ZSTACK_SESSION_ID", sessionNote});
  // Every secret parameter given (passwords, session uuids, keys) is a placeholder when built.
  std::vector<std::string> fields = cmd.secretFields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i];
    const schema::FieldDesc* f = nullptr;
    for (const auto& fd : cmd.action->fields())
      if (name == fd.name) f = &fd;
    if (!f) continue;
    if (name == "sessionUuid" && stringField(*cmd.action, "sessionUuid") == kSessionPlaceholder) continue;
    const std::string ph = "ZSCLI0SECRET0" + std::to_string(i) + "0PLACEHOLDER0";
    if (auto err = cmd.action->set(name, Json(ph))) return fail(*err);
    if (f->flags & schema::kSha512)
      secrets.push_back({sha512Hex(ph), "ZSTACK_" + zscli::envName(name) + "_SHA512",
                         "the lowercase hex SHA-512 of " + name + ", e.g. $(printf %s \"$PASSWORD\" | sha512sum | cut -d' ' -f1)"});
    else
      secrets.push_back({ph, "ZSTACK_" + zscli::envName(name),
                         "the value of " + name + " (JSON-escaped in a body, percent-encoded in a URL)"});
  }
  auto capture = std::make_shared<zscli::CaptureTransport>();
  cfg.transport = capture;
  zscli::CurlOptions o;
  o.action = spec.name;
  o.needPoll = spec.needPoll;
  o.baseUrl = cfg.endpoint.baseUrl();
  if (accessKeyAuth) o.accessKeyId = cfg.accessKey->id;
  o.dateFormatZone = cfg.dateZone.name;
  o.utcOffsetMinutes = static_cast<int>(cfg.dateZone.utcOffset.count());
  o.userAgent = cfg.userAgent;
  o.insecure = cmd.options.insecure;
  o.caFile = cmd.options.caFile.value_or("");
  o.caPath = cmd.options.caPath.value_or("");
  zstack::Client client(cfg);
  auto result = cmd.action->call(client);
  auto request = capture->captured();
  if (!request) {
    if (!result) return fail(result.error());  // validation: nothing would be sent
    return kOk;
  }
  std::cout << zscli::renderCurl(*request, secrets, o);
  return flushed(kOk);
}



// One zscli command (argv[0] is the program name): the whole tool, or one line of the shell.
int runCommand(const std::vector<std::string>& argv) {
  auto parsed = zscli::parseArgs(argv);
  if (auto* e = std::get_if<Error>(&parsed)) return fail(*e);
  zscli::Command& cmd = std::get<zscli::Command>(parsed);
  if (cmd.kind == zscli::Command::Kind::Shell) {
    Error e;
    e.kind = ErrorKind::Usage;
    e.message = "no action given (zscli --help lists them; on a terminal, zscli with no action is a shell)";
    return fail(e);
  }
  if (cmd.kind == zscli::Command::Kind::Help) {
    std::cout << kUsageText << "\nactions:\n";
    for (const auto* s : zstack::catalog::all()) std::cout << "  " << s->name << "  " << s->summary << "\n";
    return flushed(kOk);
  }
  if (cmd.kind == zscli::Command::Kind::Version) return printVersion();
  if (cmd.kind == zscli::Command::Kind::ActionHelp) {
    printActionHelp(*cmd.spec, zstack::catalog::DynamicAction(*cmd.spec));
    return flushed(kOk);
  }
  const zscli::Getenv env = [](const char* name) -> const char* { return std::getenv(name); };
  if (auto err = zscli::applyEnvironment(cmd, env)) return fail(*err);
  zscli::Options& o = cmd.options;
  const zstack::ActionSpec& spec = *cmd.spec;
  const bool logOut = spec.name == "LogOut";
  const bool logOutSaved = logOut && stringField(*cmd.action, "sessionUuid").empty();

  // The saved session: for calls given no credentials, on the endpoint it was opened on.
  const auto sessionPath = zscli::sessionFilePath(env);
  std::optional<zscli::SavedSession> saved;
  std::string savedProblem;
  if (sessionPath) saved = zscli::loadSession(*sessionPath, &savedProblem);
  bool useSaved = false;
  std::string sessionNote = "a session uuid (zscli LogInByAccount saves one";
  sessionNote += sessionPath ? " in " + *sessionPath + ")" : ")";
  const bool explicitCreds = o.session || (o.accessKey && !o.accessKey->empty()) || o.user;
  if (saved && !explicitCreds && (spec.needSession || logOutSaved)) {
    if (!o.endpoint && !saved->endpoint.empty()) o.endpoint = saved->endpoint;
    const std::string here = canonicalEndpoint(o.endpoint.value_or("http://localhost:8080/zstack"));
    if (saved->endpoint.empty() || canonicalEndpoint(saved->endpoint) == here) {
      useSaved = true;
      if (o.curl) {
        std::string quoted = "'";
        for (char c : *sessionPath) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        sessionNote = "the session zscli saved: ZSTACK_SESSION_ID=$(head -n1 " + quoted + "')";
      } else if (spec.needSession) {
        o.session = saved->uuid;
      }
      if (logOutSaved)
        if (auto err = cmd.action->set("sessionUuid", Json(o.curl ? std::string(kSessionPlaceholder) : saved->uuid)))
          return fail(*err);
    }
  } else if (o.curl && o.session) {
    sessionNote = "the session uuid given to zscli (--session or ZSTACK_SESSION)";
  }
  if (logOutSaved && !useSaved) {
    Error e;
    e.kind = ErrorKind::Usage;
    e.action = spec.name;
    e.message = "LogOut needs sessionUuid=UUID or a session saved by LogInByAccount";
    if (!sessionPath) e.message += " (no session file: HOME, XDG_CONFIG_HOME and ZSCLI_SESSION_FILE are unset)";
    else if (!savedProblem.empty()) e.message += " (" + savedProblem + ": " + *sessionPath + ")";
    else if (saved) e.message += " (the saved session is for " + saved->endpoint + ")";
    else e.message += " (none in " + *sessionPath + ")";
    return fail(e);
  }

  auto config = zscli::makeConfig(cmd);
  if (auto* e = std::get_if<Error>(&config)) return fail(*e);
  if (o.curl) return printCurl(cmd, std::get<zstack::ClientConfig>(config), sessionNote);
  if (auto err = zscli::resolvePasswords(cmd, env, zscli::promptOnTty)) return fail(*err);
  zstack::Client client(std::get<zstack::ClientConfig>(config));

  std::optional<zstack::Session> session;
  if (o.user) {
    auto s = zstack::Session::open(client, *o.user, o.password.value_or(""));
    if (!s) return fail(s.error());
    session.emplace(std::move(*s));
  }
  auto result = cmd.action->call(client);
  if (session) (void)session->close();
  if (!result) {
    Error e = result.error();
    if (useSaved && e.api && e.api->code == "ID.1001") {
      // An expired or logged-out saved session is of no more use: it goes, and the user is told
      // how to get a new one.
      zscli::removeSession(*sessionPath, saved->uuid);
      e.message = "the saved session (" + *sessionPath + ") has expired or was logged out: log in again, e.g. zscli " +
                  (o.endpoint ? "--endpoint " + canonicalEndpoint(*o.endpoint) + " " : std::string()) +
                  "LogInByAccount accountName=admin password=-";
    } else if (!useSaved && e.kind == ErrorKind::Usage && spec.needSession && saved && !explicitCreds) {
      e.message += " (the session saved in " + *sessionPath + " is for " + saved->endpoint + ")";
    }
    return fail(e);
  }
  Json printed = *result;
  if (isLogIn(spec)) {
    Json* inv = member(printed, "inventory");
    Json* uuid = inv ? member(*inv, "uuid") : nullptr;
    if (uuid && uuid->isString() && !uuid->asString().empty()) {
      bool savedNow = false;
      if (sessionPath && !o.user) {
        if (auto problem = zscli::saveSession(*sessionPath, {uuid->asString(), client.config().endpoint.baseUrl()}))
          std::cerr << "zscli: the session was not saved: " << *problem << " (" << *sessionPath << ")\n";
        else savedNow = true;
      }
      // The session uuid is a credential: what a terminal or a CI log shows must not hold it.
      // It is in the session file; --show-session prints it (for scripts that need it).
      if (!o.showSession) {
        *uuid = Json(std::string("***"));
        if (!savedNow)
          std::cerr << "zscli: the session uuid is not shown and was not saved; --show-session prints it\n";
      }
    }
  }
  if (logOut && sessionPath) {
    const std::string gone = stringField(*cmd.action, "sessionUuid");
    if (!gone.empty()) zscli::removeSession(*sessionPath, gone);
  }
  std::cout << printed.pretty() << "\n";  // the reply as the server sent it (a login's session uuid aside)
  return flushed(kOk);
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (zscli ... | head) must not kill zscli mid-write: the failed write
  // is reported instead. libcurl's sockets already avoid SIGPIPE; stdout and stderr do not.
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv, argv + argc);
#ifdef ZSCLI_HAVE_SHELL
  // zscli [options] with no action, on a terminal: the shell, each line run with those options.
  auto parsed = zscli::parseArgs(args);
  if (auto* c = std::get_if<zscli::Command>(&parsed); c && c->kind == zscli::Command::Kind::Shell && isatty(STDIN_FILENO)) {
    const zscli::Getenv env = [](const char* name) -> const char* { return std::getenv(name); };
    return zscli::runShell(std::vector<std::string>(args.begin() + 1, args.end()), env, runCommand);
  }
#endif
  return runCommand(args);
}
