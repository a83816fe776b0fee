// Every action of the catalog, run through zscli against the simulator.
//
// The catalog drives the loop: for each zstack::catalog::all() entry a recipe (keyed by the API
// name) prepares the resources it needs through the SDK, builds the zscli arguments from real
// simulator state, and checks the reply. The generic part checks the exit code and that stdout
// is JSON in the reply's own shape, as the catalog's reply type declares it. An action without a
// recipe fails the test, and the set of actions run must equal the catalog's names.

#include "cli_harness.hpp"
#include "support/documented.hpp"

#include <functional>
#include <map>
#include <set>

using namespace clitest;
using zstack::Json;

namespace {

struct Ctx {
  SimFixture& f;
  const zstack::sim::SeedInfo& seed;
  int n = 0;

  std::string pub() const { return seed.publicL3Uuid; }
  std::string priv() const { return seed.privateL3Uuid; }
  std::string nic(std::size_t i) const { return seed.vmNicUuids.at(i); }
  std::string unique(const std::string& base) { return base + "-" + std::to_string(++n); }

  Json sdk(const std::string& action, const Json::Object& params) { return f.sdk(action, params); }
  Json sdkInv(const std::string& action, const Json::Object& params) { return at(sdk(action, params), "inventory"); }
  std::string uuidOf(const std::string& action, const Json::Object& params) {
    return str(sdkInv(action, params), "uuid");
  }
  // QueryXxx through the SDK with raw conditions; the inventories.
  Json::Array query(const std::string& action, std::vector<std::string> conds) {
    Json::Array q;
    for (auto& c : conds) q.emplace_back(std::move(c));
    const Json r = sdk(action, {{"q", Json(std::move(q))}});
    const Json& inv = at(r, "inventories");
    return inv.isArray() ? inv.asArray() : Json::Array{};
  }

  std::string vip() { return uuidOf("CreateVip", {{"name", unique("vip")}, {"l3NetworkUuid", pub()}}); }
  std::string eip(const std::string& vipUuid, const std::string& nicUuid = "") {
    Json::Object p{{"name", unique("eip")}, {"vipUuid", vipUuid}};
    if (!nicUuid.empty()) p.emplace_back("vmNicUuid", nicUuid);
    return uuidOf("CreateEip", p);
  }
  std::string sg() { return uuidOf("CreateSecurityGroup", {{"name", unique("sg")}}); }
  std::string lb(const std::string& vipUuid) { return uuidOf("CreateLoadBalancer", {{"name", unique("lb")}, {"vipUuid", vipUuid}}); }
  std::string listener(const std::string& lbUuid, int port, const std::string& proto) {
    return uuidOf("CreateLoadBalancerListener", {{"loadBalancerUuid", lbUuid},
                                                  {"name", unique("listener")},
                                                  {"loadBalancerPort", port},
                                                  {"protocol", proto}});
  }
  std::string cert() {
    return uuidOf("CreateCertificate", {{"name", unique("cert")}, {"certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}});
  }
  std::string pf(const std::string& vipUuid, int start, int end, const std::string& nicUuid = "") {
    Json::Object p{{"name", unique("pf")}, {"vipUuid", vipUuid}, {"vipPortStart", start}, {"vipPortEnd", end}, {"protocolType", "TCP"}};
    if (!nicUuid.empty()) p.emplace_back("vmNicUuid", nicUuid);
    return uuidOf("CreatePortForwardingRule", p);
  }
  std::string ipsec(const std::string& vipUuid, const std::string& l3 = "", std::vector<std::string> cidrs = {}) {
    Json::Object p{{"name", unique("ipsec")}, {"peerAddress", "10.9.9.9"}, {"authKey", "psk-secret"}, {"vipUuid", vipUuid}};
    if (!l3.empty()) p.emplace_back("l3NetworkUuid", l3);
    if (!cidrs.empty()) {
      Json::Array a;
      for (auto& c : cidrs) a.emplace_back(c);
      p.emplace_back("peerCidrs", Json(std::move(a)));
    }
    return uuidOf("CreateIPsecConnection", p);
  }
  // A security group attached to the private L3.
  std::string sgOnPrivate() {
    const std::string s = sg();
    sdk("AttachSecurityGroupToL3Network", {{"securityGroupUuid", s}, {"l3NetworkUuid", priv()}});
    return s;
  }
  std::vector<std::string> ruleUuids(const std::string& sgUuid) {
    std::vector<std::string> out;
    for (const auto& r : query("QuerySecurityGroupRule", {"securityGroupUuid=" + sgUuid})) out.push_back(str(r, "uuid"));
    return out;
  }
};

// What a recipe returns: the zscli arguments after the action name, and the reply check.
struct Step {
  std::vector<std::string> args;
  std::function<void(const Json& out)> check;
};
using Recipe = std::function<Step(Ctx&)>;

const Json& inv(const Json& out) { return at(out, "inventory"); }
std::vector<std::string> uuidsOf(const Json& out) {
  std::vector<std::string> u;
  const Json& a = at(out, "inventories");
  if (a.isArray())
    for (const auto& e : a.asArray()) u.push_back(str(e, "uuid"));
  return u;
}
bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
std::string jsonList(const std::vector<std::string>& items) {
  Json::Array a;
  for (const auto& i : items) a.emplace_back(i);
  return Json(std::move(a)).dump();
}

// A recipe for a Query action: create one resource, query it by a condition, expect exactly it.
Recipe queryRecipe(std::function<std::pair<std::string, std::string>(Ctx&)> make) {
  return [make](Ctx& c) {
    auto [cond, uuid] = make(c);
    return Step{{cond}, [uuid = uuid](const Json& out) {
                  const auto u = uuidsOf(out);
                  CHECK(u.size() == 1);
                  CHECK(has(u, uuid));
                }};
  };
}

// Update recipes: name and description (with spaces and non-ASCII) come back as sent.
Recipe updateRecipe(std::function<std::string(Ctx&)> make) {
  return [make](Ctx& c) {
    const std::string uuid = make(c);
    const std::string desc = "web tier \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC, \"quoted\"";
    return Step{{"uuid=" + uuid, "name=renamed", "description=" + desc}, [uuid, desc](const Json& out) {
                  CHECK(str(inv(out), "uuid") == uuid);
                  CHECK(str(inv(out), "name") == "renamed");
                  CHECK(str(inv(out), "description") == desc);
                }};
  };
}

// Change-state recipes: stateEvent=disable -> state Disabled.
Recipe stateRecipe(std::function<std::string(Ctx&)> make) {
  return [make](Ctx& c) {
    const std::string uuid = make(c);
    return Step{{"uuid=" + uuid, "stateEvent=disable"}, [uuid](const Json& out) {
                  CHECK(str(inv(out), "uuid") == uuid);
                  CHECK(str(inv(out), "state") == "Disabled");
                }};
  };
}

// Delete recipes: {} and the resource is gone.
Recipe deleteRecipe(std::function<std::string(Ctx&)> make, std::string queryAction, std::vector<std::string> extra = {}) {
  return [make, queryAction, extra](Ctx& c) {
    const std::string uuid = make(c);
    std::vector<std::string> args{"uuid=" + uuid};
    args.insert(args.end(), extra.begin(), extra.end());
    return Step{args, [&c, uuid, queryAction](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  CHECK(c.query(queryAction, {"uuid=" + uuid}).empty());
                }};
  };
}

std::map<std::string, Recipe> recipes() {
  std::map<std::string, Recipe> r;

  // ---- network services ----
  r["GetNetworkServiceTypes"] = [](Ctx& c) {
    return Step{{}, [&c](const Json& out) {
                  const Json& types = at(out, "types");
                  REQUIRE(types.isObject());
                  CHECK(containsString(at(types, "Eip"), c.seed.providerUuids.at(1)));
                  CHECK(containsString(at(types, "SecurityGroup"), c.seed.providerUuids.at(2)));
                }};
  };
  r["QueryNetworkServiceProvider"] = queryRecipe([](Ctx& c) { return std::make_pair("type=vrouter", c.seed.providerUuids.at(1)); });
  r["QueryNetworkServiceL3NetworkRef"] = [](Ctx& c) {
    return Step{{"l3NetworkUuid=" + c.priv(), "networkServiceType=SecurityGroup"}, [&c](const Json& out) {
                  const Json& a = at(out, "inventories");
                  REQUIRE(a.isArray());
                  REQUIRE(a.asArray().size() == 1);
                  CHECK(str(a.asArray()[0], "networkServiceProviderUuid") == c.seed.providerUuids.at(2));
                  CHECK(str(a.asArray()[0], "l3NetworkUuid") == c.priv());
                }};
  };
  r["AttachNetworkServiceToL3Network"] = [](Ctx& c) {
    const std::string vrouter = c.seed.providerUuids.at(1);
    const Json services = Json::Object{{vrouter, Json::Array{"PortForwarding", "Eip"}}};
    return Step{{"l3NetworkUuid=" + c.priv(), "networkServices=" + services.dump()}, [&c, vrouter](const Json& out) {
                  CHECK(str(inv(out), "uuid") == c.priv());
                  int found = 0;
                  for (const auto& s : at(inv(out), "networkServices").asArray())
                    if (str(s, "networkServiceProviderUuid") == vrouter &&
                        (str(s, "networkServiceType") == "Eip" || str(s, "networkServiceType") == "PortForwarding"))
                      ++found;
                  CHECK(found == 2);
                }};
  };
  r["DetachNetworkServiceFromL3Network"] = [](Ctx& c) {
    const std::string vrouter = c.seed.providerUuids.at(1);
    c.sdk("AttachNetworkServiceToL3Network",
          {{"l3NetworkUuid", c.priv()}, {"networkServices", Json::Object{{vrouter, Json::Array{"Eip"}}}}});
    const Json services = Json::Object{{vrouter, Json::Array{"Eip"}}};
    return Step{{"l3NetworkUuid=" + c.priv(), "networkServices=" + services.dump()}, [&c, vrouter](const Json& out) {
                  CHECK(str(inv(out), "uuid") == c.priv());
                  bool eipByVrouter = false, snatByVrouter = false;
                  for (const auto& s : at(inv(out), "networkServices").asArray()) {
                    if (str(s, "networkServiceProviderUuid") != vrouter) continue;
                    eipByVrouter |= str(s, "networkServiceType") == "Eip";
                    snatByVrouter |= str(s, "networkServiceType") == "SNAT";
                  }
                  CHECK_FALSE(eipByVrouter);
                  CHECK(snatByVrouter);  // seeded, not named in the call: stays
                  CHECK(anyHas(inv(out), "networkServices", "networkServiceType", "SecurityGroup"));
                }};
  };

  // ---- security groups ----
  r["CreateSecurityGroup"] = [](Ctx&) {
    return Step{{"name=sg1", "description=for test"}, [](const Json& out) {
                  CHECK(str(inv(out), "name") == "sg1");
                  CHECK(str(inv(out), "description") == "for test");
                  CHECK(str(inv(out), "state") == "Enabled");
                  CHECK(str(inv(out), "uuid").size() == 32);
                }};
  };
  r["DeleteSecurityGroup"] = deleteRecipe([](Ctx& c) { return c.sgOnPrivate(); }, "QuerySecurityGroup", {"deleteMode=Enforcing"});
  r["QuerySecurityGroup"] = queryRecipe([](Ctx& c) {
    const std::string u = c.uuidOf("CreateSecurityGroup", {{"name", "findme-sg"}});
    c.sg();
    return std::make_pair(std::string("name=findme-sg"), u);
  });
  r["UpdateSecurityGroup"] = updateRecipe([](Ctx& c) { return c.sg(); });
  r["ChangeSecurityGroupState"] = stateRecipe([](Ctx& c) { return c.sg(); });
  r["AttachSecurityGroupToL3Network"] = [](Ctx& c) {
    const std::string s = c.sg();
    return Step{{"securityGroupUuid=" + s, "l3NetworkUuid=" + c.priv()}, [&c, s](const Json& out) {
                  CHECK(str(inv(out), "uuid") == s);
                  CHECK(containsString(at(inv(out), "attachedL3NetworkUuids"), c.priv()));
                }};
  };
  r["DetachSecurityGroupFromL3Network"] = [](Ctx& c) {
    const std::string s = c.sgOnPrivate();
    return Step{{"securityGroupUuid=" + s, "l3NetworkUuid=" + c.priv()}, [&c, s](const Json& out) {
                  CHECK(str(inv(out), "uuid") == s);
                  CHECK_FALSE(containsString(at(inv(out), "attachedL3NetworkUuids"), c.priv()));
                }};
  };
  r["GetCandidateVmNicForSecurityGroup"] = [](Ctx& c) {
    const std::string s = c.sgOnPrivate();
    return Step{{"securityGroupUuid=" + s}, [&c](const Json& out) {
                  const auto u = uuidsOf(out);
                  for (std::size_t i = 0; i < 4; ++i) CHECK(has(u, c.nic(i)));
                }};
  };
  r["AddVmNicToSecurityGroup"] = [](Ctx& c) {
    const std::string s = c.sgOnPrivate();
    // comma-separated list syntax
    return Step{{"securityGroupUuid=" + s, "vmNicUuids=" + c.nic(0) + "," + c.nic(1)}, [&c, s](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  const auto refs = c.query("QueryVmNicInSecurityGroup", {"securityGroupUuid=" + s});
                  std::set<std::string> nics;
                  for (const auto& ref : refs) nics.insert(str(ref, "vmNicUuid"));
                  CHECK(nics == std::set<std::string>{c.nic(0), c.nic(1)});
                }};
  };
  r["DeleteVmNicFromSecurityGroup"] = [](Ctx& c) {
    const std::string s = c.sgOnPrivate();
    c.sdk("AddVmNicToSecurityGroup", {{"securityGroupUuid", s}, {"vmNicUuids", Json::Array{c.nic(0), c.nic(1), c.nic(2)}}});
    return Step{{"securityGroupUuid=" + s, "vmNicUuids=" + c.nic(0) + "," + c.nic(1)}, [&c, s](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  const auto refs = c.query("QueryVmNicInSecurityGroup", {"securityGroupUuid=" + s});
                  REQUIRE(refs.size() == 1);
                  CHECK(str(refs[0], "vmNicUuid") == c.nic(2));
                }};
  };
  r["QueryVmNicInSecurityGroup"] = [](Ctx& c) {
    const std::string s = c.sgOnPrivate();
    c.sdk("AddVmNicToSecurityGroup", {{"securityGroupUuid", s}, {"vmNicUuids", Json::Array{c.nic(3)}}});
    return Step{{"securityGroupUuid=" + s}, [&c, s](const Json& out) {
                  const Json& a = at(out, "inventories");
                  REQUIRE(a.isArray());
                  REQUIRE(a.asArray().size() == 1);
                  CHECK(str(a.asArray()[0], "vmNicUuid") == c.nic(3));
                  CHECK(str(a.asArray()[0], "securityGroupUuid") == s);
                  CHECK(str(a.asArray()[0], "vmInstanceUuid") == c.seed.vmUuids.at(3));
                }};
  };
  r["AddSecurityGroupRule"] = [](Ctx& c) {
    const std::string s = c.sg(), remote = c.sg();
    // a JSON list of objects, one argv element
    const std::string rules =
        R"([{"type":"Ingress","startPort":22,"endPort":22,"protocol":"TCP","allowedCidr":"10.0.0.0/8"},)"
        R"({"type":"Egress","startPort":53,"endPort":53,"protocol":"UDP","allowedCidr":"0.0.0.0/0"}])";
    return Step{{"securityGroupUuid=" + s, "rules=" + rules, "remoteSecurityGroupUuids=" + remote}, [s, remote](const Json& out) {
                  CHECK(str(inv(out), "uuid") == s);
                  const Json& rs = at(inv(out), "rules");
                  REQUIRE(rs.isArray());
                  REQUIRE(rs.asArray().size() == 2);
                  bool ingress = false, egress = false;
                  for (const auto& rule : rs.asArray()) {
                    CHECK(str(rule, "remoteSecurityGroupUuid") == remote);
                    CHECK(str(rule, "securityGroupUuid") == s);
                    if (str(rule, "type") == "Ingress") {
                      ingress = true;
                      CHECK(str(rule, "protocol") == "TCP");
                      CHECK(num(rule, "startPort") == 22.0);
                      CHECK(num(rule, "endPort") == 22.0);
                      CHECK(str(rule, "allowedCidr") == "10.0.0.0/8");
                    } else if (str(rule, "type") == "Egress") {
                      egress = true;
                      CHECK(str(rule, "protocol") == "UDP");
                      CHECK(num(rule, "startPort") == 53.0);
                    }
                  }
                  CHECK(ingress);
                  CHECK(egress);
                }};
  };
  r["QuerySecurityGroupRule"] = [](Ctx& c) {
    const std::string s = c.sg();
    c.sdk("AddSecurityGroupRule", {{"securityGroupUuid", s},
                                   {"rules", Json::Array{Json::Object{{"type", "Ingress"}, {"startPort", 80}, {"endPort", 80}, {"protocol", "TCP"}},
                                                         Json::Object{{"type", "Ingress"}, {"startPort", 443}, {"endPort", 443}, {"protocol", "TCP"}}}}});
    return Step{{"securityGroupUuid=" + s, "startPort>=100"}, [s](const Json& out) {
                  const Json& a = at(out, "inventories");
                  REQUIRE(a.isArray());
                  REQUIRE(a.asArray().size() == 1);
                  CHECK(num(a.asArray()[0], "startPort") == 443.0);
                  CHECK(str(a.asArray()[0], "securityGroupUuid") == s);
                }};
  };
  r["DeleteSecurityGroupRule"] = [](Ctx& c) {
    const std::string s = c.sg();
    c.sdk("AddSecurityGroupRule", {{"securityGroupUuid", s},
                                   {"rules", Json::Array{Json::Object{{"type", "Ingress"}, {"startPort", 80}, {"endPort", 80}, {"protocol", "TCP"}},
                                                         Json::Object{{"type", "Egress"}, {"protocol", "ALL"}}}}});
    const auto rules = c.ruleUuids(s);
    REQUIRE(rules.size() == 2);
    return Step{{"ruleUuids=" + rules[0] + "," + rules[1]}, [&c, s](const Json& out) {
                  CHECK(str(inv(out), "uuid") == s);
                  CHECK(arraySize(inv(out), "rules") == 0);
                  CHECK(c.ruleUuids(s).empty());
                }};
  };

  // ---- VIPs ----
  r["CreateVip"] = [](Ctx& c) {
    return Step{{"name=vip1", "l3NetworkUuid=" + c.pub(), "requiredIp=172.20.1.5", "description=the manual's vip1"},
                [&c](const Json& out) {
                  CHECK(str(inv(out), "name") == "vip1");
                  CHECK(str(inv(out), "ip") == "172.20.1.5");
                  CHECK(str(inv(out), "l3NetworkUuid") == c.pub());
                  CHECK(str(inv(out), "state") == "Enabled");
                  CHECK(str(inv(out), "gateway") == "172.20.0.1");
                  CHECK(str(inv(out), "netmask") == "255.255.0.0");
                  CHECK(str(inv(out), "description") == "the manual's vip1");
                }};
  };
  r["DeleteVip"] = [](Ctx& c) {
    const std::string v = c.vip();
    const std::string e = c.eip(v);
    return Step{{"uuid=" + v, "deleteMode=Enforcing"}, [&c, v, e](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  CHECK(c.query("QueryVip", {"uuid=" + v}).empty());
                  CHECK(c.query("QueryEip", {"uuid=" + e}).empty());  // cascaded
                }};
  };
  r["QueryVip"] = queryRecipe([](Ctx& c) {
    c.vip();
    const std::string v = c.vip();
    return std::make_pair("uuid=" + v, v);
  });
  r["UpdateVip"] = updateRecipe([](Ctx& c) { return c.vip(); });
  r["ChangeVipState"] = stateRecipe([](Ctx& c) { return c.vip(); });
  r["GetVipUsedPorts"] = [](Ctx& c) {
    const std::string v = c.vip();
    c.pf(v, 1000, 1010);
    c.listener(c.lb(v), 80, "tcp");
    return Step{{"uuid=" + v, "protocol=tcp"}, [v](const Json& out) {
                  const Json& a = at(out, "inventories");
                  REQUIRE(a.isArray());
                  REQUIRE(a.asArray().size() == 1);
                  const Json& used = at(a.asArray()[0], "usedPorts");
                  CHECK(containsString(used, "80"));
                  CHECK(containsString(used, "1000-1010"));
                  CHECK(str(a.asArray()[0], "uuid") == v);
                }};
  };
  r["SetVipQos"] = [](Ctx& c) {
    const std::string v = c.vip();
    return Step{{"uuid=" + v, "port=80", "outboundBandwidth=2097152", "inboundBandwidth=1048576"}, [v](const Json& out) {
                  CHECK(str(inv(out), "vipUuid") == v);
                  CHECK(num(inv(out), "port") == 80.0);
                  CHECK(num(inv(out), "outboundBandwidth") == 2097152.0);
                  CHECK(num(inv(out), "inboundBandwidth") == 1048576.0);
                }};
  };
  r["GetVipQos"] = [](Ctx& c) {
    const std::string v = c.vip();
    c.sdk("SetVipQos", {{"uuid", v}, {"port", 8080}, {"outboundBandwidth", std::int64_t(2097152)}});
    return Step{{"uuid=" + v}, [v](const Json& out) {
                  const Json& a = at(out, "inventories");
                  REQUIRE(a.isArray());
                  REQUIRE(a.asArray().size() == 1);
                  CHECK(str(a.asArray()[0], "vipUuid") == v);
                  CHECK(num(a.asArray()[0], "port") == 8080.0);
                  CHECK(num(a.asArray()[0], "outboundBandwidth") == 2097152.0);
                }};
  };
  r["DeleteVipQos"] = [](Ctx& c) {
    const std::string v = c.vip();
    c.sdk("SetVipQos", {{"uuid", v}, {"port", 80}, {"outboundBandwidth", std::int64_t(2097152)}});
    c.sdk("SetVipQos", {{"uuid", v}, {"port", 81}, {"outboundBandwidth", std::int64_t(2097152)}});
    return Step{{"uuid=" + v, "port=80"}, [&c, v](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  const Json left = at(c.sdk("GetVipQos", {{"uuid", v}}), "inventories");
                  REQUIRE(left.isArray());
                  REQUIRE(left.asArray().size() == 1);
                  CHECK(num(left.asArray()[0], "port") == 81.0);
                }};
  };

  // ---- EIPs ----
  r["CreateEip"] = [](Ctx& c) {
    const std::string v = c.vip();
    const std::string vipIp = str(c.query("QueryVip", {"uuid=" + v}).at(0), "ip");
    return Step{{"name=eip1", "vipUuid=" + v, "vmNicUuid=" + c.nic(0), "description=d"}, [&c, v, vipIp](const Json& out) {
                  CHECK(str(inv(out), "name") == "eip1");
                  CHECK(str(inv(out), "vipUuid") == v);
                  CHECK(str(inv(out), "vmNicUuid") == c.nic(0));
                  CHECK(str(inv(out), "vipIp") == vipIp);
                  CHECK(str(inv(out), "guestIp") == "192.168.100.11");
                  CHECK(str(inv(out), "state") == "Enabled");
                }};
  };
  r["DeleteEip"] = deleteRecipe([](Ctx& c) { return c.eip(c.vip()); }, "QueryEip", {"deleteMode=Permissive"});
  r["QueryEip"] = queryRecipe([](Ctx& c) {
    c.eip(c.vip());
    const std::string e = c.eip(c.vip(), c.nic(1));
    return std::make_pair("vmNicUuid=" + c.nic(1), e);
  });
  r["UpdateEip"] = updateRecipe([](Ctx& c) { return c.eip(c.vip()); });
  r["ChangeEipState"] = stateRecipe([](Ctx& c) { return c.eip(c.vip()); });
  r["GetEipAttachableVmNics"] = [](Ctx& c) {
    const std::string e = c.eip(c.vip());
    c.eip(c.vip(), c.nic(2));  // a NIC with an EIP is not attachable
    return Step{{"eipUuid=" + e}, [&c](const Json& out) {
                  const auto u = uuidsOf(out);
                  CHECK(has(u, c.nic(0)));
                  CHECK(has(u, c.nic(1)));
                  CHECK_FALSE(has(u, c.nic(2)));
                }};
  };
  r["AttachEip"] = [](Ctx& c) {
    const std::string e = c.eip(c.vip());
    return Step{{"eipUuid=" + e, "vmNicUuid=" + c.nic(3)}, [&c, e](const Json& out) {
                  CHECK(str(inv(out), "uuid") == e);
                  CHECK(str(inv(out), "vmNicUuid") == c.nic(3));
                  CHECK(str(inv(out), "guestIp") == "192.168.100.14");
                }};
  };
  r["DetachEip"] = [](Ctx& c) {
    const std::string e = c.eip(c.vip(), c.nic(0));
    return Step{{"uuid=" + e}, [e](const Json& out) {
                  CHECK(str(inv(out), "uuid") == e);
                  CHECK(str(inv(out), "vmNicUuid").empty());
                }};
  };

  // ---- port forwarding ----
  r["CreatePortForwardingRule"] = [](Ctx& c) {
    const std::string v = c.vip();
    return Step{{"vipUuid=" + v, "vipPortStart=1000", "vipPortEnd=1010", "privatePortStart=2000", "privatePortEnd=2010",
                 "protocolType=TCP", "vmNicUuid=" + c.nic(0), "allowedCidr=10.0.0.0/8", "name=pf1"},
                [&c, v](const Json& out) {
                  CHECK(str(inv(out), "name") == "pf1");
                  CHECK(str(inv(out), "vipUuid") == v);
                  CHECK(num(inv(out), "vipPortStart") == 1000.0);
                  CHECK(num(inv(out), "vipPortEnd") == 1010.0);
                  CHECK(num(inv(out), "privatePortStart") == 2000.0);
                  CHECK(num(inv(out), "privatePortEnd") == 2010.0);
                  CHECK(str(inv(out), "protocolType") == "TCP");
                  CHECK(str(inv(out), "vmNicUuid") == c.nic(0));
                  CHECK(str(inv(out), "allowedCidr") == "10.0.0.0/8");
                  CHECK(str(inv(out), "guestIp") == "192.168.100.11");
                }};
  };
  r["DeletePortForwardingRule"] = deleteRecipe([](Ctx& c) { return c.pf(c.vip(), 22, 22); }, "QueryPortForwardingRule");
  r["QueryPortForwardingRule"] = [](Ctx& c) {
    const std::string v = c.vip();
    const std::string a = c.pf(v, 100, 199), b = c.pf(v, 200, 299);
    c.pf(c.vip(), 100, 199);
    // two conditions on the same VIP; sorted descending by vipPortStart
    return Step{{"vipUuid=" + v, "vipPortStart>=100", "sortBy=vipPortStart", "sortDirection=desc"}, [a, b](const Json& out) {
                  const auto u = uuidsOf(out);
                  REQUIRE(u.size() == 2);
                  CHECK(u[0] == b);
                  CHECK(u[1] == a);
                }};
  };
  r["UpdatePortForwardingRule"] = updateRecipe([](Ctx& c) { return c.pf(c.vip(), 22, 22); });
  r["ChangePortForwardingRuleState"] = stateRecipe([](Ctx& c) { return c.pf(c.vip(), 22, 22); });
  r["GetPortForwardingAttachableVmNics"] = [](Ctx& c) {
    const std::string p = c.pf(c.vip(), 22, 22);
    return Step{{"ruleUuid=" + p}, [&c](const Json& out) {
                  const auto u = uuidsOf(out);
                  for (std::size_t i = 0; i < 4; ++i) CHECK(has(u, c.nic(i)));
                }};
  };
  r["AttachPortForwardingRule"] = [](Ctx& c) {
    const std::string p = c.pf(c.vip(), 22, 22);
    return Step{{"ruleUuid=" + p, "vmNicUuid=" + c.nic(1)}, [&c, p](const Json& out) {
                  CHECK(str(inv(out), "uuid") == p);
                  CHECK(str(inv(out), "vmNicUuid") == c.nic(1));
                  CHECK(str(inv(out), "guestIp") == "192.168.100.12");
                }};
  };
  r["DetachPortForwardingRule"] = [](Ctx& c) {
    const std::string p = c.pf(c.vip(), 22, 22, c.nic(1));
    return Step{{"uuid=" + p}, [p](const Json& out) {
                  CHECK(str(inv(out), "uuid") == p);
                  CHECK(str(inv(out), "vmNicUuid").empty());
                }};
  };

  // ---- load balancers ----
  r["CreateLoadBalancer"] = [](Ctx& c) {
    const std::string v = c.vip();
    return Step{{"name=lb1", "vipUuid=" + v, "description=front"}, [v](const Json& out) {
                  CHECK(str(inv(out), "name") == "lb1");
                  CHECK(str(inv(out), "vipUuid") == v);
                  CHECK(str(inv(out), "description") == "front");
                  CHECK(str(inv(out), "state") == "Enabled");
                }};
  };
  r["DeleteLoadBalancer"] = [](Ctx& c) {
    const std::string l = c.lb(c.vip());
    const std::string li = c.listener(l, 80, "tcp");
    return Step{{"uuid=" + l}, [&c, l, li](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  CHECK(c.query("QueryLoadBalancer", {"uuid=" + l}).empty());
                  CHECK(c.query("QueryLoadBalancerListener", {"uuid=" + li}).empty());
                }};
  };
  r["QueryLoadBalancer"] = queryRecipe([](Ctx& c) {
    c.lb(c.vip());
    const std::string v = c.vip();
    return std::make_pair("vipUuid=" + v, c.lb(v));
  });
  r["UpdateLoadBalancer"] = updateRecipe([](Ctx& c) { return c.lb(c.vip()); });
  r["RefreshLoadBalancer"] = [](Ctx& c) {
    const std::string v = c.vip();
    const std::string l = c.lb(v);
    return Step{{"uuid=" + l}, [l, v](const Json& out) {
                  CHECK(str(inv(out), "uuid") == l);
                  CHECK(str(inv(out), "vipUuid") == v);
                }};
  };
  r["CreateLoadBalancerListener"] = [](Ctx& c) {
    const std::string l = c.lb(c.vip());
    const std::string ce = c.cert();
    return Step{{"loadBalancerUuid=" + l, "name=l1", "loadBalancerPort=443", "instancePort=8443", "protocol=https",
                 "certificateUuid=" + ce},
                [l, ce](const Json& out) {
                  CHECK(str(inv(out), "name") == "l1");
                  CHECK(str(inv(out), "loadBalancerUuid") == l);
                  CHECK(num(inv(out), "loadBalancerPort") == 443.0);
                  CHECK(num(inv(out), "instancePort") == 8443.0);
                  CHECK(str(inv(out), "protocol") == "https");
                  CHECK(anyHas(inv(out), "certificateRefs", "certificateUuid", ce));
                }};
  };
  // The catalog (and the server's APIDeleteLoadBalancerListenerEvent) says this replies with the
  // load balancer's inventory; the test below checks its field values.
  r["DeleteLoadBalancerListener"] = [](Ctx& c) {
    const std::string l = c.lb(c.vip());
    const std::string li = c.listener(l, 80, "tcp");
    return Step{{"uuid=" + li}, [&c, li](const Json&) { CHECK(c.query("QueryLoadBalancerListener", {"uuid=" + li}).empty()); }};
  };
  r["QueryLoadBalancerListener"] = [](Ctx& c) {
    const std::string l = c.lb(c.vip());
    const std::string a = c.listener(l, 80, "tcp"), b = c.listener(l, 81, "udp");
    c.listener(c.lb(c.vip()), 80, "tcp");
    return Step{{"loadBalancerUuid=" + l, "replyWithCount=true"}, [a, b](const Json& out) {
                  const auto u = uuidsOf(out);
                  CHECK(u.size() == 2);
                  CHECK(has(u, a));
                  CHECK(has(u, b));
                  CHECK(num(out, "total") == 2.0);
                }};
  };
  r["UpdateLoadBalancerListener"] = updateRecipe([](Ctx& c) { return c.listener(c.lb(c.vip()), 80, "tcp"); });
  r["GetCandidateVmNicsForLoadBalancer"] = [](Ctx& c) {
    const std::string li = c.listener(c.lb(c.vip()), 80, "tcp");
    c.sdk("AddVmNicToLoadBalancer", {{"listenerUuid", li}, {"vmNicUuids", Json::Array{c.nic(0)}}});
    return Step{{"listenerUuid=" + li}, [&c](const Json& out) {
                  const auto u = uuidsOf(out);
                  CHECK_FALSE(has(u, c.nic(0)));
                  CHECK(has(u, c.nic(1)));
                  CHECK(has(u, c.nic(2)));
                }};
  };
  r["AddVmNicToLoadBalancer"] = [](Ctx& c) {
    const std::string li = c.listener(c.lb(c.vip()), 80, "tcp");
    // JSON list syntax, one argv element
    return Step{{"listenerUuid=" + li, "vmNicUuids=" + jsonList({c.nic(0), c.nic(1)})}, [&c, li](const Json& out) {
                  CHECK(str(inv(out), "uuid") == li);
                  CHECK(arraySize(inv(out), "vmNicRefs") == 2);
                  CHECK(anyHas(inv(out), "vmNicRefs", "vmNicUuid", c.nic(0)));
                  CHECK(anyHas(inv(out), "vmNicRefs", "vmNicUuid", c.nic(1)));
                }};
  };
  r["RemoveVmNicFromLoadBalancer"] = [](Ctx& c) {
    const std::string l = c.lb(c.vip());
    const std::string li = c.listener(l, 80, "tcp");
    c.sdk("AddVmNicToLoadBalancer", {{"listenerUuid", li}, {"vmNicUuids", Json::Array{c.nic(0), c.nic(1)}}});
    return Step{{"listenerUuid=" + li, "vmNicUuids=" + jsonList({c.nic(0)})}, [&c, l, li](const Json& out) {
                  CHECK(str(inv(out), "uuid") == l);  // replies with the load balancer
                  const auto ls = c.query("QueryLoadBalancerListener", {"uuid=" + li});
                  REQUIRE(ls.size() == 1);
                  CHECK(arraySize(ls[0], "vmNicRefs") == 1);
                  CHECK(anyHas(ls[0], "vmNicRefs", "vmNicUuid", c.nic(1)));
                }};
  };

  // ---- certificates ----
  r["CreateCertificate"] = [](Ctx&) {
    const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIDXTCCAkWgAwIBAgIJAJC1HiIAZAiIMA0GCSqGSIb3Df\n-----END CERTIFICATE-----\n";
    return Step{{"name=cert1", "certificate=" + pem, "description=test cert"}, [pem](const Json& out) {
                  CHECK(str(inv(out), "name") == "cert1");
                  CHECK(str(inv(out), "certificate") == pem);
                  CHECK(str(inv(out), "description") == "test cert");
                }};
  };
  r["DeleteCertificate"] = deleteRecipe(
      [](Ctx& c) {
        const std::string ce = c.cert();
        c.sdk("AddCertificateToLoadBalancerListener",
              {{"listenerUuid", c.listener(c.lb(c.vip()), 443, "https")}, {"certificateUuid", ce}});
        return ce;
      },
      "QueryCertificate", {"deleteMode=Enforcing"});
  r["QueryCertificate"] = queryRecipe([](Ctx& c) {
    c.cert();
    const std::string ce = c.uuidOf("CreateCertificate", {{"name", "web-cert"}, {"certificate", "PEM"}});
    return std::make_pair(std::string("name=web-cert"), ce);
  });
  r["UpdateCertificate"] = updateRecipe([](Ctx& c) { return c.cert(); });
  r["AddCertificateToLoadBalancerListener"] = [](Ctx& c) {
    const std::string li = c.listener(c.lb(c.vip()), 443, "https");
    const std::string ce = c.cert();
    return Step{{"listenerUuid=" + li, "certificateUuid=" + ce}, [li, ce](const Json& out) {
                  CHECK(str(inv(out), "uuid") == li);
                  CHECK(anyHas(inv(out), "certificateRefs", "certificateUuid", ce));
                }};
  };
  r["RemoveCertificateFromLoadBalancerListener"] = [](Ctx& c) {
    const std::string li = c.listener(c.lb(c.vip()), 443, "https");
    const std::string ce = c.cert();
    c.sdk("AddCertificateToLoadBalancerListener", {{"listenerUuid", li}, {"certificateUuid", ce}});
    return Step{{"listenerUuid=" + li, "certificateUuid=" + ce}, [li](const Json& out) {
                  CHECK(str(inv(out), "uuid") == li);
                  CHECK(arraySize(inv(out), "certificateRefs") == 0);
                }};
  };

  // ---- IPsec ----
  r["CreateIPsecConnection"] = [](Ctx& c) {
    const std::string v = c.vip();
    return Step{{"name=ipsec1", "peerAddress=10.0.0.9", "authKey=psk-key", "vipUuid=" + v, "l3NetworkUuid=" + c.priv(),
                 "peerCidrs=10.10.0.0/16,10.20.0.0/16", "ikeDhGroup=14", "ikeAuthAlgorithm=sha256",
                 "ikeEncryptionAlgorithm=aes-256", "policyAuthAlgorithm=sha512", "policyEncryptionAlgorithm=3des",
                 "pfs=dh-group14", "policyMode=tunnel", "transformProtocol=esp", "authMode=psk"},
                [&c, v](const Json& out) {
                  const Json& i = inv(out);
                  CHECK(str(i, "name") == "ipsec1");
                  CHECK(str(i, "peerAddress") == "10.0.0.9");
                  CHECK(str(i, "vipUuid") == v);
                  CHECK(str(i, "l3NetworkUuid") == c.priv());
                  CHECK(num(i, "ikeDhGroup") == 14.0);
                  CHECK(str(i, "ikeAuthAlgorithm") == "sha256");
                  CHECK(str(i, "ikeEncryptionAlgorithm") == "aes-256");
                  CHECK(str(i, "policyAuthAlgorithm") == "sha512");
                  CHECK(str(i, "policyEncryptionAlgorithm") == "3des");
                  CHECK(str(i, "pfs") == "dh-group14");
                  CHECK(str(i, "state") == "Enabled");
                  CHECK(anyHas(i, "peerCidrs", "cidr", "10.10.0.0/16"));
                  CHECK(anyHas(i, "peerCidrs", "cidr", "10.20.0.0/16"));
                  CHECK(anyHas(i, "l3NetworkRefs", "l3NetworkUuid", c.priv()));
                }};
  };
  r["DeleteIPsecConnection"] = deleteRecipe([](Ctx& c) { return c.ipsec(c.vip()); }, "QueryIPSecConnection");
  r["QueryIPSecConnection"] = queryRecipe([](Ctx& c) {
    c.ipsec(c.vip());
    const std::string i = c.uuidOf("CreateIPsecConnection",
                                   {{"name", "branch-office"}, {"peerAddress", "10.8.8.8"}, {"authKey", "k"}, {"vipUuid", c.vip()}});
    return std::make_pair(std::string("peerAddress=10.8.8.8"), i);
  });
  r["UpdateIPsecConnection"] = updateRecipe([](Ctx& c) { return c.ipsec(c.vip()); });
  r["ChangeIPSecConnectionState"] = stateRecipe([](Ctx& c) { return c.ipsec(c.vip()); });
  r["AttachL3NetworksToIPsecConnection"] = [](Ctx& c) {
    const std::string i = c.ipsec(c.vip());
    return Step{{"uuid=" + i, "l3NetworkUuids=" + c.priv()}, [&c, i](const Json& out) {
                  CHECK(str(inv(out), "uuid") == i);
                  CHECK(anyHas(inv(out), "l3NetworkRefs", "l3NetworkUuid", c.priv()));
                }};
  };
  r["DetachL3NetworksFromIPsecConnection"] = [](Ctx& c) {
    const std::string i = c.ipsec(c.vip(), c.priv());
    return Step{{"uuid=" + i, "l3NetworkUuids=" + jsonList({c.priv()})}, [i](const Json& out) {
                  CHECK(str(inv(out), "uuid") == i);
                  CHECK(arraySize(inv(out), "l3NetworkRefs") == 0);
                }};
  };
  r["AddRemoteCidrsToIPsecConnection"] = [](Ctx& c) {
    const std::string i = c.ipsec(c.vip());
    return Step{{"uuid=" + i, "peerCidrs=" + jsonList({"10.1.0.0/16", "10.2.0.0/16"})}, [i](const Json& out) {
                  CHECK(str(inv(out), "uuid") == i);
                  CHECK(anyHas(inv(out), "peerCidrs", "cidr", "10.1.0.0/16"));
                  CHECK(anyHas(inv(out), "peerCidrs", "cidr", "10.2.0.0/16"));
                }};
  };
  r["RemoveRemoteCidrsFromIPsecConnection"] = [](Ctx& c) {
    const std::string i = c.ipsec(c.vip(), "", {"10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"});
    return Step{{"uuid=" + i, "peerCidrs=10.1.0.0/16,10.3.0.0/16"}, [i](const Json& out) {
                  CHECK(str(inv(out), "uuid") == i);
                  CHECK(arraySize(inv(out), "peerCidrs") == 1);
                  CHECK(anyHas(inv(out), "peerCidrs", "cidr", "10.2.0.0/16"));
                }};
  };

  // ---- IAM2, VPC firewall ----
  r["ChangeIAM2VirtualIDState"] = stateRecipe([](Ctx& c) { return c.seed.iam2VirtualIdUuids.at(0); });
  r["ChangeFirewallRuleState"] = [](Ctx& c) {
    const std::string u = c.seed.firewallRuleUuids.at(0);
    return Step{{"uuid=" + u, "state=disable"}, [u](const Json& out) {
                  CHECK(str(inv(out), "uuid") == u);
                  CHECK(str(inv(out), "state") == "disable");
                }};
  };

  // ---- sessions ----
  r["LogInByAccount"] = [](Ctx& c) {
    return Step{{"accountName=admin", "password=password"}, [&c](const Json& out) {
                  CHECK(str(inv(out), "uuid").size() == 32);
                  CHECK(str(inv(out), "accountUuid") == c.seed.adminAccountUuid);
                }};
  };
  r["LogOut"] = [](Ctx& c) {
    zstack::Client other = sdkClient(c.f.sim.endpoint());
    const std::string s = sdkLogIn(other);
    return Step{{"sessionUuid=" + s}, [&c, s](const Json& out) {
                  CHECK(out == Json(Json::Object{}));
                  zstack::catalog::DynamicAction q(*zstack::catalog::find("QueryVip"));
                  q.common().sessionId = s;
                  auto r = q.call(c.f.client);
                  REQUIRE_FALSE(r);
                  REQUIRE(r.error().api);
                  CHECK(r.error().api->code == "ID.1001");
                }};
  };
  return r;
}

// The reply shape the catalog declares: "inventory", "inventories", "types", or nothing ({}).
void checkShape(const zstack::ActionSpec& spec, const Json& out) {
  REQUIRE(out.isObject());
  const auto& fields = spec.reply().fields;
  std::set<std::string> declared;
  for (const auto& f : fields) declared.insert(f.name);
  if (declared.empty()) {
    CHECK(out == Json(Json::Object{}));
  } else if (declared.count("inventories")) {
    CHECK(at(out, "inventories").isArray());
    // query replies also carry the server's "schema" map (RestServer adds it to every query)
    for (const auto& k : keys(out)) CHECK((k == "inventories" || k == "total" || k == "schema"));
  } else if (declared.count("inventory")) {
    CHECK(at(out, "inventory").isObject());
    CHECK(keys(out) == std::vector<std::string>{"inventory"});
  } else if (declared.count("types")) {
    CHECK(at(out, "types").isObject());
    CHECK(keys(out) == std::vector<std::string>{"types"});
  } else {
    FAIL("unexpected reply type for " << spec.name);
  }
}

}  // namespace

TEST_CASE("every catalog action runs through zscli against the simulator", "[cli][catalog]") {
  SimFixture f;
  const auto table = recipes();
  std::set<std::string> ran, catalogNames;

  for (const zstack::ActionSpec* spec : zstack::testing::documentedSpecs()) {
    catalogNames.insert(spec->name);
    INFO("action " << spec->name);
    auto it = table.find(spec->name);
    if (it == table.end()) {
      FAIL_CHECK("no recipe for " << spec->name);
      continue;
    }
    // Each action starts from the seed: independent of the others.
    f.sim.reset();
    f.session = sdkLogIn(f.client);
    Ctx ctx{f, f.sim.seed()};
    Step step;
    try {
      step = it->second(ctx);
    } catch (const std::exception& e) {
      FAIL_CHECK("setup failed: " << e.what());
      continue;
    }
    std::vector<std::string> args{spec->name};
    args.insert(args.end(), step.args.begin(), step.args.end());
    // a login's session uuid is printed only when asked for (else "***", and a note on stderr
    // when there is no session file to hold it)
    if (spec->name == "LogInByAccount") args.insert(args.begin(), "--show-session");
    const Run run = f.cli(args);
    INFO(run.describe());
    CHECK(run.exitCode == 0);
    CHECK(run.err.empty());
    auto out = run.outJson();
    CHECK(out.has_value());
    if (run.exitCode != 0 || !out) continue;
    ran.insert(spec->name);
    checkShape(*spec, *out);
    try {
      step.check(*out);
    } catch (const std::exception& e) {
      FAIL_CHECK("check failed: " << e.what());
    }
  }

  CHECK(catalogNames.size() == 75);
  CHECK(ran == catalogNames);
  for (const auto& [name, _] : table) CHECK(catalogNames.count(name) == 1);  // no stale recipes
}

// The server's APIDeleteLoadBalancerListenerEvent (and the catalog's reply type) carries the load
// balancer's inventory. The simulator replies {} (sim/README.md: "Deletes ... return {}") and zscli
// then prints a made-up {"inventory":{"listeners":[]}} rather than the server's reply: the SDK turns
// an absent "inventory" into a default-constructed one without complaint.
TEST_CASE("DeleteLoadBalancerListener prints the load balancer it replies with", "[cli][catalog]") {
  SimFixture f;
  Ctx c{f, f.sim.seed()};
  const std::string l = c.lb(c.vip());
  const std::string li = c.listener(l, 80, "tcp");
  const Run run = f.cli({"DeleteLoadBalancerListener", "uuid=" + li});
  INFO(run.describe());
  REQUIRE(run.exitCode == 0);
  auto out = run.outJson();
  REQUIRE(out);
  CHECK(str(inv(*out), "uuid") == l);
  CHECK(str(inv(*out), "vipUuid").size() == 32);
}
