// Walks through every simulated API once (happy path plus key refusals).
#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

TEST_CASE("every API works end to end", "[apis]") {
  auto opt = testOptions();
  opt.jobDelay = std::chrono::milliseconds(0);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  REQUIRE(!c.login().empty());  // LogInByAccount
  const auto& seed = sim.seed();
  const std::string pub = seed.publicL3Uuid, priv = seed.privateL3Uuid;
  const auto& nics = seed.vmNicUuids;
  REQUIRE(nics.size() >= 3);
  auto ok = [](const Resp& r) {
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r;
  };

  // ---- network services
  ok(c.call("GET", "network-services/types"));
  Resp providers = ok(c.call("GET", "network-services/providers?q=type=vrouter"));
  const std::string vrouter = providers.invs().items().at(0).getString("uuid");
  ok(c.call("GET", "l3-networks/network-services/refs"));
  Json svc = Json::object();
  svc["networkServices"][vrouter] = Json::stringArray({"PortForwarding", "Eip"});
  Resp att = ok(c.call("POST", "l3-networks/" + priv + "/network-services", wrap("params", svc)));
  CHECK(att.inv().find("networkServices")->size() == 6);
  Json badSvc = Json::object();
  badSvc["networkServices"][vrouter] = Json::stringArray({"NoSuchService"});
  CHECK(c.call("POST", "l3-networks/" + priv + "/network-services", wrap("params", badSvc)).status == 503);
  ok(c.call("DELETE", "l3-networks/" + priv + "/network-services?networkServices." + vrouter + "=Eip"));
  CHECK(c.call("GET", "l3-networks/network-services/refs?q=l3NetworkUuid=" + priv).invs().size() == 5);

  // ---- security groups
  Resp sg = ok(c.call("POST", "security-groups", wrap("params", obj({{"name", "sg"}}))));
  const std::string sgUuid = sg.inv().getString("uuid");
  Resp sg2 = ok(c.call("POST", "security-groups", wrap("params", obj({{"name", "sg2"}}))));
  ok(c.call("GET", "security-groups"));
  CHECK(ok(c.call("PUT", "security-groups/" + sgUuid + "/actions", wrap("updateSecurityGroup", obj({{"name", "web"}}))))
            .inv().getString("name") == "web");
  ok(c.call("PUT", "security-groups/" + sgUuid + "/actions", wrap("changeSecurityGroupState", obj({{"stateEvent", "enable"}}))));
  ok(c.call("POST", "security-groups/" + sgUuid + "/l3-networks/" + priv));
  ok(c.call("GET", "security-groups/" + sgUuid + "/vm-instances/candidate-nics"));
  ok(c.call("POST", "security-groups/" + sgUuid + "/vm-instances/nics", wrap("params", obj({{"vmNicUuids", Json::stringArray({nics[0]})}}))));
  CHECK(ok(c.call("GET", "security-groups/vm-instances/nics")).invs().size() == 1);
  Json rules = Json::array();
  rules.push(obj({{"type", "Ingress"}, {"protocol", "TCP"}, {"startPort", 80}, {"endPort", 80}, {"allowedCidr", "10.0.0.0/8"}}));
  Resp withRules = ok(c.call("POST", "security-groups/" + sgUuid + "/rules",
                             wrap("params", obj({{"rules", rules}, {"remoteSecurityGroupUuids",
                                                                    Json::stringArray({sg2.inv().getString("uuid")})}}))));
  CHECK(withRules.inv().find("rules")->items().at(0).getString("remoteSecurityGroupUuid") == sg2.inv().getString("uuid"));
  Resp ruleQ = ok(c.call("GET", "security-groups/rules?q=securityGroupUuid=" + sgUuid));
  ok(c.call("DELETE", "security-groups/rules?ruleUuids=" + ruleQ.invs().items().at(0).getString("uuid")));
  ok(c.call("DELETE", "security-groups/" + sgUuid + "/vm-instances/nics?vmNicUuids=" + nics[0]));
  ok(c.call("DELETE", "security-groups/" + sgUuid + "/l3-networks/" + priv));
  ok(c.call("DELETE", "security-groups/" + sgUuid));

  // ---- VIPs and QoS
  Resp vip = ok(c.call("POST", "vips", wrap("params", obj({{"name", "vip"}, {"l3NetworkUuid", pub}}))));
  const std::string vipUuid = vip.inv().getString("uuid");
  ok(c.call("GET", "vips"));
  ok(c.call("PUT", "vips/" + vipUuid + "/actions", wrap("updateVip", obj({{"name", "vip-1"}, {"description", "d"}}))));
  CHECK(ok(c.call("PUT", "vips/" + vipUuid + "/actions", wrap("changeVipState", obj({{"stateEvent", "disable"}}))))
            .inv().getString("state") == "Disabled");
  CHECK(c.call("POST", "eips", wrap("params", obj({{"name", "e"}, {"vipUuid", vipUuid}}))).status == 503);
  ok(c.call("PUT", "vips/" + vipUuid + "/actions", wrap("changeVipState", obj({{"stateEvent", "enable"}}))));
  ok(c.call("GET", "vips/" + vipUuid + "/usedports?protocol=udp"));
  Resp qos = ok(c.call("PUT", "vips/" + vipUuid + "/actions",
                       wrap("setVipQos", obj({{"port", 22.0}, {"outboundBandwidth", 1048576.0}, {"inboundBandwidth", 1048576.0}}))));
  CHECK(qos.inv().find("port")->asInt() == 22);
  CHECK(qos.body.find("\"port\":22.0") != std::string::npos);  // ZStack-style float
  ok(c.call("PUT", "vips/" + vipUuid + "/actions", wrap("setVipQos", obj({{"outboundBandwidth", 2097152}}))));
  CHECK(c.call("PUT", "vips/" + vipUuid + "/actions", wrap("setVipQos", obj({{"port", 22}}))).status == 503);
  CHECK(ok(c.call("GET", "vip/" + vipUuid + "/vip-qos")).invs().size() == 2);
  ok(c.call("DELETE", "vips/" + vipUuid + "/vip-qos?port=22"));
  CHECK(ok(c.call("GET", "vip/" + vipUuid + "/vip-qos")).invs().size() == 1);

  // ---- EIP
  Resp eip = ok(c.call("POST", "eips", wrap("params", obj({{"name", "eip"}, {"vipUuid", vipUuid}}))));
  const std::string eipUuid = eip.inv().getString("uuid");
  ok(c.call("GET", "eips"));
  ok(c.call("PUT", "eips/" + eipUuid + "/actions", wrap("updateEip", obj({{"description", "x"}}))));
  ok(c.call("PUT", "eips/" + eipUuid + "/actions", wrap("changeEipState", obj({{"stateEvent", "disable"}}))));
  ok(c.call("GET", "eips/" + eipUuid + "/vm-instances/candidate-nics"));
  ok(c.call("POST", "eips/" + eipUuid + "/vm-instances/nics/" + nics[0]));
  CHECK(ok(c.call("DELETE", "eips/" + eipUuid + "/vm-instances/nics")).inv().getString("uuid") == eipUuid);
  ok(c.call("DELETE", "eips/" + eipUuid));

  // ---- port forwarding
  Resp pf = ok(c.call("POST", "port-forwarding",
                      wrap("params", obj({{"name", "pf"}, {"vipUuid", vipUuid}, {"vipPortStart", 22.0}, {"protocolType", "TCP"}}))));
  const std::string pfUuid = pf.inv().getString("uuid");
  CHECK(pf.inv().find("privatePortEnd")->asInt() == 22);
  CHECK(pf.inv().getString("allowedCidr") == "0.0.0.0/0");
  ok(c.call("GET", "port-forwarding"));
  ok(c.call("PUT", "port-forwarding/" + pfUuid + "/actions", wrap("updatePortForwardingRule", obj({{"name", "pf2"}}))));
  ok(c.call("PUT", "port-forwarding/" + pfUuid + "/actions", wrap("changePortForwardingRuleState", obj({{"stateEvent", "disable"}}))));
  CHECK(ok(c.call("GET", "port-forwarding/" + pfUuid + "/vm-instances/candidate-nics")).invs().size() >= 3);
  CHECK(ok(c.call("POST", "port-forwarding/" + pfUuid + "/vm-instances/nics/" + nics[1])).inv().getString("guestIp") ==
        "192.168.100.12");
  ok(c.call("DELETE", "port-forwarding/" + pfUuid + "/vm-instances/nics"));
  ok(c.call("DELETE", "port-forwarding/" + pfUuid));

  // ---- load balancer, listeners, certificates
  Resp lb = ok(c.call("POST", "load-balancers", wrap("params", obj({{"name", "lb"}, {"vipUuid", vipUuid}}))));
  const std::string lbUuid = lb.inv().getString("uuid");
  CHECK(c.call("POST", "load-balancers", wrap("params", obj({{"name", "lb2"}, {"vipUuid", vipUuid}}))).status == 503);
  ok(c.call("GET", "load-balancers"));
  ok(c.call("PUT", "load-balancers/" + lbUuid + "/actions", "{\"refreshLoadBalancer\":{}}"));
  CHECK(ok(c.call("PUT", "load-balancers/" + lbUuid + "/actions", wrap("updateLoadBalancer", obj({{"name", "lb-1"}}))))
            .inv().getString("name") == "lb-1");
  Resp l = ok(c.call("POST", "load-balancers/" + lbUuid + "/listeners",
                     wrap("params", obj({{"name", "l"}, {"loadBalancerPort", 443}, {"instancePort", 8443}, {"protocol", "https"}}))));
  const std::string lUuid = l.inv().getString("uuid");
  ok(c.call("GET", "load-balancers/listeners"));
  ok(c.call("PUT", "load-balancers/listeners/" + lUuid, wrap("updateLoadBalancerListener", obj({{"description", "desc"}}))));
  CHECK(ok(c.call("GET", "load-balancers/listeners/" + lUuid + "/vm-instances/candidate-nics")).invs().size() >= 3);
  Resp added = ok(c.call("POST", "load-balancers/listeners/" + lUuid + "/vm-instances/nics",
                         wrap("params", obj({{"vmNicUuids", Json::stringArray({nics[0], nics[1]})}}))));
  CHECK(added.inv().find("vmNicRefs")->size() == 2);
  Resp removed = ok(c.call("DELETE", "load-balancers/listeners/" + lUuid + "/vm-instances/nics?vmNicUuids=" + nics[0]));
  CHECK(removed.inv().getString("uuid") == lbUuid);
  CHECK(removed.inv().find("listeners")->items().at(0).find("vmNicRefs")->size() == 1);
  Resp cert = ok(c.call("POST", "certificates", wrap("params", obj({{"name", "cert"}, {"certificate", "-----BEGIN CERTIFICATE-----"}}))));
  const std::string certUuid = cert.inv().getString("uuid");
  ok(c.call("GET", "certificates"));
  ok(c.call("PUT", "certificates/" + certUuid + "/actions", wrap("updateCertificate", obj({{"description", "info"}}))));
  Resp withCert = ok(c.call("POST", "load-balancers/listeners/" + lUuid + "/certificate",
                            wrap("params", obj({{"certificateUuid", certUuid}}))));
  CHECK(withCert.inv().find("certificateRefs")->size() == 1);
  CHECK(ok(c.call("GET", "certificates/" + certUuid)).invs().items().at(0).find("listeners")->size() == 1);
  ok(c.call("DELETE", "load-balancers/listeners/" + lUuid + "/certificate?certificateUuid=" + certUuid));
  ok(c.call("DELETE", "certificates/" + certUuid));
  ok(c.call("DELETE", "load-balancers/listeners/" + lUuid));
  ok(c.call("DELETE", "load-balancers/" + lbUuid));

  // ---- IPsec
  Resp ipsec = ok(c.call("POST", "ipsec",
                         wrap("params", obj({{"name", "ipsec"}, {"l3NetworkUuid", priv}, {"peerAddress", "100.64.10.10"},
                                             {"authKey", "auth"}, {"vipUuid", vipUuid},
                                             {"peerCidrs", Json::stringArray({"192.168.50.0/24"})}, {"ikeDhGroup", 2.0}}))));
  const std::string ipUuid = ipsec.inv().getString("uuid");
  CHECK(ipsec.inv().find("l3NetworkRefs")->size() == 1);
  CHECK(ipsec.inv().getString("ikeEncryptionAlgorithm") == "aes-128");
  ok(c.call("GET", "ipsec"));
  ok(c.call("PUT", "ipsec/" + ipUuid, wrap("updateIPsecConnection", obj({{"name", "ipsec-2"}}))));
  // the URL belongs to one API only, so RestServer reads its key (updateIPsecConnection) and
  // ignores the misspelt one: the update succeeds and changes nothing
  Resp miss = c.call("PUT", "ipsec/" + ipUuid, wrap("updateIpsecConnection", obj({{"name", "x"}})));
  CHECK(miss.status == 200);
  CHECK(miss.inv().getString("name") == "ipsec-2");
  ok(c.call("PUT", "ipsec/" + ipUuid + "/actions", wrap("changeIPSecConnectionState", obj({{"stateEvent", "disable"}}))));
  CHECK(ok(c.call("POST", "ipsec/" + ipUuid + "/l3networks",
                  wrap("params", obj({{"l3NetworkUuids", Json::stringArray({pub})}}))))
            .inv().find("l3NetworkRefs")->size() == 2);
  ok(c.call("DELETE", "ipsec/" + ipUuid + "/l3networks?l3NetworkUuids=" + pub));
  CHECK(ok(c.call("POST", "ipsec/" + ipUuid + "/remote-cidrs",
                  wrap("params", obj({{"peerCidrs", Json::stringArray({"10.1.0.0/16", "10.2.0.0/16"})}}))))
            .inv().find("peerCidrs")->size() == 3);
  CHECK(ok(c.call("DELETE", "ipsec/" + ipUuid + "/remote-cidrs?peerCidrs=10.1.0.0%2F16&peerCidrs=10.2.0.0/16"))
            .inv().find("peerCidrs")->size() == 1);
  ok(c.call("DELETE", "ipsec/" + ipUuid));
  ok(c.call("DELETE", "vips/" + vipUuid));

  // ---- IAM2 / VPC firewall
  CHECK(ok(c.call("PUT", "iam2/virtual-ids/" + seed.iam2VirtualIdUuids.at(0) + "/actions",
                  wrap("changeIAM2VirtualIDState", obj({{"stateEvent", "disable"}}))))
            .inv().getString("state") == "Disabled");
  CHECK(ok(c.call("PUT", "vpcfirewalls/rules/" + seed.firewallRuleUuids.at(0) + "/actions",
                  wrap("changeFirewallRuleState", obj({{"state", "disable"}}))))
            .inv().getString("state") == "disable");
  CHECK(c.call("PUT", "vpcfirewalls/rules/" + seed.firewallRuleUuids.at(0) + "/actions",
               wrap("changeFirewallRuleState", obj({{"state", "off"}})))
            .status == 503);

  // ---- LogOut
  CHECK(c.raw("DELETE", "accounts/sessions/" + c.session()).status == 200);
}

TEST_CASE("seed file loading", "[seed]") {
  const std::string path = "sim_test_seed.json";
  {
    std::ofstream out(path);
    out << R"({"zones":[{"uuid":"11111111111111111111111111111111","name":"z"}],
      "l3Networks":[{"uuid":"22222222222222222222222222222222","category":"Public",
         "ipRanges":[{"startIp":"10.0.0.2","endIp":"10.0.0.3","netmask":"255.255.255.0","gateway":"10.0.0.1"}]},
        {"uuid":"33333333333333333333333333333333","category":"Private",
         "ipRanges":[{"startIp":"192.168.1.2","endIp":"192.168.1.200","netmask":"255.255.255.0","gateway":"192.168.1.1"}]}],
      "vmInstances":[{"name":"only","vmNics":[{"l3NetworkUuid":"33333333333333333333333333333333","ip":"192.168.1.5"}]}],
      "collections":{"certificate":[{"name":"preloaded","certificate":"PEM"}]}})";
  }
  auto opt = testOptions();
  opt.seedFile = path;
  Simulator sim(opt);
  sim.start();
  CHECK(sim.seed().zoneUuid == "11111111111111111111111111111111");
  CHECK(sim.seed().publicL3Uuid == "22222222222222222222222222222222");
  CHECK(sim.seed().vmNicUuids.size() == 1);
  CHECK(sim.seed().publicL3Cidr == "10.0.0.0/24");
  SimClient c(sim);
  c.login();
  CHECK(c.call("GET", "certificates?q=name=preloaded").invs().size() == 1);
  auto vip = [&] {
    return c.call("POST", "vips", wrap("params", obj({{"name", "v"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}})));
  };
  CHECK(vip().status == 200);
  CHECK(vip().status == 200);
  Resp full = vip();
  CHECK(full.status == 503);  // range exhausted
  std::remove(path.c_str());

  auto bad = testOptions();
  bad.seedFile = "/nonexistent/seed.json";
  CHECK_THROWS_AS(Simulator(bad), std::runtime_error);
}
