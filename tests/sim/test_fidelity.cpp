// Behaviour matched to ZStack's RestServer (issue #15): the `schema` map,
// session errors of async APIs, running-job polls, X-API-Timeout.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

namespace {
const httplib::Headers kSchema{{"X-JSON-Schema", "true"}};

std::vector<std::pair<std::string, std::string>> entries(const Json& schema) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : schema.members()) out.emplace_back(k, v.str());
  return out;
}
// Polls the job of an accepted call with the given headers until it is done.
Resp pollWith(SimClient& c, const Resp& accepted, const httplib::Headers& headers) {
  const std::string path = SimClient::pathOf(accepted.json.getString("location"));
  Resp r;
  for (int i = 0; i < 400; ++i) {
    r = c.raw("GET", path, "", headers);
    if (r.status != 202) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return r;
}
}  // namespace

TEST_CASE("query replies always carry the schema, with server-side class names", "[fidelity]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp vms = c.raw("GET", "vm-instances", "", c.authHeaders());  // no X-JSON-Schema
  REQUIRE(vms.status == 200);
  const Json* schema = vms.json.find("schema");
  REQUIRE(schema);
  REQUIRE(schema->isObject());
  const std::size_t n = vms.json.find("inventories")->size();
  REQUIRE(n >= 2);
  // one entry per VM and per NIC; "name[i]" for list elements, "." between levels
  CHECK(schema->getString("inventories[0]") == "org.zstack.header.vm.VmInstanceInventory");
  CHECK(schema->getString("inventories[0].vmNics[0]") == "org.zstack.header.vm.VmNicInventory");
  CHECK(schema->members().size() == 2 * n);
  // JsonSchemaBuilder records children before parents, then reverses: the last VM comes first
  auto e = entries(*schema);
  CHECK(e.front().first == "inventories[" + std::to_string(n - 1) + "]");
  CHECK(e.back().first == "inventories[0].vmNics[0]");

  // an empty query result still has a (empty) schema
  Resp none = c.raw("GET", "vips?q=name=nothing", "", c.authHeaders());
  REQUIRE(none.status == 200);
  REQUIRE(none.json.find("schema"));
  CHECK(none.json.find("schema")->members().empty());
  // count=true: only total (+ schema)
  Resp count = c.raw("GET", "vips?count=true", "", c.authHeaders());
  CHECK(count.json.find("total"));
  CHECK(count.json.find("schema"));
  CHECK(!count.json.find("inventories"));
}

TEST_CASE("X-JSON-Schema adds the schema to sync and async replies, polls included", "[fidelity]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string l3 = sim.seed().publicL3Uuid;

  // sync non-query API: only with the header (any value, header name case-insensitive)
  Resp sg = c.call("POST", "security-groups", wrap("params", obj({{"name", "sg"}})));
  REQUIRE(sg.status == 200);
  const std::string sgUuid = sg.inv().getString("uuid");
  CHECK(!sg.json.find("schema"));  // polled without the header
  Resp cand = c.raw("GET", "security-groups/" + sgUuid + "/vm-instances/candidate-nics", "", c.authHeaders());
  REQUIRE(cand.status == 200);
  CHECK(!cand.json.find("schema"));
  cand = c.raw("GET", "security-groups/" + sgUuid + "/vm-instances/candidate-nics", "",
               c.authHeaders({{"x-json-schema", "false"}}));
  REQUIRE(cand.json.find("schema"));
  CHECK(cand.json.find("schema")->isObject());

  // async API: the poll's headers decide
  Json rules = Json::array();
  for (int port : {22, 80}) {
    Json r = obj({{"type", "Ingress"}, {"protocol", "TCP"}, {"startPort", port}, {"endPort", port}});
    rules.push(r);
  }
  Resp acc = c.raw("POST", "security-groups/" + sgUuid + "/rules", wrap("params", obj({{"rules", rules}})),
                   c.authHeaders(kSchema));
  REQUIRE(acc.status == 202);
  CHECK(!acc.json.find("schema"));
  const std::string path = SimClient::pathOf(acc.json.getString("location"));
  Resp done = pollWith(c, acc, kSchema);
  REQUIRE(done.status == 200);
  const Json* schema = done.json.find("schema");
  REQUIRE(schema);
  CHECK(entries(*schema) ==
        std::vector<std::pair<std::string, std::string>>{
            {"inventory", "org.zstack.network.securitygroup.SecurityGroupInventory"},
            {"inventory.rules[1]", "org.zstack.network.securitygroup.SecurityGroupRuleInventory"},
            {"inventory.rules[0]", "org.zstack.network.securitygroup.SecurityGroupRuleInventory"}});
  // the same job polled without the header: no schema
  Resp bare = c.raw("GET", path);
  REQUIRE(bare.status == 200);
  CHECK(!bare.json.find("schema"));

  // VIP: org.zstack.network.service.vip.VipInventory (the SDK maps it to org.zstack.sdk.VipInventory)
  Resp vip = c.call("POST", "vips", wrap("params", obj({{"name", "v"}, {"l3NetworkUuid", l3}})), kSchema);
  REQUIRE(vip.status == 200);
  Resp vipAcc = c.raw("POST", "vips", wrap("params", obj({{"name", "v2"}, {"l3NetworkUuid", l3}})), c.authHeaders());
  Resp vipDone = pollWith(c, vipAcc, kSchema);
  REQUIRE(vipDone.status == 200);
  CHECK(vipDone.json.find("schema")->getString("inventory") == "org.zstack.network.service.vip.VipInventory");

  // an empty reply gets an empty schema; failures get none
  Resp delAcc = c.raw("DELETE", "security-groups/" + sgUuid, "", c.authHeaders());
  Resp del = pollWith(c, delAcc, kSchema);
  REQUIRE(del.status == 200);
  REQUIRE(del.json.find("schema"));
  CHECK(del.json.find("schema")->members().empty());
  Resp missing = c.raw("GET", "vips/nope/usedports?protocol=tcp", "", c.authHeaders(kSchema));
  CHECK(missing.status == 503);
  CHECK(!missing.json.find("schema"));
  // login (sync) with the header
  Json body = Json::object();
  body["logInByAccount"]["accountName"] = "admin";
  body["logInByAccount"]["password"] = zstack::sim::sha512Hex("password");
  Resp login = c.raw("PUT", "accounts/login", body.dump(), kSchema);
  REQUIRE(login.status == 200);
  REQUIRE(login.json.find("schema"));
  CHECK(login.json.find("schema")->getString("inventory") == "org.zstack.header.identity.SessionInventory");
}

TEST_CASE("bad or expired sessions on async APIs fail on the poll", "[fidelity]") {
  auto opt = testOptions();
  opt.sessionTimeout = std::chrono::milliseconds(100);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  // sync API: 503 at once
  Resp sync = c.raw("GET", "vips", "", {{"Authorization", "OAuth " + zstack::sim::newUuid()}});
  CHECK(sync.status == 503);
  CHECK(sync.errCode() == "ID.1001");
  // async API, unknown session: 202, then 503 ID.1001; nothing is created
  Resp acc = c.raw("POST", "vips", wrap("params", obj({{"name", "ghost"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}})),
                   {{"Authorization", "OAuth " + zstack::sim::newUuid()}});
  REQUIRE(acc.status == 202);
  CHECK(acc.json.find("location"));
  Resp res = c.pollUntilDone(acc.json.getString("location"));
  CHECK(res.status == 503);
  CHECK(res.errCode() == "ID.1001");
  // RestServer's own 400s still come first (here: a job uuid of the wrong length)
  CHECK(c.raw("POST", "vips", "{}", {{"Authorization", "OAuth x"}, {"X-Job-UUID", "abc"}}).status == 400);
  // expired session
  const std::string old = c.session();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  Resp exp = c.raw("DELETE", "vips/x", "", {{"Authorization", "OAuth " + old}});
  REQUIRE(exp.status == 202);
  Resp expRes = c.pollUntilDone(exp.json.getString("location"));
  CHECK(expRes.status == 503);
  CHECK(expRes.errCode() == "ID.1001");
  c.login();
  CHECK(c.call("GET", "vips?q=name=ghost").json.find("inventories")->size() == 0);
}

TEST_CASE("running job polls are an empty 202; apiTimeout follows X-API-Timeout", "[fidelity]") {
  auto opt = testOptions();
  opt.jobDelay = std::chrono::milliseconds(300);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  Resp acc = c.raw("POST", "security-groups", wrap("params", obj({{"name", "s"}})),
                   c.authHeaders({{"X-API-Timeout", "120"}}));
  REQUIRE(acc.status == 202);
  CHECK(acc.json.find("apiTimeout")->asInt() == 120000);
  Resp running = c.poll(acc.json.getString("location"));
  CHECK(running.status == 202);
  CHECK(running.body == "{}");
  CHECK(running.header("Content-Type").find("application/json") == 0);
  CHECK(c.pollUntilDone(acc.json.getString("location")).status == 200);
  // default apiTimeout without the header; a non-numeric one escapes as 500
  Resp def = c.raw("POST", "security-groups", wrap("params", obj({{"name", "t"}})), c.authHeaders());
  CHECK(def.json.find("apiTimeout")->asInt() == 3600000);
  CHECK(c.raw("POST", "security-groups", wrap("params", obj({{"name", "u"}})),
              c.authHeaders({{"X-API-Timeout", "soon"}})).status == 500);
}
