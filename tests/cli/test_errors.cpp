// zscli's failure modes: usage (2), validation (2, nothing sent), API (1), transport / timeout /
// decode (3); and the help texts.

#include "cli_harness.hpp"
#include "support/documented.hpp"

#include <set>
#include <sstream>

using namespace clitest;
using zstack::Json;

namespace {

// Runs zscli and checks: exit code, nothing on stdout, a JSON error of `kind` on stderr.
Json expectError(const Run& run, int exitCode, const std::string& kind) {
  INFO(run.describe());
  CHECK(run.exitCode == exitCode);
  CHECK(run.out.empty());
  auto e = run.errJson();
  REQUIRE(e);
  CHECK(str(*e, "kind") == kind);
  CHECK_FALSE(str(*e, "message").empty());
  return *e;
}

std::vector<std::string> violationFields(const Json& e) {
  std::vector<std::string> f;
  const Json& v = at(e, "violations");
  if (v.isArray())
    for (const auto& x : v.asArray()) f.push_back(str(x, "field"));
  return f;
}

}  // namespace

TEST_CASE("usage errors: exit 2, {\"kind\":\"usage\"} on stderr, nothing sent", "[cli][errors]") {
  SimFixture f;
  const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}}), "inventory"), "uuid");

  struct Case {
    const char* what;
    std::vector<std::string> args;
    const char* messageHas;
  };
  const std::vector<Case> cases = {
      {"unknown action", {"CreateNothing", "name=x"}, "unknown action CreateNothing"},
      {"unknown param", {"CreateVip", "name=x", "l3NetworkUuid=y", "colour=red"}, "colour"},
      {"argument without =", {"DeleteVip", "foo"}, "argument 6 is not param=value"},
      {"bad number for an Integer param", {"CreateLoadBalancerListener", "loadBalancerUuid=x", "name=n", "loadBalancerPort=eighty"}, "loadBalancerPort"},
      {"fractional number for an Integer param", {"CreateLoadBalancerListener", "loadBalancerUuid=x", "name=n", "loadBalancerPort=80.5"}, "loadBalancerPort"},
      {"out-of-range number for an Integer param", {"CreatePortForwardingRule", "vipUuid=" + vip, "vipPortStart=99999999999", "protocolType=TCP", "name=p"}, "vipPortStart"},
      {"bad boolean", {"QueryVip", "replyWithCount=maybe"}, "replyWithCount"},
      {"malformed JSON list", {"AddSecurityGroupRule", "securityGroupUuid=x", "rules=[{\"type\":"}, "rules"},
      {"JSON of the wrong type for a list of objects", {"AddSecurityGroupRule", "securityGroupUuid=x", "rules={\"type\":\"Ingress\"}"}, "rules"},
      {"malformed map", {"AttachNetworkServiceToL3Network", "l3NetworkUuid=x", "networkServices=Eip"}, "networkServices"},
      {"operator other than = on a non-query action", {"UpdateVip", "uuid!=" + vip}, "uuid"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto before = f.sim.requestCount();
    std::vector<std::string> args{"--endpoint", f.sim.endpoint(), "--session", f.session};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const Json e = expectError(runZscli(args), 2, "usage");
    CHECK_THAT(str(e, "message"), Catch::Contains(c.messageHas));
    CHECK(f.sim.requestCount() == before);
  }

  struct OptCase {
    const char* what;
    std::vector<std::string> args;
    const char* messageHas;
  };
  const std::vector<OptCase> optionCases = {
      {"unknown option", {"--frobnicate", "QueryVip"}, "--frobnicate"},
      {"missing option value", {"--endpoint"}, "--endpoint"},
      {"missing --session value", {"--endpoint", f.sim.endpoint(), "--session"}, "--session"},
      {"--timeout not a number", {"--endpoint", f.sim.endpoint(), "--timeout", "soon", "QueryVip"}, "--timeout"},
      {"--timeout zero", {"--endpoint", f.sim.endpoint(), "--timeout", "0", "QueryVip"}, "--timeout"},
      {"--access-key without a colon", {"--endpoint", f.sim.endpoint(), "--access-key", "AKID", "QueryVip"}, "ID:SECRET"},
      {"no action", {"--endpoint", f.sim.endpoint()}, "no action"},
      {"bad endpoint URL", {"--endpoint", "ftp://example/zstack", "--session", f.session, "QueryVip"}, ""},
  };
  for (const auto& c : optionCases) {
    INFO(c.what);
    const auto before = f.sim.requestCount();
    const Json e = expectError(runZscli(c.args), 2, "usage");
    CHECK_THAT(str(e, "message"), Catch::Contains(c.messageHas));
    CHECK(f.sim.requestCount() == before);
  }
}

TEST_CASE("validation errors: exit 2, the violations, nothing sent", "[cli][errors]") {
  SimFixture f;
  const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}}), "inventory"), "uuid");
  const std::string sg = str(at(f.sdk("CreateSecurityGroup", {{"name", "sg"}}), "inventory"), "uuid");

  struct Case {
    const char* what;
    std::vector<std::string> args;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"missing required param", {"CreateVip", "name=x"}, {"l3NetworkUuid"}},
      {"two missing required params", {"CreateVip"}, {"name", "l3NetworkUuid"}},
      {"missing path param", {"ChangeVipState", "stateEvent=enable"}, {"uuid"}},
      {"invalid valid-value", {"ChangeVipState", "uuid=" + vip, "stateEvent=toggle"}, {"stateEvent"}},
      {"invalid valid-value in a query param", {"GetVipUsedPorts", "uuid=" + vip, "protocol=sctp"}, {"protocol"}},
      {"invalid deleteMode", {"DeleteVip", "uuid=" + vip, "deleteMode=Force"}, {"deleteMode"}},
      {"over-long name", {"CreateVip", "name=" + std::string(256, 'n'), "l3NetworkUuid=" + f.sim.seed().publicL3Uuid}, {"name"}},
      {"over-long description", {"UpdateVip", "uuid=" + vip, "description=" + std::string(2049, 'd')}, {"description"}},
      {"empty required list", {"AddVmNicToSecurityGroup", "securityGroupUuid=" + sg, "vmNicUuids=[]"}, {"vmNicUuids"}},
      {"empty rules list", {"AddSecurityGroupRule", "securityGroupUuid=" + sg, "rules=[]"}, {"rules"}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto before = f.sim.requestCount();
    const Json e = expectError(f.cli(c.args), 2, "validation");
    const auto got = violationFields(e);
    for (const auto& field : c.fields) CHECK(std::find(got.begin(), got.end(), field) != got.end());
    CHECK(str(e, "action") == c.args[0]);
    CHECK(f.sim.requestCount() == before);
  }

  // The violation text names the rule that was broken.
  const Json e = expectError(f.cli({"ChangeVipState", "uuid=" + vip, "stateEvent=toggle"}), 2, "validation");
  REQUIRE(at(e, "violations").isArray());
  CHECK_THAT(str(at(e, "violations").asArray().at(0), "problem"), Catch::Contains("enable"));
  // and the VIP is untouched
  CHECK(str(at(f.sdk("QueryVip", {{"q", Json::Array{"uuid=" + vip}}}), "inventories").asArray().at(0), "state") == "Enabled");
}

// `vmNicUuids=` (an empty value) is split into the list [""]. The field is declared non-empty
// with no empty elements; it should be refused before anything is sent.
TEST_CASE("an empty comma-separated list value is a validation error", "[cli][errors]") {
  SimFixture f;
  const std::string sg = str(at(f.sdk("CreateSecurityGroup", {{"name", "sg"}}), "inventory"), "uuid");
  const auto before = f.sim.requestCount();
  const Run run = f.cli({"AddVmNicToSecurityGroup", "securityGroupUuid=" + sg, "vmNicUuids="});
  INFO(run.describe());
  CHECK(run.exitCode == 2);
  CHECK(f.sim.requestCount() == before);
}

TEST_CASE("API errors: exit 1 with the server's ErrorCode", "[cli][errors]") {
  SimFixture f;
  const std::string pub = f.sim.seed().publicL3Uuid;

  SECTION("delete a non-existent uuid") {
    const Json e = expectError(f.cli({"DeleteVip", "uuid=0123456789abcdef0123456789abcdef"}), 1, "api");
    CHECK(str(e, "action") == "DeleteVip");
    CHECK(num(e, "httpStatus") == 503.0);
    CHECK(str(at(e, "error"), "code") == "SYS.1007");
    CHECK_THAT(str(at(e, "error"), "details"), Catch::Contains("0123456789abcdef0123456789abcdef"));
    CHECK(str(e, "jobUuid").size() == 32);
  }
  SECTION("duplicate requiredIp: SYS.1006 with its cause") {
    f.sdk("CreateVip", {{"name", "first"}, {"l3NetworkUuid", pub}, {"requiredIp", "172.20.3.3"}});
    const Json e = expectError(f.cli({"CreateVip", "name=second", "l3NetworkUuid=" + pub, "requiredIp=172.20.3.3"}), 1, "api");
    CHECK(str(at(e, "error"), "code") == "SYS.1006");
    CHECK(str(at(at(e, "error"), "cause"), "code") == "SYS.1007");
    CHECK_THAT(str(at(at(e, "error"), "cause"), "details"), Catch::Contains("172.20.3.3"));
  }
  SECTION("deleting a VIP in use without Enforcing") {
    const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", pub}}), "inventory"), "uuid");
    f.sdk("CreateEip", {{"name", "e"}, {"vipUuid", vip}});
    const Json e = expectError(f.cli({"DeleteVip", "uuid=" + vip}), 1, "api");
    CHECK(str(at(e, "error"), "code") == "SYS.1006");
  }
  SECTION("a port conflict on a VIP") {
    const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", pub}}), "inventory"), "uuid");
    REQUIRE(f.cli({"CreatePortForwardingRule", "vipUuid=" + vip, "vipPortStart=22", "protocolType=TCP", "name=a"}).exitCode == 0);
    const Json e = expectError(f.cli({"CreatePortForwardingRule", "vipUuid=" + vip, "vipPortStart=22", "protocolType=TCP", "name=b"}), 1, "api");
    CHECK(str(at(e, "error"), "code") == "SYS.1006");
  }
  SECTION("an injected 503 on a sync GET") {
    zstack::sim::FaultRule r;
    r.action = zstack::sim::FaultAction::Status;
    r.method = "GET";
    r.pathPrefix = "/zstack/v1/vips";
    r.status = 503;
    r.body = R"({"error":{"code":"SYS.1000","description":"boom","details":"injected"}})";
    f.sim.faults().add(r);
    const Json e = expectError(f.cli({"QueryVip"}), 1, "api");
    CHECK(str(at(e, "error"), "code") == "SYS.1000");
    CHECK(str(at(e, "error"), "details") == "injected");
  }
}

TEST_CASE("transport, timeout and decode errors: exit 3", "[cli][errors]") {
  SECTION("endpoint on a closed port") {
    const std::string dead = "http://127.0.0.1:" + std::to_string(closedPort()) + "/zstack";
    const Json e = expectError(runZscli({"--endpoint", dead, "--session", "0123456789abcdef0123456789abcdef", "QueryVip"}), 3, "transport");
    CHECK(at(e, "httpStatus").isNull());
  }
  SECTION("a poll timeout: the job outlives --timeout 0.3 (sim jobDelay 5 s)") {
    zstack::sim::Simulator slow(simOptions(std::chrono::seconds(5)));
    slow.start();
    auto client = sdkClient(slow.endpoint());
    const std::string session = sdkLogIn(client);
    const auto t0 = std::chrono::steady_clock::now();
    const Run run = runZscli({"--endpoint", slow.endpoint(), "--session", session, "--timeout", "0.3", "CreateSecurityGroup", "name=slow"});
    const auto took = std::chrono::steady_clock::now() - t0;
    const Json e = expectError(run, 3, "poll-timeout");
    CHECK(str(e, "action") == "CreateSecurityGroup");
    CHECK(str(e, "jobUuid").size() == 32);
    CHECK(took >= std::chrono::milliseconds(250));
    CHECK(took < std::chrono::seconds(3));
  }
  SECTION("a poll timeout: a fault keeps every poll at 202") {
    SimFixture f;
    zstack::sim::FaultRule r;
    r.action = zstack::sim::FaultAction::Status;
    r.method = "GET";
    r.pathContains = "/api-jobs/";
    r.times = 0;  // until cleared
    r.status = 202;
    r.body = "{}";
    f.sim.faults().add(r);
    const Run run = f.cli({"--timeout", "0.3", "CreateSecurityGroup", "name=stuck"});
    f.sim.faults().clear();
    expectError(run, 3, "poll-timeout");
  }
  SECTION("invalid JSON in a reply: decode error") {
    SimFixture f;
    zstack::sim::FaultRule r;
    r.action = zstack::sim::FaultAction::InvalidJson;
    r.method = "GET";
    r.pathPrefix = "/zstack/v1/vips";
    f.sim.faults().add(r);
    expectError(f.cli({"QueryVip"}), 3, "decode");
  }
  SECTION("the server closes the connection without a reply") {
    SimFixture f;
    zstack::sim::FaultRule r;
    r.action = zstack::sim::FaultAction::CloseNoReply;
    r.method = "GET";
    r.pathPrefix = "/zstack/v1/vips";
    r.times = 0;
    f.sim.faults().add(r);
    const Run run = f.cli({"QueryVip"});
    f.sim.faults().clear();
    expectError(run, 3, "transport");
  }
}

TEST_CASE("zscli --help lists every action", "[cli][help]") {
  const Run run = runZscli({"--help"});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  CHECK(run.err.empty());
  CHECK_THAT(run.out, Catch::Contains("usage: zscli"));
  std::set<std::string> listed;
  std::istringstream in(run.out);
  std::string line;
  bool inActions = false;
  while (std::getline(in, line)) {
    if (line == "actions:") {
      inActions = true;
      continue;
    }
    if (!inActions || line.size() < 3) continue;
    std::istringstream words(line);
    std::string name;
    words >> name;
    listed.insert(name);
  }
  std::set<std::string> catalog;
  for (const auto* s : zstack::catalog::all()) catalog.insert(s->name);
  for (const auto* s : zstack::testing::documentedSpecs()) CHECK_THAT(run.out, Catch::Contains(s->name + "  " + s->summary));
  CHECK(catalog.size() >= (ZSTACK_FULL_API ? 1887u : 75u));
  CHECK(listed == catalog);
  for (const char* opt : {"--endpoint", "--session", "--access-key", "--user", "--password", "--timeout", "--help"})
    CHECK_THAT(run.out, Catch::Contains(opt));
}

TEST_CASE("zscli <Action> --help lists the params with required markers and valid values", "[cli][help]") {
  SECTION("CreateVip") {
    const Run run = runZscli({"CreateVip", "--help"});
    INFO(run.describe());
    REQUIRE(run.exitCode == 0);
    CHECK(run.err.empty());
    CHECK_THAT(run.out, Catch::StartsWith("CreateVip: "));
    CHECK_THAT(run.out, Catch::Contains("POST /v1/vips (async job)"));
    CHECK_THAT(run.out, Catch::Contains("  name (String) required max length 255\n"));
    CHECK_THAT(run.out, Catch::Contains("  l3NetworkUuid (String) required\n"));
    CHECK_THAT(run.out, Catch::Contains("  description (String) max length 2048\n"));
    CHECK_THAT(run.out, Catch::Contains("  requiredIp (String)\n"));
    CHECK_THAT(run.out, Catch::Contains("  allocatorStrategy (String)\n"));
    CHECK_THAT(run.out, Catch::Contains("  resourceUuid (String)\n"));
  }
  SECTION("valid values and path params") {
    const Run run = runZscli({"ChangeVipState", "--help"});
    INFO(run.describe());
    REQUIRE(run.exitCode == 0);
    CHECK_THAT(run.out, Catch::Contains("  uuid (String) required\n"));
    CHECK_THAT(run.out, Catch::Contains("stateEvent (String) required one of: enable disable"));
  }
  SECTION("validRegexValues patterns") {
    if (!zstack::catalog::find("CreateZone")) return;  // ZSTACK_FULL_API=OFF: documented actions only
    const Run run = runZscli({"CreateZone", "--help"});
    INFO(run.describe());
    REQUIRE(run.exitCode == 0);
    CHECK_THAT(run.out, Catch::Contains("  name (String) required max length 255 matching (Java regex, whole value) "
                                        "^(?! )[\\u4e00-\\u9fa5a-zA-Z0-9\\-_.():+\" ]*(?<! )$\n"));
  }
  SECTION("every action's help lists each of its API params") {
    // The documented actions, and every 25th of the others (each is a zscli process).
    auto specs = zstack::testing::documentedSpecs();
    const auto& all = zstack::catalog::all();
    for (std::size_t i = 0; i < all.size(); i += 25) specs.push_back(all[i]);
    for (const auto* s : specs) {
      INFO(s->name);
      const Run run = runZscli({s->name, "--help"});
      CHECK(run.exitCode == 0);
      CHECK_THAT(run.out, Catch::StartsWith(s->name + ": "));
      zstack::catalog::DynamicAction a(*s);
      for (const auto& fd : a.fields()) {
        if (s->isQuery && std::string(fd.name) == "q") continue;
        CHECK_THAT(run.out, Catch::Contains(std::string("  ") + fd.name + " ("));
      }
      if (s->isQuery) CHECK_THAT(run.out, Catch::Contains("conditions:"));
    }
  }
  SECTION("--help after other arguments, case-insensitive action name") {
    const Run run = runZscli({"createvip", "name=x", "--help"});
    INFO(run.describe());
    CHECK(run.exitCode == 0);
    CHECK_THAT(run.out, Catch::StartsWith("CreateVip: "));
  }
}

// A value starting with one of the operator characters (= ! < > ? ~) cannot be given to a
// non-query action: splitArg() swallows the leading characters into the "operator", and zscli then
// refuses the argument as `expected param=value`. Descriptions like "<b>", "!important", "~home",
// names like "=x", or such a password cannot be sent at all.
TEST_CASE("values starting with operator characters are passed verbatim", "[cli][errors]") {
  SimFixture f;
  const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}}), "inventory"), "uuid");
  for (const std::string desc : {"<b>bold</b>", "!important", "~home", "=equals", "?what", ">quote"}) {
    INFO(desc);
    const Run run = f.cli({"UpdateVip", "uuid=" + vip, "description=" + desc});
    INFO(run.describe());
    CHECK(run.exitCode == 0);
    if (auto out = run.outJson()) CHECK(str(at(*out, "inventory"), "description") == desc);
  }
}

// --timeout accepts any strtod() value > 0, then converts seconds*1000 to long long. "inf", "nan"
// and "1e20" pass the `s <= 0` check (nan compares false), and the float->integer conversion
// overflows (undefined behaviour): in practice a deadline of "0 ms". The action is still sent, the
// job is created on the server, and zscli reports poll-timeout "within 0 ms (0 polls)", exit 3.
// Expected: a usage error before anything is sent, or (inf/1e20) no practical deadline.
TEST_CASE("option --timeout with inf, nan or a huge value is refused or means no deadline", "[cli][errors]") {
  SimFixture f;
  for (const std::string t : {"inf", "nan", "1e20"}) {
    INFO("--timeout " << t);
    const auto before = f.sim.requestCount();
    const Run run = f.cli({"--timeout", t, "CreateSecurityGroup", "name=t-" + t});
    INFO(run.describe());
    const bool refused = run.exitCode == 2 && f.sim.requestCount() == before;
    const bool waited = run.exitCode == 0;
    CHECK((refused || waited));
  }
}

// zscli ignores SIGPIPE: output to a pipe nobody reads (zscli ... | true) is a reported error
// (exit 3), not death by signal.
TEST_CASE("a closed stdout is exit 3 with a message, not death by SIGPIPE", "[cli][errors][sigpipe]") {
  SimFixture f;
  SpawnOptions so;
  so.stdoutClosed = true;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--endpoint", f.sim.endpoint(), "--session", f.session, "QueryVip"}, {"--help"}, {"QueryVip", "--help"}}) {
    const Run run = runZscliWith(args, {}, so);
    INFO(run.describe());
    CHECK(run.exitCode == 3);
    CHECK_THAT(run.err, Catch::Contains("cannot write the output"));
  }
}
