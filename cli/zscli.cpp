// zscli: the SDK on the command line, in zstack-cli's syntax.
//
//   zscli [options] <ActionName> [param=value ...]
//
// Built on the action catalog: every action, its fields, types and constraints come from the
// same declarations the SDK uses. Exit codes: 0 ok, 1 the server reported an error, 2 bad usage
// or a validation error (nothing was sent), 3 transport, timeout or decode errors.

#include "args.hpp"

#include <zstack/zstack.hpp>

#include <signal.h>

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
    "  --help                  this text and the list of actions\n"
    "\n"
    "values: scalars as written; lists and maps as JSON (rules='[{\"type\":\"Ingress\"}]'),\n"
    "lists of strings also comma-separated (vmNicUuids=a,b).\n"
    "queries: every field<op>value argument is a condition (name=vip1 state!=Disabled vmNics.ip=10.0.0.5;\n"
    "ops = != > < >= <= ?= !?= ~= !~=), plus limit= start= count= replyWithCount= sortBy= sortDirection=\n"
    "fields= groupBy=.\n"
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

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (zscli ... | head) must not kill zscli mid-write: the failed write
  // is reported instead. libcurl's sockets already avoid SIGPIPE; stdout and stderr do not.
  signal(SIGPIPE, SIG_IGN);

  auto parsed = zscli::parseArgs(argc, argv);
  if (auto* e = std::get_if<Error>(&parsed)) return fail(*e);
  zscli::Command& cmd = std::get<zscli::Command>(parsed);
  if (cmd.kind == zscli::Command::Kind::Help) {
    std::cout << kUsageText << "\nactions:\n";
    for (const auto* s : zstack::catalog::all()) std::cout << "  " << s->name << "  " << s->summary << "\n";
    return flushed(kOk);
  }
  if (cmd.kind == zscli::Command::Kind::ActionHelp) {
    printActionHelp(*cmd.spec, zstack::catalog::DynamicAction(*cmd.spec));
    return flushed(kOk);
  }
  const zscli::Getenv env = [](const char* name) -> const char* { return std::getenv(name); };
  if (auto err = zscli::applyEnvironment(cmd, env)) return fail(*err);
  auto config = zscli::makeConfig(cmd);
  if (auto* e = std::get_if<Error>(&config)) return fail(*e);
  if (auto err = zscli::resolvePasswords(cmd, env, zscli::promptOnTty)) return fail(*err);
  zstack::Client client(std::get<zstack::ClientConfig>(config));

  std::optional<zstack::Session> session;
  if (cmd.options.user) {
    auto s = zstack::Session::open(client, *cmd.options.user, cmd.options.password.value_or(""));
    if (!s) return fail(s.error());
    session.emplace(std::move(*s));
  }
  auto result = cmd.action->call(client);
  if (session) (void)session->close();
  if (!result) return fail(result.error());
  std::cout << result->pretty() << "\n";  // the reply as the server sent it
  return flushed(kOk);
}
