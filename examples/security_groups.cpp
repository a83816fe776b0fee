// Security groups: a group with ingress and egress rules, attached to an L3 network, with VM
// NICs added, then queried back.

#include "example_env.hpp"

using namespace zstack;
using example::check;
using example::expect;

int main(int argc, char** argv) {
  auto env = example::setup(argc, argv);
  Client client(env.config);
  auto session = check(Session::open(client, env.user, env.password), "log in");

  CreateSecurityGroupAction create;
  create.name = "web";
  create.description = "HTTP in, DNS out";
  const auto group = check(create.call(client), "create security group").inventory.value();
  std::cout << "created security group " << group.uuid << "\n";

  AddSecurityGroupRuleAction rules;
  rules.securityGroupUuid = group.uuid;
  SecurityGroupRuleAO http;
  http.type = "Ingress";
  http.protocol = "TCP";
  http.startPort = 80;
  http.endPort = 80;
  http.allowedCidr = "0.0.0.0/0";
  SecurityGroupRuleAO dns = http;
  dns.type = "Egress";
  dns.protocol = "UDP";
  dns.startPort = dns.endPort = 53;
  rules.rules = {http, dns};
  auto withRules = check(rules.call(client), "add rules").inventory.value();
  std::cout << "added " << rules.rules.size() << " rules; the group now has " << withRules.rules.size() << "\n";
  expect(withRules.rules.size() >= 2, "both rules are on the group");

  AttachSecurityGroupToL3NetworkAction attach;
  attach.securityGroupUuid = group.uuid;
  attach.l3NetworkUuid = env.privateL3;
  check(attach.call(client), "attach to L3 network");
  std::cout << "attached to L3 network " << env.privateL3 << "\n";

  GetCandidateVmNicForSecurityGroupAction candidates;
  candidates.securityGroupUuid = group.uuid;
  auto nics = check(candidates.call(client), "candidate NICs").inventories;
  expect(!nics.empty(), "candidate NICs on the attached L3 network");
  AddVmNicToSecurityGroupAction add;
  add.securityGroupUuid = group.uuid;
  for (std::size_t i = 0; i < nics.size() && i < 2; ++i) add.vmNicUuids.push_back(nics[i].uuid);
  check(add.call(client), "add NICs");
  std::cout << "added " << add.vmNicUuids.size() << " VM NICs\n";

  QueryVmNicInSecurityGroupAction members;
  members.where(query::field("securityGroupUuid") == group.uuid);
  auto refs = check(members.call(client), "query members").inventories;
  expect(refs.size() == add.vmNicUuids.size(), "the NICs are members");

  QuerySecurityGroupRuleAction ruleQuery;
  ruleQuery.where(query::field("securityGroupUuid") == group.uuid).where(query::field("type") == "Ingress");
  auto ingress = check(ruleQuery.call(client), "query ingress rules").inventories;
  expect(!ingress.empty() && ingress[0].startPort == 80, "the ingress rule is port 80");

  QuerySecurityGroupAction q;
  q.where(query::field("uuid") == group.uuid);
  auto found = check(q.call(client), "query group").inventories;
  expect(found.size() == 1 && !found[0].attachedL3NetworkUuids.empty(), "the group is attached");
  std::cout << "query: group " << found[0].name << " with " << found[0].rules.size() << " rules on "
            << found[0].attachedL3NetworkUuids.size() << " L3 network(s), " << refs.size() << " NIC(s)\n";

  DeleteSecurityGroupAction del;
  del.uuid = group.uuid;
  del.deleteMode = "Enforcing";
  check(del.call(client), "delete group");
  check(session.close(), "log out");
  std::cout << "security groups OK\n";
  return 0;
}
