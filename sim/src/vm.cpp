// A VM's life cycle, modelled where it matters to users and is cheap (sim/README.md, "Modelled
// behaviour"): CreateVmInstance places the VM, gives it a root volume and one NIC per L3 network
// with an IP from that network's ranges; Start/Stop/Reboot/Destroy/Recover/Expunge move its state
// through ZStack's transitional states (Starting, Stopping, ...) while the job runs, and Destroy
// releases the network services the VM's NICs hold. Parameters are validated from the action's
// description first, like every generically served action (generic.cpp).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "api.hpp"
#include "util.hpp"

namespace zstack::sim {

namespace {

long long epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Json& vmOf(Ctx& c) { return c.st.mustGet("vmInstance", c.var("uuid")); }

// The reply shows the state the job ends in; queries show `during` until the job completes.
Json transition(Ctx& c, Json& vm, const char* during, const char* after) {
  vm["state"] = after;
  vm["lastOpDate"] = gsonNow();
  if (c.completeAt > std::chrono::system_clock::now()) {
    vm[kTransientState] = during;
    vm[kTransientUntil] = epochMs(c.completeAt);
  } else {
    vm.erase(kTransientState);
    vm.erase(kTransientUntil);
  }
  Json view = c.st.viewOf("vmInstance", vm);
  view["state"] = after;
  Json r = Json::object();
  r["inventory"] = std::move(view);
  return r;
}

void requireState(const Json& vm, std::initializer_list<const char*> allowed, const std::string& op) {
  const std::string state = vm.getString("state");
  for (const char* s : allowed)
    if (state == s) return;
  std::string all;
  for (const char* s : allowed) all += (all.empty() ? "" : ", ") + std::string(s);
  throwOperationFailure("unable to " + op + " the VM[uuid:" + vm.getString("uuid") + "]", "VM.1001",
                        "the VM is " + state + "; " + op + " is allowed when it is " + all);
}

// The first resource of a type that satisfies `pred`, or nullptr.
Json* firstOf(State& st, const char* type, const std::function<bool(const Json&)>& pred = {}) {
  for (Json* j : st.col(collectionOf(type)).all())
    if (!pred || pred(*j)) return j;
  return nullptr;
}

// A string parameter (already validated against the description), "" when absent.
std::string stringParam(const Ctx& c, const char* name) { return c.optStr(name).value_or(""); }

Json createVm(Ctx& c) {
  std::vector<std::string> l3s;
  if (const Json* v = c.params.find("l3NetworkUuids"); v && v->isArray())
    for (const auto& e : v->items()) l3s.push_back(e.str());
  if (l3s.empty()) throwInvalidArg("l3NetworkUuids: a VM needs at least one L3 network");
  for (const auto& l3 : l3s) c.st.mustGet("l3Network", l3);
  std::string defaultL3 = stringParam(c, "defaultL3NetworkUuid");
  if (defaultL3.empty()) defaultL3 = l3s.front();
  if (std::find(l3s.begin(), l3s.end(), defaultL3) == l3s.end())
    throwInvalidArg("defaultL3NetworkUuid[" + defaultL3 + "] is not one of l3NetworkUuids");

  Json vm = Json::object();
  const std::string uuid = stringParam(c, "resourceUuid").empty() ? newUuid() : stringParam(c, "resourceUuid");
  if (c.st.find("vmInstance", uuid)) throwInvalidArg("resource uuid[" + uuid + "] is already used by another VmInstance");
  vm["uuid"] = uuid;
  vm["name"] = stringParam(c, "name");
  if (auto d = stringParam(c, "description"); !d.empty()) vm["description"] = d;

  long long cpu = 0, memory = 0;
  if (auto off = stringParam(c, "instanceOfferingUuid"); !off.empty()) {
    const Json& o = c.st.mustGet(collectionOf("InstanceOfferingInventory"), off);
    vm["instanceOfferingUuid"] = off;
    cpu = o.find("cpuNum") ? o.find("cpuNum")->asInt() : 0;
    memory = o.find("memorySize") ? o.find("memorySize")->asInt() : 0;
  }
  if (const Json* v = c.params.find("cpuNum"); v && v->isNumber()) cpu = v->asInt();
  if (const Json* v = c.params.find("memorySize"); v && v->isNumber()) memory = v->asInt();
  if (cpu <= 0 || memory <= 0)
    throwInvalidArg("a VM needs instanceOfferingUuid, or cpuNum and memorySize");
  vm["cpuNum"] = cpu;
  vm["memorySize"] = memory;

  std::string platform = "Linux", architecture = "x86_64";
  if (auto img = stringParam(c, "imageUuid"); !img.empty()) {
    const Json& i = c.st.mustGet(collectionOf("ImageInventory"), img);
    vm["imageUuid"] = img;
    if (auto p = i.getString("platform"); !p.empty()) platform = p;
    if (auto a = i.getString("architecture"); !a.empty()) architecture = a;
  } else {
    throwInvalidArg("imageUuid: a VM is created from an image");
  }
  // Placement: the zone of the default L3 network, the requested or first cluster and host there.
  const std::string zone = c.st.mustGet("l3Network", defaultL3).getString("zoneUuid");
  vm["zoneUuid"] = zone;
  auto inZone = [&](const Json& j) { return j.getString("zoneUuid") == zone; };
  std::string cluster = stringParam(c, "clusterUuid"), host = stringParam(c, "hostUuid");
  if (!host.empty()) {
    const Json& h = c.st.mustGet(collectionOf("HostInventory"), host);
    cluster = h.getString("clusterUuid");
  }
  if (cluster.empty())
    if (Json* cl = firstOf(c.st, "ClusterInventory", inZone)) cluster = cl->getString("uuid");
  if (host.empty())
    if (Json* h = firstOf(c.st, "HostInventory", [&](const Json& j) { return j.getString("clusterUuid") == cluster; }))
      host = h->getString("uuid");
  if (!cluster.empty()) vm["clusterUuid"] = cluster;
  vm["type"] = "UserVm";
  vm["hypervisorType"] = "KVM";
  vm["platform"] = platform;
  vm["architecture"] = architecture;
  vm["defaultL3NetworkUuid"] = defaultL3;
  vm["allocatorStrategy"] = "LeastVmPreferredHostAllocatorStrategy";
  const std::string now = gsonNow();
  vm["createDate"] = now;
  vm["lastOpDate"] = now;

  // Root volume on the first primary storage of the zone.
  Json root = Json::object();
  root["uuid"] = newUuid();
  root["name"] = "ROOT-for-" + vm.getString("name");
  root["vmInstanceUuid"] = uuid;
  root["rootImageUuid"] = vm.getString("imageUuid");
  root["type"] = "Root";
  root["format"] = "qcow2";
  root["deviceId"] = 0;
  root["state"] = "Enabled";
  root["status"] = "Ready";
  root["size"] = 10737418240LL;
  if (Json* ps = firstOf(c.st, "PrimaryStorageInventory", inZone)) root["primaryStorageUuid"] = ps->getString("uuid");
  root["createDate"] = now;
  root["lastOpDate"] = now;
  vm["rootVolumeUuid"] = root.getString("uuid");
  c.st.col(collectionOf("VolumeInventory")).put(std::move(root));

  // One NIC per L3 network, its IP from the network's ranges.
  int device = 0;
  for (const auto& l3 : l3s) {
    auto [ip, range] = allocateNicIp(c.st, l3);
    Json nic = Json::object();
    nic["uuid"] = newUuid();
    nic["vmInstanceUuid"] = uuid;
    nic["l3NetworkUuid"] = l3;
    nic["ip"] = ip;
    nic["netmask"] = range.getString("netmask");
    nic["gateway"] = range.getString("gateway");
    char mac[32];
    const std::uint32_t r = static_cast<std::uint32_t>(std::hash<std::string>{}(nic.getString("uuid")));
    std::snprintf(mac, sizeof mac, "fa:%02x:%02x:%02x:%02x:%02x", (r >> 24) & 255, (r >> 16) & 255, (r >> 8) & 255,
                  r & 255, device & 255);
    nic["mac"] = mac;
    nic["deviceId"] = device;
    nic["internalName"] = "vnic" + uuid.substr(0, 6) + "." + std::to_string(device);
    nic["usedIpUuid"] = newUuid();
    nic["hypervisorType"] = "KVM";
    nic["ipVersion"] = 4;
    nic["createDate"] = now;
    nic["lastOpDate"] = now;
    c.st.col("vmNic").put(std::move(nic));
    ++device;
  }
  const std::string strategy = stringParam(c, "strategy");
  vm["state"] = "Created";
  c.st.col("vmInstance").put(vm);
  Json& stored = c.st.mustGet("vmInstance", uuid);
  if (strategy == "JustCreate") return transition(c, stored, "Created", "Created");
  if (strategy == "CreateStopped") return transition(c, stored, "Starting", "Stopped");
  if (!host.empty()) stored["hostUuid"] = host;
  return transition(c, stored, "Starting", "Running");
}

// What a destroyed VM's NICs held: EIPs and port forwardings are detached, security group and
// load balancer memberships removed (ZStack releases a VM's network services on destroy).
void releaseServices(State& st, const std::string& vm) {
  std::vector<std::string> nics;
  for (Json* n : st.col("vmNic").all())
    if (n->getString("vmInstanceUuid") == vm) nics.push_back(n->getString("uuid"));
  auto held = [&](const Json& j) {
    return std::find(nics.begin(), nics.end(), j.getString("vmNicUuid")) != nics.end();
  };
  for (const char* col : {"eip", "portForwarding"})
    for (Json* r : st.col(col).all())
      if (held(*r)) {
        r->erase("vmNicUuid");
        r->erase("guestIp");
      }
  for (Json* ref : st.where("vmNicSecurityGroupRef", held)) st.col("vmNicSecurityGroupRef").remove(ref->getString("uuid"));
  for (Json* l : st.col("lbListener").all())
    if (Json* refs = l->find("vmNicRefs"); refs && refs->isArray()) {
      auto& items = refs->items();
      items.erase(std::remove_if(items.begin(), items.end(), held), items.end());
    }
}

Json expunge(Ctx& c) {
  Json& vm = vmOf(c);
  requireState(vm, {"Destroyed"}, "expunge");
  const std::string uuid = vm.getString("uuid");
  for (Json* n : c.st.where("vmNic", [&](const Json& j) { return j.getString("vmInstanceUuid") == uuid; }))
    c.st.col("vmNic").remove(n->getString("uuid"));
  const std::string volumes = collectionOf("VolumeInventory");
  for (Json* v : c.st.where(volumes, [&](const Json& j) {
         return j.getString("vmInstanceUuid") == uuid && j.getString("type") == "Root";
       }))
    c.st.col(volumes).remove(v->getString("uuid"));
  c.st.col("vmInstance").remove(uuid);
  return Json::object();
}

}  // namespace

const std::map<std::string, Model>& modelledActions() {
  static const std::map<std::string, Model> m = {
      {"CreateVmInstance", [](Ctx& c) { return createVm(c); }},
      {"StartVmInstance",
       [](Ctx& c) {
         Json& vm = vmOf(c);
         requireState(vm, {"Stopped", "Created"}, "start");
         if (Json* h = firstOf(c.st, "HostInventory",
                               [&](const Json& j) { return j.getString("clusterUuid") == vm.getString("clusterUuid"); }))
           vm["hostUuid"] = h->getString("uuid");
         return transition(c, vm, "Starting", "Running");
       }},
      {"StopVmInstance",
       [](Ctx& c) {
         Json& vm = vmOf(c);
         requireState(vm, {"Running", "Stopped"}, "stop");
         if (vm.has("hostUuid")) vm["lastHostUuid"] = vm.getString("hostUuid");
         vm.erase("hostUuid");
         return transition(c, vm, "Stopping", "Stopped");
       }},
      {"RebootVmInstance",
       [](Ctx& c) {
         Json& vm = vmOf(c);
         requireState(vm, {"Running"}, "reboot");
         return transition(c, vm, "Rebooting", "Running");
       }},
      {"DestroyVmInstance",
       [](Ctx& c) {
         // deleteMode is checked by the description; a missing VM is success, as for every delete.
         Json* vm = c.st.find("vmInstance", c.var("uuid"));
         if (!vm) return Json::object();
         releaseServices(c.st, c.var("uuid"));
         vm->erase("hostUuid");
         transition(c, *vm, "Destroying", "Destroyed");
         return Json::object();
       }},
      {"RecoverVmInstance",
       [](Ctx& c) {
         Json& vm = vmOf(c);
         requireState(vm, {"Destroyed"}, "recover");
         return transition(c, vm, "Stopped", "Stopped");
       }},
      {"ExpungeVmInstance", [](Ctx& c) { return expunge(c); }},
  };
  return m;
}

}  // namespace zstack::sim
