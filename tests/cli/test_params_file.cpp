// Parameters from a JSON file (--params-file FILE or @FILE): its keys are parameter names, the
// command line overrides them, type errors name the key and the expected type. And the ~= (like)
// conditions: the value goes to the server as given, no wildcards added (unlike zstack-cli).

#include "admin_support.hpp"

using namespace clitest;

namespace {

std::string message(const Run& r) {
  auto j = r.errJson();
  return j ? str(*j, "message") : std::string();
}

}  // namespace

TEST_CASE("zscli --params-file and @FILE: keys are parameters, the command line overrides them", "[cli][params-file]") {
  SimFixture f;
  TempDir dir;
  const std::string l3 = f.sim.seed().publicL3Uuid;
  spit(dir / "vip.json", R"({"name": "from-file", "description": "file description", "l3NetworkUuid": ")" + l3 + R"("})");

  SECTION("@FILE") {
    const Run r = f.cli({"CreateVip", "@" + (dir / "vip.json")});
    INFO(r.describe());
    REQUIRE(r.exitCode == 0);
    CHECK(str(at(*r.outJson(), "inventory"), "name") == "from-file");
    CHECK(str(at(*r.outJson(), "inventory"), "description") == "file description");
  }
  SECTION("--params-file, with a command-line override") {
    const Run r = f.cli({"--params-file", dir / "vip.json", "CreateVip", "name=from-args"});
    INFO(r.describe());
    REQUIRE(r.exitCode == 0);
    CHECK(str(at(*r.outJson(), "inventory"), "name") == "from-args");
    CHECK(str(at(*r.outJson(), "inventory"), "description") == "file description");
  }
  SECTION("lists and objects as JSON values; null means not given") {
    const std::string sg = str(at(f.sdk("CreateSecurityGroup", {{"name", "sg"}}), "inventory"), "uuid");
    spit(dir / "rules.json", R"({"securityGroupUuid": ")" + sg +
                                 R"(", "rules": [{"type": "Ingress", "protocol": "TCP", "startPort": 22, "endPort": 22}], "remoteSecurityGroupUuids": null})");
    const Run r = f.cli({"AddSecurityGroupRule", "@" + (dir / "rules.json")});
    INFO(r.describe());
    REQUIRE(r.exitCode == 0);
    CHECK(arraySize(at(*r.outJson(), "inventory"), "rules") == 1);
  }
  SECTION("a query: q holds conditions, the command line's are added") {
    f.sdk("CreateVip", {{"name", "qa"}, {"l3NetworkUuid", l3}});
    f.sdk("CreateVip", {{"name", "qb"}, {"l3NetworkUuid", l3}});
    spit(dir / "q.json", R"({"q": ["name?=qa,qb"], "limit": 10, "sortBy": "name", "sortDirection": "desc"})");
    const Run both = f.cli({"QueryVip", "@" + (dir / "q.json")});
    INFO(both.describe());
    REQUIRE(both.exitCode == 0);
    REQUIRE(arraySize(*both.outJson(), "inventories") == 2);
    CHECK(str(at(*both.outJson(), "inventories").asArray()[0], "name") == "qb");
    const Run one = f.cli({"QueryVip", "@" + (dir / "q.json"), "name!=qb"});
    INFO(one.describe());
    REQUIRE(one.exitCode == 0);
    CHECK(arraySize(*one.outJson(), "inventories") == 1);
  }
}

TEST_CASE("params file errors are usage errors that name the key and what it expects", "[cli][params-file]") {
  TempDir dir;
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(closedPort()) + "/zstack";
  auto run = [&](const std::string& text, std::vector<std::string> extra = {}) {
    spit(dir / "p.json", text);
    std::vector<std::string> args = {"--endpoint", endpoint, "--session", "s", "CreateVip", "@" + (dir / "p.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    return runZscli(args);
  };
  {
    const Run r = run(R"({"name": 5, "l3NetworkUuid": "x"})");
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r).rfind("params file: name: ", 0) == 0);
    CHECK(message(r).find("(expects String)") != std::string::npos);
  }
  {
    const Run r = run(R"({"nmae": "v"})");
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "params file: unknown parameter \"nmae\" for CreateVip (zscli CreateVip --help)");
  }
  {
    const Run r = run(R"(["name", "v"])");
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "params file: expects a JSON object whose keys are parameter names");
  }
  {
    const Run r = run(R"({"name": "v", "password": "hunter2")");
    CHECK(r.exitCode == 2);
    CHECK(message(r).rfind("params file: not valid JSON (malformed JSON at offset", 0) == 0);
    CHECK(r.err.find("hunter2") == std::string::npos);
  }
  {
    const Run r = runZscli({"--endpoint", endpoint, "--session", "s", "CreateVip", "@" + (dir / "missing.json")});
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "params file: cannot read it (No such file or directory)");
  }
  {
    const Run r = runZscli({"--endpoint", endpoint, "--session", "s", "CreateVip", "@/dev/stdin"});
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "params file: not a regular file");  // never blocks on a pipe or terminal
  }
  {
    const Run r = runZscli({"--endpoint", endpoint, "--params-file", dir / "p.json", "CreateVip", "@" + (dir / "p.json")});
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "give one params file (--params-file or an @ argument), not two");
  }
}

TEST_CASE("a password from the params file is hashed like one from the command line", "[cli][params-file]") {
  auto o = simOptions();
  o.adminPassword = "F1le-Pw";
  zstack::sim::Simulator sim(o);
  sim.start();
  TempDir dir;
  spit(dir / "login.json", R"({"accountName": "admin", "password": "F1le-Pw"})");
  const Run r = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "@" + (dir / "login.json")});
  INFO(r.describe());
  REQUIRE(r.exitCode == 0);
  CHECK(str(at(*r.outJson(), "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
  CHECK(r.out.find("F1le-Pw") == std::string::npos);

  spit(dir / "ask.json", R"({"accountName": "admin", "password": "-"})");
  const Run asked = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "@" + (dir / "ask.json")}, {"ZSTACK_PASSWORD=F1le-Pw"});
  INFO(asked.describe());
  CHECK(asked.exitCode == 0);
}

TEST_CASE("like conditions (~=) go to the server as given: no % added, unlike zstack-cli", "[cli][query][like]") {
  SimFixture f;
  f.sdk("CreateVip", {{"name", "myweb1"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}});
  const Run bare = f.cli({"QueryVip", "name~=web"});
  INFO(bare.describe());
  REQUIRE(bare.exitCode == 0);
  CHECK(arraySize(*bare.outJson(), "inventories") == 0);  // LIKE 'web': no match for "myweb1"
  const Run wild = f.cli({"QueryVip", "name~=%web%"});
  REQUIRE(wild.exitCode == 0);
  CHECK(arraySize(*wild.outJson(), "inventories") == 1);
  const Run one = f.cli({"QueryVip", "name~=myweb_"});
  REQUIRE(one.exitCode == 0);
  CHECK(arraySize(*one.outJson(), "inventories") == 1);

  // on the wire: the condition as written
  const Run curl = f.cli({"--curl", "QueryVip", "name~=web"});
  REQUIRE(curl.exitCode == 0);
  CHECK(curl.out.find("q=name~%3Dweb'") != std::string::npos);

  // and the help says so, next to zstack-cli's behaviour
  const Run help = runZscli({"--help"});
  CHECK(help.out.find("zscli adds no wildcards") != std::string::npos);
  CHECK(help.out.find("zstack-cli wraps a value that has neither % nor _ in %...%") != std::string::npos);
}
