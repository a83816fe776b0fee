// Credentials on the command line: LogInByAccount, --user/--password, sessions and access keys
// from options and from the environment.

#include "cli_harness.hpp"

#include <openssl/sha.h>

#include <cstdio>
#include <regex>

using namespace clitest;
using zstack::Json;

namespace {

const char* kPlain = "Pl41n-T3xt-Secret";

std::string sha512Hex(const std::string& s) {
  unsigned char d[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  std::string hex;
  char b[3];
  for (unsigned char c : d) {
    std::snprintf(b, sizeof b, "%02x", c);
    hex += b;
  }
  return hex;
}

zstack::sim::Options withPassword() {
  auto o = simOptions();
  o.adminPassword = kPlain;
  o.accessKeys.push_back({"AKIDTEST", "access-secret"});
  return o;
}

// Whether a session still works: a query with it succeeds, or fails with ID.1001.
bool sessionWorks(const zstack::Client& client, const std::string& session) {
  zstack::catalog::DynamicAction q(*zstack::catalog::find("QueryVip"));
  q.common().sessionId = session;
  auto r = q.call(client);
  if (r) return true;
  INFO(r.error().describe());
  CHECK(r.error().api);
  if (r.error().api) CHECK(r.error().api->code == "ID.1001");
  return false;
}

std::string endpointVia(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/zstack"; }

}  // namespace

TEST_CASE("LogInByAccount prints the session inventory and never the plaintext password", "[cli][auth]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  RecordingProxy proxy(sim.port());

  const Run run = runZscli({"--endpoint", endpointVia(proxy.port()), "LogInByAccount", "accountName=admin",
                            std::string("password=") + kPlain});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto out = run.outJson();
  REQUIRE(out);
  CHECK(keys(*out) == std::vector<std::string>{"inventory"});
  const std::string session = str(at(*out, "inventory"), "uuid");
  CHECK(std::regex_match(session, std::regex("[0-9a-f]{32}")));
  CHECK(str(at(*out, "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
  CHECK(run.out.find(kPlain) == std::string::npos);
  CHECK(run.err.find(kPlain) == std::string::npos);
  // on the wire: the SHA-512 hex, not the plaintext
  const std::string wire = proxy.sent();
  CHECK(wire.find(kPlain) == std::string::npos);
  CHECK(wire.find(sha512Hex(kPlain)) != std::string::npos);
  // the session is real
  CHECK(sessionWorks(sdkClient(sim.endpoint()), session));

  SECTION("a wrong password: API error, no plaintext anywhere") {
    const Run bad = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", "password=Wr0ng-Pl41n"});
    INFO(bad.describe());
    CHECK(bad.exitCode == 1);
    CHECK(bad.out.empty());
    auto e = bad.errJson();
    REQUIRE(e);
    CHECK(str(*e, "kind") == "api");
    CHECK(str(at(*e, "error"), "code") == "ID.1000");
    CHECK(bad.err.find("Wr0ng-Pl41n") == std::string::npos);
  }
}

TEST_CASE("option --user/--password logs in before the action and out after it", "[cli][auth]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  RecordingProxy proxy(sim.port());
  auto admin = sdkClient(sim.endpoint());
  sdkLogIn(admin, kPlain);
  const std::string sg = str(at(sdkCall(admin, "CreateSecurityGroup", {{"name", "via-user"}}), "inventory"), "uuid");

  const Run run = runZscli({"--endpoint", endpointVia(proxy.port()), "--user", "admin", "--password", kPlain,
                            "QuerySecurityGroup", "uuid=" + sg});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto out = run.outJson();
  REQUIRE(out);
  REQUIRE(arraySize(*out, "inventories") == 1);
  CHECK(str(at(*out, "inventories").asArray()[0], "name") == "via-user");
  CHECK(run.out.find(kPlain) == std::string::npos);
  CHECK(run.err.find(kPlain) == std::string::npos);

  // On the wire: login, the query with the new session, then the logout of that same session.
  const std::string wire = proxy.sent();
  INFO(wire);
  CHECK(wire.find(kPlain) == std::string::npos);
  const auto login = wire.find("PUT /zstack/v1/accounts/login");
  REQUIRE(login != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(wire, m, std::regex("GET /zstack/v1/security-groups[^\\r]*\\r\\n(?:[^\\r]+\\r\\n)*?[Aa]uthorization: OAuth ([0-9a-f]{32})")));
  const std::string session = m[1];
  const auto query = static_cast<std::size_t>(m.position(0));
  const auto logout = wire.find("DELETE /zstack/v1/accounts/sessions/" + session);
  REQUIRE(logout != std::string::npos);
  CHECK(login < query);
  CHECK(query < logout);
  // and the session no longer works
  CHECK_FALSE(sessionWorks(admin, session));

  SECTION("a failing action still logs out") {
    RecordingProxy p2(sim.port());
    const Run bad = runZscli({"--endpoint", endpointVia(p2.port()), "--user", "admin", "--password", kPlain, "DeleteVip",
                              "uuid=0123456789abcdef0123456789abcdef"});
    INFO(bad.describe());
    CHECK(bad.exitCode == 1);
    const std::string w = p2.sent();
    std::smatch m2;
    REQUIRE(std::regex_search(w, m2, std::regex("DELETE /zstack/v1/vips/[^\\r]*\\r\\n(?:[^\\r]+\\r\\n)*?[Aa]uthorization: OAuth ([0-9a-f]{32})")));
    CHECK(w.find("DELETE /zstack/v1/accounts/sessions/" + std::string(m2[1])) != std::string::npos);
    CHECK_FALSE(sessionWorks(admin, m2[1]));
  }

  SECTION("a wrong password: exit 1, the action is not sent") {
    const Run bad = runZscli({"--endpoint", sim.endpoint(), "--user", "admin", "--password", "nope-nope", "QueryVip"});
    INFO(bad.describe());
    CHECK(bad.exitCode == 1);
    CHECK(bad.out.empty());
    auto e = bad.errJson();
    REQUIRE(e);
    CHECK(str(*e, "kind") == "api");
    CHECK(str(at(*e, "error"), "code") == "ID.1000");
    CHECK(bad.err.find("nope-nope") == std::string::npos);
  }
}

TEST_CASE("credentials and endpoint from the environment", "[cli][auth][env]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  auto admin = sdkClient(sim.endpoint());
  const std::string session = sdkLogIn(admin, kPlain);
  const std::string sg = str(at(sdkCall(admin, "CreateSecurityGroup", {{"name", "env-sg"}}), "inventory"), "uuid");

  SECTION("ZSTACK_ENDPOINT and ZSTACK_SESSION") {
    const Run run = runZscli({"QuerySecurityGroup", "uuid=" + sg}, {"ZSTACK_ENDPOINT=" + sim.endpoint(), "ZSTACK_SESSION=" + session});
    INFO(run.describe());
    REQUIRE(run.exitCode == 0);
    CHECK(arraySize(*run.outJson(), "inventories") == 1);
  }
  SECTION("ZSTACK_ACCESS_KEY (sim Options::accessKeys), for a query and an async create") {
    const std::vector<std::string> env{"ZSTACK_ENDPOINT=" + sim.endpoint(), "ZSTACK_ACCESS_KEY=AKIDTEST:access-secret"};
    const Run q = runZscli({"QuerySecurityGroup", "uuid=" + sg}, env);
    INFO(q.describe());
    REQUIRE(q.exitCode == 0);
    CHECK(arraySize(*q.outJson(), "inventories") == 1);
    const Run c = runZscli({"CreateSecurityGroup", "name=ak-sg"}, env);
    INFO(c.describe());
    REQUIRE(c.exitCode == 0);
    CHECK(str(at(*c.outJson(), "inventory"), "name") == "ak-sg");
    CHECK(c.err.find("access-secret") == std::string::npos);
  }
  SECTION("a wrong access-key secret is refused (401 -> exit 1) and not echoed") {
    const Run run = runZscli({"QueryVip"}, {"ZSTACK_ENDPOINT=" + sim.endpoint(), "ZSTACK_ACCESS_KEY=AKIDTEST:wrong-secret"});
    INFO(run.describe());
    CHECK(run.exitCode == 1);
    CHECK(run.out.empty());
    auto e = run.errJson();
    REQUIRE(e);
    CHECK(num(*e, "httpStatus") == 401.0);
    CHECK(run.err.find("wrong-secret") == std::string::npos);
  }
  SECTION("--access-key option") {
    const Run run = runZscli({"--endpoint", sim.endpoint(), "--access-key", "AKIDTEST:access-secret", "QuerySecurityGroup", "uuid=" + sg});
    INFO(run.describe());
    CHECK(run.exitCode == 0);
  }
  SECTION("options override the environment") {
    const std::string dead = "http://127.0.0.1:" + std::to_string(closedPort()) + "/zstack";
    const Run run = runZscli({"--endpoint", sim.endpoint(), "--session", session, "QuerySecurityGroup", "uuid=" + sg},
                             {"ZSTACK_ENDPOINT=" + dead, "ZSTACK_SESSION=0123456789abcdef0123456789abcdef"});
    INFO(run.describe());
    CHECK(run.exitCode == 0);
  }
  SECTION("a stale ZSTACK_SESSION: API error ID.1001") {
    const Run run = runZscli({"QueryVip"}, {"ZSTACK_ENDPOINT=" + sim.endpoint(), "ZSTACK_SESSION=0123456789abcdef0123456789abcdef"});
    INFO(run.describe());
    CHECK(run.exitCode == 1);
    auto e = run.errJson();
    REQUIRE(e);
    CHECK(str(at(*e, "error"), "code") == "ID.1001");
  }
  SECTION("no credentials at all: usage error, nothing sent") {
    const auto before = sim.requestCount();
    const Run run = runZscli({"QueryVip"}, {"ZSTACK_ENDPOINT=" + sim.endpoint()});
    INFO(run.describe());
    CHECK(run.exitCode == 2);
    auto e = run.errJson();
    REQUIRE(e);
    CHECK(str(*e, "kind") == "usage");
    CHECK(sim.requestCount() == before);
  }
}

// A value that starts with one of zscli's operator characters (= ! < > ? ~) is taken for part of
// the operator: `password=!x` is refused as "expected param=value" -- and that usage message
// echoes the whole argument, plaintext password included, to stderr.
TEST_CASE("a password starting with '!' can be passed and is never echoed", "[cli][auth]") {
  auto o = simOptions();
  o.adminPassword = "!Bang-Secret";
  zstack::sim::Simulator sim(o);
  sim.start();
  const Run run = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", "password=!Bang-Secret"});
  INFO(run.describe());
  CHECK(run.err.find("Bang-Secret") == std::string::npos);
  CHECK(run.exitCode == 0);
}
