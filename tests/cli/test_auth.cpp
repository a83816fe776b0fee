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

TEST_CASE("LogInByAccount prints the session inventory, its uuid only with --show-session, never the plaintext password", "[cli][auth]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  RecordingProxy proxy(sim.port());

  // by default the session uuid is "***" (no session file here: zscli says how to see it)
  const Run hidden = runZscli({"--endpoint", endpointVia(proxy.port()), "LogInByAccount", "accountName=admin",
                               std::string("password=") + kPlain});
  INFO(hidden.describe());
  REQUIRE(hidden.exitCode == 0);
  CHECK(str(at(*hidden.outJson(), "inventory"), "uuid") == "***");
  CHECK(str(at(*hidden.outJson(), "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
  CHECK(hidden.err == "zscli: the session uuid is not shown and was not saved; --show-session prints it\n");
  // the only uuids printed are the account's (accountUuid, userUuid): no session
  const std::regex hex32("[0-9a-f]{32}");
  for (auto it = std::sregex_iterator(hidden.out.begin(), hidden.out.end(), hex32); it != std::sregex_iterator(); ++it)
    CHECK(it->str() == sim.seed().adminAccountUuid);

  const Run run = runZscli({"--endpoint", endpointVia(proxy.port()), "--show-session", "LogInByAccount", "accountName=admin",
                            std::string("password=") + kPlain});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  CHECK(run.err.empty());
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

// Arguments may hold secrets: a malformed one is named by its position (and by the parameter
// name it starts with), never quoted.
TEST_CASE("malformed arguments are never echoed beyond a name", "[cli][auth][echo]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  struct Case {
    const char* what;
    std::vector<std::string> args;
    const char* messageHas;
  };
  const std::vector<Case> cases = {
      {"param without an operator", {"LogInByAccount", "accountName=a", "password:hunter2"}, "argument 5 is not param=value (it starts with \"password\""},
      {"unknown parameter with a non-name key", {"LogInByAccount", "accountName=a", "password:hunter2=x"}, "argument 5: unknown parameter"},
      {"operator other than = with a non-name key", {"LogInByAccount", "accountName=a", "pass word hunter2!x"}, "argument 5 is not param=value"},
      {"a password where the action goes", {"--user", "admin", "hunter2", "QueryVip"}, "argument 5 is not an action name"},
      {"an option with its value after =", {"--password=hunter2", "QueryVip"}, "unknown option --password"},
      {"an endpoint that is not a URL", {"--endpoint", "hunter2", "QueryVip"}, "--endpoint: endpoint needs a scheme"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    std::vector<std::string> args{"--endpoint", sim.endpoint()};
    if (c.args[0] == "--endpoint") args.clear();
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto before = sim.requestCount();
    const Run run = runZscli(args);
    INFO(run.describe());
    CHECK(run.exitCode == 2);
    CHECK(run.out.find("hunter2") == std::string::npos);
    CHECK(run.err.find("hunter2") == std::string::npos);
    auto e = run.errJson();
    REQUIRE(e);
    CHECK(str(*e, "kind") == "usage");
    CHECK_THAT(str(*e, "message"), Catch::Contains(c.messageHas));
    CHECK(sim.requestCount() == before);
  }
}

namespace {

// A file holding `text`, removed at scope exit.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/zscli-test-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) throw std::runtime_error("write failed");
    close(fd);
    path = name;
  }
  ~TempFile() { unlink(path.c_str()); }
};

// The session uuid a --user run used for its query, or "" (from what the proxy saw).
bool loggedInAndOut(const std::string& wire) {
  return wire.find("PUT /zstack/v1/accounts/login") != std::string::npos &&
         wire.find("DELETE /zstack/v1/accounts/sessions/") != std::string::npos;
}

}  // namespace

TEST_CASE("the --user password from ZSTACK_PASSWORD or --password-file, never argv", "[cli][auth][password]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  RecordingProxy proxy(sim.port());
  const std::string ep = endpointVia(proxy.port());

  auto expectOk = [&](const Run& run) {
    INFO(run.describe());
    REQUIRE(run.exitCode == 0);
    REQUIRE(run.outJson());
    CHECK(at(*run.outJson(), "inventories").isArray());
    CHECK(run.out.find(kPlain) == std::string::npos);
    CHECK(run.err.find(kPlain) == std::string::npos);
  };
  SECTION("ZSTACK_PASSWORD") {
    expectOk(runZscli({"--endpoint", ep, "--user", "admin", "QueryVip"}, {std::string("ZSTACK_PASSWORD=") + kPlain}));
    CHECK(loggedInAndOut(proxy.sent()));
    CHECK(proxy.sent().find(sha512Hex(kPlain)) != std::string::npos);
  }
  SECTION("--password-file: the first line, its newline stripped") {
    TempFile lf(std::string(kPlain) + "\n");
    expectOk(runZscli({"--endpoint", ep, "--user", "admin", "--password-file", lf.path, "QueryVip"}));
    TempFile crlf(std::string(kPlain) + "\r\nsecond line\n");
    expectOk(runZscli({"--endpoint", ep, "--user", "admin", "--password-file", crlf.path, "QueryVip"}));
    TempFile bare(kPlain);
    expectOk(runZscli({"--endpoint", ep, "--user", "admin", "--password-file", bare.path, "QueryVip"}));
    CHECK(loggedInAndOut(proxy.sent()));
  }
  SECTION("--password-file wins over ZSTACK_PASSWORD") {
    TempFile lf(std::string(kPlain) + "\n");
    expectOk(runZscli({"--endpoint", ep, "--user", "admin", "--password-file", lf.path, "QueryVip"}, {"ZSTACK_PASSWORD=wrong-one"}));
  }
  SECTION("password=- for LogInByAccount reads the same sources") {
    const Run env = runZscli({"--endpoint", ep, "LogInByAccount", "accountName=admin", "password=-"}, {std::string("ZSTACK_PASSWORD=") + kPlain});
    INFO(env.describe());
    REQUIRE(env.exitCode == 0);
    CHECK(str(at(*env.outJson(), "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
    TempFile lf(std::string(kPlain) + "\n");
    const Run file = runZscli({"--endpoint", ep, "--password-file", lf.path, "LogInByAccount", "accountName=admin", "password=-"});
    INFO(file.describe());
    REQUIRE(file.exitCode == 0);
    CHECK(proxy.sent().find(sha512Hex(kPlain)) != std::string::npos);
    CHECK(proxy.sent().find(sha512Hex("-")) == std::string::npos);
  }
  SECTION("no password from any source (stdin not a terminal): usage error, nothing sent") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--endpoint", ep, "--user", "admin", "QueryVip"},
                                                                  {"--endpoint", ep, "LogInByAccount", "accountName=admin", "password=-"}}) {
      const auto before = sim.requestCount();
      const Run run = runZscli(args);
      INFO(run.describe());
      CHECK(run.exitCode == 2);
      CHECK_THAT(str(*run.errJson(), "message"), Catch::Contains("needs a password"));
      CHECK(sim.requestCount() == before);
    }
  }
  SECTION("a missing or empty --password-file, or two password options: usage errors naming the option") {
    TempFile empty("\nsecret-on-line-two\n");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--endpoint", ep, "--user", "admin", "--password-file", "/nonexistent/zscli-pw", "QueryVip"}, "--password-file"},
        {{"--endpoint", ep, "--user", "admin", "--password-file", empty.path, "QueryVip"}, "--password-file"},
        {{"--endpoint", ep, "--user", "admin", "--password", "x", "--password-file", empty.path, "QueryVip"}, "--password-file"},
    };
    for (const auto& [args, has] : cases) {
      const auto before = sim.requestCount();
      const Run run = runZscli(args);
      INFO(run.describe());
      CHECK(run.exitCode == 2);
      auto e = run.errJson();
      REQUIRE(e);
      CHECK_THAT(str(*e, "message"), Catch::Contains(has));
      CHECK(run.err.find("secret-on-line-two") == std::string::npos);
      CHECK(run.err.find("zscli-pw") == std::string::npos);
      CHECK(sim.requestCount() == before);
    }
  }
}

// The prompt: zscli on a pseudo-terminal (its controlling terminal, as in a shell) asks on
// /dev/tty with echo off.
TEST_CASE("zscli --user with no password asks on the terminal without echo", "[cli][auth][password][tty]") {
  zstack::sim::Simulator sim(withPassword());
  sim.start();
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string slave = ptsname(master);

  std::string screen;  // everything zscli wrote to the terminal
  std::atomic<bool> stop{false};
  std::thread typist([&] {
    bool typed = false;
    while (!stop) {
      pollfd p{master, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[512];
      const ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) break;
      screen.append(buf, static_cast<std::size_t>(n));
      if (!typed && screen.find("Password for admin: ") != std::string::npos) {
        const std::string line = std::string(kPlain) + "\n";
        (void)!write(master, line.data(), line.size());
        typed = true;
      }
    }
  });
  SpawnOptions so;
  so.stdinPath = slave;
  so.newSession = true;
  const Run run = runZscliWith({"--endpoint", sim.endpoint(), "--user", "admin", "QueryVip"}, {}, so);
  stop = true;
  typist.join();
  close(master);
  INFO(run.describe());
  INFO("terminal: " + screen);
  CHECK(run.exitCode == 0);
  CHECK(screen.find("Password for admin: ") != std::string::npos);
  CHECK(screen.find(kPlain) == std::string::npos);  // not echoed
  CHECK(run.out.find(kPlain) == std::string::npos);
  CHECK(run.err.find(kPlain) == std::string::npos);
}
