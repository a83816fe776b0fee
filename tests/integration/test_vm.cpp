// The simulator's modelled VM life cycle (sim/src/vm.cpp), driven through the typed SDK actions
// (ZSTACK_FULL_API builds only): placement and NICs on create, the transitional states while a
// job runs, refused transitions, and what Destroy releases.
#include "support.hpp"

#include <zstack/actions/images.hpp>
#include <zstack/actions/vm_instances.hpp>
#include <zstack/actions/volumes.hpp>

#include <thread>

using namespace itest;
using namespace zstack;
using query::field;

namespace {

std::string imageUuid(const Client& c) {
  QueryImageAction q;
  q.where(field("name") == "centos-7");
  auto images = MUST(q.call(c)).inventories;
  REQUIRE(images.size() == 1);
  return images[0].uuid;
}

VmInstanceInventory queryVm(const Client& c, const std::string& uuid) {
  QueryVmInstanceAction q;
  q.where(field("uuid") == uuid);
  auto vms = MUST(q.call(c)).inventories;
  REQUIRE(vms.size() == 1);
  return vms[0];
}

}  // namespace

TEST_CASE("a created VM is placed, gets a root volume and a NIC per L3 with an IP from its ranges", "[vm][sim]") {
  Env env;
  env.login();
  CreateVmInstanceAction create;
  create.name = "vm-under-test";
  create.imageUuid = imageUuid(env.c());
  create.cpuNum = 2;
  create.memorySize = std::int64_t(1) << 30;
  create.l3NetworkUuids = std::vector<std::string>{env.seed().privateL3Uuid, env.seed().publicL3Uuid};
  auto vm = MUST(create.call(env.c())).inventory.value();
  CHECK(vm.state == "Running");
  CHECK(vm.cpuNum == 2);
  CHECK(!vm.hostUuid.empty());
  CHECK(!vm.clusterUuid.empty());
  CHECK(vm.zoneUuid == env.seed().zoneUuid);
  CHECK(vm.defaultL3NetworkUuid == env.seed().privateL3Uuid);
  REQUIRE(vm.vmNics.size() == 2);
  CHECK(vm.vmNics[0].l3NetworkUuid == env.seed().privateL3Uuid);
  CHECK(vm.vmNics[0].ip.rfind("192.168.100.", 0) == 0);  // the private range of the seed
  CHECK(vm.vmNics[1].ip.rfind("172.20.", 0) == 0);       // the public one
  CHECK(vm.vmNics[0].ip != "192.168.100.11");            // taken by a seeded VM
  QueryVolumeAction volumes;
  volumes.where(field("vmInstanceUuid") == vm.uuid);
  auto vols = MUST(volumes.call(env.c())).inventories;
  REQUIRE(vols.size() == 1);
  CHECK(vols[0].uuid == vm.rootVolumeUuid);
  CHECK(vols[0].type == "Root");

  SECTION("a second VM does not get the same IP") {
    create.name = "second";
    auto other = MUST(create.call(env.c())).inventory.value();
    REQUIRE(other.vmNics.size() == 2);
    CHECK(other.vmNics[0].ip != vm.vmNics[0].ip);
  }
  SECTION("without an image or L3 network the server refuses, as ZStack does") {
    CreateVmInstanceAction bare;
    bare.name = "bare";
    bare.cpuNum = 1;
    bare.memorySize = std::int64_t(1) << 30;
    auto e = MUST_FAIL(bare.call(env.c()));
    CHECK(e.describe().find("l3NetworkUuids") != std::string::npos);
  }
}

TEST_CASE("start, stop and reboot move a VM through ZStack's transitional states", "[vm][sim]") {
  auto opt = simOptions();
  opt.jobDelay = std::chrono::milliseconds(1000);  // a wide window: the check below must not race the job
  Env env(opt);
  env.login();
  const std::string vm = env.seed().vmUuids.at(0);
  REQUIRE(queryVm(env.c(), vm).state == "Running");

  StopVmInstanceAction stop;
  stop.uuid = vm;
  auto pending = stop.callAsync(env.c());
  // While the job runs, a query sees Stopping; the job's reply and later queries see Stopped.
  std::string during = "Running";
  for (int i = 0; i < 100 && during == "Running"; ++i) {  // until the stop request has arrived
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    during = queryVm(env.c(), vm).state;
  }
  CHECK(during == "Stopping");
  CHECK(MUST(pending.get()).inventory.value().state == "Stopped");
  CHECK(queryVm(env.c(), vm).state == "Stopped");
  CHECK(queryVm(env.c(), vm).hostUuid.empty());

  RebootVmInstanceAction reboot;
  reboot.uuid = vm;
  auto refused = MUST_FAIL(reboot.call(env.c()));  // a stopped VM cannot reboot
  CHECK(refused.describe().find("Stopped") != std::string::npos);

  StartVmInstanceAction start;
  start.uuid = vm;
  auto started = MUST(start.call(env.c())).inventory.value();
  CHECK(started.state == "Running");
  CHECK(!started.hostUuid.empty());
  CHECK(MUST(reboot.call(env.c())).inventory.value().state == "Running");
  auto again = MUST_FAIL(start.call(env.c()));  // already running
  CHECK(again.describe().find("Running") != std::string::npos);
}

TEST_CASE("destroying a VM releases its EIP; expunge removes it and its NICs", "[vm][sim]") {
  Env env;
  env.login();
  const std::string vm = env.seed().vmUuids.at(0), nic = env.seed().vmNicUuids.at(0);
  CreateVipAction vipCreate;
  vipCreate.name = "v";
  vipCreate.l3NetworkUuid = env.seed().publicL3Uuid;
  auto vip = MUST(vipCreate.call(env.c())).inventory.value();
  CreateEipAction eipCreate;
  eipCreate.name = "e";
  eipCreate.vipUuid = vip.uuid;
  eipCreate.vmNicUuid = nic;
  auto eip = MUST(eipCreate.call(env.c())).inventory.value();
  REQUIRE(eip.vmNicUuid == nic);

  DestroyVmInstanceAction destroy;
  destroy.uuid = vm;
  MUST(destroy.call(env.c()));
  CHECK(queryVm(env.c(), vm).state == "Destroyed");
  QueryEipAction eips;
  eips.where(field("uuid") == eip.uuid);
  CHECK(MUST(eips.call(env.c())).inventories.at(0).vmNicUuid.empty());

  RecoverVmInstanceAction recover;
  recover.uuid = vm;
  CHECK(MUST(recover.call(env.c())).inventory.value().state == "Stopped");
  MUST(destroy.call(env.c()));
  ExpungeVmInstanceAction expunge;
  expunge.uuid = vm;
  MUST(expunge.call(env.c()));
  QueryVmInstanceAction q;
  q.where(field("uuid") == vm);
  CHECK(MUST(q.call(env.c())).inventories.empty());
  QueryVmNicAction nics;
  nics.where(field("vmInstanceUuid") == vm);
  CHECK(MUST(nics.call(env.c())).inventories.empty());
  MUST(destroy.call(env.c()));  // deleting what is gone succeeds, as in ZStack
}
