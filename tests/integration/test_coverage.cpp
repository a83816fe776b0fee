// Every action of the catalog is called against the simulator in one lifecycle, with a log sink
// recording the API name of every request the SDK sends ("CreateVip POST /v1/vips job=...").
// The scenario test cases check the results field by field; this lifecycle checks that each call
// succeeds and that the set of APIs called is exactly the catalog. It is kept lean (one call per
// API where possible) because every request to the simulator costs ~40 ms (see README note in
// the report: the simulator's server does not set TCP_NODELAY).
#include "scenarios.hpp"
#include "support/documented.hpp"

#include <mutex>
#include <regex>

using namespace itest;
using namespace zstack;
using query::field;

namespace {

void allActionsLifecycle(Env& env) {
  const auto& seed = env.seed();
  const Client& c = env.c();
  const auto nic0 = seed.vmNicUuids.at(0), nic1 = seed.vmNicUuids.at(1), nic2 = seed.vmNicUuids.at(2);

  // session
  LogInByAccountAction login;
  login.accountName = "admin";
  login.password = "password";
  const auto session = MUST(login.call(c)).inventory.value();
  REQUIRE(isHex32(session.uuid));
  c.setSession(session.uuid);

  // network services
  GetNetworkServiceTypesAction types;
  CHECK(MUST(types.call(c)).types.count("Eip") == 1);
  QueryNetworkServiceProviderAction providers;
  providers.where(field("type") == "vrouter");
  const auto vr = MUST(providers.call(c)).inventories;
  REQUIRE(vr.size() == 1);
  QueryNetworkServiceL3NetworkRefAction refs;
  refs.where(field("l3NetworkUuid") == seed.privateL3Uuid);
  const auto nRefs = MUST(refs.call(c)).inventories.size();
  AttachNetworkServiceToL3NetworkAction attachSvc;
  attachSvc.l3NetworkUuid = seed.privateL3Uuid;
  attachSvc.networkServices = {{vr[0].uuid, {"IPsec"}}};
  CHECK(MUST(attachSvc.call(c)).inventory->networkServices.size() == nRefs + 1);
  DetachNetworkServiceFromL3NetworkAction detachSvc;
  detachSvc.l3NetworkUuid = seed.privateL3Uuid;
  detachSvc.networkServices = attachSvc.networkServices;
  CHECK(MUST(detachSvc.call(c)).inventory->networkServices.size() == nRefs);

  // VIPs and QoS
  const auto vipEip = createVip(env, "cov-eip-vip");
  const auto vipSvc = createVip(env, "cov-svc-vip");  // PF + LB + IPsec share it
  UpdateVipAction updVip;
  updVip.uuid = vipEip.uuid;
  updVip.description = "covered";
  CHECK(MUST(updVip.call(c)).inventory->description == "covered");
  ChangeVipStateAction vipState;
  vipState.uuid = vipEip.uuid;
  vipState.stateEvent = "disable";
  CHECK(MUST(vipState.call(c)).inventory->state == "Disabled");
  vipState.stateEvent = "enable";
  CHECK(MUST(vipState.call(c)).inventory->state == "Enabled");
  SetVipQosAction setQos;
  setQos.uuid = vipSvc.uuid;
  setQos.port = 443;
  setQos.inboundBandwidth = 1048576;
  CHECK(MUST(setQos.call(c)).inventory->inboundBandwidth == 1048576);
  GetVipQosAction getQos;
  getQos.uuid = vipSvc.uuid;
  CHECK(MUST(getQos.call(c)).inventories.size() == 1);
  DeleteVipQosAction delQos;
  delQos.uuid = vipSvc.uuid;
  delQos.port = 443;
  MUST(delQos.call(c));
  QueryVipAction queryVip;
  queryVip.where(field("name").like("cov-%"));
  CHECK(MUST(queryVip.call(c)).inventories.size() == 2);

  // EIP
  CreateEipAction createEip;
  createEip.name = "cov-eip";
  createEip.vipUuid = vipEip.uuid;
  const auto eip = MUST(createEip.call(c)).inventory.value();
  GetEipAttachableVmNicsAction eipNics;
  eipNics.eipUuid = eip.uuid;
  CHECK(MUST(eipNics.call(c)).inventories.size() >= seed.vmNicUuids.size());
  AttachEipAction attachEip;
  attachEip.eipUuid = eip.uuid;
  attachEip.vmNicUuid = nic0;
  CHECK(MUST(attachEip.call(c)).inventory->vmNicUuid == nic0);
  UpdateEipAction updEip;
  updEip.uuid = eip.uuid;
  updEip.name = "cov-eip-2";
  CHECK(MUST(updEip.call(c)).inventory->name == "cov-eip-2");
  ChangeEipStateAction eipState;
  eipState.uuid = eip.uuid;
  eipState.stateEvent = "disable";
  CHECK(MUST(eipState.call(c)).inventory->state == "Disabled");
  QueryEipAction queryEip;
  queryEip.where(field("uuid") == eip.uuid);
  CHECK(MUST(queryEip.call(c)).inventories.at(0).vmNicUuid == nic0);
  DetachEipAction detachEip;
  detachEip.uuid = eip.uuid;
  CHECK(MUST(detachEip.call(c)).inventory->vmNicUuid.empty());
  DeleteEipAction deleteEip;
  deleteEip.uuid = eip.uuid;
  MUST(deleteEip.call(c));

  // port forwarding
  CreatePortForwardingRuleAction createPf;
  createPf.name = "cov-pf";
  createPf.vipUuid = vipSvc.uuid;
  createPf.vipPortStart = 2000;
  createPf.vipPortEnd = 2010;
  createPf.protocolType = "TCP";
  const auto pf = MUST(createPf.call(c)).inventory.value();
  GetVipUsedPortsAction usedPorts;
  usedPorts.uuid = vipSvc.uuid;
  usedPorts.protocol = "tcp";
  CHECK(MUST(usedPorts.call(c)).inventories.at(0).usedPorts == std::vector<std::string>{"2000-2010"});
  GetPortForwardingAttachableVmNicsAction pfNics;
  pfNics.ruleUuid = pf.uuid;
  CHECK_FALSE(MUST(pfNics.call(c)).inventories.empty());
  AttachPortForwardingRuleAction attachPf;
  attachPf.ruleUuid = pf.uuid;
  attachPf.vmNicUuid = nic1;
  CHECK(MUST(attachPf.call(c)).inventory->vmNicUuid == nic1);
  UpdatePortForwardingRuleAction updPf;
  updPf.uuid = pf.uuid;
  updPf.name = "cov-pf-2";
  CHECK(MUST(updPf.call(c)).inventory->name == "cov-pf-2");
  ChangePortForwardingRuleStateAction pfState;
  pfState.uuid = pf.uuid;
  pfState.stateEvent = "disable";
  CHECK(MUST(pfState.call(c)).inventory->state == "Disabled");
  QueryPortForwardingRuleAction queryPf;
  queryPf.where(field("uuid") == pf.uuid);
  CHECK(MUST(queryPf.call(c)).inventories.at(0).state == "Disabled");
  DetachPortForwardingRuleAction detachPf;
  detachPf.uuid = pf.uuid;
  CHECK(MUST(detachPf.call(c)).inventory->vmNicUuid.empty());
  DeletePortForwardingRuleAction deletePf;
  deletePf.uuid = pf.uuid;
  MUST(deletePf.call(c));

  // security group
  CreateSecurityGroupAction createSg;
  createSg.name = "cov-sg";
  const auto sg = MUST(createSg.call(c)).inventory.value();
  AddSecurityGroupRuleAction addRule;
  addRule.securityGroupUuid = sg.uuid;
  SecurityGroupRuleAO in;
  in.type = "Ingress";
  in.protocol = "TCP";
  in.startPort = 22;
  in.endPort = 22;
  SecurityGroupRuleAO out = in;
  out.type = "Egress";
  addRule.rules = {in, out};
  const auto sgRules = MUST(addRule.call(c)).inventory->rules;
  REQUIRE(sgRules.size() == 2);
  AttachSecurityGroupToL3NetworkAction attachSg;
  attachSg.securityGroupUuid = sg.uuid;
  attachSg.l3NetworkUuid = seed.privateL3Uuid;
  MUST(attachSg.call(c));
  GetCandidateVmNicForSecurityGroupAction sgNics;
  sgNics.securityGroupUuid = sg.uuid;
  CHECK(MUST(sgNics.call(c)).inventories.size() == seed.vmNicUuids.size());
  AddVmNicToSecurityGroupAction addNic;
  addNic.securityGroupUuid = sg.uuid;
  addNic.vmNicUuids = {nic0, nic1};
  MUST(addNic.call(c));
  QueryVmNicInSecurityGroupAction members;
  members.where(field("securityGroupUuid") == sg.uuid);
  CHECK(MUST(members.call(c)).inventories.size() == 2);
  QuerySecurityGroupRuleAction queryRules;
  queryRules.where(field("securityGroupUuid") == sg.uuid);
  CHECK(MUST(queryRules.call(c)).inventories.size() == 2);
  UpdateSecurityGroupAction updSg;
  updSg.uuid = sg.uuid;
  updSg.name = "cov-sg-2";
  CHECK(MUST(updSg.call(c)).inventory->name == "cov-sg-2");
  ChangeSecurityGroupStateAction sgState;
  sgState.uuid = sg.uuid;
  sgState.stateEvent = "disable";
  CHECK(MUST(sgState.call(c)).inventory->state == "Disabled");
  QuerySecurityGroupAction querySg;
  querySg.where(field("rules.type") == "Egress").where(field("uuid") == sg.uuid);
  CHECK(MUST(querySg.call(c)).inventories.size() == 1);
  DeleteSecurityGroupRuleAction deleteRule;
  deleteRule.ruleUuids = {sgRules[0].uuid};
  CHECK(MUST(deleteRule.call(c)).inventory->rules.size() == 1);
  DeleteVmNicFromSecurityGroupAction delNic;
  delNic.securityGroupUuid = sg.uuid;
  delNic.vmNicUuids = {nic0};
  MUST(delNic.call(c));
  DetachSecurityGroupFromL3NetworkAction detachSg;
  detachSg.securityGroupUuid = sg.uuid;
  detachSg.l3NetworkUuid = seed.privateL3Uuid;
  CHECK(MUST(detachSg.call(c)).inventory->attachedL3NetworkUuids.empty());
  DeleteSecurityGroupAction deleteSg;
  deleteSg.uuid = sg.uuid;
  MUST(deleteSg.call(c));

  // load balancer and certificate
  CreateLoadBalancerAction createLb;
  createLb.name = "cov-lb";
  createLb.vipUuid = vipSvc.uuid;
  const auto lb = MUST(createLb.call(c)).inventory.value();
  CreateCertificateAction createCert;
  createCert.name = "cov-cert";
  createCert.certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const auto cert = MUST(createCert.call(c)).inventory.value();
  CreateLoadBalancerListenerAction createListener;
  createListener.loadBalancerUuid = lb.uuid;
  createListener.name = "cov-https";
  createListener.protocol = "https";
  createListener.loadBalancerPort = 443;
  const auto listener = MUST(createListener.call(c)).inventory.value();
  AddCertificateToLoadBalancerListenerAction addCert;
  addCert.listenerUuid = listener.uuid;
  addCert.certificateUuid = cert.uuid;
  CHECK(MUST(addCert.call(c)).inventory->certificateRefs.size() == 1);
  GetCandidateVmNicsForLoadBalancerAction lbNics;
  lbNics.listenerUuid = listener.uuid;
  CHECK_FALSE(MUST(lbNics.call(c)).inventories.empty());
  AddVmNicToLoadBalancerAction addLbNic;
  addLbNic.listenerUuid = listener.uuid;
  addLbNic.vmNicUuids = {nic1, nic2};
  CHECK(MUST(addLbNic.call(c)).inventory->vmNicRefs.size() == 2);
  RemoveVmNicFromLoadBalancerAction rmLbNic;
  rmLbNic.listenerUuid = listener.uuid;
  rmLbNic.vmNicUuids = {nic2};
  CHECK(MUST(rmLbNic.call(c)).inventory->uuid == lb.uuid);
  RemoveCertificateFromLoadBalancerListenerAction rmCert;
  rmCert.listenerUuid = listener.uuid;
  rmCert.certificateUuid = cert.uuid;
  CHECK(MUST(rmCert.call(c)).inventory->certificateRefs.empty());
  RefreshLoadBalancerAction refresh;
  refresh.uuid = lb.uuid;
  CHECK(MUST(refresh.call(c)).inventory->uuid == lb.uuid);
  UpdateLoadBalancerAction updLb;
  updLb.uuid = lb.uuid;
  updLb.name = "cov-lb-2";
  CHECK(MUST(updLb.call(c)).inventory->name == "cov-lb-2");
  UpdateLoadBalancerListenerAction updListener;
  updListener.uuid = listener.uuid;
  updListener.name = "cov-https-2";
  CHECK(MUST(updListener.call(c)).inventory->name == "cov-https-2");
  UpdateCertificateAction updCert;
  updCert.uuid = cert.uuid;
  updCert.name = "cov-cert-2";
  CHECK(MUST(updCert.call(c)).inventory->name == "cov-cert-2");
  QueryLoadBalancerAction queryLb;
  queryLb.where(field("uuid") == lb.uuid);
  CHECK(MUST(queryLb.call(c)).inventories.at(0).listeners.size() == 1);
  QueryLoadBalancerListenerAction queryListener;
  queryListener.where(field("loadBalancerUuid") == lb.uuid);
  CHECK(MUST(queryListener.call(c)).inventories.at(0).vmNicRefs.size() == 1);
  QueryCertificateAction queryCert;
  queryCert.where(field("uuid") == cert.uuid);
  CHECK(MUST(queryCert.call(c)).inventories.at(0).name == "cov-cert-2");
  DeleteLoadBalancerListenerAction deleteListener;
  deleteListener.uuid = listener.uuid;
  MUST(deleteListener.call(c));
  DeleteLoadBalancerAction deleteLb;
  deleteLb.uuid = lb.uuid;
  MUST(deleteLb.call(c));
  DeleteCertificateAction deleteCert;
  deleteCert.uuid = cert.uuid;
  MUST(deleteCert.call(c));

  // IPsec
  CreateIPsecConnectionAction createIpsec;
  createIpsec.name = "cov-ipsec";
  createIpsec.peerAddress = "192.0.2.10";
  createIpsec.authKey = "key";
  createIpsec.vipUuid = vipSvc.uuid;
  createIpsec.peerCidrs = std::vector<std::string>{"10.8.0.0/16"};
  const auto ipsec = MUST(createIpsec.call(c)).inventory.value();
  UpdateIPsecConnectionAction updIpsec;
  updIpsec.uuid = ipsec.uuid;
  updIpsec.name = "cov-ipsec-2";
  CHECK(MUST(updIpsec.call(c)).inventory->name == "cov-ipsec-2");
  ChangeIPSecConnectionStateAction ipsecState;
  ipsecState.uuid = ipsec.uuid;
  ipsecState.stateEvent = "disable";
  CHECK(MUST(ipsecState.call(c)).inventory->state == "Disabled");
  AttachL3NetworksToIPsecConnectionAction attachL3;
  attachL3.uuid = ipsec.uuid;
  attachL3.l3NetworkUuids = {seed.privateL3Uuid};
  CHECK(MUST(attachL3.call(c)).inventory->l3NetworkRefs.size() == 1);
  AddRemoteCidrsToIPsecConnectionAction addCidr;
  addCidr.uuid = ipsec.uuid;
  addCidr.peerCidrs = {"10.9.0.0/16"};
  CHECK(MUST(addCidr.call(c)).inventory->peerCidrs.size() == 2);
  RemoveRemoteCidrsFromIPsecConnectionAction rmCidr;
  rmCidr.uuid = ipsec.uuid;
  rmCidr.peerCidrs = {"10.8.0.0/16"};
  CHECK(MUST(rmCidr.call(c)).inventory->peerCidrs.size() == 1);
  DetachL3NetworksFromIPsecConnectionAction detachL3;
  detachL3.uuid = ipsec.uuid;
  detachL3.l3NetworkUuids = {seed.privateL3Uuid};
  CHECK(MUST(detachL3.call(c)).inventory->l3NetworkRefs.empty());
  QueryIPSecConnectionAction queryIpsec;
  queryIpsec.where(field("uuid") == ipsec.uuid);
  CHECK(MUST(queryIpsec.call(c)).inventories.at(0).peerCidrs.at(0).cidr == "10.9.0.0/16");
  DeleteIPsecConnectionAction deleteIpsec;
  deleteIpsec.uuid = ipsec.uuid;
  MUST(deleteIpsec.call(c));

  // seeded resources
  ChangeIAM2VirtualIDStateAction iam2;
  iam2.uuid = seed.iam2VirtualIdUuids.at(1);
  iam2.stateEvent = "disable";
  CHECK(MUST(iam2.call(c)).inventory->state == "Disabled");
  ChangeFirewallRuleStateAction fw;
  fw.uuid = seed.firewallRuleUuids.at(2);
  fw.state = "enable";
  CHECK(MUST(fw.call(c)).inventory->state == "enable");

  // delete the VIPs, log out
  for (const auto& u : {vipEip.uuid, vipSvc.uuid}) {
    DeleteVipAction d;
    d.uuid = u;
    MUST(d.call(c));
  }
  LogOutAction logout;
  logout.sessionUuid = session.uuid;
  MUST(logout.call(c));
  c.clearCredentials();
}

struct SinkGuard {
  log::Level level = log::level();
  ~SinkGuard() {
    log::setSink(nullptr);
    log::setLevel(level);
  }
};

}  // namespace

TEST_CASE("coverage: one lifecycle calls all 75 actions", "[integration][coverage]") {
  std::mutex mu;
  std::set<std::string> called;
  std::size_t lines = 0;
  const std::regex sent(R"(^([A-Za-z0-9]+) (GET|POST|PUT|DELETE) /v1/\S* job=[0-9a-f]{32}$)");
  SinkGuard guard;
  log::setLevel(log::Level::Debug);
  log::setSink([&](log::Level lvl, std::string_view message) {
    std::match_results<std::string_view::const_iterator> m;
    if (lvl == log::Level::Debug && std::regex_match(message.begin(), message.end(), m, sent)) {
      std::lock_guard<std::mutex> lock(mu);
      called.insert(m[1].str());
      ++lines;
    }
  });
  {
    Env env;
    allActionsLifecycle(env);
  }
  log::setSink(nullptr);

  std::set<std::string> catalog;
  for (const auto* spec : zstack::testing::documentedSpecs()) catalog.insert(spec->name);
  CHECK(catalog.size() == 75);
  CHECK(lines >= 75);

  std::vector<std::string> missing, extra;
  std::set_difference(catalog.begin(), catalog.end(), called.begin(), called.end(), std::back_inserter(missing));
  std::set_difference(called.begin(), called.end(), catalog.begin(), catalog.end(), std::back_inserter(extra));
  INFO("never called: " << Catch::Detail::stringify(missing));
  INFO("called but not in the catalog: " << Catch::Detail::stringify(extra));
  CHECK(missing.empty());
  CHECK(extra.empty());
  CHECK(called == catalog);
}

// The sink sees no secrets: session UUIDs and passwords never reach it.
TEST_CASE("coverage: the log sink never sees the session or the password", "[integration][coverage]") {
  std::mutex mu;
  std::vector<std::string> lines;
  SinkGuard guard;
  log::setLevel(log::Level::Trace);
  log::setSink([&](log::Level, std::string_view message) {
    std::lock_guard<std::mutex> lock(mu);
    lines.emplace_back(message);
  });
  Env env;
  const auto session = env.login();
  QueryVipAction q;
  MUST(q.call(env.c()));
  (void)createVip(env, "log-vip");
  MUST(logOut(env.c()));
  log::setSink(nullptr);
  CHECK_FALSE(lines.empty());
  for (const auto& l : lines) {
    INFO(l);
    CHECK(l.find(session.uuid) == std::string::npos);
    CHECK(l.find("b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86") == std::string::npos);  // sha512("password")
  }
}
