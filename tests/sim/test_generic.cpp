// Generic behaviour (sim/src/generic.cpp): actions without a specific handler, served from the
// API descriptions: validation, a create/query/update/state/delete cycle on a sample of resource
// types, references set by attach and cleared by detach, nested query fields, the schema map.
#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

namespace {

std::string details(const Resp& r) {
  const Json* e = r.json.find("error");
  return e ? e->getString("details") : r.body;
}

}  // namespace

TEST_CASE("generic actions validate from their descriptions", "[generic]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string zone = sim.seed().zoneUuid;
  auto create = [&](Json p) { return c.call("POST", "clusters", wrap("params", p)); };

  Resp missing = create(obj({{"zoneUuid", zone}, {"hypervisorType", "KVM"}}));
  CHECK(missing.status == 503);
  CHECK(missing.errCode() == "SYS.1007");
  CHECK(details(missing).find("field[name]") != std::string::npos);
  CHECK(details(missing).find("APICreateClusterMsg") != std::string::npos);

  Resp invalid = create(obj({{"name", "c"}, {"zoneUuid", zone}, {"hypervisorType", "Xen"}}));
  CHECK(invalid.status == 503);
  CHECK(details(invalid).find("KVM") != std::string::npos);  // the valid values are listed

  Resp tooLong = create(obj({{"name", std::string(256, 'n')}, {"zoneUuid", zone}, {"hypervisorType", "KVM"}}));
  CHECK(tooLong.status == 503);
  CHECK(details(tooLong).find("max length") != std::string::npos);

  Resp wrongType = create(obj({{"name", 5}, {"zoneUuid", zone}, {"hypervisorType", "KVM"}}));
  CHECK(wrongType.status == 400);  // RestServer's own check, plain text

  // numberRange: AddImageStoreBackupStorage.sshPort in [1, 65535]
  Resp range = c.call("POST", "backup-storage/image-store",
                      wrap("params", obj({{"hostname", "h"}, {"username", "u"}, {"password", "p"}, {"url", "/bs"},
                                          {"name", "bs"}, {"sshPort", 70000}})));
  CHECK(range.status == 503);
  CHECK(details(range).find("range") != std::string::npos);
  CHECK(details(range).find("p\"") == std::string::npos);  // the password is not echoed

  // a GET's query-string values are converted by type: limit must be an integer
  CHECK(c.call("GET", "clusters?limit=x").status == 400);

  // validRegexValues, matched as a whole with Java's semantics: CreateZone.name is
  // ^(?! )[\u4e00-\u9fa5a-zA-Z0-9\-_.():+" ]*(?<! )$ (no leading or trailing space)
  for (const char* bad : {" zone", "zone ", "zone\n", "zone/1", "\xef\xbc\x88zone"}) {
    INFO(bad);
    Resp r = c.call("POST", "zones", wrap("params", obj({{"name", bad}})));
    CHECK(r.status == 503);
    CHECK(r.errCode() == "SYS.1007");
    CHECK(details(r).find("valid regex value for field[name] of message[APICreateZoneMsg]") != std::string::npos);
    CHECK(details(r).find("(?<! )$") != std::string::npos);  // the pattern is named
  }
  Resp zoneOk = c.call("POST", "zones", wrap("params", obj({{"name", "zone \"1\" (\xe4\xb8\xad):a+b"}})));
  CHECK(zoneOk.status < 300);
  // a password-like parameter's value is not echoed: ecsConsolePassword is [A-Za-z0-9]{6}
  Resp pw = c.call("POST", "hybrid/aliyun/ecs", wrap("params", obj({{"ecsConsolePassword", "ab!!12"}})));
  CHECK(pw.status == 503);
  CHECK(details(pw).find("field[ecsConsolePassword]") != std::string::npos);
  CHECK(details(pw).find("ab!!12") == std::string::npos);
}

TEST_CASE("generic create, query, update, state change and delete", "[generic]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string zone = sim.seed().zoneUuid;

  SECTION("clusters") {
    Resp made = c.call("POST", "clusters",
                       wrap("params", obj({{"name", "c2"}, {"zoneUuid", zone}, {"hypervisorType", "KVM"},
                                           {"description", "second"}})));
    REQUIRE(made.status == 200);
    const Json& cl = made.inv();
    const std::string uuid = cl.getString("uuid");
    CHECK(uuid.size() == 32);
    CHECK(cl.getString("name") == "c2");
    CHECK(cl.getString("zoneUuid") == zone);
    CHECK(cl.getString("hypervisorType") == "KVM");
    CHECK(cl.getString("state") == "Enabled");
    CHECK(!cl.getString("createDate").empty());
    CHECK(!cl.has("password"));

    CHECK(c.call("GET", "clusters?q=name=c2").invs().size() == 1);
    CHECK(c.call("GET", "clusters/" + uuid).invs().size() == 1);  // <path>/{uuid}, as RestServer serves queries
    CHECK(c.call("GET", "clusters?q=zoneUuid=" + zone + "&count=true").json.find("total")->asInt() == 2);

    Resp upd = c.call("PUT", "clusters/" + uuid + "/actions", wrap("updateCluster", obj({{"name", "renamed"}})));
    REQUIRE(upd.status == 200);
    CHECK(upd.inv().getString("name") == "renamed");
    CHECK(upd.inv().getString("description") == "second");
    Resp off = c.call("PUT", "clusters/" + uuid + "/actions", wrap("changeClusterState", obj({{"stateEvent", "disable"}})));
    REQUIRE(off.status == 200);
    CHECK(off.inv().getString("state") == "Disabled");
    CHECK(c.call("GET", "clusters?q=state=Disabled").invs().size() == 1);

    Resp nope = c.call("PUT", "clusters/ffffffffffffffffffffffffffffffff/actions",
                       wrap("updateCluster", obj({{"name", "x"}})));
    CHECK(nope.status == 503);
    CHECK(details(nope).find("not found") != std::string::npos);

    REQUIRE(c.call("DELETE", "clusters/" + uuid).status == 200);
    CHECK(c.call("GET", "clusters?q=uuid=" + uuid).invs().size() == 0);
    CHECK(c.call("DELETE", "clusters/" + uuid).status == 200);  // gone already: success, as in ZStack
    CHECK(c.call("DELETE", "clusters/" + uuid + "?deleteMode=Sideways").status != 200);
  }
  SECTION("a subtype lives with its base type: an image-store backup storage is a backup storage") {
    Resp bs = c.call("POST", "backup-storage/image-store",
                     wrap("params", obj({{"hostname", "10.0.0.9"}, {"username", "root"}, {"password", "pw"},
                                         {"url", "/bs2"}, {"name", "bs2"}})));
    REQUIRE(bs.status == 200);
    CHECK(bs.inv().getString("hostname") == "10.0.0.9");
    CHECK(!bs.inv().has("password"));  // not a field of the inventory
    CHECK(c.call("GET", "backup-storage?q=name=bs2").invs().size() == 1);
    CHECK(c.call("GET", "backup-storage?count=true").json.find("total")->asInt() == 2);  // the seed's and this one
  }
}

TEST_CASE("generic attach sets references and detach clears them", "[generic]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp vol = c.call("POST", "volumes/data", wrap("params", obj({{"name", "data-1"}})));
  REQUIRE(vol.status == 200);
  const std::string v = vol.inv().getString("uuid"), vm = sim.seed().vmUuids.at(0);
  Resp att = c.call("POST", "volumes/" + v + "/vm-instances/" + vm, wrap("params", Json::object()));
  REQUIRE(att.status == 200);
  CHECK(att.inv().getString("vmInstanceUuid") == vm);
  CHECK(c.call("GET", "volumes?q=vmInstanceUuid=" + vm + "&q=name=data-1").invs().size() == 1);
  Resp det = c.call("DELETE", "volumes/" + v + "/vm-instances?vmUuid=" + vm);
  REQUIRE(det.status == 200);
  CHECK(!det.inv().has("vmInstanceUuid"));
}

TEST_CASE("generic queries: nested fields, the seed's resources, the schema map", "[generic][query]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp images = c.call("GET", "images?q=backupStorageRefs.installPath~=%25jammy%25");
  REQUIRE(images.status == 200);
  REQUIRE(images.invs().size() == 1);
  CHECK(images.invs().items()[0].getString("name") == "ubuntu-22.04");
  const Json* schema = images.json.find("schema");
  REQUIRE(schema);
  CHECK(schema->getString("inventories[0]") == "org.zstack.header.image.ImageInventory");
  CHECK(schema->getString("inventories[0].backupStorageRefs[0]") == "org.zstack.header.image.ImageBackupStorageRefInventory");

  CHECK(c.call("GET", "hosts?q=status=Connected").invs().size() == 2);
  CHECK(c.call("GET", "instance-offerings?q=cpuNum>1").invs().size() == 1);
  CHECK(c.call("GET", "l3-networks?q=l2NetworkUuid!=null").invs().size() == 3);
  // a field the inventory type has but the specific handlers never set is still queryable
  CHECK(c.call("GET", "vm-instances?q=imageUuid!=null").invs().size() == 5);
  CHECK(c.call("GET", "hosts?q=noSuchField=1").status == 503);
}

TEST_CASE("the simulator lists its specific actions and collections", "[generic]") {
  const auto specific = Simulator::specificActions();
  CHECK(std::find(specific.begin(), specific.end(), "CreateVip") != specific.end());
  CHECK(std::find(specific.begin(), specific.end(), "StartVmInstance") != specific.end());
  CHECK(std::find(specific.begin(), specific.end(), "CreateCluster") == specific.end());
  CHECK(specific.size() == 83);  // 75 documented, 7 VM life cycle, QueryVpcFirewallRule
  Simulator sim(testOptions());
  const auto cols = sim.collections();
  CHECK(std::find(cols.begin(), cols.end(), "ClusterInventory") != cols.end());
  CHECK(std::find(cols.begin(), cols.end(), "vip") != cols.end());
}

TEST_CASE("deleting an L3 network that VIPs or NICs use is refused unless Enforcing", "[generic]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string priv = sim.seed().privateL3Uuid;  // the seeded VMs' NICs are on it
  Resp refused = c.call("DELETE", "l3-networks/" + priv);
  CHECK(refused.status == 503);
  CHECK(refused.errCode() == "SYS.1006");
  CHECK(refused.body.find("VmNicVO") != std::string::npos);  // named in the cause
  CHECK(c.call("GET", "l3-networks?q=uuid=" + priv).invs().size() == 1);
  CHECK(c.call("DELETE", "l3-networks/" + priv + "?deleteMode=Enforcing").status == 200);
  CHECK(c.call("GET", "l3-networks?q=uuid=" + priv).invs().size() == 0);

  // an unused one goes at once
  Resp l3 = c.call("POST", "l3-networks", wrap("params", obj({{"name", "spare"}, {"l2NetworkUuid", "0a1b2c3d4e5f40718293a4b5c6d7e8f9"}})));
  REQUIRE(l3.status == 200);
  CHECK(c.call("DELETE", "l3-networks/" + l3.inv().getString("uuid")).status == 200);
}
