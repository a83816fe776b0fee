// Schema maps for replies (see schema.hpp). Paths: a top-level key, list
// elements as name[i], nested members joined with '.', e.g.
// "inventories[0].vmNics[1]". Entries are recorded children first and the
// list is then reversed, so the last element of a list comes first.
#include "schema.hpp"

#include "api_catalog.hpp"

#include <map>
#include <utility>
#include <vector>

namespace zstack::sim {

namespace {

const std::string kVm = "org.zstack.header.vm.VmInstanceInventory";
const std::string kNic = "org.zstack.header.vm.VmNicInventory";
const std::string kZone = "org.zstack.header.zone.ZoneInventory";
const std::string kL3 = "org.zstack.header.network.l3.L3NetworkInventory";
const std::string kIpRange = "org.zstack.header.network.l3.IpRangeInventory";
const std::string kHostRoute = "org.zstack.header.network.l3.L3NetworkHostRouteInventory";
const std::string kUsedIp = "org.zstack.header.network.l3.UsedIpInventory";
const std::string kProvider = "org.zstack.header.network.service.NetworkServiceProviderInventory";
const std::string kL3Ref = "org.zstack.header.network.service.NetworkServiceL3NetworkRefInventory";
const std::string kSg = "org.zstack.network.securitygroup.SecurityGroupInventory";
const std::string kSgRule = "org.zstack.network.securitygroup.SecurityGroupRuleInventory";
const std::string kNicSgRef = "org.zstack.network.securitygroup.VmNicSecurityGroupRefInventory";
const std::string kVip = "org.zstack.network.service.vip.VipInventory";
const std::string kVipQos = "org.zstack.header.vipQos.VipQosInventory";
const std::string kVipPorts = "org.zstack.network.service.virtualrouter.APIGetVipUsedPortsReply$VipPortRangeInventory";
const std::string kEip = "org.zstack.network.service.eip.EipInventory";
const std::string kPf = "org.zstack.network.service.portforwarding.PortForwardingRuleInventory";
const std::string kLb = "org.zstack.network.service.lb.LoadBalancerInventory";
const std::string kListener = "org.zstack.network.service.lb.LoadBalancerListenerInventory";
const std::string kListenerNic = "org.zstack.network.service.lb.LoadBalancerListenerVmNicRefInventory";
const std::string kListenerCert = "org.zstack.network.service.lb.LoadBalancerListenerCertificateRefInventory";
const std::string kCert = "org.zstack.network.service.lb.CertificateInventory";
const std::string kIpsec = "org.zstack.ipsec.IPsecConnectionInventory";
const std::string kIpsecCidr = "org.zstack.ipsec.IPsecPeerCidrInventory";
const std::string kIpsecL3 = "org.zstack.ipsec.IPsecL3NetworkRefInventory";
const std::string kFwRule = "org.zstack.vpcfirewall.entity.VpcFirewallRuleInventory";
// IAM2 lives in ZStack's closed-source part; these names are not in the public tree.
const std::string kIam2 = "org.zstack.iam2.entity.IAM2VirtualIDInventory";
const std::string kIam2Attr = "org.zstack.iam2.entity.IAM2VirtualIDAttributeInventory";

// Members of an inventory that hold inventories (lists or single objects).
const std::map<std::string, std::map<std::string, std::string>>& nested() {
  static const std::map<std::string, std::map<std::string, std::string>> m = {
      {kVm, {{"vmNics", kNic}}},
      {kNic, {{"usedIps", kUsedIp}}},
      {kL3, {{"ipRanges", kIpRange}, {"networkServices", kL3Ref}, {"hostRoute", kHostRoute}}},
      {kSg, {{"rules", kSgRule}}},
      {kLb, {{"listeners", kListener}}},
      {kListener, {{"vmNicRefs", kListenerNic}, {"certificateRefs", kListenerCert}}},
      {kCert, {{"listeners", kListenerCert}}},
      {kIpsec, {{"peerCidrs", kIpsecCidr}, {"l3NetworkRefs", kIpsecL3}}},
      {kIam2, {{"attributes", kIam2Attr}}},
  };
  return m;
}

// Class of the inventory (or of each element of inventories) an API replies with.
const std::map<std::string, std::string>& replyClass() {
  static const std::map<std::string, std::string> m = {
      {"QueryNetworkServiceProvider", kProvider},
      {"QueryNetworkServiceL3NetworkRef", kL3Ref},
      {"AttachNetworkServiceToL3Network", kL3},
      {"DetachNetworkServiceFromL3Network", kL3},
      {"CreateSecurityGroup", kSg},
      {"QuerySecurityGroup", kSg},
      {"UpdateSecurityGroup", kSg},
      {"ChangeSecurityGroupState", kSg},
      {"AttachSecurityGroupToL3Network", kSg},
      {"DetachSecurityGroupFromL3Network", kSg},
      {"GetCandidateVmNicForSecurityGroup", kNic},
      {"QueryVmNicInSecurityGroup", kNicSgRef},
      {"AddSecurityGroupRule", kSg},
      {"QuerySecurityGroupRule", kSgRule},
      {"DeleteSecurityGroupRule", kSg},
      {"CreateVip", kVip},
      {"QueryVip", kVip},
      {"UpdateVip", kVip},
      {"ChangeVipState", kVip},
      {"GetVipUsedPorts", kVipPorts},
      {"SetVipQos", kVipQos},
      {"GetVipQos", kVipQos},
      {"CreateEip", kEip},
      {"QueryEip", kEip},
      {"UpdateEip", kEip},
      {"ChangeEipState", kEip},
      {"GetEipAttachableVmNics", kNic},
      {"AttachEip", kEip},
      {"DetachEip", kEip},
      {"CreatePortForwardingRule", kPf},
      {"QueryPortForwardingRule", kPf},
      {"UpdatePortForwardingRule", kPf},
      {"ChangePortForwardingRuleState", kPf},
      {"GetPortForwardingAttachableVmNics", kNic},
      {"AttachPortForwardingRule", kPf},
      {"DetachPortForwardingRule", kPf},
      {"CreateLoadBalancer", kLb},
      {"QueryLoadBalancer", kLb},
      {"RefreshLoadBalancer", kLb},
      {"UpdateLoadBalancer", kLb},
      {"CreateLoadBalancerListener", kListener},
      {"QueryLoadBalancerListener", kListener},
      {"UpdateLoadBalancerListener", kListener},
      {"GetCandidateVmNicsForLoadBalancer", kNic},
      {"AddVmNicToLoadBalancer", kListener},
      {"RemoveVmNicFromLoadBalancer", kLb},
      {"CreateCertificate", kCert},
      {"QueryCertificate", kCert},
      {"UpdateCertificate", kCert},
      {"AddCertificateToLoadBalancerListener", kListener},
      {"RemoveCertificateFromLoadBalancerListener", kListener},
      {"CreateIPsecConnection", kIpsec},
      {"UpdateIPsecConnection", kIpsec},
      {"QueryIPSecConnection", kIpsec},
      {"ChangeIPSecConnectionState", kIpsec},
      {"AttachL3NetworksToIPsecConnection", kIpsec},
      {"DetachL3NetworksFromIPsecConnection", kIpsec},
      {"AddRemoteCidrsToIPsecConnection", kIpsec},
      {"RemoveRemoteCidrsFromIPsecConnection", kIpsec},
      {"ChangeIAM2VirtualIDState", kIam2},
      {"ChangeFirewallRuleState", kFwRule},
      {"QueryZone", kZone},
      {"QueryL3Network", kL3},
      {"QueryVmInstance", kVm},
      {"QueryVmNic", kNic},
      {"QueryIAM2VirtualID", kIam2},
      {"QueryVpcFirewallRule", kFwRule},
      {"LogInByAccount", "org.zstack.header.identity.SessionInventory"},
  };
  return m;
}

using Entries = std::vector<std::pair<std::string, std::string>>;

// Records the inventory members of `obj` (of class `cls`) below `path`, then `obj` itself.
void walk(const Json& obj, const std::string& cls, const std::string& path, Entries& out) {
  if (!obj.isObject()) return;
  auto n = nested().find(cls);
  if (n != nested().end()) {
    for (const auto& [field, value] : obj.members()) {
      auto f = n->second.find(field);
      if (f == n->second.end() || value.isNull()) continue;
      if (value.isArray()) {
        std::size_t i = 0;
        for (const auto& e : value.items())
          walk(e, f->second, path + "." + field + "[" + std::to_string(i++) + "]", out);
      } else if (value.isObject()) {
        walk(value, f->second, path + "." + field, out);
      }
    }
  }
  out.emplace_back(path, cls);
}

// The same walk over the catalog's type descriptions, for the generically served actions:
// members whose model type is a described type (or a list of one) hold inventories.
void walkGeneric(const Json& obj, const TypeInfo& t, const std::string& path, Entries& out, int depth) {
  if (!obj.isObject() || depth > 16) return;
  for (const auto& [field, value] : obj.members()) {
    const std::string* ft = t.fieldType(field);
    if (!ft || value.isNull()) continue;
    const TypeInfo* inner = ApiCatalog::get().type(isListType(*ft) ? elementType(*ft) : *ft);
    if (!inner) continue;
    if (value.isArray() && isListType(*ft)) {
      std::size_t i = 0;
      for (const auto& e : value.items())
        walkGeneric(e, *inner, path + "." + field + "[" + std::to_string(i++) + "]", out, depth + 1);
    } else if (value.isObject() && !isMapType(*ft)) {
      walkGeneric(value, *inner, path + "." + field, out, depth + 1);
    }
  }
  if (!t.serverClass.empty()) out.emplace_back(path, t.serverClass);
}

}  // namespace

bool isQueryApi(const std::string& api) { return api.rfind("Query", 0) == 0; }

Json buildSchema(const std::string& api, const Json& body) {
  Entries entries;
  auto c = replyClass().find(api);
  if (c != replyClass().end() && body.isObject()) {
    if (const Json* inv = body.find("inventory"); inv && inv->isObject()) walk(*inv, c->second, "inventory", entries);
    if (const Json* invs = body.find("inventories"); invs && invs->isArray()) {
      std::size_t i = 0;
      for (const auto& e : invs->items()) walk(e, c->second, "inventories[" + std::to_string(i++) + "]", entries);
    }
  }
  const ApiDesc* d = c == replyClass().end() && body.isObject() ? ApiCatalog::get().action(api) : nullptr;
  if (const TypeInfo* t = d ? ApiCatalog::get().type(d->replyType) : nullptr) {
    if (const Json* inv = body.find("inventory"); inv && inv->isObject()) walkGeneric(*inv, *t, "inventory", entries, 0);
    if (const Json* invs = body.find("inventories"); invs && invs->isArray()) {
      std::size_t i = 0;
      for (const auto& e : invs->items()) walkGeneric(e, *t, "inventories[" + std::to_string(i++) + "]", entries, 0);
    }
  }
  Json schema = Json::object();
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) schema[it->first] = it->second;
  return schema;
}

}  // namespace zstack::sim
