#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

namespace {
std::vector<std::string> names(const Resp& r) {
  std::vector<std::string> out;
  const Json* invs = r.json.find("inventories");
  if (!invs) return {"<no inventories: " + r.body + ">"};
  for (const auto& i : invs->items()) out.push_back(i.getString("name"));
  return out;
}
}  // namespace

TEST_CASE("query operators, paging, count, sort and fields", "[query]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string l3 = sim.seed().publicL3Uuid;
  std::vector<std::string> uuids;
  for (const char* n : {"web-1", "web-2", "db-1", "cache_1"}) {
    Resp r = c.call("POST", "vips", wrap("params", obj({{"name", n}, {"l3NetworkUuid", l3}})));
    REQUIRE(r.status == 200);
    uuids.push_back(r.inv().getString("uuid"));
  }
  REQUIRE(c.call("PUT", "vips/" + uuids[2] + "/actions", wrap("changeVipState", obj({{"stateEvent", "disable"}}))).status == 200);
  REQUIRE(c.call("PUT", "vips/" + uuids[3] + "/actions", wrap("updateVip", obj({{"description", "cache vip"}}))).status == 200);

  auto q = [&](const std::string& query) { return c.call("GET", "vips?" + query); };
  CHECK(names(q("q=name=web-1")) == std::vector<std::string>{"web-1"});
  CHECK(names(q("q=name%3Dweb-1")) == std::vector<std::string>{"web-1"});  // encoded
  CHECK(names(q("condition=name=db-1")) == std::vector<std::string>{"db-1"});
  CHECK(names(q("q=name!=web-1")).size() == 3);
  CHECK(names(q("q=name~=web%25")) == std::vector<std::string>{"web-1", "web-2"});
  CHECK(names(q("q=name~=cache_1")) == std::vector<std::string>{"cache_1"});
  CHECK(names(q("q=name~=web-_")).size() == 2);
  CHECK(names(q("q=name!~=web%25")) == std::vector<std::string>{"db-1", "cache_1"});
  CHECK(names(q("q=name%3F=web-1,db-1")) == std::vector<std::string>{"web-1", "db-1"});
  CHECK(names(q("q=name!%3F=web-1,db-1")) == std::vector<std::string>{"web-2", "cache_1"});
  CHECK(names(q("q=state=Disabled")) == std::vector<std::string>{"db-1"});
  CHECK(names(q("q=description=null")).size() == 3);
  CHECK(names(q("q=description!=null")) == std::vector<std::string>{"cache_1"});
  CHECK(names(q("q=ip>172.20.0.11")).size() == 2);    // string compare on IPs
  CHECK(names(q("q=name=web-1&q=state=Enabled")).size() == 1);
  CHECK(names(q("q=name=web-1&q=state=Disabled")).empty());

  // numeric comparison on the seed's firewall rules (ruleNumber is a float)
  CHECK(c.call("GET", "vpcfirewalls/rules?q=ruleNumber>1001").invs().size() == 2);
  CHECK(c.call("GET", "vpcfirewalls/rules?q=ruleNumber>=1001").invs().size() == 3);
  CHECK(c.call("GET", "vpcfirewalls/rules?q=ruleNumber<1002").invs().size() == 1);
  CHECK(c.call("GET", "vpcfirewalls/rules?q=ruleNumber<=1002").invs().size() == 2);
  CHECK(c.call("GET", "vpcfirewalls/rules?q=ruleNumber=1001").invs().size() == 1);

  // nested paths through lists
  CHECK(c.call("GET", "vm-instances?q=vmNics.ip=192.168.100.11").invs().size() == 1);
  CHECK(c.call("GET", "vm-instances?q=vmNics.ip~=192.168.100.%25").invs().size() == 4);
  CHECK(c.call("GET", "network-services/providers?q=networkServiceTypes=SecurityGroup").invs().size() == 1);

  // paging / count / sort / fields
  CHECK(names(q("limit=2")) == std::vector<std::string>{"web-1", "web-2"});
  CHECK(names(q("limit=2&start=2")) == std::vector<std::string>{"db-1", "cache_1"});
  CHECK(names(q("start=10")).empty());
  Resp cnt = q("count=true");
  CHECK(cnt.json.find("total")->asInt() == 4);
  CHECK(!cnt.json.has("inventories"));
  Resp wc = q("replyWithCount=true&limit=1");
  CHECK(wc.invs().size() == 1);
  CHECK(wc.json.find("total")->asInt() == 4);
  CHECK(names(q("sort=%2Bname")) == std::vector<std::string>{"cache_1", "db-1", "web-1", "web-2"});
  CHECK(names(q("sort=-name")) == std::vector<std::string>{"web-2", "web-1", "db-1", "cache_1"});
  CHECK(names(q("sortBy=name&sortDirection=desc&limit=1")) == std::vector<std::string>{"web-2"});
  Resp f = q("fields=uuid,name&q=name=web-2");
  REQUIRE(f.invs().size() == 1);
  CHECK(f.invs().items()[0].size() == 2);
  CHECK(f.invs().items()[0].getString("uuid") == uuids[1]);
  Resp f2 = q("fields=uuid&fields=ip&limit=1");
  CHECK(f2.invs().items()[0].has("ip"));
  CHECK(!f2.invs().items()[0].has("name"));
  CHECK(q("groupBy=state").status == 200);

  // GET <path>/{uuid}
  Resp one = c.call("GET", "vips/" + uuids[0]);
  REQUIRE(one.invs().size() == 1);
  CHECK(one.invs().items()[0].getString("name") == "web-1");
  CHECK(c.call("GET", "vips/" + zstack::sim::newUuid()).invs().size() == 0);

  // errors
  Resp unknown = q("q=noSuchField=1");
  CHECK(unknown.status == 503);
  CHECK(unknown.errCode() == "SYS.1007");
  CHECK(q("q=justtext").status == 400);
  CHECK(q("limit=abc").status == 400);
  CHECK(q("count=maybe").status == 200);  // Boolean.parseBoolean: anything but "true" is false
  CHECK(q("sort=-noSuchField").status == 503);
}

TEST_CASE("network service queries and types", "[query][network-service]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp types = c.call("GET", "network-services/types");
  REQUIRE(types.status == 200);
  const Json* t = types.json.find("types");
  REQUIRE(t);
  CHECK(t->find("SecurityGroup")->size() == 1);
  CHECK(t->find("PortForwarding")->size() >= 1);
  Resp refs = c.call("GET", "l3-networks/network-services/refs?q=l3NetworkUuid=" + sim.seed().privateL3Uuid);
  CHECK(refs.invs().size() == 4);
  CHECK(!refs.invs().items()[0].has("uuid"));
}
