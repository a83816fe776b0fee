// The simulated network-service APIs: collections, seed loading and the
// route table. Handlers run with the state mutex held; they validate their
// parameters (throwing 400) before changing anything, and report semantic
// failures with 503 ErrorCodes (SYS.1007 / SYS.1006 with a cause).
#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>
#include <unordered_map>
#include <stdexcept>

#include "api.hpp"
#include "util.hpp"

namespace zstack::sim {

// ------------------------------------------------------------------- Ctx

const std::string& Ctx::var(const std::string& name) const {
  static const std::string empty;
  auto it = vars.find(name);
  return it == vars.end() ? empty : it->second;
}

bool Ctx::has(const std::string& name) const {
  const Json* v = params.find(name);
  return v && !v->isNull();
}

std::optional<std::string> Ctx::optStr(const std::string& name) const {
  const Json* v = params.find(name);
  if (!v || v->isNull()) return std::nullopt;
  if (v->isArray() && v->size() == 1 && v->items()[0].isString()) return v->items()[0].str();
  if (!v->isString()) throwRest400("parameter[" + name + "] must be a string");
  return v->str();
}

std::string Ctx::str(const std::string& name) const {
  auto v = optStr(name);
  if (!v || v->empty()) throwBadRequest("missing mandatory parameter[" + name + "]");
  return *v;
}

std::optional<long long> Ctx::optInt(const std::string& name) const {
  const Json* v = params.find(name);
  if (!v || v->isNull()) return std::nullopt;
  if (v->isInt()) return v->asInt();
  if (v->isNumber()) {
    double d = v->asDouble();
    if (std::floor(d) != d || std::fabs(d) > 9e15)
      throwRest400("parameter[" + name + "] must be an integer");
    return static_cast<long long>(d);
  }
  if (v->isString()) {
    try {
      std::size_t pos = 0;
      double d = std::stod(v->str(), &pos);
      if (pos == v->str().size() && std::floor(d) == d && std::fabs(d) < 9e15)
        return static_cast<long long>(d);
    } catch (const std::exception&) {
    }
  }
  throwRest400("parameter[" + name + "] must be an integer");
}

long long Ctx::integer(const std::string& name) const {
  auto v = optInt(name);
  if (!v) throwBadRequest("missing mandatory parameter[" + name + "]");
  return *v;
}

std::optional<bool> Ctx::optBool(const std::string& name) const {
  const Json* v = params.find(name);
  if (!v || v->isNull()) return std::nullopt;
  if (v->isBool()) return v->asBool();
  if (v->isString() && (iequals(v->str(), "true") || iequals(v->str(), "false")))
    return iequals(v->str(), "true");
  throwRest400("parameter[" + name + "] must be a boolean");
}

std::vector<std::string> Ctx::list(const std::string& name, bool required) const {
  std::vector<std::string> out;
  const Json* v = params.find(name);
  auto addSplit = [&](const std::string& s) {
    std::string cur;
    for (char ch : s) {
      if (ch == ',') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += ch;
      }
    }
    if (!cur.empty()) out.push_back(cur);
  };
  if (v && !v->isNull()) {
    if (v->isString()) {
      addSplit(v->str());
    } else if (v->isArray()) {
      for (const auto& e : v->items()) {
        if (!e.isString()) throwRest400("parameter[" + name + "] must be a list of strings");
        if (method == "GET" || method == "DELETE") addSplit(e.str());
        else out.push_back(e.str());
      }
    } else {
      throwRest400("parameter[" + name + "] must be a list");
    }
  }
  if (required && out.empty()) throwBadRequest("missing mandatory parameter[" + name + "]");
  return out;
}

bool Ctx::enforcing() const {
  auto m = optStr("deleteMode");
  if (!m) return false;
  if (iequals(*m, "Enforcing")) return true;
  if (iequals(*m, "Permissive")) return false;
  throwBadRequest("invalid deleteMode[" + *m + "], valid values are [Permissive, Enforcing]");
}

namespace {

// --------------------------------------------------------------- helpers

Json inventory(Json v) {
  Json r = Json::object();
  r["inventory"] = std::move(v);
  return r;
}

Json inventories(std::vector<Json> v) {
  Json r = Json::object();
  r["inventories"] = Json::array(std::move(v));
  return r;
}

Json emptyReply() { return Json::object(); }

// Member or a shared null (records loaded raw from a seed may lack fields).
const Json& field(const Json& r, const std::string& key) {
  static const Json null;
  const Json* v = r.find(key);
  return v ? *v : null;
}

void stamp(Json& r) {
  const std::string n = gsonNow();
  r["createDate"] = n;
  r["lastOpDate"] = n;
}

void touch(Json& r) { r["lastOpDate"] = gsonNow(); }

std::string stateFromEvent(const std::string& ev) {
  if (iequals(ev, "enable")) return "Enabled";
  if (iequals(ev, "disable")) return "Disabled";
  throwBadRequest("invalid stateEvent[" + ev + "], valid values are [enable, disable]");
}

std::string canonical(const std::string& v, const std::vector<std::string>& valid,
                      const std::string& name) {
  for (const auto& x : valid)
    if (iequals(x, v)) return x;
  std::string all;
  for (const auto& x : valid) all += (all.empty() ? "" : ", ") + x;
  throwBadRequest("invalid value[" + v + "] of parameter[" + name + "], valid values are [" + all + "]");
}

// New record with uuid (resourceUuid honoured) and name/description.
Json newRecord(Ctx& c, const std::string& colName) {
  std::string uuid;
  if (auto ru = c.optStr("resourceUuid")) {
    if (!isJobUuid(*ru)) throwBadRequest("resourceUuid[" + *ru + "] is not a valid uuid");
    uuid = *ru;
  } else {
    uuid = newUuid();
  }
  if (c.st.find(colName, uuid))
    throwInvalidArg("resource uuid[" + uuid + "] is already used by another " +
                    c.st.col(colName).voName);
  Json r = Json::object();
  r["uuid"] = uuid;
  return r;
}

void checkCidr(const std::string& cidr, const std::string& name) {
  std::uint32_t net;
  int prefix;
  if (!parseCidr(cidr, net, prefix)) throwBadRequest("invalid CIDR[" + cidr + "] in parameter[" + name + "]");
}

void checkPort(long long p, const std::string& name) {
  if (p < 1 || p > 65535) throwBadRequest("parameter[" + name + "] must be in [1, 65535], got " + std::to_string(p));
}

Json fd(long long v) { return Json(static_cast<double>(v)); }  // ZStack emits ints as floats

// Generic update of string fields.
Json doUpdate(Ctx& c, const std::string& colName, const std::string& uuid,
              const std::vector<std::string>& fields) {
  for (const auto& f : fields) (void)c.optStr(f);  // type checks first
  Json& r = c.st.mustGet(colName, uuid);
  for (const auto& f : fields)
    if (auto v = c.optStr(f)) r[f] = *v;
  touch(r);
  return inventory(c.st.viewOf(colName, r));
}

Json doChangeState(Ctx& c, const std::string& colName, const std::string& key = "stateEvent") {
  const std::string state = stateFromEvent(c.str(key));
  Json& r = c.st.mustGet(colName, c.var("uuid"));
  r["state"] = state;
  touch(r);
  return inventory(c.st.viewOf(colName, r));
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// ----------------------------------------------------------------- network

Json& nicOf(State& st, const std::string& uuid) { return st.mustGet("vmNic", uuid); }

std::string l3Category(State& st, const std::string& l3) {
  Json* r = st.find("l3Network", l3);
  return r ? r->getString("category") : "";
}

std::set<std::uint32_t> usedIps(State& st, const std::string& l3) {
  std::set<std::uint32_t> used;
  for (Json* v : st.col("vip").all())
    if (v->getString("l3NetworkUuid") == l3)
      if (auto ip = parseIpv4(v->getString("ip"))) used.insert(*ip);
  for (Json* n : st.col("vmNic").all())
    if (n->getString("l3NetworkUuid") == l3)
      if (auto ip = parseIpv4(n->getString("ip"))) used.insert(*ip);
  if (Json* r = st.find("l3Network", l3))
    if (const Json* ranges = r->find("ipRanges"))
      for (const auto& rg : ranges->items())
        if (auto ip = parseIpv4(rg.getString("gateway"))) used.insert(*ip);
  return used;
}

// Allocates an IP (or validates requiredIp) on an L3; returns the range used.
std::pair<std::string, Json> allocateIp(State& st, const std::string& l3,
                                        const std::optional<std::string>& required) {
  Json& rec = st.mustGet("l3Network", l3);
  const Json* ranges = rec.find("ipRanges");
  if (!ranges || ranges->size() == 0)
    throwOperationFailure("cannot allocate an IP on L3 network[uuid:" + l3 + "]", "SYS.1007",
                          "the L3 network has no IP range");
  auto used = usedIps(st, l3);
  if (required) {
    auto ip = parseIpv4(*required);
    if (!ip) throwBadRequest("requiredIp[" + *required + "] is not a valid IPv4 address");
    for (const auto& rg : ranges->items()) {
      auto s = parseIpv4(rg.getString("startIp")), e = parseIpv4(rg.getString("endIp"));
      if (s && e && *ip >= *s && *ip <= *e) {
        if (used.count(*ip))
          throwOperationFailure("failed to allocate IP[" + *required + "]", "SYS.1007",
                                "IP[" + *required + "] on L3 network[uuid:" + l3 + "] is already in use");
        return {*required, rg};
      }
    }
    throwOperationFailure("failed to allocate IP[" + *required + "]", "SYS.1007",
                          "requiredIp[" + *required + "] is not in any IP range of L3 network[uuid:" + l3 + "]");
  }
  for (const auto& rg : ranges->items()) {
    auto s = parseIpv4(rg.getString("startIp")), e = parseIpv4(rg.getString("endIp"));
    if (!s || !e) continue;
    for (std::uint64_t ip = *s; ip <= *e; ++ip)
      if (!used.count(static_cast<std::uint32_t>(ip))) return {formatIpv4(static_cast<std::uint32_t>(ip)), rg};
  }
  throwOperationFailure("failed to allocate an IP on L3 network[uuid:" + l3 + "]", "SYS.1007",
                        "no free IP left in the IP ranges of the L3 network");
}

// ---------------------------------------------------------------- VIP usage

struct VipUser {
  std::string service, uuid;
};

std::vector<VipUser> vipUsers(State& st, const std::string& vip) {
  std::vector<VipUser> out;
  for (Json* e : st.col("eip").all())
    if (e->getString("vipUuid") == vip) out.push_back({"Eip", e->getString("uuid")});
  for (Json* p : st.col("portForwarding").all())
    if (p->getString("vipUuid") == vip) out.push_back({"PortForwarding", p->getString("uuid")});
  for (Json* l : st.col("loadBalancer").all())
    if (l->getString("vipUuid") == vip) out.push_back({"LoadBalancer", l->getString("uuid")});
  for (Json* i : st.col("ipsec").all())
    if (i->getString("vipUuid") == vip) out.push_back({"IPsec", i->getString("uuid")});
  return out;
}

// Services may share a VIP except EIP (exclusive) and one LB per VIP.
void checkVipUsable(State& st, const std::string& vip, const std::string& service) {
  Json& v = st.mustGet("vip", vip);
  if (v.getString("state") == "Disabled")
    throwOperationFailure("VIP[uuid:" + vip + "] cannot be used", "SYS.1007", "the VIP is disabled");
  for (const auto& u : vipUsers(st, vip)) {
    if (u.service == "Eip" || service == "Eip" || (service == "LoadBalancer" && u.service == service))
      throwOperationFailure("VIP[uuid:" + vip + ", ip:" + v.getString("ip") + "] cannot be used for " + service,
                            "SYS.1007",
                            "the VIP is already used by " + u.service + "[uuid:" + u.uuid + "]");
  }
}

struct PortUse {
  std::string proto;
  long long start, end;
  std::string owner, kind;
};

std::string lbProtoToL4(const std::string& p) { return iequals(p, "udp") ? "UDP" : "TCP"; }

std::vector<PortUse> vipPortUses(State& st, const std::string& vip) {
  std::vector<PortUse> out;
  for (Json* p : st.col("portForwarding").all())
    if (p->getString("vipUuid") == vip) {
      const Json* s = p->find("vipPortStart");
      const Json* e = p->find("vipPortEnd");
      out.push_back({upper(p->getString("protocolType")), s ? s->asInt() : 0, e ? e->asInt() : 0,
                     p->getString("uuid"), "PortForwardingRule"});
    }
  for (Json* l : st.col("lbListener").all()) {
    Json* lb = st.find("loadBalancer", l->getString("loadBalancerUuid"));
    if (!lb || lb->getString("vipUuid") != vip) continue;
    const Json* port = l->find("loadBalancerPort");
    long long p = port ? port->asInt() : 0;
    out.push_back({lbProtoToL4(l->getString("protocol")), p, p, l->getString("uuid"), "LoadBalancerListener"});
  }
  return out;
}

void checkPortsFree(State& st, const std::string& vip, const std::string& proto, long long start,
                    long long end, const std::string& self = "") {
  for (const auto& u : vipPortUses(st, vip)) {
    if (u.owner == self || u.proto != upper(proto)) continue;
    if (start <= u.end && u.start <= end)
      throwOperationFailure(
          "VIP[uuid:" + vip + "] port range [" + std::to_string(start) + ", " + std::to_string(end) + "] of " +
              upper(proto) + " is not available",
          "SYS.1007",
          "it conflicts with " + u.kind + "[uuid:" + u.owner + "] using port range [" + std::to_string(u.start) +
              ", " + std::to_string(u.end) + "]");
  }
}


// ------------------------------------------------------------ deletions

void deleteLoadBalancer(State& st, const std::string& uuid) {
  for (Json* l : st.where("lbListener", [&](const Json& j) { return j.getString("loadBalancerUuid") == uuid; }))
    st.col("lbListener").remove(l->getString("uuid"));
  st.col("loadBalancer").remove(uuid);
}

void deleteVip(State& st, const std::string& uuid, bool enforcing) {
  Json& vip = st.mustGet("vip", uuid);
  auto users = vipUsers(st, uuid);
  if (!users.empty() && !enforcing)
    throwOperationFailure("cannot delete VIP[uuid:" + uuid + ", ip:" + vip.getString("ip") + "]", "SYS.1007",
                          "the VIP is in use by " + users[0].service + "[uuid:" + users[0].uuid +
                              "]; use deleteMode=Enforcing to delete it together with its users");
  for (const auto& u : users) {
    if (u.service == "Eip") st.col("eip").remove(u.uuid);
    else if (u.service == "PortForwarding") st.col("portForwarding").remove(u.uuid);
    else if (u.service == "LoadBalancer") deleteLoadBalancer(st, u.uuid);
    else if (u.service == "IPsec") st.col("ipsec").remove(u.uuid);
  }
  for (Json* q : st.where("vipQos", [&](const Json& j) { return j.getString("vipUuid") == uuid; }))
    st.col("vipQos").remove(q->getString("uuid"));
  st.col("vip").remove(uuid);
}

void deleteSecurityGroup(State& st, const std::string& uuid, bool enforcing) {
  Json& sg = st.mustGet("securityGroup", uuid);
  auto refs = st.where("vmNicSecurityGroupRef", [&](const Json& j) { return j.getString("securityGroupUuid") == uuid; });
  const Json* l3s = sg.find("attachedL3NetworkUuids");
  const bool attached = l3s && l3s->size() > 0;
  if ((attached || !refs.empty()) && !enforcing)
    throwOperationFailure("cannot delete security group[uuid:" + uuid + "]", "SYS.1007",
                          attached ? "the security group is attached to L3 network[uuid:" + l3s->items()[0].str() + "]"
                                   : "the security group still has " + std::to_string(refs.size()) + " VM NIC(s)");
  for (Json* r : refs) st.col("vmNicSecurityGroupRef").remove(r->getString("uuid"));
  for (Json* r : st.where("securityGroupRule", [&](const Json& j) {
         return j.getString("securityGroupUuid") == uuid || j.getString("remoteSecurityGroupUuid") == uuid;
       }))
    st.col("securityGroupRule").remove(r->getString("uuid"));
  st.col("securityGroup").remove(uuid);
}

// -------------------------------------------------------------- views

std::vector<Json> candidateNics(State& st, const std::function<bool(const Json&)>& pred) {
  std::vector<Json> out;
  for (Json* n : st.col("vmNic").all())
    if (pred(*n)) out.push_back(st.viewOf("vmNic", *n));
  return out;
}

}  // namespace

std::pair<std::string, Json> allocateNicIp(State& st, const std::string& l3) { return allocateIp(st, l3, std::nullopt); }

void defineCollections(State& st) {
  State* s = &st;
  st.define("zone", "ZoneVO", {"uuid", "name", "description", "state", "type", "createDate", "lastOpDate"});
  st.define("l3Network", "L3NetworkVO",
            {"uuid", "name", "description", "type", "zoneUuid", "l2NetworkUuid", "state", "dnsDomain", "system",
             "category", "ipVersion", "ipRanges", "networkServices", "dns", "hostRoute", "createDate", "lastOpDate"})
      .view = [s](const Json& r) {
    Json v = r;
    Json svcs = Json::array();
    for (Json* ref : s->col("networkServiceL3Ref").all())
      if (ref->getString("l3NetworkUuid") == r.getString("uuid")) svcs.push(s->viewOf("networkServiceL3Ref", *ref));
    v["networkServices"] = std::move(svcs);
    return v;
  };
  // A VM's view joins its NICs; a query joins them through one index (queryHooks), not a scan per VM.
  auto vmView = [](const Json& r, Json nics) {
    Json v = r;
    v["vmNics"] = std::move(nics);
    if (const Json* until = r.find(kTransientUntil)) {  // a job of a modelled action is running
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
      if (now < until->asInt()) v["state"] = r.getString(kTransientState);
      v.erase(kTransientUntil);
      v.erase(kTransientState);
    }
    return v;
  };
  Collection& vms = st.define("vmInstance", "VmInstanceVO",
            {"uuid", "name", "description", "zoneUuid", "clusterUuid", "hostUuid", "state", "type", "hypervisorType",
             "cpuNum", "memorySize", "platform", "defaultL3NetworkUuid", "vmNics", "createDate", "lastOpDate"});
  vms.view = [s, vmView](const Json& r) {
    Json nics = Json::array();
    const std::string& uuid = field(r, "uuid").str();
    for (Json* n : s->col("vmNic").all())
      if (field(*n, "vmInstanceUuid").str() == uuid) nics.push(*n);
    return vmView(r, std::move(nics));
  };
  // One query's NIC index, shared by its views and its joins, built on first use.
  struct NicIndex {
    std::unordered_map<std::string_view, std::vector<const Json*>> byVm;
    bool built = false;
    const std::vector<const Json*>& of(State& st, const Json& vm) {
      static const std::vector<const Json*> none;
      if (!built) {
        for (Json* n : st.col("vmNic").all()) byVm[field(*n, "vmInstanceUuid").str()].push_back(n);
        built = true;
      }
      auto it = byVm.find(field(vm, "uuid").str());
      return it == byVm.end() ? none : it->second;
    }
  };
  vms.queryHooks = [s, vmView]() {
    auto index = std::make_shared<NicIndex>();
    QueryHooks h;
    h.view = [s, vmView, index](const Json& r) {
      Json nics = Json::array();
      for (const Json* n : index->of(*s, r)) nics.push(*n);
      return vmView(r, std::move(nics));
    };
    h.join = [s, index](const Json& r, const std::string& f, std::vector<const Json*>& out) {
      if (f != "vmNics") return false;
      out = index->of(*s, r);
      return true;
    };
    return h;
  };
  vms.derived = {"vmNics", "state"};
  st.define("vmNic", "VmNicVO",
            {"uuid", "vmInstanceUuid", "l3NetworkUuid", "ip", "mac", "netmask", "gateway", "internalName", "deviceId",
             "usedIpUuid", "hypervisorType", "ipVersion", "metaData", "createDate", "lastOpDate"});
  st.define("networkServiceProvider", "NetworkServiceProviderVO",
            {"uuid", "name", "description", "type", "networkServiceTypes", "attachedL2NetworkUuids", "createDate",
             "lastOpDate"});
  st.define("networkServiceL3Ref", "NetworkServiceL3NetworkRefVO",
            {"l3NetworkUuid", "networkServiceProviderUuid", "networkServiceType"})
      .view = [](const Json& r) {
    Json v = r;
    v.erase("uuid");
    return v;
  };
  st.define("securityGroup", "SecurityGroupVO",
            {"uuid", "name", "description", "state", "ipVersion", "internalId", "attachedL3NetworkUuids", "rules",
             "createDate", "lastOpDate"})
      .view = [s](const Json& r) {
    Json v = r;
    Json rules = Json::array();
    for (Json* x : s->col("securityGroupRule").all())
      if (x->getString("securityGroupUuid") == r.getString("uuid")) rules.push(*x);
    v["rules"] = std::move(rules);
    return v;
  };
  st.define("securityGroupRule", "SecurityGroupRuleVO",
            {"uuid", "securityGroupUuid", "type", "ipVersion", "startPort", "endPort", "protocol", "state",
             "allowedCidr", "remoteSecurityGroupUuid", "description", "priority", "createDate", "lastOpDate"});
  st.define("vmNicSecurityGroupRef", "VmNicSecurityGroupRefVO",
            {"uuid", "vmNicUuid", "securityGroupUuid", "vmInstanceUuid", "createDate", "lastOpDate"});
  st.define("vip", "VipVO",
            {"uuid", "name", "description", "l3NetworkUuid", "ip", "state", "gateway", "netmask", "prefixLen",
             "ipRangeUuid", "serviceProvider", "peerL3NetworkUuids", "useFor", "system", "usedIpUuid", "createDate",
             "lastOpDate"})
      .view = [s](const Json& r) {
    Json v = r;
    std::string useFor;
    std::set<std::string> peers;
    for (const auto& u : vipUsers(*s, r.getString("uuid"))) {
      if (useFor.find(u.service) == std::string::npos) useFor += (useFor.empty() ? "" : ",") + u.service;
      if (u.service == "Eip" || u.service == "PortForwarding") {
        Json* owner = s->find(u.service == "Eip" ? "eip" : "portForwarding", u.uuid);
        if (owner)
          if (Json* nic = s->find("vmNic", owner->getString("vmNicUuid"))) peers.insert(nic->getString("l3NetworkUuid"));
      }
    }
    v["useFor"] = useFor.empty() ? Json() : Json(useFor);
    Json p = Json::array();
    for (const auto& x : peers) p.push(x);
    v["peerL3NetworkUuids"] = std::move(p);
    return v;
  };
  st.define("vipQos", "VipQosVO",
            {"uuid", "vipUuid", "port", "inboundBandwidth", "outboundBandwidth", "createDate", "lastOpDate"});
  auto withIps = [s](const Json& r) {
    Json v = r;
    Json* vip = s->find("vip", r.getString("vipUuid"));
    v["vipIp"] = vip ? Json(vip->getString("ip")) : Json();
    Json* nic = s->find("vmNic", r.getString("vmNicUuid"));
    v["guestIp"] = nic ? Json(nic->getString("ip")) : Json();
    return v;
  };
  st.define("eip", "EipVO",
            {"uuid", "name", "description", "vmNicUuid", "vipUuid", "state", "vipIp", "guestIp", "createDate",
             "lastOpDate"})
      .view = withIps;
  st.define("portForwarding", "PortForwardingRuleVO",
            {"uuid", "name", "description", "vipIp", "guestIp", "vipUuid", "vipPortStart", "vipPortEnd",
             "privatePortStart", "privatePortEnd", "vmNicUuid", "protocolType", "state", "allowedCidr", "createDate",
             "lastOpDate"})
      .view = withIps;
  st.define("loadBalancer", "LoadBalancerVO",
            {"uuid", "name", "description", "state", "type", "vipUuid", "listeners", "createDate", "lastOpDate"})
      .view = [s](const Json& r) {
    Json v = r;
    Json ls = Json::array();
    for (Json* l : s->col("lbListener").all())
      if (l->getString("loadBalancerUuid") == r.getString("uuid")) ls.push(*l);
    v["listeners"] = std::move(ls);
    return v;
  };
  st.define("lbListener", "LoadBalancerListenerVO",
            {"uuid", "name", "description", "loadBalancerUuid", "instancePort", "loadBalancerPort", "protocol",
             "vmNicRefs", "certificateRefs", "createDate", "lastOpDate"});
  st.define("certificate", "CertificateVO",
            {"uuid", "name", "certificate", "description", "listeners", "createDate", "lastOpDate"})
      .view = [s](const Json& r) {
    Json v = r;
    Json refs = Json::array();
    for (Json* l : s->col("lbListener").all())
      if (const Json* cr = l->find("certificateRefs"))
        for (const auto& ref : cr->items())
          if (ref.getString("certificateUuid") == r.getString("uuid")) refs.push(ref);
    v["listeners"] = std::move(refs);
    return v;
  };
  st.define("ipsec", "IPsecConnectionVO",
            {"uuid", "name", "description", "l3NetworkUuid", "peerAddress", "authMode", "authKey", "vipUuid",
             "ikeAuthAlgorithm", "ikeEncryptionAlgorithm", "ikeDhGroup", "policyAuthAlgorithm",
             "policyEncryptionAlgorithm", "pfs", "policyMode", "transformProtocol", "state", "status", "peerCidrs",
             "l3NetworkRefs", "createDate", "lastOpDate"});
  st.define("iam2VirtualId", "IAM2VirtualIDVO",
            {"uuid", "name", "description", "state", "type", "attributes", "createDate", "lastOpDate"});
  st.define("vpcFirewallRule", "VpcFirewallRuleVO",
            {"uuid", "ruleSetUuid", "action", "protocol", "destPort", "sourcePort", "sourceIp", "destIp",
             "ruleNumber", "allowStates", "tcpFlag", "icmpTypeName", "enableLog", "state", "isApplied", "expired",
             "isDefault", "description", "createDate", "lastOpDate"});
  defineGenericCollections(st);
}

// ------------------------------------------------------------------ seed

namespace {

const Json* seedArray(const Json& seed, const char* key) {
  const Json* a = seed.find(key);
  if (!a) return nullptr;
  if (!a->isArray()) throw std::runtime_error(std::string("seed: '") + key + "' must be an array");
  for (const auto& e : a->items())
    if (!e.isObject()) throw std::runtime_error(std::string("seed: '") + key + "' must hold objects");
  return a;
}

void fill(Json& r, const char* key, Json v) {
  if (!r.has(key)) r[key] = std::move(v);
}

void ensureUuid(Json& r, const char* what) {
  const Json* u = r.find("uuid");
  if (!u) r["uuid"] = newUuid();
  else if (!u->isString() || u->str().empty())
    throw std::runtime_error(std::string("seed: ") + what + " has a non-string uuid");
}

void stampIfMissing(Json& r) {
  const std::string n = gsonNow();
  fill(r, "createDate", n);
  fill(r, "lastOpDate", n);
}

int prefixOf(const std::string& netmask) {
  auto m = parseIpv4(netmask);
  if (!m) return 24;
  int n = 0;
  for (std::uint32_t b = *m; b & 0x80000000u; b <<= 1) ++n;
  return n;
}

// Range (of any L3) containing ip on the given L3.
const Json* rangeFor(State& st, const std::string& l3, const std::string& ipText) {
  Json* rec = st.find("l3Network", l3);
  auto ip = parseIpv4(ipText);
  if (!rec || !ip) return nullptr;
  if (const Json* ranges = rec->find("ipRanges"))
    for (const auto& rg : ranges->items()) {
      auto s = parseIpv4(rg.getString("startIp")), e = parseIpv4(rg.getString("endIp"));
      auto mask = parseIpv4(rg.getString("netmask"));
      auto gw = parseIpv4(rg.getString("gateway"));
      if (s && e && *ip >= *s && *ip <= *e) return &rg;
      if (mask && gw && ((*ip & *mask) == (*gw & *mask))) return &rg;
    }
  return nullptr;
}

}  // namespace

void loadSeed(State& st, const Json& seed, SeedInfo& info) {
  if (!seed.isObject()) throw std::runtime_error("seed: top level must be a JSON object");
  info = SeedInfo{};
  info.adminAccountUuid = "36c27e8ff05c4780bf6d2fa65700f22e";
  if (const Json* zones = seedArray(seed, "zones"))
    for (Json z : zones->items()) {
      ensureUuid(z, "zone");
      fill(z, "name", "zone");
      fill(z, "state", "Enabled");
      fill(z, "type", "zstack");
      stampIfMissing(z);
      if (info.zoneUuid.empty()) info.zoneUuid = z.getString("uuid");
      st.col("zone").put(std::move(z));
    }
  if (const Json* l3s = seedArray(seed, "l3Networks"))
    for (Json l : l3s->items()) {
      ensureUuid(l, "l3 network");
      const std::string uuid = l.getString("uuid");
      fill(l, "name", "l3-" + uuid.substr(0, 6));
      fill(l, "type", "L3BasicNetwork");
      fill(l, "zoneUuid", info.zoneUuid);
      fill(l, "l2NetworkUuid", newUuid());
      fill(l, "state", "Enabled");
      fill(l, "system", false);
      fill(l, "category", "Private");
      fill(l, "ipVersion", 4.0);
      fill(l, "dns", Json::array());
      Json ranges = Json::array();
      if (const Json* rs = l.find("ipRanges")) {
        if (!rs->isArray()) throw std::runtime_error("seed: ipRanges must be an array");
        for (Json r : rs->items()) {
          if (!r.isObject()) throw std::runtime_error("seed: ipRanges must hold objects");
          ensureUuid(r, "ip range");
          if (!parseIpv4(r.getString("startIp")) || !parseIpv4(r.getString("endIp")) ||
              !parseIpv4(r.getString("netmask")))
            throw std::runtime_error("seed: ip range of L3 " + uuid + " needs startIp, endIp and netmask");
          fill(r, "l3NetworkUuid", uuid);
          fill(r, "name", "range");
          fill(r, "ipVersion", 4.0);
          fill(r, "prefixLen", static_cast<double>(prefixOf(r.getString("netmask"))));
          if (!r.has("networkCidr")) {
            auto s = parseIpv4(r.getString("startIp"));
            auto m = parseIpv4(r.getString("netmask"));
            r["networkCidr"] = formatIpv4(*s & *m) + "/" + std::to_string(prefixOf(r.getString("netmask")));
          }
          stampIfMissing(r);
          ranges.push(std::move(r));
        }
      }
      l["ipRanges"] = std::move(ranges);
      stampIfMissing(l);
      const std::string cat = l.getString("category");
      const Json& firstRange = field(l, "ipRanges").size() ? field(l, "ipRanges").items()[0] : Json();
      if (cat == "Public" && info.publicL3Uuid.empty()) {
        info.publicL3Uuid = uuid;
        info.publicL3Cidr = firstRange.getString("networkCidr");
      }
      if (cat == "Private" && info.privateL3Uuid.empty()) {
        info.privateL3Uuid = uuid;
        info.privateL3Cidr = firstRange.getString("networkCidr");
      }
      st.col("l3Network").put(std::move(l));
    }
  if (const Json* vms = seedArray(seed, "vmInstances")) {
    int vmIndex = 0;
    for (Json vm : vms->items()) {
      ++vmIndex;
      ensureUuid(vm, "vm instance");
      const std::string uuid = vm.getString("uuid");
      fill(vm, "name", "vm-" + std::to_string(vmIndex));
      fill(vm, "zoneUuid", info.zoneUuid);
      fill(vm, "state", "Running");
      fill(vm, "type", "UserVm");
      fill(vm, "hypervisorType", "KVM");
      fill(vm, "platform", "Linux");
      fill(vm, "cpuNum", 1.0);
      fill(vm, "memorySize", 1073741824.0);
      Json nics = vm.find("vmNics") ? *vm.find("vmNics") : Json::array();
      vm.erase("vmNics");
      if (!nics.isArray()) throw std::runtime_error("seed: vmNics must be an array");
      int dev = 0;
      for (Json n : nics.items()) {
        if (!n.isObject()) throw std::runtime_error("seed: vmNics must hold objects");
        ensureUuid(n, "vm nic");
        const std::string l3 = n.getString("l3NetworkUuid");
        if (!st.find("l3Network", l3))
          throw std::runtime_error("seed: NIC " + n.getString("uuid") + " refers to unknown L3 '" + l3 + "'");
        if (!parseIpv4(n.getString("ip"))) throw std::runtime_error("seed: NIC " + n.getString("uuid") + " needs an ip");
        fill(n, "vmInstanceUuid", uuid);
        if (const Json* rg = rangeFor(st, l3, n.getString("ip"))) {
          fill(n, "netmask", rg->getString("netmask"));
          fill(n, "gateway", rg->getString("gateway"));
        }
        char mac[32];
        std::snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x", vmIndex & 255, dev & 255, 0x10);
        fill(n, "mac", mac);
        fill(n, "deviceId", static_cast<double>(dev));
        fill(n, "internalName", "vnic" + std::to_string(vmIndex) + "." + std::to_string(dev));
        fill(n, "usedIpUuid", newUuid());
        fill(n, "hypervisorType", "KVM");
        fill(n, "ipVersion", 4.0);
        stampIfMissing(n);
        if (!vm.has("defaultL3NetworkUuid")) vm["defaultL3NetworkUuid"] = l3;
        if (l3 == info.privateL3Uuid) info.vmNicUuids.push_back(n.getString("uuid"));
        st.col("vmNic").put(std::move(n));
        ++dev;
      }
      stampIfMissing(vm);
      info.vmUuids.push_back(uuid);
      st.col("vmInstance").put(std::move(vm));
    }
  }
  if (const Json* ps = seedArray(seed, "networkServiceProviders"))
    for (Json p : ps->items()) {
      ensureUuid(p, "network service provider");
      fill(p, "name", p.getString("type"));
      fill(p, "networkServiceTypes", Json::array());
      fill(p, "attachedL2NetworkUuids", Json::array());
      stampIfMissing(p);
      info.providerUuids.push_back(p.getString("uuid"));
      st.col("networkServiceProvider").put(std::move(p));
    }
  if (const Json* refs = seedArray(seed, "networkServiceL3Refs"))
    for (Json r : refs->items()) {
      r["uuid"] = newUuid();
      st.col("networkServiceL3Ref").put(std::move(r));
    }
  if (const Json* ids = seedArray(seed, "iam2VirtualIds"))
    for (Json v : ids->items()) {
      ensureUuid(v, "iam2 virtual id");
      fill(v, "state", "Enabled");
      fill(v, "type", "ZStack");
      fill(v, "attributes", Json::array());
      stampIfMissing(v);
      info.iam2VirtualIdUuids.push_back(v.getString("uuid"));
      st.col("iam2VirtualId").put(std::move(v));
    }
  if (const Json* rules = seedArray(seed, "vpcFirewallRules"))
    for (Json r : rules->items()) {
      ensureUuid(r, "firewall rule");
      fill(r, "state", "enable");
      fill(r, "action", "accept");
      fill(r, "protocol", "all");
      if (const Json* n = r.find("ruleNumber"))
        if (n->isNumber()) r["ruleNumber"] = n->asDouble();
      stampIfMissing(r);
      info.firewallRuleUuids.push_back(r.getString("uuid"));
      st.col("vpcFirewallRule").put(std::move(r));
    }
  // Raw records for any collection (internal names, see README).
  if (const Json* raw = seed.find("collections")) {
    if (!raw->isObject()) throw std::runtime_error("seed: 'collections' must be an object");
    for (const auto& [name, recs] : raw->members()) {
      Collection* c = nullptr;
      try {
        c = &st.col(name);
      } catch (const ApiError&) {
        throw std::runtime_error("seed: unknown collection '" + name + "'");
      }
      if (!recs.isArray()) throw std::runtime_error("seed: collections." + name + " must be an array");
      for (Json r : recs.items()) {
        if (!r.isObject()) throw std::runtime_error("seed: collections." + name + " must hold objects");
        ensureUuid(r, name.c_str());
        stampIfMissing(r);
        c->put(std::move(r));
      }
    }
  }
}

// ---------------------------------------------------------------- routes

namespace {

using H = std::function<Json(Ctx&)>;

struct Reg {
  std::vector<Route> routes;

  void add(const std::string& api, const std::string& method, const std::string& path,
           std::vector<std::string> keys, H h, RouteKind kind) {
    Route r;
    r.api = api;
    r.method = method;
    r.setPath(path);
    r.bodyKeys = std::move(keys);
    r.kind = kind;
    r.handler = std::move(h);
    routes.push_back(std::move(r));
  }
  void get(const std::string& api, const std::string& path, H h) { add(api, "GET", path, {}, std::move(h), RouteKind::Sync); }
  void post(const std::string& api, const std::string& path, const std::string& key, H h) {
    add(api, "POST", path, key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key}, std::move(h),
        RouteKind::Async);
  }
  void put(const std::string& api, const std::string& path, const std::string& key, H h) {
    add(api, "PUT", path, {key}, std::move(h), RouteKind::Async);
  }
  void del(const std::string& api, const std::string& path, H h) { add(api, "DELETE", path, {}, std::move(h), RouteKind::Async); }
  void query(const std::string& api, const std::string& path, const std::string& col) {
    get(api, path, [col](Ctx& c) { return runQuery(c.st, col, c.query); });
    get(api, path + "/{uuid}", [col](Ctx& c) {
      return runQuery(c.st, col, c.query, c.st.col(col).keyField, c.var("uuid"));
    });
  }
};

void networkServiceRoutes(Reg& r) {
  r.get("GetNetworkServiceTypes", "network-services/types", [](Ctx& c) {
    Json types = Json::object();
    for (Json* p : c.st.col("networkServiceProvider").all())
      if (const Json* ts = p->find("networkServiceTypes"))
        for (const auto& t : ts->items()) types[t.str()].push(p->getString("uuid"));
    Json reply = Json::object();
    reply["types"] = std::move(types);
    return reply;
  });
  r.query("QueryNetworkServiceProvider", "network-services/providers", "networkServiceProvider");
  r.query("QueryNetworkServiceL3NetworkRef", "l3-networks/network-services/refs", "networkServiceL3Ref");
  // Parses {providerUuid: [types]} from the body or key.<provider>=type from the query.
  auto parseServices = [](Ctx& c) {
    std::vector<std::pair<std::string, std::string>> out;
    if (const Json* m = c.params.find("networkServices")) {
      if (!m->isObject()) throwBadRequest("parameter[networkServices] must be a map of provider uuid to service types");
      for (const auto& [prov, types] : m->members()) {
        if (types.isString()) out.emplace_back(prov, types.str());
        else if (types.isArray()) {
          for (const auto& t : types.items()) {
            if (!t.isString()) throwBadRequest("networkServices values must be lists of strings");
            out.emplace_back(prov, t.str());
          }
        } else {
          throwBadRequest("networkServices values must be lists of strings");
        }
      }
    }
    for (const auto& [k, v] : c.query)
      if (k.rfind("networkServices.", 0) == 0) {
        std::string cur;
        for (char ch : v + ",") {
          if (ch == ',') {
            if (!cur.empty()) out.emplace_back(k.substr(16), cur);
            cur.clear();
          } else {
            cur += ch;
          }
        }
      }
    if (out.empty()) throwBadRequest("missing mandatory parameter[networkServices]");
    return out;
  };
  auto validate = [](Ctx& c, const std::vector<std::pair<std::string, std::string>>& svcs) {
    for (const auto& [prov, type] : svcs) {
      Json& p = c.st.mustGet("networkServiceProvider", prov);
      bool ok = false;
      for (const auto& t : field(p, "networkServiceTypes").items())
        if (t.str() == type) ok = true;
      if (!ok)
        throwInvalidArg("network service provider[uuid:" + prov + ", type:" + p.getString("type") +
                        "] does not provide network service[" + type + "]");
    }
  };
  r.post("AttachNetworkServiceToL3Network", "l3-networks/{l3NetworkUuid}/network-services", "params",
         [parseServices, validate](Ctx& c) {
           auto svcs = parseServices(c);
           const std::string l3 = c.var("l3NetworkUuid");
           c.st.mustGet("l3Network", l3);
           validate(c, svcs);
           for (const auto& [prov, type] : svcs) {
             auto existing = c.st.where("networkServiceL3Ref", [&](const Json& j) {
               return j.getString("l3NetworkUuid") == l3 && j.getString("networkServiceType") == type &&
                      j.getString("networkServiceProviderUuid") == prov;
             });
             if (!existing.empty()) continue;
             Json ref = Json::object();
             ref["uuid"] = newUuid();
             ref["l3NetworkUuid"] = l3;
             ref["networkServiceProviderUuid"] = prov;
             ref["networkServiceType"] = type;
             c.st.col("networkServiceL3Ref").put(std::move(ref));
           }
           return inventory(c.st.viewOf("l3Network", l3));
         });
  r.del("DetachNetworkServiceFromL3Network", "l3-networks/{l3NetworkUuid}/network-services",
        [parseServices, validate](Ctx& c) {
          auto svcs = parseServices(c);
          const std::string l3 = c.var("l3NetworkUuid");
          c.st.mustGet("l3Network", l3);
          validate(c, svcs);
          for (const auto& [prov, type] : svcs)
            for (Json* ref : c.st.where("networkServiceL3Ref", [&](const Json& j) {
                   return j.getString("l3NetworkUuid") == l3 && j.getString("networkServiceType") == type &&
                          j.getString("networkServiceProviderUuid") == prov;
                 }))
              c.st.col("networkServiceL3Ref").remove(ref->getString("uuid"));
          return inventory(c.st.viewOf("l3Network", l3));
        });
}

void securityGroupRoutes(Reg& r) {
  r.post("CreateSecurityGroup", "security-groups", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    auto desc = c.optStr("description");
    auto ipVersion = c.optInt("ipVersion");
    if (ipVersion && *ipVersion != 4 && *ipVersion != 6) throwBadRequest("ipVersion must be 4 or 6");
    Json sg = newRecord(c, "securityGroup");
    sg["name"] = name;
    sg["description"] = desc ? Json(*desc) : Json();
    sg["state"] = "Enabled";
    sg["ipVersion"] = fd(ipVersion.value_or(4));
    sg["internalId"] = fd(static_cast<long long>(c.st.col("securityGroup").order.size() + 1));
    sg["attachedL3NetworkUuids"] = Json::array();
    stamp(sg);
    const std::string uuid = sg.getString("uuid");
    c.st.col("securityGroup").put(std::move(sg));
    return inventory(c.st.viewOf("securityGroup", uuid));
  });
  r.del("DeleteSecurityGroup", "security-groups/{uuid}", [](Ctx& c) {
    deleteSecurityGroup(c.st, c.var("uuid"), c.enforcing());
    return emptyReply();
  });
  r.query("QuerySecurityGroup", "security-groups", "securityGroup");
  r.put("UpdateSecurityGroup", "security-groups/{uuid}/actions", "updateSecurityGroup",
        [](Ctx& c) { return doUpdate(c, "securityGroup", c.var("uuid"), {"name", "description"}); });
  r.put("ChangeSecurityGroupState", "security-groups/{uuid}/actions", "changeSecurityGroupState",
        [](Ctx& c) { return doChangeState(c, "securityGroup"); });
  r.post("AttachSecurityGroupToL3Network", "security-groups/{securityGroupUuid}/l3-networks/{l3NetworkUuid}", "",
         [](Ctx& c) {
           const std::string sgUuid = c.var("securityGroupUuid"), l3 = c.var("l3NetworkUuid");
           Json& sg = c.st.mustGet("securityGroup", sgUuid);
           c.st.mustGet("l3Network", l3);
           Json& l3s = sg["attachedL3NetworkUuids"];
           for (const auto& x : l3s.items())
             if (x.str() == l3)
               throwOperationFailure("cannot attach security group[uuid:" + sgUuid + "]", "SYS.1007",
                                     "the security group is already attached to L3 network[uuid:" + l3 + "]");
           l3s.push(l3);
           touch(sg);
           return inventory(c.st.viewOf("securityGroup", sg));
         });
  r.del("DetachSecurityGroupFromL3Network", "security-groups/{securityGroupUuid}/l3-networks/{l3NetworkUuid}",
        [](Ctx& c) {
          const std::string sgUuid = c.var("securityGroupUuid"), l3 = c.var("l3NetworkUuid");
          Json& sg = c.st.mustGet("securityGroup", sgUuid);
          c.st.mustGet("l3Network", l3);
          Json& l3s = sg["attachedL3NetworkUuids"];
          auto& items = l3s.items();
          auto it = std::find_if(items.begin(), items.end(), [&](const Json& j) { return j.str() == l3; });
          if (it == items.end())
            throwOperationFailure("cannot detach security group[uuid:" + sgUuid + "]", "SYS.1007",
                                  "the security group is not attached to L3 network[uuid:" + l3 + "]");
          items.erase(it);
          for (Json* ref : c.st.where("vmNicSecurityGroupRef", [&](const Json& j) {
                 if (j.getString("securityGroupUuid") != sgUuid) return false;
                 Json* nic = c.st.find("vmNic", j.getString("vmNicUuid"));
                 return !nic || nic->getString("l3NetworkUuid") == l3;
               }))
            c.st.col("vmNicSecurityGroupRef").remove(ref->getString("uuid"));
          touch(sg);
          return inventory(c.st.viewOf("securityGroup", sg));
        });
  r.get("GetCandidateVmNicForSecurityGroup", "security-groups/{securityGroupUuid}/vm-instances/candidate-nics",
        [](Ctx& c) {
          const std::string sgUuid = c.var("securityGroupUuid");
          Json& sg = c.st.mustGet("securityGroup", sgUuid);
          std::set<std::string> l3s, members;
          for (const auto& x : field(sg, "attachedL3NetworkUuids").items()) l3s.insert(x.str());
          for (Json* ref : c.st.col("vmNicSecurityGroupRef").all())
            if (ref->getString("securityGroupUuid") == sgUuid) members.insert(ref->getString("vmNicUuid"));
          return inventories(candidateNics(c.st, [&](const Json& n) {
            return l3s.count(n.getString("l3NetworkUuid")) && !members.count(n.getString("uuid"));
          }));
        });
  r.post("AddVmNicToSecurityGroup", "security-groups/{securityGroupUuid}/vm-instances/nics", "params", [](Ctx& c) {
    auto nics = c.list("vmNicUuids", true);
    const std::string sgUuid = c.var("securityGroupUuid");
    Json& sg = c.st.mustGet("securityGroup", sgUuid);
    std::set<std::string> l3s;
    for (const auto& x : field(sg, "attachedL3NetworkUuids").items()) l3s.insert(x.str());
    for (const auto& n : nics) {
      Json& nic = nicOf(c.st, n);
      if (!l3s.count(nic.getString("l3NetworkUuid")))
        throwOperationFailure("cannot add VM NIC[uuid:" + n + "] to security group[uuid:" + sgUuid + "]", "SYS.1007",
                              "the security group is not attached to the NIC's L3 network[uuid:" +
                                  nic.getString("l3NetworkUuid") + "]");
    }
    for (const auto& n : nics) {
      if (!c.st.where("vmNicSecurityGroupRef", [&](const Json& j) {
                 return j.getString("vmNicUuid") == n && j.getString("securityGroupUuid") == sgUuid;
               }).empty())
        continue;
      Json ref = Json::object();
      ref["uuid"] = newUuid();
      ref["vmNicUuid"] = n;
      ref["securityGroupUuid"] = sgUuid;
      ref["vmInstanceUuid"] = nicOf(c.st, n).getString("vmInstanceUuid");
      stamp(ref);
      c.st.col("vmNicSecurityGroupRef").put(std::move(ref));
    }
    return emptyReply();
  });
  r.del("DeleteVmNicFromSecurityGroup", "security-groups/{securityGroupUuid}/vm-instances/nics", [](Ctx& c) {
    auto nics = c.list("vmNicUuids", true);
    const std::string sgUuid = c.var("securityGroupUuid");
    c.st.mustGet("securityGroup", sgUuid);
    for (const auto& n : nics)
      for (Json* ref : c.st.where("vmNicSecurityGroupRef", [&](const Json& j) {
             return j.getString("vmNicUuid") == n && j.getString("securityGroupUuid") == sgUuid;
           }))
        c.st.col("vmNicSecurityGroupRef").remove(ref->getString("uuid"));
    return emptyReply();
  });
  r.query("QueryVmNicInSecurityGroup", "security-groups/vm-instances/nics", "vmNicSecurityGroupRef");
  r.post("AddSecurityGroupRule", "security-groups/{securityGroupUuid}/rules", "params", [](Ctx& c) {
    const Json* rules = c.params.find("rules");
    if (!rules || !rules->isArray() || rules->size() == 0)
      throwBadRequest("missing mandatory parameter[rules] (a non-empty list)");
    auto remotes = c.list("remoteSecurityGroupUuids", false);
    std::vector<Json> made;
    const std::string sgUuid = c.var("securityGroupUuid");
    for (const auto& in : rules->items()) {
      if (!in.isObject()) throwBadRequest("each element of rules must be an object");
      Ctx rc{c.st, {}, c.query, in, Json::array(), Json::array(), "POST"};
      const std::string type = canonical(rc.str("type"), {"Ingress", "Egress"}, "rules.type");
      const std::string proto = canonical(rc.str("protocol"), {"TCP", "UDP", "ICMP", "ALL"}, "rules.protocol");
      long long sp = rc.optInt("startPort").value_or(-1), ep = rc.optInt("endPort").value_or(-1);
      if (proto == "TCP" || proto == "UDP") {
        if (sp < 0 || sp > 65535 || ep < 0 || ep > 65535 || sp > ep)
          throwBadRequest("invalid port range [" + std::to_string(sp) + ", " + std::to_string(ep) + "] for " + proto);
      } else if (proto == "ICMP") {
        if (sp < -1 || sp > 255 || ep < -1 || ep > 255) throwBadRequest("invalid ICMP type/code");
      } else {
        sp = -1;
        ep = -1;
      }
      const std::string cidr = rc.optStr("allowedCidr").value_or("0.0.0.0/0");
      checkCidr(cidr, "rules.allowedCidr");
      auto remote = rc.optStr("remoteSecurityGroupUuid");
      std::vector<std::optional<std::string>> targets;
      if (remote) targets.push_back(remote);
      for (const auto& x : remotes) targets.emplace_back(x);
      if (targets.empty()) targets.emplace_back(std::nullopt);
      for (const auto& t : targets) {
        Json rule = Json::object();
        rule["uuid"] = newUuid();
        rule["securityGroupUuid"] = sgUuid;
        rule["type"] = type;
        rule["ipVersion"] = fd(4);
        rule["startPort"] = fd(sp);
        rule["endPort"] = fd(ep);
        rule["protocol"] = proto;
        rule["state"] = "Enabled";
        rule["allowedCidr"] = cidr;
        rule["remoteSecurityGroupUuid"] = t ? Json(*t) : Json();
        if (auto d = rc.optStr("description")) rule["description"] = *d;
        stamp(rule);
        made.push_back(std::move(rule));
      }
    }
    Json& sg = c.st.mustGet("securityGroup", sgUuid);
    for (const auto& x : remotes) c.st.mustGet("securityGroup", x);
    auto same = [](const Json& a, const Json& b) {
      for (const char* k : {"type", "protocol", "startPort", "endPort", "allowedCidr", "remoteSecurityGroupUuid"}) {
        const Json* x = a.find(k);
        const Json* y = b.find(k);
        if (!x || !y || *x != *y) return false;
      }
      return true;
    };
    for (std::size_t i = 0; i < made.size(); ++i) {
      if (field(made[i], "remoteSecurityGroupUuid").isString())
        c.st.mustGet("securityGroup", made[i].getString("remoteSecurityGroupUuid"));
      for (Json* ex : c.st.col("securityGroupRule").all())
        if (ex->getString("securityGroupUuid") == sgUuid && same(*ex, made[i]))
          throwOperationFailure("cannot add rules to security group[uuid:" + sgUuid + "]", "SYS.1007",
                                "a rule with the same type/protocol/ports/allowedCidr already exists[uuid:" +
                                    ex->getString("uuid") + "]");
      for (std::size_t j = 0; j < i; ++j)
        if (same(made[j], made[i])) throwBadRequest("duplicate rules in parameter[rules]");
    }
    for (auto& rule : made) c.st.col("securityGroupRule").put(std::move(rule));
    touch(sg);
    return inventory(c.st.viewOf("securityGroup", sg));
  });
  r.query("QuerySecurityGroupRule", "security-groups/rules", "securityGroupRule");
  r.del("DeleteSecurityGroupRule", "security-groups/rules", [](Ctx& c) {
    auto uuids = c.list("ruleUuids", true);
    std::string sgUuid;
    for (const auto& u : uuids) sgUuid = c.st.mustGet("securityGroupRule", u).getString("securityGroupUuid");
    for (const auto& u : uuids) c.st.col("securityGroupRule").remove(u);
    Json* sg = c.st.find("securityGroup", sgUuid);
    return sg ? inventory(c.st.viewOf("securityGroup", *sg)) : emptyReply();
  });
}

void vipRoutes(Reg& r) {
  r.post("CreateVip", "vips", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string l3 = c.str("l3NetworkUuid");
    auto desc = c.optStr("description");
    auto required = c.optStr("requiredIp");
    (void)c.optStr("allocatorStrategy");
    Json vip = newRecord(c, "vip");
    auto [ip, range] = allocateIp(c.st, l3, required);
    vip["name"] = name;
    vip["description"] = desc ? Json(*desc) : Json();
    vip["l3NetworkUuid"] = l3;
    vip["ip"] = ip;
    vip["state"] = "Enabled";
    vip["gateway"] = range.getString("gateway");
    vip["netmask"] = range.getString("netmask");
    vip["prefixLen"] = range.find("prefixLen") ? *range.find("prefixLen") : Json();
    vip["ipRangeUuid"] = range.getString("uuid");
    vip["serviceProvider"] = Json();
    vip["peerL3NetworkUuids"] = Json::array();
    vip["system"] = false;
    vip["usedIpUuid"] = newUuid();
    stamp(vip);
    const std::string uuid = vip.getString("uuid");
    c.st.col("vip").put(std::move(vip));
    return inventory(c.st.viewOf("vip", uuid));
  });
  r.del("DeleteVip", "vips/{uuid}", [](Ctx& c) {
    deleteVip(c.st, c.var("uuid"), c.enforcing());
    return emptyReply();
  });
  r.query("QueryVip", "vips", "vip");
  r.put("UpdateVip", "vips/{uuid}/actions", "updateVip",
        [](Ctx& c) { return doUpdate(c, "vip", c.var("uuid"), {"name", "description"}); });
  r.put("ChangeVipState", "vips/{uuid}/actions", "changeVipState", [](Ctx& c) { return doChangeState(c, "vip"); });
  r.get("GetVipUsedPorts", "vips/{uuid}/usedports", [](Ctx& c) {
    const std::string proto = upper(canonical(c.str("protocol"), {"tcp", "udp"}, "protocol"));
    const std::string uuid = c.var("uuid");
    c.st.mustGet("vip", uuid);
    std::vector<std::pair<long long, long long>> ranges;
    for (const auto& u : vipPortUses(c.st, uuid))
      if (u.proto == proto) ranges.emplace_back(u.start, u.end);
    std::sort(ranges.begin(), ranges.end());
    Json ports = Json::array();
    for (const auto& [s, e] : ranges)
      ports.push(s == e ? std::to_string(s) : std::to_string(s) + "-" + std::to_string(e));
    Json item = Json::object();
    item["uuid"] = uuid;
    item["protocol"] = proto;
    item["usedPorts"] = std::move(ports);
    return inventories({item});
  });
  r.put("SetVipQos", "vips/{uuid}/actions", "setVipQos", [](Ctx& c) {
    auto port = c.optInt("port");
    auto out = c.optInt("outboundBandwidth");
    auto in = c.optInt("inboundBandwidth");
    if (!out && !in) throwBadRequest("at least one of inboundBandwidth and outboundBandwidth must be set");
    if (port) checkPort(*port, "port");
    if ((out && *out < 8192) || (in && *in < 8192)) throwBadRequest("bandwidth must be at least 8192 bps");
    const std::string vip = c.var("uuid");
    c.st.mustGet("vip", vip);
    Json* qos = nullptr;
    for (Json* q : c.st.col("vipQos").all()) {
      const Json* p = q->find("port");
      const bool samePort = port ? (p && p->isNumber() && p->asInt() == *port) : (!p || p->isNull());
      if (q->getString("vipUuid") == vip && samePort) qos = q;
    }
    if (!qos) {
      Json q = Json::object();
      q["uuid"] = newUuid();
      q["vipUuid"] = vip;
      q["port"] = port ? fd(*port) : Json();
      q["inboundBandwidth"] = Json();
      q["outboundBandwidth"] = Json();
      stamp(q);
      const std::string u = q.getString("uuid");
      c.st.col("vipQos").put(std::move(q));
      qos = c.st.find("vipQos", u);
    }
    if (in) (*qos)["inboundBandwidth"] = fd(*in);
    if (out) (*qos)["outboundBandwidth"] = fd(*out);
    touch(*qos);
    return inventory(*qos);
  });
  r.get("GetVipQos", "vip/{uuid}/vip-qos", [](Ctx& c) {
    const std::string vip = c.var("uuid");
    c.st.mustGet("vip", vip);
    std::vector<Json> out;
    for (Json* q : c.st.col("vipQos").all())
      if (q->getString("vipUuid") == vip) out.push_back(*q);
    return inventories(std::move(out));
  });
  r.del("DeleteVipQos", "vips/{uuid}/vip-qos", [](Ctx& c) {
    auto port = c.optInt("port");
    const std::string vip = c.var("uuid");
    c.st.mustGet("vip", vip);
    for (Json* q : c.st.where("vipQos", [&](const Json& j) {
           if (j.getString("vipUuid") != vip) return false;
           const Json* p = j.find("port");
           return port ? (p && p->isNumber() && p->asInt() == *port) : (!p || p->isNull());
         }))
      c.st.col("vipQos").remove(q->getString("uuid"));
    return emptyReply();
  });
}

void checkNicForVip(State& st, const std::string& nicUuid, const std::string& vipUuid, const std::string& what) {
  Json& nic = nicOf(st, nicUuid);
  Json& vip = st.mustGet("vip", vipUuid);
  if (nic.getString("l3NetworkUuid") == vip.getString("l3NetworkUuid"))
    throwOperationFailure("cannot bind " + what + " to VM NIC[uuid:" + nicUuid + "]", "SYS.1007",
                          "the VM NIC is on the same L3 network as the VIP[uuid:" + vipUuid + "]");
}

void checkNicHasNoEip(State& st, const std::string& nicUuid, const std::string& self) {
  for (Json* e : st.col("eip").all())
    if (e->getString("vmNicUuid") == nicUuid && e->getString("uuid") != self)
      throwOperationFailure("cannot attach EIP to VM NIC[uuid:" + nicUuid + "]", "SYS.1007",
                            "the VM NIC already has EIP[uuid:" + e->getString("uuid") + "] attached");
}

std::vector<Json> attachableNics(State& st, const std::string& vipUuid,
                                 const std::function<bool(const Json&)>& extra) {
  std::string vipL3;
  if (Json* vip = st.find("vip", vipUuid)) vipL3 = vip->getString("l3NetworkUuid");
  return candidateNics(st, [&](const Json& n) {
    const std::string l3 = n.getString("l3NetworkUuid");
    return l3 != vipL3 && l3Category(st, l3) != "Public" && extra(n);
  });
}

void eipRoutes(Reg& r) {
  r.post("CreateEip", "eips", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string vip = c.str("vipUuid");
    auto nic = c.optStr("vmNicUuid");
    auto desc = c.optStr("description");
    (void)c.optStr("usedIpUuid");
    Json eip = newRecord(c, "eip");
    checkVipUsable(c.st, vip, "Eip");
    if (nic) {
      checkNicForVip(c.st, *nic, vip, "EIP");
      checkNicHasNoEip(c.st, *nic, "");
    }
    eip["name"] = name;
    eip["description"] = desc ? Json(*desc) : Json();
    eip["vmNicUuid"] = nic ? Json(*nic) : Json();
    eip["vipUuid"] = vip;
    eip["state"] = "Enabled";
    stamp(eip);
    const std::string uuid = eip.getString("uuid");
    c.st.col("eip").put(std::move(eip));
    return inventory(c.st.viewOf("eip", uuid));
  });
  r.del("DeleteEip", "eips/{uuid}", [](Ctx& c) {
    (void)c.enforcing();
    c.st.mustGet("eip", c.var("uuid"));
    c.st.col("eip").remove(c.var("uuid"));
    return emptyReply();
  });
  r.query("QueryEip", "eips", "eip");
  r.put("UpdateEip", "eips/{uuid}/actions", "updateEip",
        [](Ctx& c) { return doUpdate(c, "eip", c.var("uuid"), {"name", "description"}); });
  r.put("ChangeEipState", "eips/{uuid}/actions", "changeEipState", [](Ctx& c) { return doChangeState(c, "eip"); });
  r.get("GetEipAttachableVmNics", "eips/{eipUuid}/vm-instances/candidate-nics", [](Ctx& c) {
    std::string vip = c.optStr("vipUuid").value_or("");
    if (!c.var("eipUuid").empty()) {
      Json& eip = c.st.mustGet("eip", c.var("eipUuid"));
      vip = eip.getString("vipUuid");
      if (field(eip, "vmNicUuid").isString()) return inventories({});
    }
    auto nics = attachableNics(c.st, vip, [&](const Json& n) {
      for (Json* e : c.st.col("eip").all())
        if (e->getString("vmNicUuid") == n.getString("uuid")) return false;
      return true;
    });
    return queryList(std::move(nics), {}, {{"start", c.optStr("start").value_or("0")},
                                            {"limit", c.optStr("limit").value_or("1000")}});
  });
  r.post("AttachEip", "eips/{eipUuid}/vm-instances/nics/{vmNicUuid}", "", [](Ctx& c) {
    const std::string uuid = c.var("eipUuid"), nic = c.var("vmNicUuid");
    Json& eip = c.st.mustGet("eip", uuid);
    if (field(eip, "vmNicUuid").isString())
      throwOperationFailure("cannot attach EIP[uuid:" + uuid + "]", "SYS.1007",
                            "the EIP is already attached to VM NIC[uuid:" + eip.getString("vmNicUuid") + "]");
    checkNicForVip(c.st, nic, eip.getString("vipUuid"), "EIP");
    checkNicHasNoEip(c.st, nic, uuid);
    eip["vmNicUuid"] = nic;
    touch(eip);
    return inventory(c.st.viewOf("eip", eip));
  });
  r.del("DetachEip", "eips/{uuid}/vm-instances/nics", [](Ctx& c) {
    Json& eip = c.st.mustGet("eip", c.var("uuid"));
    if (!field(eip, "vmNicUuid").isString())
      throwOperationFailure("cannot detach EIP[uuid:" + c.var("uuid") + "]", "SYS.1007",
                            "the EIP is not attached to any VM NIC");
    eip["vmNicUuid"] = Json();
    touch(eip);
    return inventory(c.st.viewOf("eip", eip));
  });
}

void portForwardingRoutes(Reg& r) {
  r.post("CreatePortForwardingRule", "port-forwarding", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string vip = c.str("vipUuid");
    const std::string proto = canonical(c.str("protocolType"), {"TCP", "UDP"}, "protocolType");
    const long long vs = c.integer("vipPortStart");
    const long long ve = c.optInt("vipPortEnd").value_or(vs);
    const long long ps = c.optInt("privatePortStart").value_or(vs);
    const long long pe = c.optInt("privatePortEnd").value_or(c.has("privatePortStart") ? ps + (ve - vs) : ve);
    checkPort(vs, "vipPortStart");
    checkPort(ve, "vipPortEnd");
    checkPort(ps, "privatePortStart");
    checkPort(pe, "privatePortEnd");
    if (vs > ve || ps > pe) throwBadRequest("port range start must not be greater than its end");
    if (ve - vs != pe - ps) throwBadRequest("the VIP port range and the private port range must have the same length");
    const std::string cidr = c.optStr("allowedCidr").value_or("0.0.0.0/0");
    checkCidr(cidr, "allowedCidr");
    auto nic = c.optStr("vmNicUuid");
    auto desc = c.optStr("description");
    Json pf = newRecord(c, "portForwarding");
    checkVipUsable(c.st, vip, "PortForwarding");
    checkPortsFree(c.st, vip, proto, vs, ve);
    if (nic) checkNicForVip(c.st, *nic, vip, "port forwarding rule");
    pf["name"] = name;
    pf["description"] = desc ? Json(*desc) : Json();
    pf["vipUuid"] = vip;
    pf["vipPortStart"] = fd(vs);
    pf["vipPortEnd"] = fd(ve);
    pf["privatePortStart"] = fd(ps);
    pf["privatePortEnd"] = fd(pe);
    pf["vmNicUuid"] = nic ? Json(*nic) : Json();
    pf["protocolType"] = proto;
    pf["state"] = "Enabled";
    pf["allowedCidr"] = cidr;
    stamp(pf);
    const std::string uuid = pf.getString("uuid");
    c.st.col("portForwarding").put(std::move(pf));
    return inventory(c.st.viewOf("portForwarding", uuid));
  });
  r.del("DeletePortForwardingRule", "port-forwarding/{uuid}", [](Ctx& c) {
    (void)c.enforcing();
    c.st.mustGet("portForwarding", c.var("uuid"));
    c.st.col("portForwarding").remove(c.var("uuid"));
    return emptyReply();
  });
  r.query("QueryPortForwardingRule", "port-forwarding", "portForwarding");
  r.put("UpdatePortForwardingRule", "port-forwarding/{uuid}/actions", "updatePortForwardingRule",
        [](Ctx& c) { return doUpdate(c, "portForwarding", c.var("uuid"), {"name", "description"}); });
  r.put("ChangePortForwardingRuleState", "port-forwarding/{uuid}/actions", "changePortForwardingRuleState",
        [](Ctx& c) { return doChangeState(c, "portForwarding"); });
  r.get("GetPortForwardingAttachableVmNics", "port-forwarding/{ruleUuid}/vm-instances/candidate-nics", [](Ctx& c) {
    Json& pf = c.st.mustGet("portForwarding", c.var("ruleUuid"));
    if (field(pf, "vmNicUuid").isString()) return inventories({});
    return inventories(attachableNics(c.st, pf.getString("vipUuid"), [](const Json&) { return true; }));
  });
  r.post("AttachPortForwardingRule", "port-forwarding/{ruleUuid}/vm-instances/nics/{vmNicUuid}", "", [](Ctx& c) {
    const std::string uuid = c.var("ruleUuid"), nic = c.var("vmNicUuid");
    Json& pf = c.st.mustGet("portForwarding", uuid);
    if (field(pf, "vmNicUuid").isString())
      throwOperationFailure("cannot attach port forwarding rule[uuid:" + uuid + "]", "SYS.1007",
                            "the rule is already attached to VM NIC[uuid:" + pf.getString("vmNicUuid") + "]");
    checkNicForVip(c.st, nic, pf.getString("vipUuid"), "port forwarding rule");
    pf["vmNicUuid"] = nic;
    touch(pf);
    return inventory(c.st.viewOf("portForwarding", pf));
  });
  r.del("DetachPortForwardingRule", "port-forwarding/{uuid}/vm-instances/nics", [](Ctx& c) {
    Json& pf = c.st.mustGet("portForwarding", c.var("uuid"));
    if (!field(pf, "vmNicUuid").isString())
      throwOperationFailure("cannot detach port forwarding rule[uuid:" + c.var("uuid") + "]", "SYS.1007",
                            "the rule is not attached to any VM NIC");
    pf["vmNicUuid"] = Json();
    touch(pf);
    return inventory(c.st.viewOf("portForwarding", pf));
  });
}

Json listenerInventory(State& st, const std::string& uuid) { return inventory(st.viewOf("lbListener", uuid)); }

void loadBalancerRoutes(Reg& r) {
  r.post("CreateLoadBalancer", "load-balancers", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string vip = c.str("vipUuid");
    auto desc = c.optStr("description");
    Json lb = newRecord(c, "loadBalancer");
    checkVipUsable(c.st, vip, "LoadBalancer");
    lb["name"] = name;
    lb["description"] = desc ? Json(*desc) : Json();
    lb["state"] = "Enabled";
    lb["type"] = "Shared";
    lb["vipUuid"] = vip;
    stamp(lb);
    const std::string uuid = lb.getString("uuid");
    c.st.col("loadBalancer").put(std::move(lb));
    return inventory(c.st.viewOf("loadBalancer", uuid));
  });
  r.del("DeleteLoadBalancer", "load-balancers/{uuid}", [](Ctx& c) {
    (void)c.enforcing();
    c.st.mustGet("loadBalancer", c.var("uuid"));
    deleteLoadBalancer(c.st, c.var("uuid"));
    return emptyReply();
  });
  r.query("QueryLoadBalancer", "load-balancers", "loadBalancer");
  r.put("RefreshLoadBalancer", "load-balancers/{uuid}/actions", "refreshLoadBalancer", [](Ctx& c) {
    Json& lb = c.st.mustGet("loadBalancer", c.var("uuid"));
    touch(lb);
    return inventory(c.st.viewOf("loadBalancer", lb));
  });
  r.put("UpdateLoadBalancer", "load-balancers/{uuid}/actions", "updateLoadBalancer",
        [](Ctx& c) { return doUpdate(c, "loadBalancer", c.var("uuid"), {"name", "description"}); });
  r.post("CreateLoadBalancerListener", "load-balancers/{loadBalancerUuid}/listeners", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const long long lbPort = c.integer("loadBalancerPort");
    const long long instPort = c.optInt("instancePort").value_or(lbPort);
    checkPort(lbPort, "loadBalancerPort");
    checkPort(instPort, "instancePort");
    const std::string proto = canonical(c.optStr("protocol").value_or("tcp"), {"tcp", "http", "https", "udp"}, "protocol");
    auto cert = c.optStr("certificateUuid");
    auto desc = c.optStr("description");
    Json l = newRecord(c, "lbListener");
    const std::string lbUuid = c.var("loadBalancerUuid");
    Json& lb = c.st.mustGet("loadBalancer", lbUuid);
    if (cert) c.st.mustGet("certificate", *cert);
    checkPortsFree(c.st, lb.getString("vipUuid"), lbProtoToL4(proto), lbPort, lbPort);
    const std::string uuid = l.getString("uuid");
    l["name"] = name;
    l["description"] = desc ? Json(*desc) : Json();
    l["loadBalancerUuid"] = lbUuid;
    l["instancePort"] = fd(instPort);
    l["loadBalancerPort"] = fd(lbPort);
    l["protocol"] = proto;
    l["vmNicRefs"] = Json::array();
    Json refs = Json::array();
    if (cert) {
      Json ref = Json::object();
      ref["id"] = fd(1);
      ref["listenerUuid"] = uuid;
      ref["certificateUuid"] = *cert;
      stamp(ref);
      refs.push(std::move(ref));
    }
    l["certificateRefs"] = std::move(refs);
    stamp(l);
    c.st.col("lbListener").put(std::move(l));
    return listenerInventory(c.st, uuid);
  });
  r.del("DeleteLoadBalancerListener", "load-balancers/listeners/{uuid}", [](Ctx& c) {
    // Like ZStack (APIDeleteLoadBalancerListenerEvent): the reply is the load balancer's inventory.
    const std::string lbUuid = c.st.mustGet("lbListener", c.var("uuid")).getString("loadBalancerUuid");
    c.st.col("lbListener").remove(c.var("uuid"));
    return inventory(c.st.viewOf("loadBalancer", lbUuid));
  });
  r.query("QueryLoadBalancerListener", "load-balancers/listeners", "lbListener");
  r.put("UpdateLoadBalancerListener", "load-balancers/listeners/{uuid}", "updateLoadBalancerListener",
        [](Ctx& c) { return doUpdate(c, "lbListener", c.var("uuid"), {"name", "description"}); });
  r.get("GetCandidateVmNicsForLoadBalancer", "load-balancers/listeners/{listenerUuid}/vm-instances/candidate-nics",
        [](Ctx& c) {
          Json& l = c.st.mustGet("lbListener", c.var("listenerUuid"));
          Json& lb = c.st.mustGet("loadBalancer", l.getString("loadBalancerUuid"));
          std::set<std::string> members;
          for (const auto& ref : field(l, "vmNicRefs").items()) members.insert(ref.getString("vmNicUuid"));
          return inventories(attachableNics(c.st, lb.getString("vipUuid"),
                                            [&](const Json& n) { return !members.count(n.getString("uuid")); }));
        });
  r.post("AddVmNicToLoadBalancer", "load-balancers/listeners/{listenerUuid}/vm-instances/nics", "params", [](Ctx& c) {
    auto nics = c.list("vmNicUuids", true);
    const std::string uuid = c.var("listenerUuid");
    Json& l = c.st.mustGet("lbListener", uuid);
    Json& lb = c.st.mustGet("loadBalancer", l.getString("loadBalancerUuid"));
    Json& refs = l["vmNicRefs"];
    for (const auto& n : nics) {
      checkNicForVip(c.st, n, lb.getString("vipUuid"), "load balancer listener");
      for (const auto& ref : refs.items())
        if (ref.getString("vmNicUuid") == n)
          throwOperationFailure("cannot add VM NIC[uuid:" + n + "] to listener[uuid:" + uuid + "]", "SYS.1007",
                                "the VM NIC is already added to the listener");
    }
    for (const auto& n : nics) {
      Json ref = Json::object();
      ref["id"] = fd(static_cast<long long>(refs.size() + 1));
      ref["listenerUuid"] = uuid;
      ref["vmNicUuid"] = n;
      ref["status"] = "Active";
      stamp(ref);
      refs.push(std::move(ref));
    }
    touch(l);
    return listenerInventory(c.st, uuid);
  });
  r.del("RemoveVmNicFromLoadBalancer", "load-balancers/listeners/{listenerUuid}/vm-instances/nics", [](Ctx& c) {
    auto nics = c.list("vmNicUuids", true);
    const std::string uuid = c.var("listenerUuid");
    Json& l = c.st.mustGet("lbListener", uuid);
    auto& refs = l["vmNicRefs"].items();
    for (const auto& n : nics) {
      auto it = std::find_if(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("vmNicUuid") == n; });
      if (it == refs.end())
        throwOperationFailure("cannot remove VM NIC[uuid:" + n + "] from listener[uuid:" + uuid + "]", "SYS.1007",
                              "the VM NIC is not added to the listener");
    }
    for (const auto& n : nics)
      refs.erase(std::remove_if(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("vmNicUuid") == n; }),
                 refs.end());
    touch(l);
    return inventory(c.st.viewOf("loadBalancer", l.getString("loadBalancerUuid")));
  });
  r.post("CreateCertificate", "certificates", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string cert = c.str("certificate");
    auto desc = c.optStr("description");
    Json rec = newRecord(c, "certificate");
    rec["name"] = name;
    rec["certificate"] = cert;
    rec["description"] = desc ? Json(*desc) : Json();
    stamp(rec);
    const std::string uuid = rec.getString("uuid");
    c.st.col("certificate").put(std::move(rec));
    return inventory(c.st.viewOf("certificate", uuid));
  });
  r.del("DeleteCertificate", "certificates/{uuid}", [](Ctx& c) {
    const std::string uuid = c.var("uuid");
    const bool enforcing = c.enforcing();
    c.st.mustGet("certificate", uuid);
    for (Json* l : c.st.col("lbListener").all()) {
      auto& refs = (*l)["certificateRefs"].items();
      auto it = std::find_if(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("certificateUuid") == uuid; });
      if (it == refs.end()) continue;
      if (!enforcing)
        throwOperationFailure("cannot delete certificate[uuid:" + uuid + "]", "SYS.1007",
                              "the certificate is used by load balancer listener[uuid:" + l->getString("uuid") + "]");
    }
    for (Json* l : c.st.col("lbListener").all()) {
      auto& refs = (*l)["certificateRefs"].items();
      refs.erase(std::remove_if(refs.begin(), refs.end(),
                                [&](const Json& j) { return j.getString("certificateUuid") == uuid; }),
                 refs.end());
    }
    c.st.col("certificate").remove(uuid);
    return emptyReply();
  });
  r.query("QueryCertificate", "certificates", "certificate");
  r.put("UpdateCertificate", "certificates/{uuid}/actions", "updateCertificate",
        [](Ctx& c) { return doUpdate(c, "certificate", c.var("uuid"), {"name", "description"}); });
  r.post("AddCertificateToLoadBalancerListener", "load-balancers/listeners/{listenerUuid}/certificate", "params",
         [](Ctx& c) {
           const std::string cert = c.str("certificateUuid");
           const std::string uuid = c.var("listenerUuid");
           Json& l = c.st.mustGet("lbListener", uuid);
           c.st.mustGet("certificate", cert);
           if (l.getString("protocol") != "https")
             throwOperationFailure("cannot add certificate[uuid:" + cert + "] to listener[uuid:" + uuid + "]",
                                   "SYS.1007", "only https listeners take certificates, this one is " + l.getString("protocol"));
           Json& refs = l["certificateRefs"];
           if (refs.size() > 0)
             throwOperationFailure("cannot add certificate[uuid:" + cert + "] to listener[uuid:" + uuid + "]",
                                   "SYS.1007",
                                   "the listener already has certificate[uuid:" +
                                       refs.items()[0].getString("certificateUuid") + "]");
           Json ref = Json::object();
           ref["id"] = fd(1);
           ref["listenerUuid"] = uuid;
           ref["certificateUuid"] = cert;
           stamp(ref);
           refs.push(std::move(ref));
           touch(l);
           return listenerInventory(c.st, uuid);
         });
  r.del("RemoveCertificateFromLoadBalancerListener", "load-balancers/listeners/{listenerUuid}/certificate",
        [](Ctx& c) {
          const std::string cert = c.str("certificateUuid");
          const std::string uuid = c.var("listenerUuid");
          Json& l = c.st.mustGet("lbListener", uuid);
          auto& refs = l["certificateRefs"].items();
          auto it = std::find_if(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("certificateUuid") == cert; });
          if (it == refs.end())
            throwOperationFailure("cannot remove certificate[uuid:" + cert + "] from listener[uuid:" + uuid + "]",
                                  "SYS.1007", "the certificate is not added to the listener");
          refs.erase(it);
          touch(l);
          return listenerInventory(c.st, uuid);
        });
}

Json cidrRef(const std::string& conn, const std::string& cidr) {
  Json p = Json::object();
  p["uuid"] = newUuid();
  p["cidr"] = cidr;
  p["connectionUuid"] = conn;
  stamp(p);
  return p;
}

Json l3Ref(const std::string& conn, const std::string& l3) {
  Json p = Json::object();
  p["uuid"] = newUuid();
  p["connectionUuid"] = conn;
  p["l3NetworkUuid"] = l3;
  stamp(p);
  return p;
}

void ipsecRoutes(Reg& r) {
  r.post("CreateIPsecConnection", "ipsec", "params", [](Ctx& c) {
    const std::string name = c.str("name");
    const std::string peer = c.str("peerAddress");
    if (!parseIpv4(peer)) throwBadRequest("peerAddress[" + peer + "] is not a valid IPv4 address");
    const std::string authKey = c.str("authKey");
    const std::string vip = c.str("vipUuid");
    auto l3 = c.optStr("l3NetworkUuid");
    auto cidrs = c.list("peerCidrs", false);
    for (const auto& x : cidrs) checkCidr(x, "peerCidrs");
    const std::string authMode = canonical(c.optStr("authMode").value_or("psk"), {"psk", "certs"}, "authMode");
    const std::vector<std::string> auths = {"md5", "sha1", "sha256", "sha384", "sha512"};
    const std::vector<std::string> encs = {"3des", "aes-128", "aes-192", "aes-256"};
    const std::string ikeAuth = canonical(c.optStr("ikeAuthAlgorithm").value_or("sha1"), auths, "ikeAuthAlgorithm");
    const std::string ikeEnc = canonical(c.optStr("ikeEncryptionAlgorithm").value_or("aes-128"), encs, "ikeEncryptionAlgorithm");
    const long long dh = c.optInt("ikeDhGroup").value_or(2);
    const std::string polAuth = canonical(c.optStr("policyAuthAlgorithm").value_or("sha1"), auths, "policyAuthAlgorithm");
    const std::string polEnc = canonical(c.optStr("policyEncryptionAlgorithm").value_or("aes-128"), encs, "policyEncryptionAlgorithm");
    auto pfs = c.optStr("pfs");
    if (pfs && (pfs->rfind("dh-group", 0) != 0)) throwBadRequest("invalid pfs[" + *pfs + "]");
    const std::string mode = canonical(c.optStr("policyMode").value_or("tunnel"), {"tunnel", "transport"}, "policyMode");
    const std::string tp = canonical(c.optStr("transformProtocol").value_or("esp"), {"esp", "ah", "ah-esp"}, "transformProtocol");
    auto desc = c.optStr("description");
    Json rec = newRecord(c, "ipsec");
    checkVipUsable(c.st, vip, "IPsec");
    if (l3) c.st.mustGet("l3Network", *l3);
    const std::string uuid = rec.getString("uuid");
    rec["name"] = name;
    rec["description"] = desc ? Json(*desc) : Json();
    rec["l3NetworkUuid"] = l3 ? Json(*l3) : Json();
    rec["peerAddress"] = peer;
    rec["authMode"] = authMode;
    rec["authKey"] = authKey;
    rec["vipUuid"] = vip;
    rec["ikeAuthAlgorithm"] = ikeAuth;
    rec["ikeEncryptionAlgorithm"] = ikeEnc;
    rec["ikeDhGroup"] = fd(dh);
    rec["policyAuthAlgorithm"] = polAuth;
    rec["policyEncryptionAlgorithm"] = polEnc;
    rec["pfs"] = pfs ? Json(*pfs) : Json();
    rec["policyMode"] = mode;
    rec["transformProtocol"] = tp;
    rec["state"] = "Enabled";
    rec["status"] = "Ready";
    Json pc = Json::array();
    std::set<std::string> seen;
    for (const auto& x : cidrs)
      if (seen.insert(x).second) pc.push(cidrRef(uuid, x));
    rec["peerCidrs"] = std::move(pc);
    Json refs = Json::array();
    if (l3) refs.push(l3Ref(uuid, *l3));
    rec["l3NetworkRefs"] = std::move(refs);
    stamp(rec);
    c.st.col("ipsec").put(std::move(rec));
    return inventory(c.st.viewOf("ipsec", uuid));
  });
  r.del("DeleteIPsecConnection", "ipsec/{uuid}", [](Ctx& c) {
    (void)c.enforcing();
    c.st.mustGet("ipsec", c.var("uuid"));
    c.st.col("ipsec").remove(c.var("uuid"));
    return emptyReply();
  });
  r.put("UpdateIPsecConnection", "ipsec/{uuid}", "updateIPsecConnection", [](Ctx& c) {
    (void)c.enforcing();  // validates deleteMode if given
    return doUpdate(c, "ipsec", c.var("uuid"), {"name", "description"});
  });
  r.query("QueryIPSecConnection", "ipsec", "ipsec");
  r.put("ChangeIPSecConnectionState", "ipsec/{uuid}/actions", "changeIPSecConnectionState",
        [](Ctx& c) { return doChangeState(c, "ipsec"); });
  r.post("AttachL3NetworksToIPsecConnection", "ipsec/{uuid}/l3networks", "params", [](Ctx& c) {
    auto l3s = c.list("l3NetworkUuids", true);
    Json& rec = c.st.mustGet("ipsec", c.var("uuid"));
    Json& refs = rec["l3NetworkRefs"];
    for (const auto& l3 : l3s) {
      c.st.mustGet("l3Network", l3);
      for (const auto& ref : refs.items())
        if (ref.getString("l3NetworkUuid") == l3)
          throwOperationFailure("cannot attach L3 network[uuid:" + l3 + "]", "SYS.1007",
                                "the L3 network is already attached to IPsec connection[uuid:" + c.var("uuid") + "]");
    }
    for (const auto& l3 : std::set<std::string>(l3s.begin(), l3s.end())) refs.push(l3Ref(c.var("uuid"), l3));
    touch(rec);
    return inventory(c.st.viewOf("ipsec", rec));
  });
  r.del("DetachL3NetworksFromIPsecConnection", "ipsec/{uuid}/l3networks", [](Ctx& c) {
    auto l3s = c.list("l3NetworkUuids", true);
    Json& rec = c.st.mustGet("ipsec", c.var("uuid"));
    auto& refs = rec["l3NetworkRefs"].items();
    for (const auto& l3 : l3s)
      if (std::none_of(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("l3NetworkUuid") == l3; }))
        throwOperationFailure("cannot detach L3 network[uuid:" + l3 + "]", "SYS.1007",
                              "the L3 network is not attached to IPsec connection[uuid:" + c.var("uuid") + "]");
    for (const auto& l3 : l3s)
      refs.erase(std::remove_if(refs.begin(), refs.end(), [&](const Json& j) { return j.getString("l3NetworkUuid") == l3; }),
                 refs.end());
    touch(rec);
    return inventory(c.st.viewOf("ipsec", rec));
  });
  r.post("AddRemoteCidrsToIPsecConnection", "ipsec/{uuid}/remote-cidrs", "params", [](Ctx& c) {
    auto cidrs = c.list("peerCidrs", true);
    for (const auto& x : cidrs) checkCidr(x, "peerCidrs");
    Json& rec = c.st.mustGet("ipsec", c.var("uuid"));
    Json& pc = rec["peerCidrs"];
    for (const auto& x : cidrs)
      for (const auto& p : pc.items())
        if (p.getString("cidr") == x)
          throwOperationFailure("cannot add remote CIDR[" + x + "]", "SYS.1007",
                                "the CIDR is already a remote CIDR of IPsec connection[uuid:" + c.var("uuid") + "]");
    for (const auto& x : std::set<std::string>(cidrs.begin(), cidrs.end())) pc.push(cidrRef(c.var("uuid"), x));
    touch(rec);
    return inventory(c.st.viewOf("ipsec", rec));
  });
  r.del("RemoveRemoteCidrsFromIPsecConnection", "ipsec/{uuid}/remote-cidrs", [](Ctx& c) {
    auto cidrs = c.list("peerCidrs", true);
    Json& rec = c.st.mustGet("ipsec", c.var("uuid"));
    auto& pc = rec["peerCidrs"].items();
    for (const auto& x : cidrs)
      if (std::none_of(pc.begin(), pc.end(), [&](const Json& j) { return j.getString("cidr") == x; }))
        throwOperationFailure("cannot remove remote CIDR[" + x + "]", "SYS.1007",
                              "the CIDR is not a remote CIDR of IPsec connection[uuid:" + c.var("uuid") + "]");
    for (const auto& x : cidrs)
      pc.erase(std::remove_if(pc.begin(), pc.end(), [&](const Json& j) { return j.getString("cidr") == x; }), pc.end());
    touch(rec);
    return inventory(c.st.viewOf("ipsec", rec));
  });
}

void otherRoutes(Reg& r) {
  r.add("LogInByAccount", "PUT", "accounts/login", {"logInByAccount", "loginByAccount"}, nullptr, RouteKind::Login);
  r.add("LogOut", "DELETE", "accounts/sessions/{sessionUuid}", {}, nullptr, RouteKind::Logout);
  r.put("ChangeIAM2VirtualIDState", "iam2/virtual-ids/{uuid}/actions", "changeIAM2VirtualIDState",
        [](Ctx& c) { return doChangeState(c, "iam2VirtualId"); });
  r.put("ChangeFirewallRuleState", "vpcfirewalls/rules/{uuid}/actions", "changeFirewallRuleState", [](Ctx& c) {
    const std::string state = canonical(c.str("state"), {"enable", "disable"}, "state");
    Json& rec = c.st.mustGet("vpcFirewallRule", c.var("uuid"));
    rec["state"] = state;
    touch(rec);
    return inventory(c.st.viewOf("vpcFirewallRule", rec));
  });
  // Not in the SDK's catalog (ZStack's closed-source VPC firewall): a read-only query over the seed.
  // The other queries are served generically (generic.cpp).
  r.query("QueryVpcFirewallRule", "vpcfirewalls/rules", "vpcFirewallRule");
}

}  // namespace

std::vector<Route> buildRoutes() {
  Reg r;
  networkServiceRoutes(r);
  securityGroupRoutes(r);
  vipRoutes(r);
  eipRoutes(r);
  portForwardingRoutes(r);
  loadBalancerRoutes(r);
  ipsecRoutes(r);
  otherRoutes(r);
  addGenericRoutes(r.routes);
  return std::move(r.routes);
}

}  // namespace zstack::sim
