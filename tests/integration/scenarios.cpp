#include "scenarios.hpp"

namespace itest {

using namespace zstack;
using query::field;

namespace {

const char* kCertificate =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBszCCAVmgAwIBAgIUQ0Y0ZXhhbXBsZS1jZXJ0LW5vdC1mb3ItdXNlMAoGCCqGSM49BAMC\n"
    "-----END CERTIFICATE-----\n";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The 503 + SYS.1006 (with a nested cause) the simulator answers for a refused operation.
void checkOperationFailure(const Error& e, const std::string& action, const std::string& causeMentions) {
  INFO(e.describe());
  CHECK(e.kind == ErrorKind::Api);
  CHECK(e.httpStatus == 503);
  CHECK(e.action == action);
  CHECK(isHex32(e.jobUuid));
  REQUIRE(e.api.has_value());
  CHECK(e.api->code == "SYS.1006");
  CHECK_FALSE(e.api->description.empty());
  REQUIRE(e.api->cause);
  CHECK(e.api->cause->code == "SYS.1007");
  CHECK(contains(e.api->cause->details, causeMentions));
  CHECK(e.api->chain().size() == 2);
}

template <class Q>
auto queryByUuid(Env& env, const std::string& uuid) {
  Q q;
  q.where(field("uuid") == uuid);
  return MUST(q.call(env.c())).inventories;
}

VmNicInventory seedNic(const std::vector<VmNicInventory>& nics, const std::string& uuid) {
  for (const auto& n : nics)
    if (n.uuid == uuid) return n;
  FAIL("NIC " << uuid << " is not among the " << nics.size() << " NICs listed");
  return {};
}

}  // namespace

VipInventory createVip(Env& env, const std::string& name) {
  CreateVipAction a;
  a.name = name;
  a.l3NetworkUuid = env.seed().publicL3Uuid;
  return MUST(a.call(env.c())).inventory.value();
}

// ------------------------------------------------------------------ login

void loginScenario(Env& env) {
  const auto& seed = env.seed();
  // a wrong password: 503 ID.1000 with a cause, and no session on the client
  Client other(env.config);
  auto bad = MUST_FAIL(logIn(other, "admin", "wrong"));
  CHECK(bad.kind == ErrorKind::Api);
  CHECK(bad.httpStatus == 503);
  CHECK(bad.action == "LogInByAccount");
  REQUIRE(bad.api);
  CHECK(bad.api->code == "ID.1000");
  CHECK(bad.api->cause);
  CHECK_FALSE(other.hasSession());

  // no credentials at all: the SDK refuses before sending
  QueryVipAction q;
  auto none = MUST_FAIL(q.call(other));
  CHECK(none.kind == ErrorKind::Usage);

  LogInByAccountAction li;
  li.accountName = "admin";
  li.password = "password";
  auto s = MUST(li.call(other));
  CHECK(isHex32(s.inventory->uuid));
  CHECK(s.inventory->accountUuid == seed.adminAccountUuid);
  CHECK(s.inventory->createDate.has_value());
  CHECK(s.inventory->expiredDate.has_value());
  if (s.inventory->createDate && s.inventory->expiredDate)
    CHECK(s.inventory->expiredDate->asUtc() > s.inventory->createDate->asUtc());
  CHECK_FALSE(other.hasSession());  // the raw action does not set the client's session
  // the action's own sessionId carries it
  q.sessionId = s.inventory->uuid;
  MUST(q.call(other));

  // Session::open makes it the client's session and logs out at scope exit
  std::string uuid;
  {
    auto session = MUST(Session::open(other, "admin", "password"));
    uuid = session.uuid();
    CHECK(isHex32(uuid));
    CHECK(uuid != s.inventory->uuid);
    CHECK(session.inventory().accountUuid == seed.adminAccountUuid);
    CHECK(other.hasSession());
    CHECK(other.session() == uuid);
    QueryVipAction q2;
    MUST(q2.call(other));
  }
  CHECK_FALSE(other.hasSession());
  QueryVipAction q3;
  q3.sessionId = uuid;
  auto gone = MUST_FAIL(q3.call(other));
  CHECK(gone.kind == ErrorKind::Api);
  REQUIRE(gone.api);
  CHECK(gone.api->code == "ID.1001");

  // logIn on the shared client (the scenario's callers continue with it)
  auto inv = env.login();
  CHECK(isHex32(inv.uuid));
  CHECK(env.c().session() == inv.uuid);
}

// -------------------------------------------------------------------- VIP

void vipScenario(Env& env) {
  const auto& seed = env.seed();
  CreateVipAction a;
  a.name = "vip-a";
  a.description = "allocated";
  a.l3NetworkUuid = seed.publicL3Uuid;
  const auto vip = MUST(a.call(env.c())).inventory.value();
  CHECK(isHex32(vip.uuid));
  CHECK(vip.name == "vip-a");
  CHECK(vip.description == "allocated");
  CHECK(vip.l3NetworkUuid == seed.publicL3Uuid);
  CHECK(inCidr(vip.ip, seed.publicL3Cidr));
  CHECK(*ipv4(vip.ip) >= *ipv4("172.20.0.10"));  // the seeded range starts there
  CHECK(*ipv4(vip.ip) <= *ipv4("172.20.255.250"));
  CHECK(vip.state == "Enabled");
  CHECK(vip.gateway == "172.20.0.1");
  CHECK(vip.netmask == "255.255.0.0");
  CHECK(vip.useFor.empty());
  CHECK(vip.peerL3NetworkUuids.empty());
  CHECK(vip.createDate.has_value());
  CHECK(vip.lastOpDate.has_value());

  // a second VIP gets another IP
  CreateVipAction a2 = a;
  a2.name = "vip-a2";
  a2.description.reset();
  const auto vip2 = MUST(a2.call(env.c())).inventory.value();
  CHECK(vip2.ip != vip.ip);
  CHECK(inCidr(vip2.ip, seed.publicL3Cidr));
  CHECK(vip2.description.empty());

  // requiredIp
  CreateVipAction b;
  b.name = "vip-b";
  b.l3NetworkUuid = seed.publicL3Uuid;
  b.requiredIp = "172.20.1.50";
  const auto vipB = MUST(b.call(env.c())).inventory.value();
  CHECK(vipB.ip == "172.20.1.50");
  CHECK(vipB.name == "vip-b");
  CHECK(vipB.state == "Enabled");

  // the same requiredIp again: refused
  CreateVipAction dup = b;
  dup.name = "vip-dup";
  checkOperationFailure(MUST_FAIL(dup.call(env.c())), "CreateVip", "172.20.1.50");
  // an IP outside every range: refused too
  dup.requiredIp = "10.9.9.9";
  checkOperationFailure(MUST_FAIL(dup.call(env.c())), "CreateVip", "10.9.9.9");
  // a malformed IP: refused by the API interceptors, as ZStack does: the job fails
  // with 503 SYS.1007 (invalid argument)
  dup.requiredIp = "not-an-ip";
  auto malformed = MUST_FAIL(dup.call(env.c()));
  CHECK(malformed.kind == ErrorKind::Api);
  CHECK(malformed.httpStatus == 503);
  REQUIRE(malformed.api.has_value());
  CHECK(malformed.api->code == "SYS.1007");

  // resourceUuid is honoured
  CreateVipAction withUuid = a;
  withUuid.name = "vip-fixed-uuid";
  withUuid.resourceUuid = "0123456789abcdef0123456789abcdef";
  CHECK(MUST(withUuid.call(env.c())).inventory->uuid == "0123456789abcdef0123456789abcdef");

  // query back, field by field
  auto found = queryByUuid<QueryVipAction>(env, vipB.uuid);
  REQUIRE(found.size() == 1);
  CHECK(found[0].uuid == vipB.uuid);
  CHECK(found[0].ip == "172.20.1.50");
  CHECK(found[0].name == "vip-b");
  CHECK(found[0].l3NetworkUuid == seed.publicL3Uuid);
  CHECK(found[0].gateway == vipB.gateway);
  CHECK(found[0].netmask == vipB.netmask);
  CHECK(found[0].createDate == vipB.createDate);

  for (const auto& u : {vip.uuid, vip2.uuid, vipB.uuid, std::string("0123456789abcdef0123456789abcdef")}) {
    DeleteVipAction d;
    d.uuid = u;
    MUST(d.call(env.c()));
  }
  CHECK(queryByUuid<QueryVipAction>(env, vipB.uuid).empty());
  // the freed IP can be required again
  b.name = "vip-b-again";
  const auto again = MUST(b.call(env.c())).inventory.value();
  CHECK(again.ip == "172.20.1.50");
  DeleteVipAction d;
  d.uuid = again.uuid;
  MUST(d.call(env.c()));
}

// -------------------------------------------------------------------- EIP

void eipScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "eip-vip");

  CreateEipAction ce;
  ce.name = "eip-1";
  ce.description = "web";
  ce.vipUuid = vip.uuid;
  const auto eip = MUST(ce.call(env.c())).inventory.value();
  CHECK(isHex32(eip.uuid));
  CHECK(eip.name == "eip-1");
  CHECK(eip.description == "web");
  CHECK(eip.vipUuid == vip.uuid);
  CHECK(eip.vipIp == vip.ip);
  CHECK(eip.vmNicUuid.empty());
  CHECK(eip.guestIp.empty());
  CHECK(eip.state == "Enabled");

  GetEipAttachableVmNicsAction g;
  g.eipUuid = eip.uuid;
  const auto nics = MUST(g.call(env.c())).inventories;
  for (const auto& n : seed.vmNicUuids) CHECK(any(nics, [&](const VmNicInventory& x) { return x.uuid == n; }));
  CHECK_FALSE(any(nics, [&](const VmNicInventory& x) { return x.l3NetworkUuid == seed.publicL3Uuid; }));
  const auto nic = seedNic(nics, seed.vmNicUuids.at(0));
  CHECK(nic.l3NetworkUuid == seed.privateL3Uuid);
  CHECK(inCidr(nic.ip, seed.privateL3Cidr));
  CHECK(nic.vmInstanceUuid == seed.vmUuids.at(0));
  CHECK_FALSE(nic.mac.empty());

  AttachEipAction at;
  at.eipUuid = eip.uuid;
  at.vmNicUuid = nic.uuid;
  const auto attached = MUST(at.call(env.c())).inventory.value();
  CHECK(attached.uuid == eip.uuid);
  CHECK(attached.vmNicUuid == nic.uuid);
  CHECK(attached.guestIp == nic.ip);
  CHECK(attached.vipIp == vip.ip);

  CHECK(MUST(g.call(env.c())).inventories.empty());  // an attached EIP has no candidates

  auto found = queryByUuid<QueryEipAction>(env, eip.uuid);
  REQUIRE(found.size() == 1);
  CHECK(found[0].vmNicUuid == nic.uuid);
  CHECK(found[0].guestIp == nic.ip);
  CHECK(found[0].vipIp == vip.ip);
  CHECK(found[0].name == "eip-1");

  // the VIP now reports its user
  auto vips = queryByUuid<QueryVipAction>(env, vip.uuid);
  REQUIRE(vips.size() == 1);
  CHECK(vips[0].useFor == "Eip");
  CHECK(vips[0].peerL3NetworkUuids == std::vector<std::string>{seed.privateL3Uuid});

  // an EIP's VIP is exclusive; attaching twice is refused
  CreateEipAction ce2 = ce;
  ce2.name = "eip-2";
  checkOperationFailure(MUST_FAIL(ce2.call(env.c())), "CreateEip", "Eip");
  checkOperationFailure(MUST_FAIL(at.call(env.c())), "AttachEip", nic.uuid);

  DetachEipAction det;
  det.uuid = eip.uuid;
  const auto detached = MUST(det.call(env.c())).inventory.value();
  CHECK(detached.uuid == eip.uuid);
  CHECK(detached.name == "eip-1");
  CHECK(detached.vipUuid == vip.uuid);
  CHECK(detached.vmNicUuid.empty());
  CHECK(detached.guestIp.empty());
  found = queryByUuid<QueryEipAction>(env, eip.uuid);
  REQUIRE(found.size() == 1);
  CHECK(found[0].vmNicUuid.empty());
  checkOperationFailure(MUST_FAIL(det.call(env.c())), "DetachEip", "not attached");

  // created attached in one call
  const auto vip2 = createVip(env, "eip-vip-2");
  CreateEipAction ce3;
  ce3.name = "eip-3";
  ce3.vipUuid = vip2.uuid;
  ce3.vmNicUuid = seed.vmNicUuids.at(1);
  const auto eip3 = MUST(ce3.call(env.c())).inventory.value();
  CHECK(eip3.vmNicUuid == seed.vmNicUuids.at(1));
  CHECK_FALSE(eip3.guestIp.empty());

  for (const auto& u : {eip.uuid, eip3.uuid}) {
    DeleteEipAction d;
    d.uuid = u;
    MUST(d.call(env.c()));
  }
  CHECK(queryByUuid<QueryEipAction>(env, eip.uuid).empty());
  for (const auto& u : {vip.uuid, vip2.uuid}) {
    DeleteVipAction d;
    d.uuid = u;
    MUST(d.call(env.c()));
  }
}

// -------------------------------------------------------- port forwarding

void portForwardingScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "pf-vip");

  CreatePortForwardingRuleAction p;
  p.name = "pf-web";
  p.description = "web range";
  p.vipUuid = vip.uuid;
  p.vipPortStart = 8080;
  p.vipPortEnd = 8090;
  p.protocolType = "TCP";
  p.allowedCidr = "10.0.0.0/8";
  const auto rule = MUST(p.call(env.c())).inventory.value();
  CHECK(isHex32(rule.uuid));
  CHECK(rule.name == "pf-web");
  CHECK(rule.description == "web range");
  CHECK(rule.vipUuid == vip.uuid);
  CHECK(rule.vipIp == vip.ip);
  CHECK(rule.vipPortStart == 8080);
  CHECK(rule.vipPortEnd == 8090);
  CHECK(rule.privatePortStart == 8080);  // defaults to the VIP range
  CHECK(rule.privatePortEnd == 8090);
  CHECK(rule.protocolType == "TCP");
  CHECK(rule.state == "Enabled");
  CHECK(rule.allowedCidr == "10.0.0.0/8");
  CHECK(rule.vmNicUuid.empty());
  CHECK(rule.guestIp.empty());

  // overlapping TCP range on the same VIP: refused, naming the rule holding the ports
  CreatePortForwardingRuleAction conflict = p;
  conflict.name = "pf-conflict";
  conflict.vipPortStart = 8085;
  conflict.vipPortEnd = 8095;
  checkOperationFailure(MUST_FAIL(conflict.call(env.c())), "CreatePortForwardingRule", rule.uuid);
  // the same ports exactly: refused as well
  conflict.vipPortStart = 8080;
  conflict.vipPortEnd = 8090;
  checkOperationFailure(MUST_FAIL(conflict.call(env.c())), "CreatePortForwardingRule", rule.uuid);

  // UDP on the same range is fine; private ports shifted
  CreatePortForwardingRuleAction udp = p;
  udp.name = "pf-udp";
  udp.protocolType = "UDP";
  udp.vipPortStart = 8085;
  udp.vipPortEnd = 8095;
  udp.privatePortStart = 9085;
  udp.allowedCidr.reset();
  const auto udpRule = MUST(udp.call(env.c())).inventory.value();
  CHECK(udpRule.protocolType == "UDP");
  CHECK(udpRule.privatePortStart == 9085);
  CHECK(udpRule.privatePortEnd == 9095);
  CHECK(udpRule.allowedCidr == "0.0.0.0/0");

  CreatePortForwardingRuleAction ssh;
  ssh.name = "pf-ssh";
  ssh.vipUuid = vip.uuid;
  ssh.vipPortStart = 22;
  ssh.privatePortStart = 2222;
  ssh.protocolType = "TCP";
  const auto sshRule = MUST(ssh.call(env.c())).inventory.value();
  CHECK(sshRule.vipPortEnd == 22);
  CHECK(sshRule.privatePortEnd == 2222);

  GetVipUsedPortsAction used;
  used.uuid = vip.uuid;
  used.protocol = "tcp";
  auto tcp = MUST(used.call(env.c())).inventories;
  REQUIRE(tcp.size() == 1);
  CHECK(tcp[0].uuid == vip.uuid);
  CHECK(tcp[0].protocol == "TCP");
  CHECK(tcp[0].usedPorts == std::vector<std::string>{"22", "8080-8090"});
  used.protocol = "udp";
  auto udpPorts = MUST(used.call(env.c())).inventories;
  REQUIRE(udpPorts.size() == 1);
  CHECK(udpPorts[0].protocol == "UDP");
  CHECK(udpPorts[0].usedPorts == std::vector<std::string>{"8085-8095"});

  // attach / detach
  GetPortForwardingAttachableVmNicsAction cand;
  cand.ruleUuid = rule.uuid;
  const auto nics = MUST(cand.call(env.c())).inventories;
  for (const auto& n : seed.vmNicUuids) CHECK(any(nics, [&](const VmNicInventory& x) { return x.uuid == n; }));
  CHECK_FALSE(any(nics, [&](const VmNicInventory& x) { return x.l3NetworkUuid == seed.publicL3Uuid; }));
  const auto nic = seedNic(nics, seed.vmNicUuids.at(2));

  AttachPortForwardingRuleAction at;
  at.ruleUuid = rule.uuid;
  at.vmNicUuid = nic.uuid;
  const auto attached = MUST(at.call(env.c())).inventory.value();
  CHECK(attached.uuid == rule.uuid);
  CHECK(attached.vmNicUuid == nic.uuid);
  CHECK(attached.guestIp == nic.ip);
  CHECK(MUST(cand.call(env.c())).inventories.empty());

  QueryPortForwardingRuleAction q;
  q.where(field("vipUuid") == vip.uuid);
  q.sortBy = "vipPortStart";
  auto rules = MUST(q.call(env.c())).inventories;
  REQUIRE(rules.size() == 3);
  CHECK(rules[0].uuid == sshRule.uuid);
  CHECK(rules[1].uuid == rule.uuid);
  CHECK(rules[1].vmNicUuid == nic.uuid);
  CHECK(rules[2].uuid == udpRule.uuid);

  DetachPortForwardingRuleAction det;
  det.uuid = rule.uuid;
  const auto detached = MUST(det.call(env.c())).inventory.value();
  CHECK(detached.uuid == rule.uuid);
  CHECK(detached.vmNicUuid.empty());
  CHECK(detached.vipPortStart == 8080);

  DeletePortForwardingRuleAction del;
  del.uuid = rule.uuid;
  MUST(del.call(env.c()));
  used.protocol = "tcp";
  tcp = MUST(used.call(env.c())).inventories;
  REQUIRE(tcp.size() == 1);
  CHECK(tcp[0].usedPorts == std::vector<std::string>{"22"});
  // the freed range can be taken again
  conflict.name = "pf-retake";
  const auto retaken = MUST(conflict.call(env.c())).inventory.value();
  CHECK(retaken.vipPortStart == 8080);

  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  dv.deleteMode = "Enforcing";
  MUST(dv.call(env.c()));
  CHECK(queryByUuid<QueryPortForwardingRuleAction>(env, sshRule.uuid).empty());
}

// --------------------------------------------------------- security group

void securityGroupScenario(Env& env) {
  const auto& seed = env.seed();
  CreateSecurityGroupAction cs;
  cs.name = "sg-web";
  cs.description = "HTTP in, DNS out";
  const auto sg = MUST(cs.call(env.c())).inventory.value();
  CHECK(isHex32(sg.uuid));
  CHECK(sg.name == "sg-web");
  CHECK(sg.description == "HTTP in, DNS out");
  CHECK(sg.state == "Enabled");
  CHECK(sg.ipVersion == 4);
  CHECK(sg.rules.empty());
  CHECK(sg.attachedL3NetworkUuids.empty());

  AddSecurityGroupRuleAction add;
  add.securityGroupUuid = sg.uuid;
  SecurityGroupRuleAO http;
  http.type = "Ingress";
  http.protocol = "TCP";
  http.startPort = 80;
  http.endPort = 80;
  http.allowedCidr = "0.0.0.0/0";
  SecurityGroupRuleAO dns;
  dns.type = "Egress";
  dns.protocol = "UDP";
  dns.startPort = 53;
  dns.endPort = 53;
  dns.allowedCidr = "10.0.0.0/8";
  add.rules = {http, dns};
  const auto withRules = MUST(add.call(env.c())).inventory.value();
  CHECK(withRules.uuid == sg.uuid);
  REQUIRE(withRules.rules.size() == 2);
  SecurityGroupRuleInventory ingress, egress;
  for (const auto& r : withRules.rules) (r.type == "Ingress" ? ingress : egress) = r;
  CHECK(isHex32(ingress.uuid));
  CHECK(ingress.securityGroupUuid == sg.uuid);
  CHECK(ingress.protocol == "TCP");
  CHECK(ingress.startPort == 80);
  CHECK(ingress.endPort == 80);
  CHECK(ingress.allowedCidr == "0.0.0.0/0");
  CHECK(ingress.state == "Enabled");
  CHECK(ingress.ipVersion == 4);
  CHECK(ingress.remoteSecurityGroupUuid.empty());
  CHECK(egress.type == "Egress");
  CHECK(egress.protocol == "UDP");
  CHECK(egress.startPort == 53);
  CHECK(egress.allowedCidr == "10.0.0.0/8");

  // the same rule again is refused
  AddSecurityGroupRuleAction again = add;
  again.rules = {http};
  checkOperationFailure(MUST_FAIL(again.call(env.c())), "AddSecurityGroupRule", ingress.uuid);

  // a NIC cannot join before the group is attached to its L3
  AddVmNicToSecurityGroupAction early;
  early.securityGroupUuid = sg.uuid;
  early.vmNicUuids = {seed.vmNicUuids.at(0)};
  checkOperationFailure(MUST_FAIL(early.call(env.c())), "AddVmNicToSecurityGroup", seed.privateL3Uuid);

  AttachSecurityGroupToL3NetworkAction attach;
  attach.securityGroupUuid = sg.uuid;
  attach.l3NetworkUuid = seed.privateL3Uuid;
  const auto attached = MUST(attach.call(env.c())).inventory.value();
  CHECK(attached.attachedL3NetworkUuids == std::vector<std::string>{seed.privateL3Uuid});
  CHECK(attached.rules.size() == 2);

  GetCandidateVmNicForSecurityGroupAction cand;
  cand.securityGroupUuid = sg.uuid;
  auto candidates = uuidsOf(MUST(cand.call(env.c())).inventories);
  CHECK(candidates == std::set<std::string>(seed.vmNicUuids.begin(), seed.vmNicUuids.end()));

  AddVmNicToSecurityGroupAction addNics;
  addNics.securityGroupUuid = sg.uuid;
  addNics.vmNicUuids = {seed.vmNicUuids.at(0), seed.vmNicUuids.at(1)};
  MUST(addNics.call(env.c()));
  candidates = uuidsOf(MUST(cand.call(env.c())).inventories);
  CHECK(candidates == std::set<std::string>{seed.vmNicUuids.at(2), seed.vmNicUuids.at(3)});

  QueryVmNicInSecurityGroupAction members;
  members.where(field("securityGroupUuid") == sg.uuid);
  members.sortBy = "vmNicUuid";
  auto refs = MUST(members.call(env.c())).inventories;
  REQUIRE(refs.size() == 2);
  for (const auto& ref : refs) {
    CHECK(ref.securityGroupUuid == sg.uuid);
    const auto at = std::find(seed.vmNicUuids.begin(), seed.vmNicUuids.end(), ref.vmNicUuid) - seed.vmNicUuids.begin();
    REQUIRE(at < 2);
    CHECK(ref.vmInstanceUuid == seed.vmUuids.at(static_cast<std::size_t>(at)));
    CHECK(ref.createDate.has_value());
  }

  QuerySecurityGroupRuleAction rq;
  rq.where(field("securityGroupUuid") == sg.uuid).where(field("type") == "Ingress");
  auto ingressRules = MUST(rq.call(env.c())).inventories;
  REQUIRE(ingressRules.size() == 1);
  CHECK(ingressRules[0].uuid == ingress.uuid);
  CHECK(ingressRules[0].protocol == "TCP");
  CHECK(ingressRules[0].startPort == 80);
  CHECK(ingressRules[0].endPort == 80);

  // cross-table condition: groups having a UDP rule
  QuerySecurityGroupAction sq;
  sq.where(field("rules.protocol") == "UDP").where(field("uuid") == sg.uuid);
  auto groups = MUST(sq.call(env.c())).inventories;
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].rules.size() == 2);
  CHECK(groups[0].attachedL3NetworkUuids == std::vector<std::string>{seed.privateL3Uuid});

  DeleteSecurityGroupRuleAction delRule;
  delRule.ruleUuids = {ingress.uuid};
  const auto afterDelete = MUST(delRule.call(env.c())).inventory.value();
  CHECK(afterDelete.uuid == sg.uuid);
  REQUIRE(afterDelete.rules.size() == 1);
  CHECK(afterDelete.rules[0].uuid == egress.uuid);
  CHECK(MUST(rq.call(env.c())).inventories.empty());

  DeleteVmNicFromSecurityGroupAction delNic;
  delNic.securityGroupUuid = sg.uuid;
  delNic.vmNicUuids = {seed.vmNicUuids.at(0)};
  MUST(delNic.call(env.c()));
  refs = MUST(members.call(env.c())).inventories;
  REQUIRE(refs.size() == 1);
  CHECK(refs[0].vmNicUuid == seed.vmNicUuids.at(1));
  CHECK(uuidsOf(MUST(cand.call(env.c())).inventories).count(seed.vmNicUuids.at(0)) == 1);

  DetachSecurityGroupFromL3NetworkAction detach;
  detach.securityGroupUuid = sg.uuid;
  detach.l3NetworkUuid = seed.privateL3Uuid;
  const auto detached = MUST(detach.call(env.c())).inventory.value();
  CHECK(detached.uuid == sg.uuid);
  CHECK(detached.attachedL3NetworkUuids.empty());
  CHECK(MUST(members.call(env.c())).inventories.empty());  // memberships go with the L3
  CHECK(MUST(cand.call(env.c())).inventories.empty());

  DeleteSecurityGroupAction del;
  del.uuid = sg.uuid;
  MUST(del.call(env.c()));
  CHECK(queryByUuid<QuerySecurityGroupAction>(env, sg.uuid).empty());
  QuerySecurityGroupRuleAction leftover;
  leftover.where(field("securityGroupUuid") == sg.uuid);
  CHECK(MUST(leftover.call(env.c())).inventories.empty());
}

// ---------------------------------------------------------- load balancer

void loadBalancerScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "lb-vip");

  CreateLoadBalancerAction clb;
  clb.name = "web-lb";
  clb.description = "front";
  clb.vipUuid = vip.uuid;
  const auto lb = MUST(clb.call(env.c())).inventory.value();
  CHECK(isHex32(lb.uuid));
  CHECK(lb.name == "web-lb");
  CHECK(lb.description == "front");
  CHECK(lb.vipUuid == vip.uuid);
  CHECK(lb.state == "Enabled");
  CHECK(lb.listeners.empty());

  // one load balancer per VIP
  CreateLoadBalancerAction second = clb;
  second.name = "second-lb";
  checkOperationFailure(MUST_FAIL(second.call(env.c())), "CreateLoadBalancer", lb.uuid);

  CreateCertificateAction cc;
  cc.name = "web-cert";
  cc.certificate = kCertificate;
  cc.description = "test cert";
  const auto cert = MUST(cc.call(env.c())).inventory.value();
  CHECK(isHex32(cert.uuid));
  CHECK(cert.name == "web-cert");
  CHECK(cert.certificate == kCertificate);
  CHECK(cert.description == "test cert");
  CHECK(cert.listeners.empty());

  CreateLoadBalancerListenerAction cl;
  cl.loadBalancerUuid = lb.uuid;
  cl.name = "https";
  cl.description = "tls";
  cl.protocol = "https";
  cl.loadBalancerPort = 443;
  cl.instancePort = 8443;
  const auto listener = MUST(cl.call(env.c())).inventory.value();
  CHECK(isHex32(listener.uuid));
  CHECK(listener.name == "https");
  CHECK(listener.description == "tls");
  CHECK(listener.loadBalancerUuid == lb.uuid);
  CHECK(listener.protocol == "https");
  CHECK(listener.loadBalancerPort == 443);
  CHECK(listener.instancePort == 8443);
  CHECK(listener.vmNicRefs.empty());
  CHECK(listener.certificateRefs.empty());

  CreateLoadBalancerListenerAction tcpL;
  tcpL.loadBalancerUuid = lb.uuid;
  tcpL.name = "plain";
  tcpL.loadBalancerPort = 80;
  const auto plain = MUST(tcpL.call(env.c())).inventory.value();
  CHECK(plain.protocol == "tcp");
  CHECK(plain.instancePort == 80);
  // the port is taken on the VIP
  CreateLoadBalancerListenerAction clash = tcpL;
  clash.name = "clash";
  clash.protocol = "http";
  checkOperationFailure(MUST_FAIL(clash.call(env.c())), "CreateLoadBalancerListener", plain.uuid);
  GetVipUsedPortsAction used;
  used.uuid = vip.uuid;
  used.protocol = "tcp";
  auto ports = MUST(used.call(env.c())).inventories;
  REQUIRE(ports.size() == 1);
  CHECK(ports[0].usedPorts == std::vector<std::string>{"80", "443"});

  // certificates only on https listeners
  AddCertificateToLoadBalancerListenerAction addCertPlain;
  addCertPlain.listenerUuid = plain.uuid;
  addCertPlain.certificateUuid = cert.uuid;
  checkOperationFailure(MUST_FAIL(addCertPlain.call(env.c())), "AddCertificateToLoadBalancerListener", "https");

  AddCertificateToLoadBalancerListenerAction addCert;
  addCert.listenerUuid = listener.uuid;
  addCert.certificateUuid = cert.uuid;
  const auto withCert = MUST(addCert.call(env.c())).inventory.value();
  CHECK(withCert.uuid == listener.uuid);
  REQUIRE(withCert.certificateRefs.size() == 1);
  CHECK(withCert.certificateRefs[0].certificateUuid == cert.uuid);
  CHECK(withCert.certificateRefs[0].listenerUuid == listener.uuid);
  auto certs = queryByUuid<QueryCertificateAction>(env, cert.uuid);
  REQUIRE(certs.size() == 1);
  REQUIRE(certs[0].listeners.size() == 1);
  CHECK(certs[0].listeners[0].listenerUuid == listener.uuid);

  GetCandidateVmNicsForLoadBalancerAction cand;
  cand.listenerUuid = listener.uuid;
  const auto nics = MUST(cand.call(env.c())).inventories;
  for (const auto& n : seed.vmNicUuids) CHECK(any(nics, [&](const VmNicInventory& x) { return x.uuid == n; }));
  CHECK_FALSE(any(nics, [&](const VmNicInventory& x) { return x.l3NetworkUuid == vip.l3NetworkUuid; }));

  AddVmNicToLoadBalancerAction addNics;
  addNics.listenerUuid = listener.uuid;
  addNics.vmNicUuids = {seed.vmNicUuids.at(0), seed.vmNicUuids.at(1)};
  const auto withNics = MUST(addNics.call(env.c())).inventory.value();
  CHECK(withNics.uuid == listener.uuid);
  REQUIRE(withNics.vmNicRefs.size() == 2);
  CHECK(withNics.vmNicRefs[0].vmNicUuid == seed.vmNicUuids.at(0));
  CHECK(withNics.vmNicRefs[1].vmNicUuid == seed.vmNicUuids.at(1));
  CHECK(withNics.vmNicRefs[0].listenerUuid == listener.uuid);
  CHECK(withNics.vmNicRefs[0].status == "Active");
  CHECK(withNics.certificateRefs.size() == 1);
  auto remaining = uuidsOf(MUST(cand.call(env.c())).inventories);
  CHECK(remaining.count(seed.vmNicUuids.at(0)) == 0);
  CHECK(remaining.count(seed.vmNicUuids.at(2)) == 1);
  checkOperationFailure(MUST_FAIL(addNics.call(env.c())), "AddVmNicToLoadBalancer", "already");

  QueryLoadBalancerListenerAction ql;
  ql.where(field("uuid") == listener.uuid);
  auto listeners = MUST(ql.call(env.c())).inventories;
  REQUIRE(listeners.size() == 1);
  CHECK(listeners[0].vmNicRefs.size() == 2);
  CHECK(listeners[0].certificateRefs.size() == 1);
  CHECK(listeners[0].loadBalancerPort == 443);

  QueryLoadBalancerAction qlb;
  qlb.where(field("uuid") == lb.uuid);
  auto lbs = MUST(qlb.call(env.c())).inventories;
  REQUIRE(lbs.size() == 1);
  CHECK(lbs[0].vipUuid == vip.uuid);
  REQUIRE(lbs[0].listeners.size() == 2);
  CHECK(uuidsOf(lbs[0].listeners) == std::set<std::string>{listener.uuid, plain.uuid});
  // cross-table: load balancers with an https listener
  QueryLoadBalancerAction byProto;
  byProto.where(field("listeners.protocol") == "https").where(field("vipUuid") == vip.uuid);
  CHECK(MUST(byProto.call(env.c())).inventories.size() == 1);

  RemoveVmNicFromLoadBalancerAction rm;
  rm.listenerUuid = listener.uuid;
  rm.vmNicUuids = {seed.vmNicUuids.at(0)};
  const auto lbAfter = MUST(rm.call(env.c())).inventory.value();
  CHECK(lbAfter.uuid == lb.uuid);
  REQUIRE(lbAfter.listeners.size() == 2);
  for (const auto& l : lbAfter.listeners)
    if (l.uuid == listener.uuid) {
      REQUIRE(l.vmNicRefs.size() == 1);
      CHECK(l.vmNicRefs[0].vmNicUuid == seed.vmNicUuids.at(1));
    }

  RemoveCertificateFromLoadBalancerListenerAction rmCert;
  rmCert.listenerUuid = listener.uuid;
  rmCert.certificateUuid = cert.uuid;
  const auto noCert = MUST(rmCert.call(env.c())).inventory.value();
  CHECK(noCert.uuid == listener.uuid);
  CHECK(noCert.certificateRefs.empty());
  CHECK(noCert.vmNicRefs.size() == 1);
  certs = queryByUuid<QueryCertificateAction>(env, cert.uuid);
  REQUIRE(certs.size() == 1);
  CHECK(certs[0].listeners.empty());

  RefreshLoadBalancerAction refresh;
  refresh.uuid = lb.uuid;
  const auto refreshed = MUST(refresh.call(env.c())).inventory.value();
  CHECK(refreshed.uuid == lb.uuid);
  CHECK(refreshed.name == "web-lb");
  CHECK(refreshed.listeners.size() == 2);

  UpdateLoadBalancerAction ulb;
  ulb.uuid = lb.uuid;
  ulb.name = "web-lb-2";
  ulb.description = "renamed";
  const auto updated = MUST(ulb.call(env.c())).inventory.value();
  CHECK(updated.uuid == lb.uuid);
  CHECK(updated.name == "web-lb-2");
  CHECK(updated.description == "renamed");
  CHECK(updated.vipUuid == vip.uuid);

  UpdateLoadBalancerListenerAction ul;
  ul.uuid = listener.uuid;
  ul.name = "https-2";
  ul.description = "renamed listener";
  const auto ulInv = MUST(ul.call(env.c())).inventory.value();
  CHECK(ulInv.uuid == listener.uuid);
  CHECK(ulInv.name == "https-2");
  CHECK(ulInv.description == "renamed listener");
  CHECK(ulInv.loadBalancerPort == 443);
  listeners = MUST(ql.call(env.c())).inventories;
  REQUIRE(listeners.size() == 1);
  CHECK(listeners[0].name == "https-2");

  DeleteLoadBalancerListenerAction dl;
  dl.uuid = plain.uuid;
  MUST(dl.call(env.c()));
  lbs = MUST(qlb.call(env.c())).inventories;
  REQUIRE(lbs.size() == 1);
  REQUIRE(lbs[0].listeners.size() == 1);
  CHECK(lbs[0].listeners[0].uuid == listener.uuid);
  ports = MUST(used.call(env.c())).inventories;
  REQUIRE(ports.size() == 1);
  CHECK(ports[0].usedPorts == std::vector<std::string>{"443"});

  DeleteLoadBalancerAction dlb;
  dlb.uuid = lb.uuid;
  MUST(dlb.call(env.c()));
  CHECK(MUST(qlb.call(env.c())).inventories.empty());
  CHECK(MUST(ql.call(env.c())).inventories.empty());  // listeners go with it

  DeleteCertificateAction dc;
  dc.uuid = cert.uuid;
  MUST(dc.call(env.c()));
  CHECK(queryByUuid<QueryCertificateAction>(env, cert.uuid).empty());
  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  MUST(dv.call(env.c()));
}

// ------------------------------------------------------------------ IPsec

void ipsecScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "ipsec-vip");

  CreateIPsecConnectionAction ci;
  ci.name = "to-branch";
  ci.description = "branch office";
  ci.l3NetworkUuid = seed.privateL3Uuid;
  ci.peerAddress = "203.0.113.5";
  ci.authKey = "s3cret";
  ci.vipUuid = vip.uuid;
  ci.peerCidrs = std::vector<std::string>{"10.1.0.0/24", "10.2.0.0/24"};
  ci.ikeEncryptionAlgorithm = "aes-256";
  ci.pfs = "dh-group14";
  const auto conn = MUST(ci.call(env.c())).inventory.value();
  CHECK(isHex32(conn.uuid));
  CHECK(conn.name == "to-branch");
  CHECK(conn.description == "branch office");
  CHECK(conn.l3NetworkUuid == seed.privateL3Uuid);
  CHECK(conn.peerAddress == "203.0.113.5");
  CHECK(conn.authKey == "s3cret");
  CHECK(conn.vipUuid == vip.uuid);
  CHECK(conn.authMode == "psk");  // defaults
  CHECK(conn.ikeAuthAlgorithm == "sha1");
  CHECK(conn.ikeEncryptionAlgorithm == "aes-256");
  CHECK(conn.ikeDhGroup == 2);
  CHECK(conn.policyAuthAlgorithm == "sha1");
  CHECK(conn.policyEncryptionAlgorithm == "aes-128");
  CHECK(conn.pfs == "dh-group14");
  CHECK(conn.policyMode == "tunnel");
  CHECK(conn.transformProtocol == "esp");
  CHECK(conn.state == "Enabled");
  CHECK(conn.status == "Ready");
  REQUIRE(conn.peerCidrs.size() == 2);
  std::set<std::string> cidrs;
  for (const auto& p : conn.peerCidrs) {
    cidrs.insert(p.cidr);
    CHECK(p.connectionUuid == conn.uuid);
    CHECK(isHex32(p.uuid));
  }
  CHECK(cidrs == std::set<std::string>{"10.1.0.0/24", "10.2.0.0/24"});
  REQUIRE(conn.l3NetworkRefs.size() == 1);
  CHECK(conn.l3NetworkRefs[0].l3NetworkUuid == seed.privateL3Uuid);
  CHECK(conn.l3NetworkRefs[0].connectionUuid == conn.uuid);

  UpdateIPsecConnectionAction up;
  up.uuid = conn.uuid;
  up.name = "to-branch-2";
  up.description = "renamed";
  const auto updated = MUST(up.call(env.c())).inventory.value();
  CHECK(updated.name == "to-branch-2");
  CHECK(updated.description == "renamed");
  CHECK(updated.peerAddress == "203.0.113.5");

  QueryIPSecConnectionAction q;
  q.where(field("uuid") == conn.uuid);
  auto found = MUST(q.call(env.c())).inventories;
  REQUIRE(found.size() == 1);
  CHECK(found[0].name == "to-branch-2");
  CHECK(found[0].peerCidrs.size() == 2);
  // cross-table: by peer CIDR
  QueryIPSecConnectionAction byCidr;
  byCidr.where(field("peerCidrs.cidr") == "10.2.0.0/24").where(field("vipUuid") == vip.uuid);
  CHECK(MUST(byCidr.call(env.c())).inventories.size() == 1);

  ChangeIPSecConnectionStateAction st;
  st.uuid = conn.uuid;
  st.stateEvent = "disable";
  CHECK(MUST(st.call(env.c())).inventory->state == "Disabled");
  st.stateEvent = "enable";
  CHECK(MUST(st.call(env.c())).inventory->state == "Enabled");

  AttachL3NetworksToIPsecConnectionAction al;
  al.uuid = conn.uuid;
  al.l3NetworkUuids = {seed.publicL3Uuid};
  const auto withL3 = MUST(al.call(env.c())).inventory.value();
  REQUIRE(withL3.l3NetworkRefs.size() == 2);
  std::set<std::string> l3s;
  for (const auto& r : withL3.l3NetworkRefs) l3s.insert(r.l3NetworkUuid);
  CHECK(l3s == std::set<std::string>{seed.privateL3Uuid, seed.publicL3Uuid});
  checkOperationFailure(MUST_FAIL(al.call(env.c())), "AttachL3NetworksToIPsecConnection", "already");

  AddRemoteCidrsToIPsecConnectionAction ac;
  ac.uuid = conn.uuid;
  ac.peerCidrs = {"10.3.0.0/16"};
  const auto withCidr = MUST(ac.call(env.c())).inventory.value();
  REQUIRE(withCidr.peerCidrs.size() == 3);
  CHECK(any(withCidr.peerCidrs, [](const IPsecPeerCidrInventory& p) { return p.cidr == "10.3.0.0/16"; }));

  RemoveRemoteCidrsFromIPsecConnectionAction rc;
  rc.uuid = conn.uuid;
  rc.peerCidrs = {"10.1.0.0/24"};
  const auto lessCidr = MUST(rc.call(env.c())).inventory.value();
  cidrs.clear();
  for (const auto& p : lessCidr.peerCidrs) cidrs.insert(p.cidr);
  CHECK(cidrs == std::set<std::string>{"10.2.0.0/24", "10.3.0.0/16"});
  checkOperationFailure(MUST_FAIL(rc.call(env.c())), "RemoveRemoteCidrsFromIPsecConnection", "not a remote CIDR");

  DetachL3NetworksFromIPsecConnectionAction dl;
  dl.uuid = conn.uuid;
  dl.l3NetworkUuids = {seed.privateL3Uuid};
  const auto lessL3 = MUST(dl.call(env.c())).inventory.value();
  REQUIRE(lessL3.l3NetworkRefs.size() == 1);
  CHECK(lessL3.l3NetworkRefs[0].l3NetworkUuid == seed.publicL3Uuid);

  found = MUST(q.call(env.c())).inventories;
  REQUIRE(found.size() == 1);
  CHECK(found[0].peerCidrs.size() == 2);
  CHECK(found[0].l3NetworkRefs.size() == 1);

  DeleteIPsecConnectionAction del;
  del.uuid = conn.uuid;
  MUST(del.call(env.c()));
  CHECK(MUST(q.call(env.c())).inventories.empty());
  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  MUST(dv.call(env.c()));
}

// ---------------------------------------------------------------- queries

void queryScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "query-vip");
  // 12 single-port rules, ports 1000..12000, names qpf-1..qpf-12
  std::vector<PortForwardingRuleInventory> made;
  for (int i = 1; i <= 12; ++i) {
    CreatePortForwardingRuleAction p;
    p.name = "qpf-" + std::to_string(i);
    p.vipUuid = vip.uuid;
    p.vipPortStart = i * 1000;
    p.protocolType = i % 3 == 0 ? "UDP" : "TCP";
    made.push_back(MUST(p.call(env.c())).inventory.value());
  }
  AttachPortForwardingRuleAction at;
  at.ruleUuid = made[0].uuid;
  at.vmNicUuid = seed.vmNicUuids.at(3);
  MUST(at.call(env.c()));

  auto names = [&](std::vector<query::Condition> conds) {
    QueryPortForwardingRuleAction q;
    q.where(field("vipUuid") == vip.uuid);
    for (const auto& c : conds) q.where(c);
    q.sortBy = "vipPortStart";
    std::vector<std::string> out;
    for (const auto& r : MUST(q.call(env.c())).inventories) out.push_back(r.name);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(names({field("name") == "qpf-3"}) == V{"qpf-3"});
  CHECK(names({field("name") != "qpf-3"}).size() == 11);
  CHECK(names({field("vipPortStart") < 3000}) == V{"qpf-1", "qpf-2"});
  CHECK(names({field("vipPortStart") > 10000}) == V{"qpf-11", "qpf-12"});
  CHECK(names({field("vipPortStart") <= 3000}) == V{"qpf-1", "qpf-2", "qpf-3"});
  CHECK(names({field("vipPortStart") >= 10000}) == V{"qpf-10", "qpf-11", "qpf-12"});
  CHECK(names({field("name").in(V{"qpf-4", "qpf-5", "nope"})}) == V{"qpf-4", "qpf-5"});
  CHECK(names({field("vipPortStart").in(std::vector<int>{1000, 7000})}) == V{"qpf-1", "qpf-7"});
  CHECK(names({field("name").notIn(V{"qpf-1", "qpf-2", "qpf-3", "qpf-4", "qpf-5", "qpf-6", "qpf-7", "qpf-8"})}) ==
        V{"qpf-9", "qpf-10", "qpf-11", "qpf-12"});
  CHECK(names({field("name").like("qpf-1%")}) == V{"qpf-1", "qpf-10", "qpf-11", "qpf-12"});
  CHECK(names({field("name").like("qpf-_")}).size() == 9);
  CHECK(names({field("name").notLike("qpf-1%")}).size() == 8);
  CHECK(names({field("vmNicUuid").notNull()}) == V{"qpf-1"});
  CHECK(names({field("vmNicUuid").isNull()}).size() == 11);
  CHECK(names({field("protocolType") == "UDP", field("vipPortStart") > 5000}) == V{"qpf-6", "qpf-9", "qpf-12"});
  // raw condition text works the same way
  {
    QueryPortForwardingRuleAction q;
    q.where("vipUuid=" + vip.uuid).where("name~=qpf-1_");
    CHECK(MUST(q.call(env.c())).inventories.size() == 3);
  }

  // paging: queryAll with a page of 5 over 12 (3 pages), forEachPage counting pages
  QueryPortForwardingRuleAction all;
  all.where(field("vipUuid") == vip.uuid);
  all.sortBy = "vipPortStart";
  all.sortDirection = "asc";
  auto everything = MUST(queryAll(all, env.c(), 5));
  REQUIRE(everything.size() == 12);
  for (int i = 0; i < 12; ++i) CHECK(everything[static_cast<std::size_t>(i)].vipPortStart == (i + 1) * 1000);
  CHECK(uuidsOf(everything) == uuidsOf(made));
  int pages = 0;
  std::vector<std::size_t> sizes;
  auto err = forEachPage(all, env.c(), 5, [&](std::vector<PortForwardingRuleInventory>& page) {
    ++pages;
    sizes.push_back(page.size());
    return true;
  });
  CHECK_FALSE(err.has_value());
  CHECK(pages == 3);
  CHECK(sizes == std::vector<std::size_t>{5, 5, 2});
  // stop early
  pages = 0;
  err = forEachPage(all, env.c(), 5, [&](std::vector<PortForwardingRuleInventory>&) { return ++pages < 2; });
  CHECK_FALSE(err.has_value());
  CHECK(pages == 2);

  // count=true: only the total
  QueryPortForwardingRuleAction counted = all;
  counted.count = true;
  auto c = MUST(counted.call(env.c()));
  CHECK(c.total == 12);
  CHECK(c.inventories.empty());
  counted.where(field("protocolType") == "UDP");
  CHECK(MUST(counted.call(env.c())).total == 4);

  // replyWithCount: a page plus the total
  QueryPortForwardingRuleAction page = all;
  page.replyWithCount = true;
  page.limit = 5;
  page.start = 10;
  auto p = MUST(page.call(env.c()));
  CHECK(p.total == 12);
  REQUIRE(p.inventories.size() == 2);
  CHECK(p.inventories[0].name == "qpf-11");
  CHECK(p.inventories[1].name == "qpf-12");
  // without replyWithCount no total
  page.replyWithCount.reset();
  CHECK_FALSE(MUST(page.call(env.c())).total.has_value());

  // sortBy + sortDirection
  QueryPortForwardingRuleAction desc = all;
  desc.sortDirection = "desc";
  desc.limit = 3;
  auto d = MUST(desc.call(env.c())).inventories;
  REQUIRE(d.size() == 3);
  CHECK(d[0].vipPortStart == 12000);
  CHECK(d[1].vipPortStart == 11000);
  CHECK(d[2].vipPortStart == 10000);
  QueryPortForwardingRuleAction byName = all;
  byName.sortBy = "name";
  byName.sortDirection = "desc";
  byName.limit = 1;
  auto bn = MUST(byName.call(env.c())).inventories;
  REQUIRE(bn.size() == 1);
  CHECK(bn[0].name == "qpf-9");  // string order

  // fields: only those columns come back
  QueryPortForwardingRuleAction cols = all;
  cols.fields = {"uuid", "name"};
  cols.limit = 2;
  auto f = MUST(cols.call(env.c())).inventories;
  REQUIRE(f.size() == 2);
  CHECK(isHex32(f[0].uuid));
  CHECK(f[0].name == "qpf-1");
  CHECK(f[0].vipUuid.empty());
  CHECK_FALSE(f[0].vipPortStart.has_value());
  CHECK(f[0].protocolType.empty());
  CHECK_FALSE(f[0].createDate.has_value());

  // groupBy is accepted
  QueryPortForwardingRuleAction grouped = all;
  grouped.groupBy = "protocolType";
  CHECK(MUST(grouped.call(env.c())).inventories.size() == 12);

  // a condition on a field the inventory lacks: 503 SYS.1007
  QueryPortForwardingRuleAction unknown;
  unknown.where(field("noSuchField") == "x");
  auto e = MUST_FAIL(unknown.call(env.c()));
  CHECK(e.kind == ErrorKind::Api);
  CHECK(e.httpStatus == 503);
  REQUIRE(e.api);
  CHECK(e.api->code == "SYS.1007");

  // values with characters that need encoding
  {
    QueryVipAction qv;
    qv.where(field("name") == "query-vip").where(field("ip") == vip.ip);
    auto v = MUST(qv.call(env.c())).inventories;
    REQUIRE(v.size() == 1);
    CHECK(v[0].uuid == vip.uuid);
  }

  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  dv.deleteMode = "Enforcing";
  MUST(dv.call(env.c()));
  QueryPortForwardingRuleAction gone;
  gone.where(field("vipUuid") == vip.uuid);
  gone.count = true;
  CHECK(MUST(gone.call(env.c())).total == 0);
}

// ---------------------------------------------------------- state changes

void stateChangeScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "state-vip");
  ChangeVipStateAction vs;
  vs.uuid = vip.uuid;
  vs.stateEvent = "disable";
  auto v = MUST(vs.call(env.c())).inventory.value();
  CHECK(v.uuid == vip.uuid);
  CHECK(v.state == "Disabled");
  CHECK(queryByUuid<QueryVipAction>(env, vip.uuid).at(0).state == "Disabled");
  // a disabled VIP cannot be used
  CreateEipAction ce;
  ce.name = "state-eip";
  ce.vipUuid = vip.uuid;
  checkOperationFailure(MUST_FAIL(ce.call(env.c())), "CreateEip", "disabled");
  vs.stateEvent = "ENABLE";  // valid values are case-insensitive
  CHECK(MUST(vs.call(env.c())).inventory->state == "Enabled");

  // invalid state event: the SDK refuses before sending
  vs.stateEvent = "pause";
  auto inval = MUST_FAIL(vs.call(env.c()));
  CHECK(inval.kind == ErrorKind::Validation);
  REQUIRE_FALSE(inval.violations.empty());
  CHECK(inval.violations[0].field == "stateEvent");

  const auto eip = MUST(ce.call(env.c())).inventory.value();
  ChangeEipStateAction es;
  es.uuid = eip.uuid;
  es.stateEvent = "disable";
  CHECK(MUST(es.call(env.c())).inventory->state == "Disabled");
  CHECK(queryByUuid<QueryEipAction>(env, eip.uuid).at(0).state == "Disabled");
  es.stateEvent = "enable";
  CHECK(MUST(es.call(env.c())).inventory->state == "Enabled");

  const auto vip2 = createVip(env, "state-vip-2");
  CreatePortForwardingRuleAction cp;
  cp.name = "state-pf";
  cp.vipUuid = vip2.uuid;
  cp.vipPortStart = 443;
  cp.protocolType = "TCP";
  const auto pf = MUST(cp.call(env.c())).inventory.value();
  ChangePortForwardingRuleStateAction ps;
  ps.uuid = pf.uuid;
  ps.stateEvent = "disable";
  CHECK(MUST(ps.call(env.c())).inventory->state == "Disabled");
  CHECK(queryByUuid<QueryPortForwardingRuleAction>(env, pf.uuid).at(0).state == "Disabled");
  ps.stateEvent = "enable";
  CHECK(MUST(ps.call(env.c())).inventory->state == "Enabled");

  CreateSecurityGroupAction cs;
  cs.name = "state-sg";
  const auto sg = MUST(cs.call(env.c())).inventory.value();
  ChangeSecurityGroupStateAction ss;
  ss.uuid = sg.uuid;
  ss.stateEvent = "disable";
  CHECK(MUST(ss.call(env.c())).inventory->state == "Disabled");
  CHECK(queryByUuid<QuerySecurityGroupAction>(env, sg.uuid).at(0).state == "Disabled");
  ss.stateEvent = "enable";
  CHECK(MUST(ss.call(env.c())).inventory->state == "Enabled");

  CreateIPsecConnectionAction ci;
  ci.name = "state-ipsec";
  ci.peerAddress = "198.51.100.7";
  ci.authKey = "k";
  ci.vipUuid = vip2.uuid;
  const auto conn = MUST(ci.call(env.c())).inventory.value();
  ChangeIPSecConnectionStateAction is;
  is.uuid = conn.uuid;
  is.stateEvent = "disable";
  CHECK(MUST(is.call(env.c())).inventory->state == "Disabled");
  CHECK(queryByUuid<QueryIPSecConnectionAction>(env, conn.uuid).at(0).state == "Disabled");
  is.stateEvent = "enable";
  CHECK(MUST(is.call(env.c())).inventory->state == "Enabled");

  REQUIRE(seed.iam2VirtualIdUuids.size() == 3);
  for (const auto& id : seed.iam2VirtualIdUuids) {
    ChangeIAM2VirtualIDStateAction a;
    a.uuid = id;
    a.stateEvent = "disable";
    auto inv = MUST(a.call(env.c())).inventory.value();
    CHECK(inv.uuid == id);
    CHECK(inv.state == "Disabled");
    CHECK_FALSE(inv.name.empty());
    a.stateEvent = "enable";
    inv = MUST(a.call(env.c())).inventory.value();
    CHECK(inv.state == "Enabled");
  }
  {
    ChangeIAM2VirtualIDStateAction a;
    a.uuid = seed.iam2VirtualIdUuids[0];
    a.stateEvent = "enable";
    auto inv = MUST(a.call(env.c())).inventory.value();
    CHECK(inv.name == "alice");
    REQUIRE(inv.attributes.size() == 1);
    CHECK(inv.attributes[0].name == "__PlatformAdmin__");
  }
  ChangeIAM2VirtualIDStateAction unknownId;
  unknownId.uuid = "00000000000000000000000000000000";
  unknownId.stateEvent = "enable";
  auto missing = MUST_FAIL(unknownId.call(env.c()));
  CHECK(missing.kind == ErrorKind::Api);
  REQUIRE(missing.api);
  CHECK(missing.api->code == "SYS.1007");

  REQUIRE(seed.firewallRuleUuids.size() == 3);
  for (const auto& id : seed.firewallRuleUuids) {
    ChangeFirewallRuleStateAction a;
    a.uuid = id;
    a.state = "disable";
    auto inv = MUST(a.call(env.c())).inventory.value();
    CHECK(inv.uuid == id);
    CHECK(inv.state == "disable");
    CHECK(inv.ruleNumber.has_value());
    a.state = "enable";
    CHECK(MUST(a.call(env.c())).inventory->state == "enable");
  }
  {
    ChangeFirewallRuleStateAction a;
    a.uuid = seed.firewallRuleUuids[0];
    a.state = "enable";
    auto inv = MUST(a.call(env.c())).inventory.value();
    CHECK(inv.ruleNumber == 1001);
    CHECK(inv.protocol == "TCP");
    CHECK(inv.destPort == "22");
    CHECK(inv.action == "accept");
    CHECK(inv.isApplied == true);
  }

  DeleteSecurityGroupAction ds;
  ds.uuid = sg.uuid;
  MUST(ds.call(env.c()));
  for (const auto& u : {vip.uuid, vip2.uuid}) {
    DeleteVipAction dv;
    dv.uuid = u;
    dv.deleteMode = "Enforcing";
    MUST(dv.call(env.c()));
  }
}

// ---------------------------------------------------------------- deletes

void deleteScenario(Env& env) {
  const auto& seed = env.seed();
  const auto vip = createVip(env, "del-vip");
  CreateEipAction ce;
  ce.name = "del-eip";
  ce.vipUuid = vip.uuid;
  ce.vmNicUuid = seed.vmNicUuids.at(3);
  const auto eip = MUST(ce.call(env.c())).inventory.value();
  SetVipQosAction qos;
  qos.uuid = vip.uuid;
  qos.outboundBandwidth = 1048576;
  MUST(qos.call(env.c()));

  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  checkOperationFailure(MUST_FAIL(dv.call(env.c())), "DeleteVip", eip.uuid);
  dv.deleteMode = "Permissive";
  checkOperationFailure(MUST_FAIL(dv.call(env.c())), "DeleteVip", "Enforcing");
  CHECK(queryByUuid<QueryVipAction>(env, vip.uuid).size() == 1);
  dv.deleteMode = "Enforcing";
  MUST(dv.call(env.c()));
  CHECK(queryByUuid<QueryVipAction>(env, vip.uuid).empty());
  CHECK(queryByUuid<QueryEipAction>(env, eip.uuid).empty());  // the EIP went with it
  // deleting what is gone: the simulator says the resource does not exist
  dv.deleteMode.reset();
  auto again = MUST_FAIL(dv.call(env.c()));
  CHECK(again.kind == ErrorKind::Api);
  REQUIRE(again.api);
  CHECK(again.api->code == "SYS.1007");
  // an invalid deleteMode never reaches the server
  dv.deleteMode = "Sometimes";
  auto inval = MUST_FAIL(dv.call(env.c()));
  CHECK(inval.kind == ErrorKind::Validation);

  // a security group attached to an L3
  CreateSecurityGroupAction cs;
  cs.name = "del-sg";
  const auto sg = MUST(cs.call(env.c())).inventory.value();
  AttachSecurityGroupToL3NetworkAction at;
  at.securityGroupUuid = sg.uuid;
  at.l3NetworkUuid = seed.privateL3Uuid;
  MUST(at.call(env.c()));
  DeleteSecurityGroupAction ds;
  ds.uuid = sg.uuid;
  checkOperationFailure(MUST_FAIL(ds.call(env.c())), "DeleteSecurityGroup", seed.privateL3Uuid);
  ds.deleteMode = "Enforcing";
  MUST(ds.call(env.c()));
  CHECK(queryByUuid<QuerySecurityGroupAction>(env, sg.uuid).empty());

  // a certificate used by a listener
  const auto lbVip = createVip(env, "del-lb-vip");
  CreateLoadBalancerAction clb;
  clb.name = "del-lb";
  clb.vipUuid = lbVip.uuid;
  const auto lb = MUST(clb.call(env.c())).inventory.value();
  CreateCertificateAction cc;
  cc.name = "del-cert";
  cc.certificate = kCertificate;
  const auto cert = MUST(cc.call(env.c())).inventory.value();
  CreateLoadBalancerListenerAction cl;
  cl.loadBalancerUuid = lb.uuid;
  cl.name = "del-https";
  cl.protocol = "https";
  cl.loadBalancerPort = 443;
  cl.certificateUuid = cert.uuid;
  const auto listener = MUST(cl.call(env.c())).inventory.value();
  REQUIRE(listener.certificateRefs.size() == 1);
  DeleteCertificateAction dc;
  dc.uuid = cert.uuid;
  checkOperationFailure(MUST_FAIL(dc.call(env.c())), "DeleteCertificate", listener.uuid);
  dc.deleteMode = "Enforcing";
  MUST(dc.call(env.c()));
  QueryLoadBalancerListenerAction ql;
  ql.where(field("uuid") == listener.uuid);
  auto ls = MUST(ql.call(env.c())).inventories;
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].certificateRefs.empty());
  // a VIP used by a load balancer: Enforcing removes the LB and its listeners
  DeleteVipAction dlv;
  dlv.uuid = lbVip.uuid;
  checkOperationFailure(MUST_FAIL(dlv.call(env.c())), "DeleteVip", "LoadBalancer");
  dlv.deleteMode = "Enforcing";
  MUST(dlv.call(env.c()));
  CHECK(queryByUuid<QueryLoadBalancerAction>(env, lb.uuid).empty());
  CHECK(MUST(ql.call(env.c())).inventories.empty());
}

// ------------------------------------------------------- network services

void networkServiceScenario(Env& env) {
  const auto& seed = env.seed();
  GetNetworkServiceTypesAction gt;
  const auto types = MUST(gt.call(env.c())).types;
  REQUIRE(types.count("SecurityGroup") == 1);
  REQUIRE(types.count("Eip") == 1);
  REQUIRE(types.count("IPsec") == 1);
  CHECK(types.at("SecurityGroup").size() == 1);
  CHECK(types.at("Eip").size() == 3);  // VirtualRouter, vrouter, Flat
  for (const auto& [type, providers] : types)
    for (const auto& p : providers)
      CHECK(std::find(seed.providerUuids.begin(), seed.providerUuids.end(), p) != seed.providerUuids.end());

  QueryNetworkServiceProviderAction qp;
  const auto providers = MUST(qp.call(env.c())).inventories;
  REQUIRE(providers.size() == 4);
  CHECK(uuidsOf(providers) == std::set<std::string>(seed.providerUuids.begin(), seed.providerUuids.end()));
  std::string vrouter, flat;
  for (const auto& p : providers) {
    if (p.type == "vrouter") vrouter = p.uuid;
    if (p.type == "Flat") flat = p.uuid;
    CHECK_FALSE(p.networkServiceTypes.empty());
  }
  REQUIRE_FALSE(vrouter.empty());
  QueryNetworkServiceProviderAction qsg;
  qsg.where(field("networkServiceTypes") == "SecurityGroup");
  auto sgProviders = MUST(qsg.call(env.c())).inventories;
  REQUIRE(sgProviders.size() == 1);
  CHECK(sgProviders[0].type == "SecurityGroup");
  CHECK(sgProviders[0].networkServiceTypes == std::vector<std::string>{"SecurityGroup"});

  QueryNetworkServiceL3NetworkRefAction qr;
  qr.where(field("l3NetworkUuid") == seed.privateL3Uuid);
  auto refs = MUST(qr.call(env.c())).inventories;
  const auto before = refs.size();
  CHECK(before == 4);
  CHECK(any(refs, [&](const NetworkServiceL3NetworkRefInventory& r) {
    return r.networkServiceType == "SNAT" && r.networkServiceProviderUuid == vrouter;
  }));
  CHECK_FALSE(any(refs, [](const NetworkServiceL3NetworkRefInventory& r) { return r.networkServiceType == "Eip"; }));

  AttachNetworkServiceToL3NetworkAction an;
  an.l3NetworkUuid = seed.privateL3Uuid;
  an.networkServices = {{vrouter, {"Eip", "PortForwarding"}}};
  const auto l3 = MUST(an.call(env.c())).inventory.value();
  CHECK(l3.uuid == seed.privateL3Uuid);
  CHECK(l3.category == "Private");
  CHECK(l3.networkServices.size() == before + 2);
  CHECK(any(l3.networkServices, [&](const NetworkServiceL3NetworkRefInventory& r) {
    return r.networkServiceType == "Eip" && r.networkServiceProviderUuid == vrouter && r.l3NetworkUuid == l3.uuid;
  }));
  REQUIRE_FALSE(l3.ipRanges.empty());
  CHECK(l3.ipRanges[0].networkCidr == seed.privateL3Cidr);
  refs = MUST(qr.call(env.c())).inventories;
  CHECK(refs.size() == before + 2);
  QueryNetworkServiceL3NetworkRefAction qEip;
  qEip.where(field("l3NetworkUuid") == seed.privateL3Uuid).where(field("networkServiceType") == "Eip");
  auto eipRefs = MUST(qEip.call(env.c())).inventories;
  REQUIRE(eipRefs.size() == 1);
  CHECK(eipRefs[0].networkServiceProviderUuid == vrouter);

  // a provider that does not offer the service: refused
  AttachNetworkServiceToL3NetworkAction bad;
  bad.l3NetworkUuid = seed.privateL3Uuid;
  bad.networkServices = {{flat, {"IPsec"}}};
  auto e = MUST_FAIL(bad.call(env.c()));
  CHECK(e.kind == ErrorKind::Api);
  REQUIRE(e.api);
  CHECK(e.api->code == "SYS.1007");

  DetachNetworkServiceFromL3NetworkAction dn;
  dn.l3NetworkUuid = seed.privateL3Uuid;
  dn.networkServices = {{vrouter, {"Eip", "PortForwarding"}}};
  const auto after = MUST(dn.call(env.c())).inventory.value();
  CHECK(after.uuid == seed.privateL3Uuid);
  CHECK(after.networkServices.size() == before);
  CHECK(MUST(qEip.call(env.c())).inventories.empty());
  CHECK(MUST(qr.call(env.c())).inventories.size() == before);
}

// ---------------------------------------------------------------- VIP QoS

void vipQosScenario(Env& env) {
  const auto vip = createVip(env, "qos-vip");
  GetVipQosAction get;
  get.uuid = vip.uuid;
  CHECK(MUST(get.call(env.c())).inventories.empty());

  SetVipQosAction s;
  s.uuid = vip.uuid;
  s.port = 80;
  s.outboundBandwidth = 1048576;
  s.inboundBandwidth = 2097152;
  const auto q80 = MUST(s.call(env.c())).inventory.value();
  CHECK(isHex32(q80.uuid));
  CHECK(q80.vipUuid == vip.uuid);
  CHECK(q80.port == 80);
  CHECK(q80.outboundBandwidth == 1048576);
  CHECK(q80.inboundBandwidth == 2097152);

  SetVipQosAction whole;
  whole.uuid = vip.uuid;
  whole.outboundBandwidth = 10485760;
  const auto qAll = MUST(whole.call(env.c())).inventory.value();
  CHECK(qAll.vipUuid == vip.uuid);
  CHECK_FALSE(qAll.port.has_value());
  CHECK(qAll.outboundBandwidth == 10485760);
  CHECK_FALSE(qAll.inboundBandwidth.has_value());

  // updating the port-80 entry keeps one entry
  s.inboundBandwidth = 4194304;
  s.outboundBandwidth.reset();
  const auto q80b = MUST(s.call(env.c())).inventory.value();
  CHECK(q80b.uuid == q80.uuid);
  CHECK(q80b.inboundBandwidth == 4194304);
  CHECK(q80b.outboundBandwidth == 1048576);

  auto list = MUST(get.call(env.c())).inventories;
  REQUIRE(list.size() == 2);
  CHECK(uuidsOf(list) == std::set<std::string>{q80.uuid, qAll.uuid});

  // below the documented minimum: the SDK refuses before sending
  SetVipQosAction tooLow;
  tooLow.uuid = vip.uuid;
  tooLow.outboundBandwidth = 1000;
  auto inval = MUST_FAIL(tooLow.call(env.c()));
  CHECK(inval.kind == ErrorKind::Validation);

  DeleteVipQosAction del;
  del.uuid = vip.uuid;
  del.port = 80;
  MUST(del.call(env.c()));
  list = MUST(get.call(env.c())).inventories;
  REQUIRE(list.size() == 1);
  CHECK(list[0].uuid == qAll.uuid);
  DeleteVipQosAction delAll;
  delAll.uuid = vip.uuid;
  MUST(delAll.call(env.c()));
  CHECK(MUST(get.call(env.c())).inventories.empty());

  DeleteVipAction dv;
  dv.uuid = vip.uuid;
  MUST(dv.call(env.c()));
  auto gone = MUST_FAIL(get.call(env.c()));
  CHECK(gone.kind == ErrorKind::Api);
  REQUIRE(gone.api);
  CHECK(gone.api->code == "SYS.1007");
}

// ---------------------------------------------------------------- updates

void updateScenario(Env& env) {
  const auto vip = createVip(env, "upd-vip");
  UpdateVipAction uv;
  uv.uuid = vip.uuid;
  uv.name = "upd-vip-2";
  uv.description = "new description";
  auto v = MUST(uv.call(env.c())).inventory.value();
  CHECK(v.uuid == vip.uuid);
  CHECK(v.name == "upd-vip-2");
  CHECK(v.description == "new description");
  CHECK(v.ip == vip.ip);
  CHECK(v.createDate == vip.createDate);
  // only the description: the name stays
  UpdateVipAction onlyDesc;
  onlyDesc.uuid = vip.uuid;
  onlyDesc.description = "again";
  v = MUST(onlyDesc.call(env.c())).inventory.value();
  CHECK(v.name == "upd-vip-2");
  CHECK(v.description == "again");
  CHECK(queryByUuid<QueryVipAction>(env, vip.uuid).at(0).name == "upd-vip-2");

  const auto vip2 = createVip(env, "upd-vip-eip");
  CreateEipAction ce;
  ce.name = "upd-eip";
  ce.vipUuid = vip2.uuid;
  const auto eip = MUST(ce.call(env.c())).inventory.value();
  UpdateEipAction ue;
  ue.uuid = eip.uuid;
  ue.name = "upd-eip-2";
  ue.description = "eip description";
  auto e = MUST(ue.call(env.c())).inventory.value();
  CHECK(e.uuid == eip.uuid);
  CHECK(e.name == "upd-eip-2");
  CHECK(e.description == "eip description");
  CHECK(e.vipUuid == vip2.uuid);
  CHECK(queryByUuid<QueryEipAction>(env, eip.uuid).at(0).name == "upd-eip-2");

  CreatePortForwardingRuleAction cp;
  cp.name = "upd-pf";
  cp.vipUuid = vip.uuid;
  cp.vipPortStart = 5000;
  cp.protocolType = "UDP";
  const auto pf = MUST(cp.call(env.c())).inventory.value();
  UpdatePortForwardingRuleAction up;
  up.uuid = pf.uuid;
  up.name = "upd-pf-2";
  up.description = "pf description";
  auto p = MUST(up.call(env.c())).inventory.value();
  CHECK(p.uuid == pf.uuid);
  CHECK(p.name == "upd-pf-2");
  CHECK(p.description == "pf description");
  CHECK(p.vipPortStart == 5000);
  CHECK(p.protocolType == "UDP");
  CHECK(queryByUuid<QueryPortForwardingRuleAction>(env, pf.uuid).at(0).name == "upd-pf-2");

  CreateSecurityGroupAction cs;
  cs.name = "upd-sg";
  const auto sg = MUST(cs.call(env.c())).inventory.value();
  UpdateSecurityGroupAction us;
  us.uuid = sg.uuid;
  us.name = "upd-sg-2";
  us.description = "sg description";
  auto s = MUST(us.call(env.c())).inventory.value();
  CHECK(s.uuid == sg.uuid);
  CHECK(s.name == "upd-sg-2");
  CHECK(s.description == "sg description");
  CHECK(s.state == "Enabled");
  CHECK(queryByUuid<QuerySecurityGroupAction>(env, sg.uuid).at(0).description == "sg description");

  CreateCertificateAction cc;
  cc.name = "upd-cert";
  cc.certificate = kCertificate;
  const auto cert = MUST(cc.call(env.c())).inventory.value();
  UpdateCertificateAction uc;
  uc.uuid = cert.uuid;
  uc.name = "upd-cert-2";
  uc.description = "cert description";
  auto c = MUST(uc.call(env.c())).inventory.value();
  CHECK(c.uuid == cert.uuid);
  CHECK(c.name == "upd-cert-2");
  CHECK(c.description == "cert description");
  CHECK(c.certificate == kCertificate);
  CHECK(queryByUuid<QueryCertificateAction>(env, cert.uuid).at(0).name == "upd-cert-2");

  // updating something that does not exist
  UpdateVipAction missing;
  missing.uuid = "ffffffffffffffffffffffffffffffff";
  missing.name = "x";
  auto err = MUST_FAIL(missing.call(env.c()));
  CHECK(err.kind == ErrorKind::Api);
  REQUIRE(err.api);
  CHECK(err.api->code == "SYS.1007");
  // too long a name: refused by the SDK
  UpdateVipAction tooLong;
  tooLong.uuid = vip.uuid;
  tooLong.name = std::string(256, 'n');
  auto tl = MUST_FAIL(tooLong.call(env.c()));
  CHECK(tl.kind == ErrorKind::Validation);

  DeleteCertificateAction dc;
  dc.uuid = cert.uuid;
  MUST(dc.call(env.c()));
  DeleteSecurityGroupAction ds;
  ds.uuid = sg.uuid;
  MUST(ds.call(env.c()));
  for (const auto& u : {vip.uuid, vip2.uuid}) {
    DeleteVipAction dv;
    dv.uuid = u;
    dv.deleteMode = "Enforcing";
    MUST(dv.call(env.c()));
  }
}

// ----------------------------------------------------------------- logout

void logoutScenario(Env& env) {
  const std::string old = env.c().session();
  REQUIRE(isHex32(old));
  QueryVipAction q;
  MUST(q.call(env.c()));
  MUST(logOut(env.c()));
  CHECK_FALSE(env.c().hasSession());
  CHECK(env.c().session().empty());
  // no credentials left: the SDK refuses to send
  auto usage = MUST_FAIL(q.call(env.c()));
  CHECK(usage.kind == ErrorKind::Usage);
  // the old session, explicitly: the simulator answers 503 ID.1001 (session expired)
  env.c().setSession(old);
  auto e = MUST_FAIL(q.call(env.c()));
  CHECK(e.kind == ErrorKind::Api);
  CHECK(e.httpStatus == 503);
  REQUIRE(e.api);
  CHECK(e.api->code == "ID.1001");
  // async APIs too, reported by the job (accepted with 202, failed on the poll, as ZStack does)
  CreateVipAction cv;
  cv.name = "after-logout";
  cv.l3NetworkUuid = env.seed().publicL3Uuid;
  auto e2 = MUST_FAIL(cv.call(env.c()));
  CHECK(e2.kind == ErrorKind::Api);
  REQUIRE(e2.api);
  CHECK(e2.api->code == "ID.1001");
  // logging out an unknown session is fine
  LogOutAction lo;
  lo.sessionUuid = old;
  MUST(lo.call(env.c()));
  env.c().clearCredentials();
  CHECK_FALSE(env.c().hasSession());
}

}  // namespace itest
