// zscli --curl: the request as a curl command, built by the SDK's own call path (so the same
// URL, percent-encoding, headers and body), with every secret a shell variable; nothing sent.
// The printed command is run with bash against the simulator to prove it is the real request.

#include "admin_support.hpp"

#include <curl.hpp>

#include <openssl/sha.h>

#include <cstdio>

using namespace clitest;

namespace {

const char* kPw = "Curl-Pl41n-Pw";

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

zstack::sim::Options opts() {
  auto o = simOptions();
  o.adminPassword = kPw;
  o.accessKeys.push_back({"AKIDCURL", "curl-access-secret"});
  return o;
}

std::string endpointVia(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/zstack"; }

// "GET /zstack/v1/vips?q=... HTTP/1.1" -> "/zstack/v1/vips?q=..."
std::string requestTarget(const std::string& wire) {
  const auto sp = wire.find(' ');
  const auto sp2 = wire.find(' ', sp + 1);
  return wire.substr(sp + 1, sp2 - sp - 1);
}

}  // namespace

TEST_CASE("zscli --curl prints the query the SDK sends, percent-encoded alike, the session as $ZSTACK_SESSION_ID", "[cli][curl]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  zstack::Client admin = sdkClient(sim.endpoint());
  const std::string session = sdkLogIn(admin, kPw);
  sdkCall(admin, "CreateVip", {{"name", "a b&c=d/é"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}});

  RecordingProxy proxy(sim.port());
  const std::string endpoint = endpointVia(proxy.port());
  const std::vector<std::string> args = {"QueryVip", "name=a b&c=d/é", "state!=Disabled", "limit=5", "sortBy=name"};

  // what zscli sends
  std::vector<std::string> real = {"--endpoint", endpoint, "--session", session};
  real.insert(real.end(), args.begin(), args.end());
  const Run sent = runZscli(real);
  INFO(sent.describe());
  REQUIRE(sent.exitCode == 0);
  const std::string target = requestTarget(proxy.sent());
  REQUIRE(target.rfind("/zstack/v1/vips?", 0) == 0);
  const std::size_t wireBefore = proxy.sent().size();

  // what --curl prints
  std::vector<std::string> curl = {"--endpoint", endpoint, "--session", session, "--curl"};
  curl.insert(curl.end(), args.begin(), args.end());
  const Run printed = runZscli(curl);
  INFO(printed.describe());
  REQUIRE(printed.exitCode == 0);
  CHECK(printed.err.empty());
  CHECK(proxy.sent().size() == wireBefore);  // nothing was sent
  CHECK(printed.out.find("curl -sS -X GET '" + endpoint.substr(0, endpoint.size() - 7) + target + "'") != std::string::npos);
  CHECK(printed.out.find("-H 'Authorization: OAuth '\"${ZSTACK_SESSION_ID}\"") != std::string::npos);
  CHECK(printed.out.find("#   ZSTACK_SESSION_ID: ") != std::string::npos);
  CHECK(printed.out.find(session) == std::string::npos);  // the session is not in it

  // and the command works: the same reply as zscli's
  const ScriptRun run = runScript(printed.out, {{"ZSTACK_SESSION_ID", session}});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto viaCurl = Json::parse(run.out);
  REQUIRE(viaCurl);
  CHECK(arraySize(*viaCurl, "inventories") == 1);
  CHECK(str(at(*viaCurl, "inventories").asArray().at(0), "name") == "a b&c=d/é");
  CHECK(*viaCurl == *sent.outJson());
}

TEST_CASE("zscli --curl LogInByAccount: the password is $ZSTACK_PASSWORD_SHA512, neither plaintext nor hash printed", "[cli][curl]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  TempDir home;
  const Run printed = runZscli({"--endpoint", sim.endpoint(), "--curl", "LogInByAccount", "accountName=admin",
                                std::string("password=") + kPw}, {"HOME=" + home.path});
  INFO(printed.describe());
  REQUIRE(printed.exitCode == 0);
  CHECK(printed.out.find(kPw) == std::string::npos);
  CHECK(printed.out.find(sha512Hex(kPw)) == std::string::npos);
  CHECK(printed.out.find("\"${ZSTACK_PASSWORD_SHA512}\"") != std::string::npos);
  CHECK(printed.out.find("#   ZSTACK_PASSWORD_SHA512: the lowercase hex SHA-512 of password") != std::string::npos);
  CHECK(printed.out.find("-X PUT") != std::string::npos);
  CHECK(printed.out.find("-H 'Content-Type: application/json;charset=UTF-8'") != std::string::npos);
  CHECK(printed.out.find("Authorization") == std::string::npos);  // LogInByAccount needs no session
  CHECK_FALSE(exists(home / ".zstack"));                            // nothing logged in, nothing saved

  const ScriptRun run = runScript(printed.out, {{"ZSTACK_PASSWORD_SHA512", sha512Hex(kPw)}});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto reply = Json::parse(run.out);
  REQUIRE(reply);
  CHECK(str(at(*reply, "inventory"), "accountUuid") == sim.seed().adminAccountUuid);

  SECTION("password=- asks for nothing under --curl") {
    const Run r = runZscli({"--endpoint", sim.endpoint(), "--curl", "LogInByAccount", "accountName=admin", "password=-"});
    INFO(r.describe());
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("${ZSTACK_PASSWORD_SHA512}") != std::string::npos);
  }
}

TEST_CASE("zscli --curl with an access key: the script signs the request from $ZSTACK_ACCESS_KEY_SECRET", "[cli][curl]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  const Run printed = runZscli({"--endpoint", sim.endpoint(), "--access-key", "AKIDCURL:curl-access-secret", "--curl", "QueryVip",
                                "name=x"});
  INFO(printed.describe());
  REQUIRE(printed.exitCode == 0);
  CHECK(printed.out.find("curl-access-secret") == std::string::npos);
  CHECK(printed.out.find("openssl dgst -sha1 -hmac \"$ZSTACK_ACCESS_KEY_SECRET\"") != std::string::npos);
  CHECK(printed.out.find("-H 'Authorization: ZStack AKIDCURL:'\"${ZSTACK_SIGNATURE}\"") != std::string::npos);
  CHECK(printed.out.find("-H 'Date: '\"${ZSTACK_DATE}\"") != std::string::npos);

  const ScriptRun run = runScript(printed.out, {{"ZSTACK_ACCESS_KEY_SECRET", "curl-access-secret"}});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto reply = Json::parse(run.out);
  REQUIRE(reply);
  CHECK(at(*reply, "inventories").isArray());

  const ScriptRun wrong = runScript(printed.out, {{"ZSTACK_ACCESS_KEY_SECRET", "not-the-secret"}});
  CHECK(wrong.out.find("signature mismatch") != std::string::npos);
}

TEST_CASE("zscli --curl for an async API says how to poll and creates nothing; validation errors still stop it", "[cli][curl]") {
  SimFixture f;
  const Run printed = f.cli({"--curl", "CreateVip", "name=curl-vip", "l3NetworkUuid=" + f.sim.seed().publicL3Uuid});
  INFO(printed.describe());
  REQUIRE(printed.exitCode == 0);
  CHECK(printed.out.find("CreateVip is an async API: the reply is 202") != std::string::npos);
  CHECK(printed.out.find("--data-raw '{\"params\":{\"name\":\"curl-vip\",\"l3NetworkUuid\":\"" + f.sim.seed().publicL3Uuid) !=
        std::string::npos);
  CHECK(printed.out.find("-H 'X-Job-UUID: ") != std::string::npos);
  CHECK(printed.out.find(f.session) == std::string::npos);
  CHECK(arraySize(f.sdk("QueryVip", {{"q", Json(Json::Array{Json("name=curl-vip")})}}), "inventories") == 0);

  const Run invalid = f.cli({"--curl", "CreateVip", "name=no-l3"});
  INFO(invalid.describe());
  CHECK(invalid.exitCode == 2);
  CHECK(invalid.out.empty());
  CHECK(invalid.err.find("l3NetworkUuid") != std::string::npos);
}

TEST_CASE("zscli --curl LogOut with the saved session: the path's uuid is $ZSTACK_SESSION_ID, read from the session file", "[cli][curl]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  TempDir dir;
  const std::string file = dir / "session";
  const std::vector<std::string> env = {"ZSCLI_SESSION_FILE=" + file};
  const Run in = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", std::string("password=") + kPw}, env);
  REQUIRE(in.exitCode == 0);
  const std::string uuid = firstLine(slurp(file));
  REQUIRE(!uuid.empty());

  const Run printed = runZscli({"--curl", "LogOut"}, env);
  INFO(printed.describe());
  REQUIRE(printed.exitCode == 0);
  CHECK(printed.out.find(uuid) == std::string::npos);
  CHECK(printed.out.find("/v1/accounts/sessions/'\"${ZSTACK_SESSION_ID}\"") != std::string::npos);
  CHECK(printed.out.find("ZSTACK_SESSION_ID=$(head -n1 '" + file + "')") != std::string::npos);
  CHECK(exists(file));  // nothing was sent: still logged in

  const ScriptRun run = runScript(printed.out, {{"ZSTACK_SESSION_ID", uuid}});
  INFO(run.describe());
  CHECK(run.exitCode == 0);
  zstack::catalog::DynamicAction q(*zstack::catalog::find("QueryVip"));
  q.common().sessionId = uuid;
  CHECK_FALSE(q.call(sdkClient(sim.endpoint())));  // the curl command logged it out
}

TEST_CASE("shellWord: single quotes, placeholders spliced in as variables", "[cli][curl]") {
  const std::vector<zscli::Secret> secrets = {{"PH1", "A", ""}, {"PH2", "B", ""}};
  CHECK(zscli::shellWord("plain", secrets) == "'plain'");
  CHECK(zscli::shellWord("it's", secrets) == "'it'\\''s'");
  CHECK(zscli::shellWord("xPH1y", secrets) == "'x'\"${A}\"'y'");
  CHECK(zscli::shellWord("PH2", secrets) == "\"${B}\"");
  CHECK(zscli::shellWord("", secrets) == "''");
  CHECK(zscli::envName("privateKey") == "PRIVATE_KEY");
  CHECK(zscli::envName("password") == "PASSWORD");
}

TEST_CASE("zscli --curl carries the TLS options for https endpoints only", "[cli][curl]") {
  const Run tls = runZscli({"--endpoint", "https://127.0.0.1:1/zstack", "--insecure", "--session", "s", "--curl", "QueryVip"});
  INFO(tls.describe());
  REQUIRE(tls.exitCode == 0);
  CHECK(tls.out.find("\\\n  --insecure") != std::string::npos);
  const Run plain = runZscli({"--endpoint", "http://127.0.0.1:1/zstack", "--insecure", "--session", "s", "--curl", "QueryVip"});
  REQUIRE(plain.exitCode == 0);
  CHECK(plain.out.find("--insecure") == std::string::npos);
}
