// Generic behaviour for every catalog action without a specific handler (sim/README.md, "Generic
// behaviour"): the action's description (api_catalog.hpp) says how to validate it and what it
// returns; its name's verb and its reply type say what it does to the store.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <set>

#include "api.hpp"
#include "api_catalog.hpp"
#include "util.hpp"

namespace zstack::sim {

namespace {

// Inventory types whose resources the specific handlers keep, in their own collections.
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m = {
      {"ZoneInventory", "zone"},
      {"L3NetworkInventory", "l3Network"},
      {"VmInstanceInventory", "vmInstance"},
      {"VmNicInventory", "vmNic"},
      {"NetworkServiceProviderInventory", "networkServiceProvider"},
      {"NetworkServiceL3NetworkRefInventory", "networkServiceL3Ref"},
      {"SecurityGroupInventory", "securityGroup"},
      {"SecurityGroupRuleInventory", "securityGroupRule"},
      {"VmNicSecurityGroupRefInventory", "vmNicSecurityGroupRef"},
      {"VipInventory", "vip"},
      {"VipQosInventory", "vipQos"},
      {"EipInventory", "eip"},
      {"PortForwardingRuleInventory", "portForwarding"},
      {"LoadBalancerInventory", "loadBalancer"},
      {"LoadBalancerListenerInventory", "lbListener"},
      {"CertificateInventory", "certificate"},
      {"IPsecConnectionInventory", "ipsec"},
      {"IAM2VirtualIDInventory", "iam2VirtualId"},
      {"VpcFirewallRuleInventory", "vpcFirewallRule"},
  };
  return m;
}

const ApiCatalog& cat() { return ApiCatalog::get(); }

std::string lcfirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string stripInventory(const std::string& t) {
  const std::string suffix = "Inventory";
  return t.size() > suffix.size() && t.compare(t.size() - suffix.size(), suffix.size(), suffix) == 0
             ? t.substr(0, t.size() - suffix.size())
             : t;
}

// The leading word of an action name: Create, Query, Delete, Change, Attach...
std::string verbOf(const std::string& name) {
  std::size_t i = 1;
  while (i < name.size() && !std::isupper(static_cast<unsigned char>(name[i]))) ++i;
  return name.substr(0, i);
}

// The type a generic action is about: its reply's inventory type, or else the type its name
// names (DeleteVmInstance -> VmInstanceInventory).
const TypeInfo* targetOf(const ApiDesc& d) {
  if (d.replyKind == "inventory" || d.replyKind == "inventories")
    if (const TypeInfo* t = cat().type(d.replyType)) return t;
  return cat().type(d.name.substr(verbOf(d.name).size()) + "Inventory");
}

// The topmost base: resources of one family live in the collections of its members.
const TypeInfo* rootOf(const TypeInfo* t) {
  for (int i = 0; t && !t->base.empty() && i < 32; ++i)
    if (const TypeInfo* b = cat().type(t->base)) t = b;
    else break;
  return t;
}

std::vector<std::string> familyOf(const TypeInfo& t) {
  std::vector<std::string> out{t.name};
  out.insert(out.end(), t.subtypes.begin(), t.subtypes.end());
  return out;
}

// The path variable that names the target resource: {uuid}, or {vmInstanceUuid} for a VM.
std::string targetVar(const Ctx& c, const TypeInfo& t) {
  if (c.vars.count("uuid")) return "uuid";
  for (const TypeInfo* x = &t; x;) {
    const std::string v = lcfirst(stripInventory(x->name)) + "Uuid";
    if (c.vars.count(v)) return v;
    x = x->base.empty() ? nullptr : cat().type(x->base);
  }
  return "";
}

std::string messageOf(const ApiDesc& d) { return "API" + d.name + "Msg"; }

// UTF-16 length, as Java's String.length() counts: code points, astral ones twice.
std::size_t javaLength(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0) != 0x80) ++n;
    if ((ch & 0xF8) == 0xF0) ++n;
  }
  return n;
}

bool isIntegral(const std::string& t) { return t == "Integer" || t == "Long"; }

// A parameter value as the server's type check sees it. Query-string values arrive as text;
// RestServer converts them by the message field's type.
Json normalise(const ParamDesc& p, const Json& v, bool fromQuery) {
  const std::string& t = p.type;
  auto wrong = [&](const char* what) -> Json {
    throwRest400("parameter[" + p.name + "] must be " + what + ", got " + v.dump());
  };
  if (t == "Json") return v;
  if (t == "String" || t == "Timestamp") {
    if (v.isString()) return v;
    if (v.isArray() && fromQuery && v.size() == 1) return v.items()[0];
    if (t == "Timestamp" && v.isNumber()) return v;
    return wrong("a string");
  }
  if (isIntegral(t) || t == "Double") {
    if (v.isNumber()) {
      if (isIntegral(t) && std::floor(v.asDouble()) != v.asDouble()) return wrong("an integer");
      return v;
    }
    if (v.isString()) {
      const std::string& s = v.str();
      char* end = nullptr;
      if (isIntegral(t)) {
        errno = 0;
        long long n = std::strtoll(s.c_str(), &end, 10);
        if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return Json(n);
      } else {
        double x = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size()) return Json(x);
      }
    }
    return wrong(isIntegral(t) ? "an integer" : "a number");
  }
  if (t == "Boolean") {
    if (v.isBool()) return v;
    if (v.isString() && (iequals(v.str(), "true") || iequals(v.str(), "false"))) return Json(iequals(v.str(), "true"));
    return wrong("a boolean");
  }
  if (isListType(t)) {
    if (v.isArray()) {
      if (!fromQuery) return v;
      Json out = Json::array();  // name=a&name=b, or name=a,b
      for (const auto& e : v.items())
        for (std::size_t b = 0, comma; b <= e.str().size(); b = comma + 1) {
          comma = e.str().find(',', b);
          if (comma == std::string::npos) comma = e.str().size();
          if (comma > b) out.push(e.str().substr(b, comma - b));
        }
      return out;
    }
    if (fromQuery && v.isString()) return normalise(p, Json::array({v}), true);
    return wrong("a list");
  }
  if (isMapType(t) || cat().type(t)) {
    if (v.isObject()) return v;
    return wrong("an object");
  }
  return v;
}

// ApiMessageParamValidator's checks, from the @Param facts of the description.
void validate(Ctx& c, const ApiDesc& d) {
  const bool fromQuery = c.method == "GET" || c.method == "DELETE";
  for (const ParamDesc& p : d.params) {
    if (p.inPath) continue;  // the path matched, so it is there
    Json* v = c.params.find(p.name);
    if (!v || v->isNull()) {
      if (!p.defaultValue.isNull()) c.params[p.name] = p.defaultValue;
      else if (p.required)
        throwBadRequest("field[" + p.name + "] of message[" + messageOf(d) + "] is mandatory, can not be null");
      continue;
    }
    *v = normalise(p, *v, fromQuery);
    if (v->isString()) {
      const std::string& s = v->str();
      if (!p.validValues.empty() && std::find(p.validValues.begin(), p.validValues.end(), s) == p.validValues.end()) {
        std::string all;
        for (const auto& x : p.validValues) all += (all.empty() ? "" : ", ") + x;
        throwBadRequest("valid values of field[" + p.name + "] of message[" + messageOf(d) + "] are [" + all +
                        "], but " + s + " was given");
      }
      const std::size_t n = javaLength(s);
      if (p.maxLength && static_cast<long long>(n) > *p.maxLength)
        throwBadRequest("field[" + p.name + "] of message[" + messageOf(d) + "] exceeds the max length of a string: " +
                        std::to_string(n) + " > " + std::to_string(*p.maxLength));
      if (p.minLength && static_cast<long long>(n) < *p.minLength)
        throwBadRequest("field[" + p.name + "] of message[" + messageOf(d) + "] is shorter than its min length: " +
                        std::to_string(n) + " < " + std::to_string(*p.minLength));
    }
    if (p.pattern && (v->isString() || v->isArray())) {
      // ApiMessageParamValidator: Pattern.compile(regex).matcher(value.toString()).matches(); a
      // list's toString() is "[a, b]". The server's message quotes the value; a password's is masked.
      std::string text;
      bool checkable = true;
      if (v->isString()) {
        text = v->str();
      } else {
        text = "[";
        for (const auto& e : v->items()) {
          if (!e.isString()) checkable = false;
          text += (text.size() > 1 ? ", " : "") + (e.isString() ? e.str() : e.dump());
        }
        text += "]";
      }
      if (checkable && !p.pattern->matches(text)) {
        std::string lower = p.name;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const bool secret = lower.find("password") != std::string::npos;
        throwBadRequest("valid regex value for field[" + p.name + "] of message[" + messageOf(d) + "] are " + p.regex +
                        ", but " + (secret ? std::string("***") : text) + " found");
      }
    }
    if (v->isNumber() && p.range) {
      const double x = v->asDouble();
      if (x < p.range->first || x > p.range->second)
        throwBadRequest("field[" + p.name + "] of message[" + messageOf(d) + "] must be in range [" +
                        Json(static_cast<long long>(p.range->first)).dump() + ", " +
                        Json(static_cast<long long>(p.range->second)).dump() + "], but " + v->dump() + " was given");
    }
    if (p.nonEmpty && (v->isArray() || v->isObject()) && v->size() == 0)
      throwBadRequest("field[" + p.name + "] of message[" + messageOf(d) + "] must be a non-empty collection");
  }
}

// Whether `v` fits a field of model type `t` (so the SDK decodes the reply).
bool fits(const Json& v, const std::string& t) {
  if (v.isNull() || t == "Json") return true;
  if (t == "String") return v.isString();
  if (t == "Timestamp") return v.isString() || v.isNumber();
  if (isIntegral(t) || t == "Double") return v.isNumber();
  if (t == "Boolean") return v.isBool();
  if (isListType(t)) {
    if (!v.isArray()) return false;
    for (const auto& e : v.items())
      if (!fits(e, elementType(t))) return false;
    return true;
  }
  if (isMapType(t)) {
    if (!v.isObject()) return false;
    for (const auto& [k, e] : v.members())
      if (!fits(e, elementType(t))) return false;
    return true;
  }
  return v.isObject();
}

std::string stateOf(const std::string& event) {
  static const std::map<std::string, std::string> m = {
      {"enable", "Enabled"}, {"disable", "Disabled"}, {"maintain", "Maintenance"}, {"preMaintain", "PreMaintenance"},
      {"start", "Running"},  {"stop", "Stopped"}};
  auto it = m.find(event);
  if (it != m.end()) return it->second;
  std::string s = event;
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// Copies the request's values (body and path) into the fields of `t` that share their names.
void copyFields(const Ctx& c, const TypeInfo& t, Json& rec, const std::set<std::string>& skip) {
  for (const auto& [f, ft] : t.fields) {
    if (skip.count(f)) continue;
    if (const Json* v = c.params.find(f); v && !v->isNull() && fits(*v, ft)) rec[f] = *v;
    else if (auto it = c.vars.find(f); it != c.vars.end() && fits(Json(it->second), ft)) rec[f] = it->second;
  }
}

Json wrapInventory(Json v) {
  Json r = Json::object();
  r["inventory"] = std::move(v);
  return r;
}

// An empty reply of a result type: its collections empty, every other field left out.
Json emptyOf(const std::string& type) {
  Json r = Json::object();
  if (const TypeInfo* t = cat().type(type))
    for (const auto& [f, ft] : t->fields) {
      if (isListType(ft)) r[f] = Json::array();
      else if (isMapType(ft)) r[f] = Json::object();
    }
  return r;
}

class Generic {
 public:
  Generic(Ctx& c, const ApiDesc& d) : c_(c), d_(d), verb_(verbOf(d.name)), target_(targetOf(d)) {}

  Json run() {
    if (d_.name.rfind("LogIn", 0) == 0)  // one account only; a made-up session would silently not work
      throwOperationFailure("the simulator has one account and logs in only by LogInByAccount", "SYS.1006",
                            d_.name + " is not simulated");
    if (!target_ || (!target_->isInventory() && !d_.isQuery)) return answerWithoutStore();
    if (d_.isQuery || (d_.method == "GET" && d_.replyKind == "inventories")) return query();
    const std::string var = targetVar(c_, *target_);
    if (verb_ == "Delete" || verb_ == "Destroy" || verb_ == "Expunge") return remove(var);
    if (d_.replyKind == "inventory" && !var.empty()) return patch(var);
    if (d_.replyKind == "inventory" && (verb_ == "Create" || verb_ == "Add" || d_.method == "POST")) return create();
    if (d_.method == "GET" && !var.empty()) {
      std::string col;
      Json& rec = get(var, &col);
      return wrapInventory(c_.st.viewOf(col, rec));
    }
    return answerWithoutStore();
  }

 private:
  // The stored record the path variable names (and, in `col`, its collection); SYS.1007 if none.
  Json& get(const std::string& var, std::string* col = nullptr) {
    const std::string& uuid = c_.vars.at(var);
    const std::string owner = ownerCollection(uuid);
    if (!owner.empty()) {
      if (col) *col = owner;
      return *c_.st.find(owner, uuid);
    }
    throwInvalidArg("invalid value[" + uuid + "] of field[" + var + "]: the resource[uuid:" + uuid + ", type:" +
                    stripInventory(target_->name) + "VO] is not found");
  }

  std::string ownerCollection(const std::string& uuid) {
    for (const auto& t : familyOf(*rootOf(target_)))
      if (c_.st.find(collectionOf(t), uuid)) return collectionOf(t);
    return "";
  }

  Json query() {
    // One collection (the usual case) is queried lazily; a family spread over collections with
    // views has them made first.
    std::vector<const Json*> items;
    std::deque<Json> views;
    ViewFn view;
    JoinFn join;
    std::vector<std::string> derived;
    std::vector<std::string> family;  // the family's collections that hold anything
    for (const auto& t : familyOf(*target_))
      if (!c_.st.col(collectionOf(t)).items.empty()) family.push_back(t);
    for (const auto& t : family) {
      Collection& col = c_.st.col(collectionOf(t));
      QueryHooks hooks = col.queryHooks ? col.queryHooks() : QueryHooks{col.view, {}};
      ViewFn& fn = hooks.view;
      for (Json* j : col.all()) {
        bool keep = true;  // path variables other than {uuid} narrow the query (QueryXRef of a VM)
        for (const auto& [k, v] : c_.vars)
          if (k != "uuid" && target_->fieldType(k) && j->getString(k) != v) keep = false;
        if (!keep) continue;
        if (fn && family.size() > 1) {
          views.push_back(fn(*j));
          items.push_back(&views.back());
        } else {
          items.push_back(j);
        }
      }
      if (family.size() == 1) {
        view = std::move(fn);
        derived = col.derived;
        join = std::move(hooks.join);
      }
    }
    std::vector<std::string> known;
    for (const auto& [f, ft] : target_->fields) known.push_back(f);
    for (const auto& f : c_.st.col(collectionOf(target_->name)).fields)
      if (std::find(known.begin(), known.end(), f) == known.end()) known.push_back(f);
    const bool byUuid = c_.vars.count("uuid") > 0;
    Json reply = queryRefs(items, known, c_.query, byUuid ? "uuid" : "", byUuid ? c_.vars.at("uuid") : "", view, derived, join);
    if (!d_.isQuery) reply.erase("total");
    return reply;
  }

  Json create() {
    std::string uuid;
    // resourceUuid names the new resource (APICreateMessage) unless the API requires it, as the
    // tag APIs do for the resource they tag.
    const ParamDesc* rp = d_.param("resourceUuid");
    if (const Json* ru = c_.params.find("resourceUuid"); ru && ru->isString() && rp && !rp->required) {
      if (!isJobUuid(ru->str())) throwBadRequest("resourceUuid[" + ru->str() + "] is not a valid uuid");
      uuid = ru->str();
    } else {
      uuid = newUuid();
    }
    if (!ownerCollection(uuid).empty())
      throwInvalidArg("resource uuid[" + uuid + "] is already used by another " + stripInventory(target_->name));
    Json rec = Json::object();
    rec["uuid"] = uuid;
    copyFields(c_, *target_, rec, {"uuid"});
    if (const std::string* st = target_->fieldType("state"); st && *st == "String" && !rec.has("state"))
      rec["state"] = "Enabled";
    const std::string now = gsonNow();
    for (const char* f : {"createDate", "lastOpDate"})
      if (target_->fieldType(f)) rec[f] = now;
    const std::string col = collectionOf(target_->name);
    c_.st.col(col).put(rec);
    return wrapInventory(c_.st.viewOf(col, uuid));
  }

  Json patch(const std::string& var) {
    std::string col;
    Json& rec = get(var, &col);
    const bool detach = verb_ == "Detach" || verb_ == "Remove" || verb_ == "Delete";
    std::set<std::string> skip{"uuid", var};
    if (detach) {
      // Detach/remove clears the references the request names, where the inventory holds them,
      // and the one the name names after "From" (DetachDataVolumeFromVm: vmInstanceUuid).
      const auto from = d_.name.find("From");
      const std::string owner = from == std::string::npos ? "" : toLower(d_.name.substr(from + 4));
      for (const auto& [f, ft] : target_->fields) {
        if (f == var || f.size() < 4 || f.compare(f.size() - 4, 4, "Uuid") != 0) continue;
        const Json* v = c_.params.find(f);
        auto pv = c_.vars.find(f);
        const std::string given = v && v->isString() ? v->str() : pv != c_.vars.end() ? pv->second : "";
        const bool named = !owner.empty() && toLower(f).rfind(owner, 0) == 0;
        if ((!given.empty() && rec.getString(f) == given) || named) rec.erase(f);
      }
    } else {
      copyFields(c_, *target_, rec, skip);
    }
    if (const Json* ev = c_.params.find("stateEvent");
        ev && ev->isString() && target_->fieldType("state") && *target_->fieldType("state") == "String")
      rec["state"] = stateOf(ev->str());
    if (target_->fieldType("lastOpDate")) rec["lastOpDate"] = gsonNow();
    return wrapInventory(c_.st.viewOf(col, rec));
  }

  Json remove(const std::string& var) {
    // The server turns deleteMode into its DeletionMode enum: anything else fails the API.
    if (const Json* m = c_.params.find("deleteMode"); m && m->isString() && m->str() != "Permissive" &&
                                                      m->str() != "Enforcing")
      throwBadRequest("invalid deleteMode[" + m->str() + "], valid values are [Permissive, Enforcing]");
    // ZStack deletes with successIfResourceNotExisting: a missing resource is not an error.
    Json gone;
    if (!var.empty()) {
      const std::string& uuid = c_.vars.at(var);
      const std::string col = ownerCollection(uuid);
      if (!col.empty()) {
        const Json* mode = c_.params.find("deleteMode");
        if (!(mode && mode->isString() && mode->str() == "Enforcing")) refuseIfUsed(col, uuid);
        gone = c_.st.viewOf(col, uuid);
        c_.st.col(col).remove(uuid);
      }
    }
    if (d_.replyKind == "inventory" && gone.isObject()) return wrapInventory(std::move(gone));
    return answerWithoutStore();
  }

  // Permissive deletes (the default) of a resource the modelled ones still use are refused, as
  // ZStack's cascade check refuses them: an L3 network with VIPs, VM NICs or security groups on it.
  // Enforcing deletes it anyway (the users are left as they are: not cascaded here).
  void refuseIfUsed(const std::string& col, const std::string& uuid) {
    if (col != "l3Network") return;
    std::vector<std::string> users;
    for (const char* user : {"vip", "vmNic"})
      for (Json* r : c_.st.col(user).all())
        if (r->getString("l3NetworkUuid") == uuid) users.push_back(c_.st.col(user).voName + "[uuid:" + r->getString("uuid") + "]");
    for (Json* g : c_.st.col("securityGroup").all())
      if (const Json* l3s = g->find("attachedL3NetworkUuids"); l3s && l3s->isArray())
        for (const auto& x : l3s->items())
          if (x.isString() && x.str() == uuid) users.push_back("SecurityGroupVO[uuid:" + g->getString("uuid") + "]");
    if (users.empty()) return;
    std::string some;
    for (std::size_t i = 0; i < users.size() && i < 3; ++i) some += (i ? ", " : "") + users[i];
    throwOperationFailure("cannot delete L3 network[uuid:" + uuid + "]", "SYS.1006",
                          "it is still used by " + std::to_string(users.size()) + " resource(s): " + some +
                              (users.size() > 3 ? ", ..." : "") + "; delete them first or use deleteMode=Enforcing");
  }

  // No stored resource involved: an inventory built from the request, or the empty reply.
  Json answerWithoutStore() {
    if (d_.replyKind == "inventory") {
      const TypeInfo* t = cat().type(d_.replyType);
      Json rec = Json::object();
      if (t) {
        copyFields(c_, *t, rec, {});
        if (t->fieldType("uuid") && !rec.has("uuid")) rec["uuid"] = newUuid();
      }
      return wrapInventory(std::move(rec));
    }
    if (d_.replyKind == "inventories") {
      Json r = Json::object();
      r["inventories"] = Json::array();
      return r;
    }
    if (d_.replyKind == "custom") return emptyOf(d_.replyType);
    return Json::object();
  }

  Ctx& c_;
  const ApiDesc& d_;
  std::string verb_;
  const TypeInfo* target_;
};

}  // namespace

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path + "/") {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

void Route::setPath(const std::string& path) {
  segs = splitPath(path);
  literals = 0;
  for (const auto& s : segs)
    if (s.find('{') == std::string::npos) ++literals;
}

bool segmentMatches(const std::string& pattern, const std::string& segment, std::map<std::string, std::string>* vars) {
  const auto open = pattern.find('{');
  if (open == std::string::npos) return pattern == segment;
  const auto close = pattern.find('}', open);
  if (close == std::string::npos) return pattern == segment;
  const std::string prefix = pattern.substr(0, open), suffix = pattern.substr(close + 1);
  if (segment.size() < prefix.size() + suffix.size() + 1 || segment.compare(0, prefix.size(), prefix) != 0 ||
      segment.compare(segment.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  if (vars)
    (*vars)[pattern.substr(open + 1, close - open - 1)] =
        segment.substr(prefix.size(), segment.size() - prefix.size() - suffix.size());
  return true;
}

std::string collectionOf(const std::string& type) {
  auto it = aliases().find(type);
  return it == aliases().end() ? type : it->second;
}

void defineGenericCollections(State& st) {
  for (const auto& d : cat().actions()) {
    const TypeInfo* t = cat().type(d.replyType);
    if (!t) continue;
    for (const auto& name : familyOf(*rootOf(t))) {
      const TypeInfo* x = cat().type(name);
      const std::string col = collectionOf(name);
      if (st.has(col)) {
        Collection& c = st.col(col);
        for (const auto& [f, ft] : x->fields)  // the full inventory is queryable, not only what the specific code keeps
          if (!c.fields.empty() && std::find(c.fields.begin(), c.fields.end(), f) == c.fields.end())
            c.fields.push_back(f);
        continue;
      }
      std::vector<std::string> fields;
      for (const auto& [f, ft] : x->fields) fields.push_back(f);
      st.define(col, stripInventory(name) + "VO", std::move(fields));
    }
  }
}

void addGenericRoutes(std::vector<Route>& routes) {
  std::set<std::string> specific;
  for (const auto& r : routes) specific.insert(r.api);
  std::vector<Route> optional;
  for (const ApiDesc& d : cat().actions()) {
    if (specific.count(d.name)) continue;
    Route r;
    r.api = d.name;
    r.method = d.method;
    r.setPath(d.path);
    if (d.sendsBody) r.bodyKeys = {d.bodyKey};
    r.kind = d.async ? RouteKind::Async : RouteKind::Sync;
    r.needSession = d.needSession;
    const ApiDesc* desc = &d;
    auto model = modelledActions().find(d.name);
    const Model* modelled = model == modelledActions().end() ? nullptr : &model->second;
    r.generic = modelled == nullptr;
    r.handler = [desc, modelled](Ctx& c) {
      validate(c, *desc);
      return modelled ? (*modelled)(c) : Generic(c, *desc).run();
    };
    routes.push_back(r);
    // RestServer also serves every query at <path>/{uuid}. Added last: a GET route of the same
    // shape declared by another action is matched first.
    if (d.isQuery && (r.segs.empty() || r.segs.back()[0] != '{')) {
      r.segs.push_back("{uuid}");
      optional.push_back(std::move(r));
    }
  }
  for (auto& r : optional) routes.push_back(std::move(r));
}

}  // namespace zstack::sim
