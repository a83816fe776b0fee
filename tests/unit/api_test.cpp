// The whole generated API checked against the facts it was generated from (api/upstream/, and
// api/actions/ for the documented actions), read here independently of tools/gen_api.py:
//  - every action's route (method, path, body key, session, polling, query or not);
//  - every action's request on the wire: path variables percent-encoded into the path, other
//    parameters in the query string (GET/DELETE) or inside {"<bodyKey>": {...}} (POST/PUT);
//  - every constraint upstream declares, violated once: a Validation error naming the parameter
//    and nothing sent (validRegexValues with a value real Java rejects, from the oracle
//    tests/data/java_regex_oracle.json; valid calls use one Java accepts);
//  - every reply type decoding a fully populated reply built from the upstream result class
//    (every field set, nested objects and lists too) and printing it back unchanged.
#include "codec/codec.hpp"
#include "core/request.hpp"
#include "support/documented.hpp"
#include "support/fakes.hpp"
#include "support/java_oracle.hpp"
#include "util/crypto.hpp"
#include "zstack/catalog.hpp"
#include "zstack/pattern.hpp"
#include "zstack/query.hpp"

#include <catch2/catch.hpp>
#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace zstack;
using zstack::testing::Fixture;

namespace {

std::map<std::string, Json> loadDir(const std::string& dir) {
  std::map<std::string, Json> out;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n.size() <= 5 || n.compare(n.size() - 5, 5, ".json") != 0) continue;
    std::ifstream f(dir + "/" + n);
    std::stringstream ss;
    ss << f.rdbuf();
    auto j = Json::parse(ss.str());
    REQUIRE(j.has_value());
    out.emplace(n.substr(0, n.size() - 5), std::move(*j));
  }
  closedir(d);
  return out;
}

std::string str(const Json& o, const char* key) {
  const Json* v = o.find(key);
  return v && v->isString() ? v->asString() : std::string();
}
bool flag(const Json& o, const char* key) {
  const Json* v = o.find(key);
  return v && v->isBool() && v->asBool();
}

struct Facts {
  std::map<std::string, Json> actions = loadDir(std::string(ZSTACK_API_DIR) + "/upstream/actions");
  std::map<std::string, Json> types = loadDir(std::string(ZSTACK_API_DIR) + "/upstream/types");
  std::map<std::string, Json> documented = loadDir(std::string(ZSTACK_API_DIR) + "/actions");
  std::map<std::string, Json> documentedTypes = loadDir(std::string(ZSTACK_API_DIR) + "/types");
  std::set<std::string> sha512;  // "Action.param" sent as its SHA-512 hex
  Facts() {
    std::ifstream f(std::string(ZSTACK_API_DIR) + "/upstream/password-hashing.json");
    std::stringstream ss;
    ss << f.rdbuf();
    auto j = Json::parse(ss.str());
    REQUIRE(j.has_value());
    for (const Json& p : j->find("params")->asArray())
      if (str(p, "hashing") == "sha512-hex") sha512.insert(str(p, "action") + "." + str(p, "param"));
  }
};

const Facts& facts() {
  static const Facts f;
  return f;
}

std::string encoded(const std::string& v) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

const char* methodName(HttpMethod m) { return toString(m); }

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The shortest non-empty input of the oracle on which Java says `verdict` for the field's
// pattern, within its length limits (so that only the pattern decides); nullopt if none.
std::optional<std::string> oracleValue(const schema::FieldDesc& f, bool verdict) {
  const auto& c = f.constraints;
  if (!c.pattern) return std::nullopt;
  const auto* o = zstack::testing::oracleFor(c.pattern->source());
  if (!o) return std::nullopt;
  std::optional<std::string> best;
  for (const auto& [input, java] : o->cases) {
    const std::size_t n = codePoints(input);
    if (java != verdict || input.empty() || (c.maxLength && n > *c.maxLength) || (c.minLength && n < *c.minLength)) continue;
    if (!best || n < codePoints(*best)) best = input;
  }
  return best;
}

// A valid value for a field, from its description: the first valid value, the bottom of its
// range, and for path variables text that needs percent-encoding.
std::optional<Json> valueFor(const schema::FieldDesc& f, const std::string& path) {
  const schema::TypeDesc* t = &f.type();
  if (t->kind == schema::Kind::Optional) t = &t->element();
  const auto& c = f.constraints;
  switch (t->kind) {
    case schema::Kind::String:
      if (!c.validValues.empty()) return Json(c.validValues.front());
      if (auto v = oracleValue(f, true)) return Json(*v);  // validRegexValues: one Java accepts
      {
        std::string v = f.location == schema::Location::Path ? path : std::string("v-") + f.name;
        if (c.maxLength && v.size() > *c.maxLength) v.resize(*c.maxLength);  // ASCII here but the path's
        if (c.minLength && v.size() < *c.minLength) v.resize(*c.minLength, 'x');
        return Json(v);
      }
    case schema::Kind::Int32:
    case schema::Kind::Int64:
      return Json(static_cast<std::int64_t>(c.min ? *c.min : 7));
    case schema::Kind::Double: return Json(1.5);
    case schema::Kind::Bool: return Json(true);
    case schema::Kind::Json: return Json("j");
    case schema::Kind::List:
      if (t->element().kind == schema::Kind::String)
        return Json(Json::Array{Json(c.validValues.empty() ? std::string("a") : c.validValues.front())});
      if (t->element().kind == schema::Kind::Object) {  // one default element, as the SDK encodes it
        const schema::TypeDesc& e = t->element();
        void* p = e.make();
        Json j = codec::toJson(e, p);
        e.destroy(p);
        return Json(Json::Array{std::move(j)});
      }
      return std::nullopt;
    case schema::Kind::Map:
      if (t->element().kind == schema::Kind::String) return Json(Json::Object{{"k", Json("v")}});
      return std::nullopt;
    case schema::Kind::Object: return Json(Json::Object{});
    default: return std::nullopt;
  }
}

const std::string kPathValue = "p a/\xc3\xa9%";

bool isCommon(const std::string& name) { return name == "systemTags" || name == "userTags"; }

// The upstream @Params of an action that the typed action takes (not auth, tags or QueryAction's).
std::vector<const Json*> apiParams(const Json& a) {
  std::vector<const Json*> out;
  for (const Json& p : a.find("params")->asArray()) {
    if (str(p, "declaredIn") == "QueryAction" || str(p, "in") == "auth" || isCommon(str(p, "name"))) continue;
    out.push_back(&p);
  }
  return out;
}

struct Built {
  HttpRequest request;
  std::optional<Error> error;
  bool sent = false;
};

// Calls the action with the given values against a fake server answering 200 {}.
Built callWith(const ActionSpec& spec, const std::map<std::string, Json>& values) {
  Fixture fx;
  fx.transport->reply(200, "{}");
  catalog::DynamicAction a(spec);
  for (const auto& [k, v] : values) {
    auto err = a.set(k, v);
    INFO(spec.name << "." << k << " = " << v.dump());
    REQUIRE_FALSE(err);
  }
  Built b;
  auto r = a.call(fx.client);
  if (!r.ok()) b.error = r.error();
  const auto reqs = fx.transport->requests();
  if (!reqs.empty()) {
    b.sent = true;
    b.request = reqs.front();
  }
  return b;
}

// Values for every settable parameter of an action (valid ones).
std::map<std::string, Json> validValues(const ActionSpec& spec) {
  std::map<std::string, Json> out;
  catalog::DynamicAction a(spec);
  for (const auto& f : a.fields()) {
    const std::string n = f.name;
    if (isCommon(n) || (spec.isQuery && QueryParams::describe().field(n))) continue;  // not the API's own
    if (auto v = valueFor(f, kPathValue)) out.emplace(n, *v);
  }
  return out;
}

}  // namespace

TEST_CASE("every action of the Java SDK is in the catalog, routed as upstream declares", "[api][route]") {
  const auto& F = facts();
  REQUIRE(F.actions.size() >= 1887);
  CHECK(catalog::all().size() == F.actions.size());
  for (const auto& [key, a] : F.actions) {
    const std::string name = str(a, "name");
    INFO(name);
    const ActionSpec* s = catalog::find(name);
    REQUIRE(s != nullptr);
    CHECK(s->name == name);
    auto doc = F.documented.find(name);
    const Json& src = doc != F.documented.end() ? doc->second : a;  // the manual's wire wins
    CHECK(methodName(s->method) == str(src, "method"));
    CHECK(s->path == str(src, "path"));
    CHECK(s->needSession == flag(src, "needSession"));
    CHECK(s->needPoll == flag(src, "needPoll"));
    if (doc == F.documented.end()) {
      CHECK(s->isQuery == flag(a, "isQuery"));
      const bool body = str(a, "method") == "POST" || str(a, "method") == "PUT";
      CHECK(s->sendsBody == body);
      if (body) CHECK(s->bodyKey == str(a, "bodyKey"));
    }
  }
}

TEST_CASE("every action puts each parameter where the server reads it", "[api][wire]") {
  const auto& F = facts();
  std::size_t checked = 0, bodyKeys = 0;
  for (const auto& [key, a] : F.actions) {
    const std::string name = str(a, "name");
    if (F.documented.count(name)) continue;  // their wire: the golden tests (the manual's samples)
    INFO(name);
    const ActionSpec& spec = *catalog::find(name);
    const auto values = validValues(spec);
    const Built b = callWith(spec, values);
    INFO((b.error ? b.error->describe() : std::string("sent")));
    REQUIRE(b.sent);
    const HttpRequest& r = b.request;
    CHECK(methodName(r.method) == str(a, "method"));

    // The path: every {variable} replaced by its percent-encoded value.
    std::string path = "/v1" + str(a, "path");
    for (std::size_t i; (i = path.find('{')) != std::string::npos;) {
      const std::size_t end = path.find('}', i);
      const auto v = values.find(path.substr(i + 1, end - i - 1));
      REQUIRE(v != values.end());
      path.replace(i, end - i + 1, encoded(v->second.asString()));
    }
    const auto at = r.url.find("/v1/");
    REQUIRE(at != std::string::npos);
    const std::string got = r.url.substr(at);
    const std::string gotPath = got.substr(0, got.find('?'));
    const std::string query = got.find('?') == std::string::npos ? "" : got.substr(got.find('?') + 1);
    CHECK(gotPath == path);

    const bool bodyless = str(a, "method") == "GET" || str(a, "method") == "DELETE";
    std::optional<Json> body;
    if (!bodyless) {
      body = Json::parse(r.body);
      REQUIRE(body.has_value());
      REQUIRE(body->isObject());
      const Json* wrapped = body->find(str(a, "bodyKey"));
      REQUIRE(wrapped != nullptr);  // {"": {...}} and {"null": {...}} too: the server reads body[key]
      REQUIRE(wrapped->isObject());
      ++bodyKeys;
    }
    for (const Json* p : apiParams(a)) {
      const std::string pn = str(*p, "name");
      auto v = values.find(pn);
      if (v == values.end()) continue;
      INFO("param " << pn << " (" << str(*p, "in") << ")");
      if (str(*p, "in") == "path") {
        CHECK(query.find(encoded(pn) + "=") == std::string::npos);
      } else if (bodyless) {
        CHECK(("&" + query).find("&" + encoded(pn) + "=") != std::string::npos);
      } else {
        const Json* sent = body->find(str(a, "bodyKey"))->find(pn);
        REQUIRE(sent != nullptr);
        if (F.sha512.count(name + "." + pn)) CHECK(*sent == Json(crypto::sha512Hex(v->second.asString())));
        else CHECK(*sent == v->second);
      }
    }
    ++checked;
  }
  CHECK(checked >= 1800);
  CHECK(bodyKeys > 900);
}

TEST_CASE("every constraint upstream declares is checked before anything is sent", "[api][constraints]") {
  const auto& F = facts();
  std::map<std::string, int> tried;
  for (const auto& [key, a] : F.actions) {
    const std::string name = str(a, "name");
    if (F.documented.count(name)) continue;  // the manual's constraints: codec and golden tests
    const ActionSpec& spec = *catalog::find(name);
    const auto valid = validValues(spec);
    catalog::DynamicAction probe(spec);
    auto fieldOf = [&](const std::string& pn) -> const schema::FieldDesc* {
      for (const auto& f : probe.fields())
        if (pn == f.name) return &f;
      return nullptr;
    };
    auto stringTyped = [&](const std::string& pn) {
      for (const auto& f : probe.fields()) {
        if (pn != f.name) continue;
        const schema::TypeDesc* t = &f.type();
        if (t->kind == schema::Kind::Optional) t = &t->element();
        return t->kind == schema::Kind::String;
      }
      return false;
    };
    for (const Json* p : apiParams(a)) {
      const std::string pn = str(*p, "name");
      std::vector<std::pair<std::string, Json>> bad;  // (constraint, a value that breaks it)
      const Json* vv = p->find("validValues");
      if (vv && vv->isArray() && !vv->asArray().empty() && valid.count(pn) && stringTyped(pn))
        bad.emplace_back("validValues", Json("no-such-value-\x01"));
      if (const Json* ml = p->find("maxLength"); ml && ml->isNumber() && valid.count(pn) && stringTyped(pn))
        bad.emplace_back("maxLength", Json(std::string(static_cast<std::size_t>(ml->asInt()) + 1, 'x')));
      if (const Json* ml = p->find("minLength"); ml && ml->isNumber() && ml->asInt() > 1 && valid.count(pn) &&
                                                 stringTyped(pn))
        bad.emplace_back("minLength", Json(std::string(static_cast<std::size_t>(ml->asInt()) - 1, 'x')));
      if (const Json* nr = p->find("numberRange"); nr && nr->isArray() && valid.count(pn) && valid.at(pn).isInt()) {
        const auto lo = nr->asArray()[0].asInt();
        const auto hi = nr->asArray()[1].asInt();
        const std::string t = str(*p, "type");
        const bool narrow = t.find("nteger") != std::string::npos || t == "int";
        if (lo > (narrow ? INT32_MIN : INT64_MIN)) bad.emplace_back("numberRange", Json(static_cast<std::int64_t>(lo - 1)));
        else if (hi < (narrow ? INT32_MAX : INT64_MAX)) bad.emplace_back("numberRange", Json(static_cast<std::int64_t>(hi + 1)));
      }
      if (const Json* re = p->find("validRegexValues"); re && re->isString() && valid.count(pn) && stringTyped(pn)) {
        const auto miss = oracleValue(*fieldOf(pn), false);
        INFO(name << "." << pn << ": no value Java rejects in the oracle");
        REQUIRE(miss.has_value());
        bad.emplace_back("validRegexValues", Json(*miss));
        // and the valid call, with a value Java accepts here, passes every check and is sent
        const Built ok = callWith(spec, valid);
        INFO(name << "." << pn << " = " << valid.at(pn).dump() << " (Java: matches)");
        CHECK_FALSE(ok.error.has_value());
        CHECK(ok.sent);
      }
      if (flag(*p, "required") && str(*p, "in") != "path") bad.emplace_back("required", Json());
      for (const auto& [what, value] : bad) {
        INFO(name << "." << pn << " breaks " << what);
        auto values = valid;
        if (value.isNull()) values.erase(pn);
        else values[pn] = value;
        const Built b = callWith(spec, values);
        CHECK_FALSE(b.sent);
        REQUIRE(b.error.has_value());
        CHECK(b.error->kind == ErrorKind::Validation);
        bool named = false;
        for (const auto& v : b.error->violations) {
          named |= v.field == pn;
          if (what == "validRegexValues" && v.field == pn) {
            CHECK(v.problem == "must match the Java regex " + std::string(schema::trimmedPattern(str(*p, "validRegexValues"))));
            CHECK(b.error->describe().find(value.asString()) == std::string::npos);  // never the value
          }
        }
        CHECK(named);
        ++tried[what];
      }
    }
  }
  CHECK(tried["validValues"] > 350);
  CHECK(tried["maxLength"] > 1000);
  CHECK(tried["numberRange"] > 100);
  CHECK(tried["required"] > 1000);
  CHECK(tried["validRegexValues"] == 30);  // the 31 upstream declares, less the documented healthCheckURI
}

TEST_CASE("every validRegexValues is in the catalog, compiled, except on the documented actions", "[api][constraints][regex]") {
  const auto& F = facts();
  std::map<std::string, std::string> declared;  // "Action.param" -> trimmed pattern
  for (const auto& [key, a] : F.actions)
    for (const Json* p : apiParams(a))
      if (const Json* re = p->find("validRegexValues"); re && re->isString() && !schema::trimmedPattern(re->asString()).empty())
        declared[str(a, "name") + "." + str(*p, "name")] = std::string(schema::trimmedPattern(re->asString()));
  CHECK(declared.size() == 31);
  std::size_t withPattern = 0;
  for (const ActionSpec* spec : catalog::all()) {
    const bool documented = F.documented.count(spec->name) > 0;
    for (const auto& f : spec->params().fields) {
      const std::string key = spec->name + "." + f.name;
      INFO(key);
      const auto it = declared.find(key);
      if (!f.constraints.pattern) {
        CHECK((it == declared.end() || documented));  // the manual's constraints win on the 75
        continue;
      }
      ++withPattern;
      CHECK_FALSE(documented);
      REQUIRE(it != declared.end());
      CHECK(f.constraints.pattern->source() == it->second);
      CHECK(f.constraints.pattern->valid());
      CHECK(f.constraints.pattern->error().empty());
      CHECK(zstack::testing::oracleFor(it->second) != nullptr);  // Java's verdicts recorded for it
    }
  }
  CHECK(withPattern == 30);
}

namespace {

// A fully populated JSON value for an upstream field, built from the upstream type facts.
Json sample(const Json& field, int depth, const std::string& owner);

Json sampleOfJava(std::string type, const std::string& name, const Json* field, int depth) {
  const auto& F = facts();
  if (const auto lt = type.find('<'); lt != std::string::npos) {  // List<X>, Map<String, X>
    const std::string head = type.substr(0, lt);
    std::string inner = type.substr(lt + 1, type.rfind('>') - lt - 1);
    if (head.find("Map") != std::string::npos) {
      inner = inner.substr(inner.find(',') + 1);
      while (!inner.empty() && inner.front() == ' ') inner.erase(0, 1);
      return Json(Json::Object{{"k", sampleOfJava(inner, name, nullptr, depth)}});
    }
    return Json(Json::Array{sampleOfJava(inner, name, nullptr, depth)});
  }
  if (const auto dot = type.rfind('.'); dot != std::string::npos && type.find('<') == std::string::npos) type = type.substr(dot + 1);
  if (type == "String") return Json("s-" + name);
  if (type == "Integer" || type == "int" || type == "Short" || type == "short") return Json(42);
  if (type == "Long" || type == "long") return Json(static_cast<std::int64_t>(12345678901LL));
  if (type == "Double" || type == "double" || type == "Float" || type == "float") return Json(2.5);
  if (type == "Boolean" || type == "boolean") return Json(true);
  if (type == "Timestamp") return Json("Jun 7, 2017 9:20:16 PM");
  auto t = F.types.find(type);
  if (t != F.types.end()) {
    if (str(t->second, "kind") == "enum") return Json(t->second.find("constants")->asArray().front());
    if (depth > 3) return Json(Json::Object{});
    Json::Object o;
    for (std::string k = type; !k.empty();) {
      const Json& d = F.types.at(k);
      if (const Json* fs = d.find("fields"))
        for (const Json& f : fs->asArray()) o.emplace_back(str(f, "name"), sample(f, depth + 1, k));
      k = str(d, "superclassType");
      if (!F.types.count(k)) break;
    }
    return Json(std::move(o));
  }
  (void)field;
  return Json(Json::Object{{"any", Json(Json::Array{Json(1), Json("x")})}});  // unknown: free-form
}

// The manual's type of a field the SDK declares raw ("List<IPsecPeerCidrInventory>"), if any.
std::string documentedType(const std::string& owner, const std::string& field) {
  const auto& F = facts();
  auto t = F.documentedTypes.find(owner);
  if (t == F.documentedTypes.end()) return "";
  for (const Json& f : t->second.find("fields")->asArray())
    if (str(f, "name") == field) return str(f, "type");
  return "";
}

Json sample(const Json& field, int depth, const std::string& owner) {
  const std::string name = str(field, "name");
  if (str(field, "typeSource") == "sdk-raw" && name == "inventories" && owner.rfind("Query", 0) == 0) {
    // the SDK's naming: QueryXResult holds XInventory (what the generator also assumes)
    const std::string guess = owner.substr(5, owner.size() - 5 - 6) + "Inventory";
    if (facts().types.count(guess)) return Json(Json::Array{sampleOfJava(guess, name, nullptr, depth)});
  }
  if (str(field, "typeSource") == "sdk-raw") {
    const std::string doc = documentedType(owner, name);
    if (!doc.empty() && doc != "Json") return sampleOfJava(doc, name, nullptr, depth);
  }
  const std::string type = str(field, "type");
  const std::string ref = str(field, "ref");
  if (!ref.empty()) return sampleOfJava(ref, name, &field, depth);
  const bool list = type.find("List") != std::string::npos || type.find("Set") != std::string::npos;
  const bool map = type.find("Map") != std::string::npos;
  const std::string elem = str(field, "elementType");
  if (list) {
    if (!elem.empty()) return Json(Json::Array{sampleOfJava(elem, name, nullptr, depth)});
    if (name == "uuids" || (name.size() > 5 && name.compare(name.size() - 5, 5, "Uuids") == 0))
      return Json(Json::Array{Json("u-" + name)});  // ZStack uuids are strings
    return Json(Json::Array{Json(Json::Object{{"any", Json(1)}})});
  }
  if (map) {
    if (!elem.empty() && str(field, "keyType").find("String") != std::string::npos)
      return Json(Json::Object{{"k", sampleOfJava(elem, name, nullptr, depth)}});
    return Json(Json::Object{{"k", Json(Json::Array{Json(1)})}});
  }
  if (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) return Json(Json::Array{Json(1)});
  return sampleOfJava(type, name, &field, depth);
}

// Objects compared without regard to key order (the typed struct prints its base's fields first).
Json normalized(const Json& j) {
  if (j.isArray()) {
    Json::Array a;
    for (const auto& x : j.asArray()) a.push_back(normalized(x));
    return Json(std::move(a));
  }
  if (!j.isObject()) return j.isInt() || j.isDouble() ? Json(j.asDouble()) : j;
  Json::Object o;
  for (const auto& [k, v] : j.asObject()) o.emplace_back(k, normalized(v));
  std::sort(o.begin(), o.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return Json(std::move(o));
}

}  // namespace

TEST_CASE("every reply type decodes a fully populated reply and prints it back", "[api][replies]") {
  const auto& F = facts();
  std::size_t checked = 0;
  for (const auto& [key, a] : F.actions) {
    const std::string name = str(a, "name");
    if (F.documented.count(name)) continue;  // their replies: the manual's samples (golden tests)
    const auto rt = F.types.find(str(a, "resultType"));
    if (rt == F.types.end()) continue;
    INFO(name << " -> " << str(a, "resultType"));
    const ActionSpec& spec = *catalog::find(name);
    Json reply = sampleOfJava(str(a, "resultType"), "reply", nullptr, 0);
    const schema::TypeDesc& t = spec.reply();
    std::unique_ptr<void, void (*)(void*)> typed(t.make(), t.destroy);
    auto problem = codec::decodeJson(t, reply, typed.get());
    INFO("reply " << reply.dump());
    REQUIRE_FALSE(problem);
    const Json back = codec::toJson(t, typed.get());
    INFO("printed " << back.dump());
    CHECK(normalized(back) == normalized(reply));
    ++checked;
  }
  CHECK(checked >= 1700);
}

TEST_CASE("raw list and map parameters take their element types from the server's API message", "[api]") {
  // upstream: `java.util.List dataDiskSizes` in the SDK, `List<Long> dataDiskSizes` in
  // APICreateVmInstanceMsg. The typed member must be the server's type, spelled as the API's
  // type names are ("List<Long>", "Map<String,List<String>>", "List<DiskAO>").
  const auto& F = facts();
  std::size_t checked = 0, nested = 0;
  for (const auto& [key, a] : F.actions) {
    const std::string name = str(a, "name");
    if (F.documented.count(name)) continue;  // the manual's types win there
    const ActionSpec* spec = catalog::find(name);
    REQUIRE(spec != nullptr);
    for (const Json* p : apiParams(a)) {
      if (str(*p, "typeSource").rfind("server:", 0) != 0) continue;
      INFO(name << "." << str(*p, "name") << " server type " << str(*p, "serverType"));
      std::string want;
      for (char ch : str(*p, "serverType"))
        if (ch != ' ') want += ch;
      for (const char* set : {"HashSet<", "Set<", "ArrayList<", "Collection<"})
        for (auto at = want.find(set); at != std::string::npos; at = want.find(set))
          want.replace(at, std::char_traits<char>::length(set), "List<");
      const schema::FieldDesc* f = spec->params().field(str(*p, "name"));
      REQUIRE(f != nullptr);
      const schema::TypeDesc* t = &f->type();
      if (t->kind == schema::Kind::Optional) t = &t->element();
      CHECK(t->name == want);
      if (F.types.count(str(*p, "elementType")) && str(F.types.at(str(*p, "elementType")), "origin") == "server") ++nested;
      ++checked;
    }
  }
  CHECK(checked >= 45);
  CHECK(nested >= 3);  // DiskAO, VmNicSecurityGroupRefAO, SecurityGroupRulePriorityAO
}

TEST_CASE("a dynamic JSON parameter of a GET travels as RestServer reads typed ones", "[api]") {
  // GetMdevDeviceCandidates.types is a raw List upstream, with no public server class to type
  // it (a Json member here): its elements must be repeated pairs, not one JSON text the server
  // would take as a single element.
  const ActionSpec* spec = catalog::find("GetMdevDeviceCandidates");
  REQUIRE(spec != nullptr);
  REQUIRE(spec->method == HttpMethod::Get);
  REQUIRE(spec->params().field("types")->type().kind == schema::Kind::Optional);
  REQUIRE(spec->params().field("types")->type().element().kind == schema::Kind::Json);
  catalog::DynamicAction a(*spec);
  REQUIRE_FALSE(a.set("types", *Json::parse(R"(["VolumeVO","Vm VO"])")));
  const core::Wire w = core::buildWire(*spec, a.raw());
  CHECK(w.query.find("types=VolumeVO&types=Vm%20VO") != std::string::npos);
  CHECK(w.query.find("%5B") == std::string::npos);  // no '[': not JSON text

  REQUIRE_FALSE(a.set("types", *Json::parse(R"({"a":"x","b":2})")));
  const core::Wire m = core::buildWire(*spec, a.raw());
  CHECK(m.query.find("types.a=x&types.b=2") != std::string::npos);

  REQUIRE_FALSE(a.set("types", Json("VolumeVO")));
  CHECK(core::buildWire(*spec, a.raw()).query.find("types=VolumeVO") != std::string::npos);
}
