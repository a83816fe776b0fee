#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

namespace {
struct Env {
  Simulator sim{testOptions()};
  std::unique_ptr<SimClient> c;
  Env() {
    sim.start();
    c = std::make_unique<SimClient>(sim);
    c->login();
  }
  Resp vip(const std::string& name, const std::string& requiredIp = "") {
    Json p = obj({{"name", name}, {"l3NetworkUuid", sim.seed().publicL3Uuid}});
    if (!requiredIp.empty()) p["requiredIp"] = requiredIp;
    return c->call("POST", "vips", wrap("params", p));
  }
  std::string vipUuid(const std::string& name) {
    Resp r = vip(name);
    REQUIRE(r.status == 200);
    return r.inv().getString("uuid");
  }
  Resp pf(const std::string& vip, const std::string& proto, int start, int end) {
    return c->call("POST", "port-forwarding",
                   wrap("params", obj({{"name", "pf"}, {"vipUuid", vip}, {"protocolType", proto},
                                       {"vipPortStart", static_cast<double>(start)},
                                       {"vipPortEnd", end}})));
  }
};
}  // namespace

TEST_CASE("VIP allocation and requiredIp", "[vip]") {
  Env e;
  Resp a = e.vip("a");
  Resp b = e.vip("b");
  REQUIRE(a.status == 200);
  REQUIRE(b.status == 200);
  CHECK(a.inv().getString("ip") == "172.20.0.10");
  CHECK(b.inv().getString("ip") == "172.20.0.11");
  CHECK(a.inv().getString("gateway") == "172.20.0.1");
  CHECK(a.inv().getString("netmask") == "255.255.0.0");
  CHECK(a.inv().getString("state") == "Enabled");
  CHECK(a.inv().getString("l3NetworkUuid") == e.sim.seed().publicL3Uuid);

  Resp req = e.vip("c", "172.20.5.5");
  REQUIRE(req.status == 200);
  CHECK(req.inv().getString("ip") == "172.20.5.5");
  Resp dup = e.vip("d", "172.20.5.5");
  CHECK(dup.status == 503);
  CHECK(dup.json.find("error")->find("cause")->getString("details").find("in use") != std::string::npos);
  CHECK(e.vip("e", "10.9.9.9").status == 503);     // outside every range
  CHECK(e.vip("f", "172.20.0.1").status == 503);   // the gateway
  CHECK(e.vip("g", "not-an-ip").status == 503);
  // a deleted VIP frees its IP
  REQUIRE(e.c->call("DELETE", "vips/" + req.inv().getString("uuid")).status == 200);
  CHECK(e.vip("h", "172.20.5.5").status == 200);
  // resourceUuid is honoured, duplicates refused
  const std::string ru = zstack::sim::newUuid();
  Json p = obj({{"name", "ru"}, {"l3NetworkUuid", e.sim.seed().publicL3Uuid}, {"resourceUuid", ru}});
  Resp withUuid = e.c->call("POST", "vips", wrap("params", p));
  REQUIRE(withUuid.status == 200);
  CHECK(withUuid.inv().getString("uuid") == ru);
  CHECK(e.c->call("POST", "vips", wrap("params", p)).status == 503);
}

TEST_CASE("VIP port conflicts and used ports", "[vip]") {
  Env e;
  const std::string vip = e.vipUuid("v");
  REQUIRE(e.pf(vip, "TCP", 100, 110).status == 200);
  Resp clash = e.pf(vip, "TCP", 105, 120);
  CHECK(clash.status == 503);
  CHECK(clash.json.find("error")->find("cause") != nullptr);
  CHECK(e.pf(vip, "TCP", 110, 110).status == 503);
  CHECK(e.pf(vip, "UDP", 100, 110).status == 200);  // other protocol
  CHECK(e.pf(vip, "TCP", 111, 111).status == 200);
  CHECK(e.pf(vip, "TCP", 0, 10).status == 503);
  CHECK(e.pf(vip, "TCP", 20, 10).status == 503);
  CHECK(e.pf(vip, "SCTP", 20, 20).status == 503);

  Resp lb = e.c->call("POST", "load-balancers", wrap("params", obj({{"name", "lb"}, {"vipUuid", vip}})));
  REQUIRE(lb.status == 200);
  const std::string lbUuid = lb.inv().getString("uuid");
  auto listener = [&](int port, const std::string& proto) {
    return e.c->call("POST", "load-balancers/" + lbUuid + "/listeners",
                     wrap("params", obj({{"name", "l"}, {"loadBalancerPort", port}, {"instancePort", 8080},
                                         {"protocol", proto}})));
  };
  CHECK(listener(105, "http").status == 503);  // clashes with the TCP PF rule
  CHECK(listener(105, "udp").status == 503);   // clashes with the UDP PF rule
  Resp l80 = listener(80, "http");
  REQUIRE(l80.status == 200);
  CHECK(l80.inv().find("loadBalancerPort")->asInt() == 80);
  CHECK(e.pf(vip, "TCP", 70, 90).status == 503);  // clashes with the listener

  Resp used = e.c->call("GET", "vips/" + vip + "/usedports?protocol=tcp");
  REQUIRE(used.status == 200);
  const Json& item = used.invs().items().at(0);
  CHECK(item.getString("protocol") == "TCP");
  std::vector<std::string> ports;
  for (const auto& p : item.find("usedPorts")->items()) ports.push_back(p.str());
  CHECK(ports == std::vector<std::string>{"80", "100-110", "111"});
  CHECK(e.c->call("GET", "vips/" + vip + "/usedports").status == 503);
  CHECK(e.c->call("GET", "vips/" + vip + "/usedports?protocol=icmp").status == 503);

  // the VIP now reports its users; EIP cannot share it
  Resp q = e.c->call("GET", "vips/" + vip);
  CHECK(q.invs().items().at(0).getString("useFor") == "PortForwarding,LoadBalancer");
  CHECK(e.c->call("POST", "eips", wrap("params", obj({{"name", "e"}, {"vipUuid", vip}}))).status == 503);
}

TEST_CASE("delete in use vs deleteMode=Enforcing", "[vip][delete]") {
  Env e;
  const std::string vip = e.vipUuid("v");
  const std::string nic = e.sim.seed().vmNicUuids.at(0);
  Resp eip = e.c->call("POST", "eips", wrap("params", obj({{"name", "e"}, {"vipUuid", vip}, {"vmNicUuid", nic}})));
  REQUIRE(eip.status == 200);
  CHECK(eip.inv().getString("vipIp") == "172.20.0.10");
  CHECK(eip.inv().getString("guestIp") == "192.168.100.11");
  CHECK(e.c->call("DELETE", "vips/" + vip).status == 503);
  CHECK(e.c->call("DELETE", "vips/" + vip + "?deleteMode=Permissive").status == 503);
  CHECK(e.c->call("DELETE", "vips/" + vip + "?deleteMode=Sometimes").status == 503);
  Resp forced = e.c->call("DELETE", "vips/" + vip + "?deleteMode=Enforcing");
  CHECK(forced.status == 200);
  CHECK(forced.body == "{}");
  CHECK(e.c->call("GET", "eips?count=true").json.find("total")->asInt() == 0);

  // security group attached to an L3 with a NIC
  Resp sg = e.c->call("POST", "security-groups", wrap("params", obj({{"name", "sg"}})));
  const std::string sgUuid = sg.inv().getString("uuid");
  REQUIRE(e.c->call("POST", "security-groups/" + sgUuid + "/l3-networks/" + e.sim.seed().privateL3Uuid).status == 200);
  REQUIRE(e.c->call("POST", "security-groups/" + sgUuid + "/vm-instances/nics",
                    wrap("params", obj({{"vmNicUuids", Json::stringArray({nic})}})))
              .status == 200);
  CHECK(e.c->call("DELETE", "security-groups/" + sgUuid).status == 503);
  CHECK(e.c->call("DELETE", "security-groups/" + sgUuid + "?deleteMode=Enforcing").status == 200);
  CHECK(e.c->call("GET", "security-groups/vm-instances/nics?count=true").json.find("total")->asInt() == 0);

  // certificate attached to a listener
  const std::string vip2 = e.vipUuid("v2");
  Resp lb = e.c->call("POST", "load-balancers", wrap("params", obj({{"name", "lb"}, {"vipUuid", vip2}})));
  Resp cert = e.c->call("POST", "certificates", wrap("params", obj({{"name", "c"}, {"certificate", "PEM"}})));
  REQUIRE(cert.status == 200);
  Resp l = e.c->call("POST", "load-balancers/" + lb.inv().getString("uuid") + "/listeners",
                     wrap("params", obj({{"name", "l"}, {"loadBalancerPort", 443}, {"protocol", "https"},
                                         {"certificateUuid", cert.inv().getString("uuid")}})));
  REQUIRE(l.status == 200);
  CHECK(l.inv().find("certificateRefs")->size() == 1);
  CHECK(e.c->call("DELETE", "certificates/" + cert.inv().getString("uuid")).status == 503);
  CHECK(e.c->call("DELETE", "certificates/" + cert.inv().getString("uuid") + "?deleteMode=Enforcing").status == 200);
  Resp after = e.c->call("GET", "load-balancers/listeners/" + l.inv().getString("uuid"));
  CHECK(after.invs().items().at(0).find("certificateRefs")->size() == 0);
}

TEST_CASE("security group membership and candidates", "[sg]") {
  Env e;
  const auto& nics = e.sim.seed().vmNicUuids;
  Resp sg = e.c->call("POST", "security-groups", wrap("params", obj({{"name", "web"}, {"description", "d"}})));
  REQUIRE(sg.status == 200);
  const std::string uuid = sg.inv().getString("uuid");
  CHECK(e.c->call("GET", "security-groups/" + uuid + "/vm-instances/candidate-nics").invs().size() == 0);
  // adding a NIC whose L3 is not attached fails
  CHECK(e.c->call("POST", "security-groups/" + uuid + "/vm-instances/nics",
                  wrap("params", obj({{"vmNicUuids", Json::stringArray({nics[0]})}})))
            .status == 503);
  REQUIRE(e.c->call("POST", "security-groups/" + uuid + "/l3-networks/" + e.sim.seed().privateL3Uuid).status == 200);
  CHECK(e.c->call("POST", "security-groups/" + uuid + "/l3-networks/" + e.sim.seed().privateL3Uuid).status == 503);
  CHECK(e.c->call("GET", "security-groups/" + uuid + "/vm-instances/candidate-nics").invs().size() == nics.size());
  REQUIRE(e.c->call("POST", "security-groups/" + uuid + "/vm-instances/nics",
                    wrap("params", obj({{"vmNicUuids", Json::stringArray({nics[0], nics[1]})}})))
              .status == 200);
  Resp cand = e.c->call("GET", "security-groups/" + uuid + "/vm-instances/candidate-nics");
  CHECK(cand.invs().size() == nics.size() - 2);
  Resp members = e.c->call("GET", "security-groups/vm-instances/nics?q=securityGroupUuid=" + uuid);
  CHECK(members.invs().size() == 2);
  REQUIRE(e.c->call("DELETE", "security-groups/" + uuid + "/vm-instances/nics?vmNicUuids=" + nics[0]).status == 200);
  CHECK(e.c->call("GET", "security-groups/vm-instances/nics?q=securityGroupUuid=" + uuid).invs().size() == 1);

  // rules
  Json rules = Json::array();
  rules.push(obj({{"type", "Ingress"}, {"protocol", "TCP"}, {"startPort", 22.0}, {"endPort", 22}, {"allowedCidr", "0.0.0.0/0"}}));
  rules.push(obj({{"type", "egress"}, {"protocol", "udp"}, {"startPort", 53}, {"endPort", 53}}));
  Resp added = e.c->call("POST", "security-groups/" + uuid + "/rules", wrap("params", obj({{"rules", rules}})));
  REQUIRE(added.status == 200);
  CHECK(added.inv().find("rules")->size() == 2);
  CHECK(added.inv().find("rules")->items()[1].getString("type") == "Egress");
  CHECK(e.c->call("POST", "security-groups/" + uuid + "/rules", wrap("params", obj({{"rules", rules}}))).status == 503);
  Json bad = Json::array();
  bad.push(obj({{"type", "Sideways"}, {"protocol", "TCP"}, {"startPort", 1}, {"endPort", 2}}));
  CHECK(e.c->call("POST", "security-groups/" + uuid + "/rules", wrap("params", obj({{"rules", bad}}))).status == 503);
  Resp q = e.c->call("GET", "security-groups/rules?q=protocol=TCP&q=securityGroupUuid=" + uuid);
  REQUIRE(q.invs().size() == 1);
  const std::string ruleUuid = q.invs().items()[0].getString("uuid");
  Resp del = e.c->call("DELETE", "security-groups/rules?ruleUuids=" + ruleUuid);
  REQUIRE(del.status == 200);
  CHECK(del.inv().find("rules")->size() == 1);  // returns the group
  // state change and detach (which drops the NIC memberships on that L3)
  Resp st = e.c->call("PUT", "security-groups/" + uuid + "/actions", wrap("changeSecurityGroupState", obj({{"stateEvent", "DISABLE"}})));
  CHECK(st.inv().getString("state") == "Disabled");
  Resp det = e.c->call("DELETE", "security-groups/" + uuid + "/l3-networks/" + e.sim.seed().privateL3Uuid);
  REQUIRE(det.status == 200);
  CHECK(det.inv().find("attachedL3NetworkUuids")->size() == 0);
  CHECK(e.c->call("GET", "security-groups/vm-instances/nics?q=securityGroupUuid=" + uuid).invs().size() == 0);
}

TEST_CASE("EIP attach and detach", "[eip]") {
  Env e;
  const std::string vip = e.vipUuid("v");
  const auto& nics = e.sim.seed().vmNicUuids;
  Resp eip = e.c->call("POST", "eips", wrap("params", obj({{"name", "e"}, {"vipUuid", vip}})));
  REQUIRE(eip.status == 200);
  const std::string uuid = eip.inv().getString("uuid");
  CHECK(!eip.inv().has("vmNicUuid"));  // nulls are omitted like gson does
  Resp cand = e.c->call("GET", "eips/" + uuid + "/vm-instances/candidate-nics");
  CHECK(cand.invs().size() >= nics.size());
  Resp att = e.c->call("POST", "eips/" + uuid + "/vm-instances/nics/" + nics[1]);
  REQUIRE(att.status == 200);
  CHECK(att.inv().getString("vmNicUuid") == nics[1]);
  CHECK(att.inv().getString("guestIp") == "192.168.100.12");
  CHECK(e.c->call("POST", "eips/" + uuid + "/vm-instances/nics/" + nics[2]).status == 503);
  Resp det = e.c->call("DELETE", "eips/" + uuid + "/vm-instances/nics");
  REQUIRE(det.status == 200);
  CHECK(!det.inv().has("vmNicUuid"));
  CHECK(e.c->call("DELETE", "eips/" + uuid + "/vm-instances/nics").status == 503);
  CHECK(e.c->call("POST", "eips/" + uuid + "/vm-instances/nics/" + zstack::sim::newUuid()).status == 503);
}
