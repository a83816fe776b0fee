// zscli: the SDK on the command line, in zstack-cli's syntax.
//
//   zscli [options] <ActionName> [param=value ...]
//
// Built on the action catalog: every action, its fields, types and constraints come from the
// same declarations the SDK uses. Exit codes: 0 ok, 1 the server reported an error, 2 bad usage
// or a validation error (nothing was sent), 3 transport, timeout or decode errors.

#include <zstack/zstack.hpp>

#include <cmath>
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

const char* kUsageText =
    "usage: zscli [options] <ActionName> [param=value ...]\n"
    "       zscli <ActionName> --help\n"
    "\n"
    "options:\n"
    "  --endpoint URL          management node (default $ZSTACK_ENDPOINT or http://localhost:8080/zstack)\n"
    "  --session UUID          session to use (default $ZSTACK_SESSION)\n"
    "  --access-key ID:SECRET  access-key auth (default $ZSTACK_ACCESS_KEY)\n"
    "  --user NAME --password PW  log in before the action and log out after it\n"
    "  --timeout SECONDS       how long to wait for an async job (default 3 hours)\n"
    "  --insecure              do not verify the server's TLS certificate\n"
    "  --help                  this text and the list of actions\n"
    "\n"
    "values: scalars as written; lists and maps as JSON (rules='[{\"type\":\"Ingress\"}]'),\n"
    "lists of strings also comma-separated (vmNicUuids=a,b).\n"
    "queries: every field<op>value argument is a condition (name=vip1 state!=Disabled vmNics.ip=10.0.0.5;\n"
    "ops = != > < >= <= ?= !?= ~= !~=), plus limit= start= count= replyWithCount= sortBy= sortDirection=\n"
    "fields= groupBy=.\n";

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

int usage(const std::string& message) {
  Error e;
  e.kind = ErrorKind::Usage;
  e.message = message;
  return fail(e);
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

// An argument quoted in an error message without its value, which may be a password.
std::string withoutValue(const std::string& s) {
  const auto at = s.find_first_of("=!<>?~");
  return at == std::string::npos ? s : s.substr(0, at) + "...";
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

struct Options {
  std::string endpoint, session, accessKey, user, password;
  std::optional<double> timeoutSeconds;
  bool insecure = false;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (const char* e = std::getenv("ZSTACK_ENDPOINT")) o.endpoint = e;
  if (const char* e = std::getenv("ZSTACK_SESSION")) o.session = e;
  if (const char* e = std::getenv("ZSTACK_ACCESS_KEY")) o.accessKey = e;
  if (o.endpoint.empty()) o.endpoint = "http://localhost:8080/zstack";

  int i = 1;
  auto optionValue = [&](const char* name) -> std::optional<std::string> {
    if (i + 1 >= argc) return std::nullopt;
    (void)name;
    return std::string(argv[++i]);
  };
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    const std::string opt = argv[i];
    std::optional<std::string> v;
    if (opt == "--help") {
      std::cout << kUsageText << "\nactions:\n";
      for (const auto* s : zstack::catalog::all()) std::cout << "  " << s->name << "  " << s->summary << "\n";
      return kOk;
    } else if (opt == "--insecure") {
      o.insecure = true;
      continue;
    }
    v = optionValue(opt.c_str());
    if (!v) return usage(opt + " needs a value");
    if (opt == "--endpoint") o.endpoint = *v;
    else if (opt == "--session") o.session = *v;
    else if (opt == "--access-key") o.accessKey = *v;
    else if (opt == "--user") o.user = *v;
    else if (opt == "--password") o.password = *v;
    else if (opt == "--timeout") {
      char* end = nullptr;
      const double s = std::strtod(v->c_str(), &end);
      if (!end || *end || !std::isfinite(s) || s < 0.001 || s > 1e7)
        return usage("--timeout expects a number of seconds between 0.001 and 10000000");
      o.timeoutSeconds = s;
    } else {
      return usage("unknown option " + opt);
    }
  }
  if (i >= argc) return usage("no action given (zscli --help lists them)");

  const zstack::ActionSpec* spec = zstack::catalog::find(argv[i]);
  if (!spec) return usage(std::string("unknown action ") + argv[i] + " (zscli --help lists them)");
  zstack::catalog::DynamicAction action(*spec);
  ++i;

  static const char* kQueryKeys[] = {"limit", "start", "count", "replyWithCount", "sortBy", "sortDirection", "fields", "groupBy"};
  Json::Array conditions;
  bool countOnly = false;
  for (; i < argc; ++i) {
    const std::string text = argv[i];
    if (text == "--help" || text == "-h") {
      printActionHelp(*spec, action);
      return kOk;
    }
    auto arg = splitArg(text);
    if (!arg) return usage("expected param=value, got \"" + withoutValue(text) + "\"");
    bool queryKey = false;
    for (const char* k : kQueryKeys) queryKey |= arg->key == k;
    if (spec->isQuery && !(queryKey && arg->op == "=")) {
      conditions.emplace_back(text);  // field<op>value, as the server reads it
      continue;
    }
    if (spec->isQuery && arg->key == "count") countOnly = arg->value == "true";
    if (arg->op != "=") return usage("expected param=value, got \"" + withoutValue(text) + "\"");
    const schema::FieldDesc* f = nullptr;
    for (const auto& fd : action.fields())
      if (arg->key == fd.name) f = &fd;
    if (!f) return usage("unknown parameter \"" + arg->key + "\" for " + spec->name + " (zscli " + spec->name + " --help)");
    std::string why;
    auto value = toJsonValue(f->type(), arg->value, why);
    if (!value) return usage(arg->key + ": " + why);
    if (auto err = action.set(arg->key, *value)) return fail(*err);
  }
  if (!conditions.empty())
    if (auto err = action.set("q", Json(std::move(conditions)))) return fail(*err);

  zstack::ClientConfig cfg;
  std::string why;
  auto endpoint = zstack::Endpoint::parse(o.endpoint, &why);
  if (!endpoint) return usage(why);
  cfg.endpoint = *endpoint;
  cfg.sessionId = o.session;
  if (o.insecure) cfg.tls.verifyPeer = cfg.tls.verifyHost = false;
  if (!o.accessKey.empty()) {
    const auto colon = o.accessKey.find(':');
    if (colon == std::string::npos) return usage("--access-key expects ID:SECRET");
    cfg.accessKey = zstack::AccessKey{o.accessKey.substr(0, colon), o.accessKey.substr(colon + 1)};
  }
  if (o.timeoutSeconds) action.common().timeout = std::chrono::milliseconds(static_cast<long long>(*o.timeoutSeconds * 1000));
  zstack::Client client(cfg);

  std::optional<zstack::Session> session;
  if (!o.user.empty()) {
    auto s = zstack::Session::open(client, o.user, o.password);
    if (!s) return fail(s.error());
    session.emplace(std::move(*s));
  }
  auto result = action.call(client);
  if (session) (void)session->close();
  if (!result) return fail(result.error());
  Json out = std::move(*result);
  if (countOnly) {  // count=true: the server sent only the total
    const Json* total = out.find("total");
    out = Json(Json::Object{{"total", total ? *total : Json(0)}});
  }
  std::cout << out.pretty() << "\n";
  return kOk;
}
