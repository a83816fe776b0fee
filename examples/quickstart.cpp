// Quickstart: log in, create a VIP and an EIP on it, attach the EIP to a VM NIC, query it back,
// detach, delete, log out.

#include "example_env.hpp"

using namespace zstack;
using example::check;
using example::expect;

int main(int argc, char** argv) {
  auto env = example::setup(argc, argv);
  Client client(env.config);

  auto session = check(Session::open(client, env.user, env.password), "log in");
  std::cout << "logged in as " << env.user << "\n";

  CreateVipAction createVip;
  createVip.name = "quickstart-vip";
  createVip.l3NetworkUuid = env.publicL3;
  const VipInventory vip = check(createVip.call(client), "create VIP").inventory.value();
  std::cout << "created VIP " << vip.uuid << " with IP " << vip.ip << "\n";

  CreateEipAction createEip;
  createEip.name = "quickstart-eip";
  createEip.vipUuid = vip.uuid;
  const EipInventory eip = check(createEip.call(client), "create EIP").inventory.value();
  std::cout << "created EIP " << eip.uuid << "\n";

  GetEipAttachableVmNicsAction candidates;
  candidates.eipUuid = eip.uuid;
  auto nics = check(candidates.call(client), "list attachable NICs");
  expect(!nics.inventories.empty(), "a VM NIC to attach the EIP to");
  const VmNicInventory& nic = nics.inventories.front();

  AttachEipAction attach;
  attach.eipUuid = eip.uuid;
  attach.vmNicUuid = nic.uuid;
  check(attach.call(client), "attach EIP");
  std::cout << "attached EIP to NIC " << nic.uuid << " (" << nic.ip << ")\n";

  QueryEipAction query;
  query.where(query::field("uuid") == eip.uuid);
  auto found = check(query.call(client), "query EIP");
  expect(found.inventories.size() == 1, "the EIP is found by uuid");
  expect(found.inventories[0].vmNicUuid == nic.uuid, "the EIP is attached to the NIC");
  std::cout << "query: EIP " << found.inventories[0].name << " -> " << found.inventories[0].vipIp << " on NIC "
            << found.inventories[0].vmNicUuid << "\n";

  DetachEipAction detach;
  detach.uuid = eip.uuid;
  check(detach.call(client), "detach EIP");
  DeleteEipAction deleteEip;
  deleteEip.uuid = eip.uuid;
  check(deleteEip.call(client), "delete EIP");
  DeleteVipAction deleteVip;
  deleteVip.uuid = vip.uuid;
  check(deleteVip.call(client), "delete VIP");
  std::cout << "detached and deleted the EIP and the VIP\n";

  query.conditions.clear();
  query.where(query::field("uuid") == eip.uuid);
  expect(check(query.call(client), "query after delete").inventories.empty(), "the EIP is gone");

  check(session.close(), "log out");
  std::cout << "logged out. quickstart OK\n";
  return 0;
}
