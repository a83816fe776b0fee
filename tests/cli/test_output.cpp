// What zscli prints: the reply as the server sent it (empty strings, nulls, unknown keys), still
// checked against the action's documented reply type.

#include "cli_harness.hpp"

using namespace clitest;
using zstack::Json;

namespace {

// The next GET /zstack/v1/vips answers 200 with `body` instead of running the query.
void replyToQueryVip(SimFixture& f, const std::string& body) {
  zstack::sim::FaultRule r;
  r.action = zstack::sim::FaultAction::Status;
  r.method = "GET";
  r.pathPrefix = "/zstack/v1/vips";
  r.status = 200;
  r.body = body;
  f.sim.faults().add(r);
}

}  // namespace

TEST_CASE("zscli prints an empty string the server sent (\"description\": \"\")", "[cli][output]") {
  SimFixture f;
  replyToQueryVip(f, R"({"inventories":[{"uuid":"0123456789abcdef0123456789abcdef","name":"v","description":"",)"
                     R"("state":"Enabled","notInTheSdk":"kept"}],"total":1})");
  const Run run = f.cli({"QueryVip"});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  CHECK(run.err.empty());
  CHECK_THAT(run.out, Catch::Contains("\"description\": \"\""));
  auto out = run.outJson();
  REQUIRE(out);
  REQUIRE(arraySize(*out, "inventories") == 1);
  const Json& vip = at(*out, "inventories").asArray()[0];
  REQUIRE(at(vip, "description").isString());
  CHECK(at(vip, "description").asString().empty());
  CHECK(str(vip, "notInTheSdk") == "kept");
  CHECK(num(*out, "total") == 1.0);
}

TEST_CASE("zscli prints an empty string the simulator stores (an IAM2 attribute value)", "[cli][output]") {
  SimFixture f;
  // The seed's virtual id alice has an attribute whose value is "".
  const std::string alice = f.sim.seed().iam2VirtualIdUuids.at(0);
  const Run run = f.cli({"ChangeIAM2VirtualIDState", "uuid=" + alice, "stateEvent=enable"});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto out = run.outJson();
  REQUIRE(out);
  const Json& attrs = at(at(*out, "inventory"), "attributes");
  REQUIRE(attrs.isArray());
  REQUIRE(attrs.asArray().size() == 1);
  const Json& value = at(attrs.asArray()[0], "value");
  REQUIRE(value.isString());
  CHECK(value.asString().empty());
}

TEST_CASE("an empty reply body prints {}", "[cli][output]") {
  SimFixture f;
  const std::string vip = str(at(f.sdk("CreateVip", {{"name", "v"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}}), "inventory"), "uuid");
  zstack::sim::FaultRule r;
  r.action = zstack::sim::FaultAction::Status;
  r.method = "DELETE";
  r.pathPrefix = "/zstack/v1/vips/" + vip;
  r.status = 200;
  r.body = "";
  f.sim.faults().add(r);
  const Run run = f.cli({"DeleteVip", "uuid=" + vip});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  CHECK(run.out == "{}\n");
}

TEST_CASE("a reply that is not the documented type is still a decode error (exit 3)", "[cli][output]") {
  SimFixture f;
  for (const std::string body : {R"({"inventories":"not a list","total":1})", R"({"inventories":[{"name":7}]})",
                                 R"({"total":"many"})", R"([1,2,3])", R"("just a string")"}) {
    INFO(body);
    replyToQueryVip(f, body);
    const Run run = f.cli({"QueryVip"});
    INFO(run.describe());
    CHECK(run.exitCode == 3);
    CHECK(run.out.empty());
    auto e = run.errJson();
    REQUIRE(e);
    CHECK(str(*e, "kind") == "decode");
    CHECK(str(*e, "action") == "QueryVip");
  }
}

namespace {

// DynamicAction on a caller's own copy of a catalog spec, which dies with the call: successive
// copies tend to share one stack address, so nothing may be cached by that address.
Json callCopyOf(const zstack::Client& client, const std::string& name) {
  zstack::ActionSpec mine = *zstack::catalog::find(name);
  zstack::catalog::DynamicAction a(mine);
  auto r = a.call(client);
  if (!r) throw std::runtime_error(r.error().describe());
  return *r;
}

}  // namespace

TEST_CASE("DynamicAction::call on a caller's own ActionSpec copies calls that spec", "[cli][output][catalog]") {
  SimFixture f;
  f.sdk("CreateVip", {{"name", "only-vip"}, {"l3NetworkUuid", f.sim.seed().publicL3Uuid}});
  f.sdk("CreateSecurityGroup", {{"name", "only-sg"}});
  zstack::Client c = f.client;
  c.setSession(f.session);
  for (int round = 0; round < 2; ++round) {
    const Json vips = callCopyOf(c, "QueryVip");
    const Json sgs = callCopyOf(c, "QuerySecurityGroup");
    CHECK(anyHas(vips, "inventories", "name", "only-vip"));
    CHECK_FALSE(anyHas(vips, "inventories", "name", "only-sg"));
    CHECK(anyHas(sgs, "inventories", "name", "only-sg"));
    CHECK_FALSE(anyHas(sgs, "inventories", "name", "only-vip"));
  }
}
