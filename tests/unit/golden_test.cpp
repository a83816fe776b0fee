// For every API in api/actions: the catalog holds it with the documented metadata, the manual's
// request sample builds exactly the documented request, and the manual's reply sample decodes
// into the typed reply without losing a documented field.

#include "codec/codec.hpp"
#include "core/request.hpp"
#include "util/url.hpp"
#include "zstack/catalog.hpp"
#include "support/documented.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>

using namespace zstack;

namespace {

std::vector<std::string> apiFiles() {
  std::vector<std::string> out;
  const std::string dir = std::string(ZSTACK_API_DIR) + "/actions";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json") out.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Json load(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string err;
  auto j = Json::parse(ss.str(), &err);
  INFO(path << ": " << err);
  REQUIRE(j);
  return *j;
}

// Objects compared without regard to key order; numbers by value (80 == 80.0).
bool same(const Json& a, const Json& b) {
  if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble();
  if (a.isObject() && b.isObject()) {
    if (a.asObject().size() != b.asObject().size()) return false;
    for (const auto& [k, v] : a.asObject()) {
      const Json* w = b.find(k);
      if (!w || !same(v, *w)) return false;
    }
    return true;
  }
  if (a.isArray() && b.isArray()) {
    if (a.asArray().size() != b.asArray().size()) return false;
    for (std::size_t i = 0; i < a.asArray().size(); ++i)
      if (!same(a.asArray()[i], b.asArray()[i])) return false;
    return true;
  }
  return a == b;
}

// Walks the manual's sample beside the typed value re-encoded: every documented field in the
// sample must come back equal. Returns how many leaf values were compared.
int compareDocumented(const Json& sample, const Json& typed, const schema::TypeDesc& type, const std::string& path,
                      std::vector<std::string>& problems) {
  using schema::Kind;
  const schema::TypeDesc* t = &type;
  while (t->kind == Kind::Optional) t = &t->element();
  if (sample.isNull()) return 0;
  if (t->kind == Kind::Object) {
    int n = 0;
    for (const auto& [k, v] : sample.asObject()) {
      const schema::FieldDesc* f = t->field(k);
      if (!f) continue;  // undocumented key: ignored by design
      const Json* w = typed.find(k);
      if (!w && ((v.isString() && v.asString().empty()) || (v.isArray() && v.asArray().empty()))) continue;  // empty = unset
      if (!w) {
        problems.push_back(path + k + " was dropped");
        continue;
      }
      n += compareDocumented(v, *w, f->type(), path + k + ".", problems);
    }
    return n;
  }
  if (t->kind == Kind::List && sample.isArray()) {
    int n = 0;
    if (!typed.isArray() || typed.asArray().size() != sample.asArray().size()) {
      problems.push_back(path + " list length differs");
      return 0;
    }
    for (std::size_t i = 0; i < sample.asArray().size(); ++i)
      n += compareDocumented(sample.asArray()[i], typed.asArray()[i], t->element(), path + std::to_string(i) + ".", problems);
    return n;
  }
  if (!same(sample, typed)) problems.push_back(path + ": sample " + sample.dump() + " came back as " + typed.dump());
  return 1;
}

}  // namespace

TEST_CASE("the catalog holds all 75 documented actions", "[catalog]") {
  const std::set<std::string> expected = {
      "LogInByAccount", "LogOut", "GetNetworkServiceTypes", "QueryNetworkServiceProvider", "QueryNetworkServiceL3NetworkRef",
      "AttachNetworkServiceToL3Network", "DetachNetworkServiceFromL3Network", "CreateSecurityGroup", "DeleteSecurityGroup",
      "QuerySecurityGroup", "UpdateSecurityGroup", "ChangeSecurityGroupState", "AttachSecurityGroupToL3Network",
      "DetachSecurityGroupFromL3Network", "GetCandidateVmNicForSecurityGroup", "AddVmNicToSecurityGroup",
      "DeleteVmNicFromSecurityGroup", "QueryVmNicInSecurityGroup", "AddSecurityGroupRule", "QuerySecurityGroupRule",
      "DeleteSecurityGroupRule", "CreateVip", "DeleteVip", "QueryVip", "UpdateVip", "ChangeVipState", "GetVipUsedPorts",
      "SetVipQos", "GetVipQos", "DeleteVipQos", "CreateEip", "DeleteEip", "QueryEip", "UpdateEip", "ChangeEipState",
      "GetEipAttachableVmNics", "AttachEip", "DetachEip", "CreatePortForwardingRule", "DeletePortForwardingRule",
      "QueryPortForwardingRule", "UpdatePortForwardingRule", "ChangePortForwardingRuleState",
      "GetPortForwardingAttachableVmNics", "AttachPortForwardingRule", "DetachPortForwardingRule", "CreateLoadBalancer",
      "DeleteLoadBalancer", "QueryLoadBalancer", "RefreshLoadBalancer", "CreateLoadBalancerListener",
      "DeleteLoadBalancerListener", "QueryLoadBalancerListener", "UpdateLoadBalancerListener",
      "GetCandidateVmNicsForLoadBalancer", "AddVmNicToLoadBalancer", "RemoveVmNicFromLoadBalancer", "UpdateLoadBalancer",
      "CreateCertificate", "DeleteCertificate", "QueryCertificate", "AddCertificateToLoadBalancerListener",
      "RemoveCertificateFromLoadBalancerListener", "UpdateCertificate", "CreateIPsecConnection", "DeleteIPsecConnection",
      "UpdateIPsecConnection", "QueryIPSecConnection", "ChangeIPSecConnectionState", "AttachL3NetworksToIPsecConnection",
      "DetachL3NetworksFromIPsecConnection", "AddRemoteCidrsToIPsecConnection", "RemoveRemoteCidrsFromIPsecConnection",
      "ChangeIAM2VirtualIDState", "ChangeFirewallRuleState"};
  REQUIRE(expected.size() == 75);
  std::set<std::string> actual;
  for (const ActionSpec* s : zstack::testing::documentedSpecs()) actual.insert(s->name);
  CHECK(actual == expected);
  for (const auto& name : expected) CHECK(catalog::find(name) != nullptr);
  CHECK(catalog::find("createvip") == catalog::find("CreateVipAction"));
  CHECK(catalog::find("NoSuchThing") == nullptr);
}

TEST_CASE("every manual request sample builds the documented request", "[golden]") {
  const auto files = apiFiles();
  REQUIRE(files.size() == 75);
  for (const auto& file : files) {
    const Json api = load(file);
    const std::string name = api.find("name")->asString();
    INFO(name);
    const ActionSpec* spec = catalog::find(name);
    REQUIRE(spec);
    CHECK(toString(spec->method) == api.find("method")->asString());
    CHECK(spec->path == api.find("path")->asString());
    CHECK(spec->bodyKey == (api.find("bodyKey")->isNull() ? "" : api.find("bodyKey")->asString()));
    CHECK(spec->needSession == api.find("needSession")->asBool());
    CHECK(spec->needPoll == api.find("needPoll")->asBool());

    const Json* sample = api.find("requestSample");
    REQUIRE(sample);
    if (sample->isNull()) continue;
    catalog::DynamicAction action(*spec);
    for (const auto& [k, v] : sample->find("values")->asObject()) {
      auto err = action.set(k == "conditions" ? "q" : k, v);
      INFO(k << " = " << v.dump());
      CHECK_FALSE(err);
    }
    if (auto invalid = core::validate(*spec, action.raw())) FAIL(invalid->describe());
    const core::Wire wire = core::buildWire(*spec, action.raw());
    CHECK(wire.path == sample->find("path")->asString());
    std::string query;
    for (const auto& pair : sample->find("query")->asArray()) {
      query += (query.empty() ? "" : "&") + url::encode(pair.asArray()[0].asString()) + "=" +
               url::encode(pair.asArray()[1].isString() ? pair.asArray()[1].asString() : pair.asArray()[1].dump());
    }
    CHECK(wire.query == query);
    const Json* body = sample->find("body");
    if (!body || body->isNull()) {
      CHECK(wire.body.empty());
    } else {
      auto built = Json::parse(wire.body);
      REQUIRE(built);
      INFO("built:    " << wire.body << "\nexpected: " << body->dump());
      CHECK(same(*built, *body));
    }
  }
}

TEST_CASE("every manual reply sample decodes into the typed reply", "[golden][decode]") {
  int files = 0, compared = 0;
  for (const auto& file : apiFiles()) {
    const Json api = load(file);
    const std::string name = api.find("name")->asString();
    INFO(name);
    const ActionSpec* spec = catalog::find(name);
    REQUIRE(spec);
    const Json* sample = api.find("replySample");
    if (!sample || sample->isNull()) continue;
    ++files;
    const schema::TypeDesc& rt = spec->reply();
    std::unique_ptr<void, void (*)(void*)> reply(rt.make(), rt.destroy);
    // Through the same path a server reply takes: JSON text into the typed reply.
    auto problem = codec::decode(rt, sample->dump(), reply.get());
    if (problem) FAIL(*problem);
    std::vector<std::string> problems;
    const int n = compareDocumented(*sample, codec::toJson(rt, reply.get()), rt, "", problems);
    for (const auto& p : problems) FAIL_CHECK(p);
    CHECK(n > 0);
    compared += n;
  }
  CHECK(files >= 55);
  CHECK(compared > 400);
}
