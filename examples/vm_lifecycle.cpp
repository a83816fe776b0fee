// A VM's life, end to end with the wider API: find an L3 network, an image and an instance
// offering by query, create a VM, stop and start it, give it a VIP with an EIP and a security
// group, then clean everything up. Needs the whole API (ZSTACK_FULL_API, the default).
//
// With --endpoint it runs against a real ZStack: it then picks the first Ready root-volume image,
// the first instance offering and the L3 network given by --private-l3, and creates (and
// deletes) a VM named "zstack-sdk-cpp-example".

#include "example_env.hpp"

#include <zstack/actions/images.hpp>
#include <zstack/actions/instance_offerings.hpp>
#include <zstack/actions/l3_networks.hpp>
#include <zstack/actions/vm_instances.hpp>

using namespace zstack;
using example::check;
using example::expect;
using query::field;

namespace {

VmInstanceInventory vmByUuid(const Client& client, const std::string& uuid) {
  QueryVmInstanceAction q;
  q.where(field("uuid") == uuid);
  auto vms = check(q.call(client), "query the VM").inventories;
  expect(vms.size() == 1, "the VM is found by uuid");
  return vms.front();
}

}  // namespace

int main(int argc, char** argv) {
  auto env = example::setup(argc, argv);
  Client client(env.config);
  auto session = check(Session::open(client, env.user, env.password), "log in");

  // 1. What the VM needs, found by query.
  QueryL3NetworkAction l3q;
  l3q.where(field("uuid") == env.privateL3);
  auto l3s = check(l3q.call(client), "query the L3 network").inventories;
  expect(l3s.size() == 1, "the private L3 network exists");
  const auto& l3 = l3s.front();

  QueryImageAction images;
  images.where(field("mediaType") == "RootVolumeTemplate").where(field("status") == "Ready");
  images.limit = 1;
  auto image = check(images.call(client), "query images").inventories;
  expect(!image.empty(), "a Ready root-volume image");

  QueryInstanceOfferingAction offerings;
  offerings.where(field("state") == "Enabled");
  offerings.limit = 1;
  auto offering = check(offerings.call(client), "query instance offerings").inventories;
  expect(!offering.empty(), "an enabled instance offering");
  std::cout << "L3 " << l3.name << ", image " << image[0].name << ", offering " << offering[0].name << "\n";

  // 2. Create it: one NIC on the L3 network, with an IP from its ranges.
  CreateVmInstanceAction create;
  create.name = "zstack-sdk-cpp-example";
  create.imageUuid = image[0].uuid;
  create.instanceOfferingUuid = offering[0].uuid;
  create.l3NetworkUuids = std::vector<std::string>{l3.uuid};
  auto vm = check(create.call(client), "create the VM").inventory.value();
  expect(vm.state == "Running", "a new VM is Running, got " + vm.state);
  expect(vm.vmNics.size() == 1 && !vm.vmNics[0].ip.empty(), "the VM has a NIC with an IP");
  const std::string nic = vm.vmNics[0].uuid;
  std::cout << "created VM " << vm.uuid << " on host " << vm.hostUuid << ", IP " << vm.vmNics[0].ip << "\n";

  // 3. Stop and start it.
  StopVmInstanceAction stop;
  stop.uuid = vm.uuid;
  expect(check(stop.call(client), "stop the VM").inventory.value().state == "Stopped", "stopped");
  expect(vmByUuid(client, vm.uuid).state == "Stopped", "a query sees it Stopped");
  StartVmInstanceAction start;
  start.uuid = vm.uuid;
  expect(check(start.call(client), "start the VM").inventory.value().state == "Running", "running again");
  std::cout << "stopped and started it\n";

  // 4. A VIP on the public network, with an EIP to the VM's NIC.
  CreateVipAction vipCreate;
  vipCreate.name = "example-vip";
  vipCreate.l3NetworkUuid = env.publicL3;
  auto vip = check(vipCreate.call(client), "create a VIP").inventory.value();
  CreateEipAction eipCreate;
  eipCreate.name = "example-eip";
  eipCreate.vipUuid = vip.uuid;
  eipCreate.vmNicUuid = nic;
  auto eip = check(eipCreate.call(client), "create an EIP").inventory.value();
  std::cout << "EIP " << eip.vipIp << " -> " << eip.guestIp << "\n";
  expect(eip.guestIp == vm.vmNics[0].ip, "the EIP points at the VM's IP");

  // 5. A security group on the L3 network, with the VM's NIC in it.
  CreateSecurityGroupAction sgCreate;
  sgCreate.name = "example-sg";
  auto sg = check(sgCreate.call(client), "create a security group").inventory.value();
  AttachSecurityGroupToL3NetworkAction sgAttach;
  sgAttach.securityGroupUuid = sg.uuid;
  sgAttach.l3NetworkUuid = l3.uuid;
  check(sgAttach.call(client), "attach the security group");
  AddVmNicToSecurityGroupAction sgAdd;
  sgAdd.securityGroupUuid = sg.uuid;
  sgAdd.vmNicUuids = {nic};
  check(sgAdd.call(client), "add the NIC to the security group");
  QueryVmNicInSecurityGroupAction members;
  members.where(field("securityGroupUuid") == sg.uuid);
  expect(check(members.call(client), "query members").inventories.size() == 1, "the NIC is a member");

  // 6. Clean up: EIP, VIP, security group (detached first), then the VM (destroy, expunge).
  DeleteEipAction eipDelete;
  eipDelete.uuid = eip.uuid;
  check(eipDelete.call(client), "delete the EIP");
  DeleteVipAction vipDelete;
  vipDelete.uuid = vip.uuid;
  check(vipDelete.call(client), "delete the VIP");
  DetachSecurityGroupFromL3NetworkAction sgDetach;  // an attached group cannot be deleted (Permissive)
  sgDetach.securityGroupUuid = sg.uuid;
  sgDetach.l3NetworkUuid = l3.uuid;
  check(sgDetach.call(client), "detach the security group");
  DeleteSecurityGroupAction sgDelete;
  sgDelete.uuid = sg.uuid;
  check(sgDelete.call(client), "delete the security group");
  DestroyVmInstanceAction destroy;
  destroy.uuid = vm.uuid;
  check(destroy.call(client), "destroy the VM");
  expect(vmByUuid(client, vm.uuid).state == "Destroyed", "destroyed");
  ExpungeVmInstanceAction expunge;
  expunge.uuid = vm.uuid;
  check(expunge.call(client), "expunge the VM");
  QueryVmInstanceAction gone;
  gone.where(field("uuid") == vm.uuid);
  expect(check(gone.call(client), "query after expunge").inventories.empty(), "the VM is gone");
  std::cout << "cleaned up\n";
  return 0;
}
