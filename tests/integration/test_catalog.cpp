// Every action of the catalog against the simulator (built with ZSTACK_FULL_API only): each of
// the actions the simulator serves generically is called with its required parameters and must
// succeed with a reply the SDK decodes as the action's typed reply (DynamicAction::call checks
// that). The actions with specific behaviour (the 75 documented ones, a VM's life cycle) have
// their own tests (test_coverage.cpp, test_vm.cpp).
//
// The simulator is seeded with one record of uuid kTarget in every collection, so an action on
// an existing resource ({uuid} in its path) finds one. Deletes run last: they remove it.
#include "support.hpp"
#include "support/documented.hpp"

#include <zstack/catalog.hpp>
#include <zstack/pattern.hpp>

#include <map>

using namespace itest;
using namespace zstack;

namespace {

const char* const kTarget = "0123456789abcdef0123456789abcdef";

const schema::TypeDesc& unwrap(schema::TypeRef t) {
  const schema::TypeDesc* d = &t();
  while (d->kind == schema::Kind::Optional) d = &d->element();
  return *d;
}

// A value the SDK's and the server's validation accept for a field of this type.
Json sample(const schema::FieldDesc& f, schema::TypeRef type, int depth);

Json sampleObject(const schema::TypeDesc& t, int depth) {
  Json::Object o;
  if (depth < 4)
    for (const auto& f : t.fields)
      if (f.constraints.required) o.emplace_back(std::string(f.name, f.nameLength), sample(f, f.type, depth + 1));
  return Json(std::move(o));
}

Json sample(const schema::FieldDesc& f, schema::TypeRef type, int depth) {
  const schema::TypeDesc& t = unwrap(type);
  const auto& c = f.constraints;
  switch (t.kind) {
    case schema::Kind::String: {
      if (!c.validValues.empty()) return Json(c.validValues.front());
      // validRegexValues: the uuid-like text, else the same after a letter (names must start with one)
      for (std::string s : {std::string(kTarget), "t" + std::string(kTarget)}) {
        if (c.maxLength && s.size() > *c.maxLength) s.resize(*c.maxLength);
        if (c.minLength && s.size() < *c.minLength) s.append(*c.minLength - s.size(), 'a');
        if (!c.pattern || c.pattern->matches(s)) return Json(s);
      }
      return Json("no sample for " + c.pattern->source());
    }
    case schema::Kind::Bool: return Json(false);
    case schema::Kind::Int32:
    case schema::Kind::Int64: {
      std::int64_t v = 1;
      if (c.min && v < *c.min) v = *c.min;
      if (c.max && v > *c.max) v = *c.max;
      return Json(v);
    }
    case schema::Kind::Double: return Json(c.min ? static_cast<double>(*c.min) : 1.0);
    case schema::Kind::Timestamp: return Json(static_cast<std::int64_t>(1700000000000));
    case schema::Kind::Json: {  // a raw list upstream: one element (a valid value where listed)
      Json::Array a;
      a.emplace_back(c.validValues.empty() ? std::string(kTarget) : c.validValues.front());
      return Json(std::move(a));
    }
    case schema::Kind::List: {
      schema::FieldDesc elem;  // constraints of the list apply to the list, valid values to each element
      elem.constraints.validValues = c.validValues;
      Json::Array a;
      a.push_back(sample(elem, t.element, depth));
      return Json(std::move(a));
    }
    case schema::Kind::Map: {
      schema::FieldDesc elem;
      Json::Object o;
      o.emplace_back("key", sample(elem, t.element, depth));
      return Json(std::move(o));
    }
    case schema::Kind::Object: return sampleObject(t, depth);
    case schema::Kind::Optional: break;
  }
  return Json();
}

bool isDelete(const std::string& name) {
  for (const char* v : {"Delete", "Destroy", "Expunge"})
    if (name.rfind(v, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("every catalog action is served by the simulator with a reply the SDK decodes", "[catalog][sim]") {
  std::set<std::string> documented;
  for (const ActionSpec* s : zstack::testing::documentedSpecs()) documented.insert(s->name);
  REQUIRE(documented.size() == 75);
  // Specific and modelled behaviour has its own tests (test_coverage.cpp, test_vm.cpp).
  std::set<std::string> specific;
  for (const auto& n : zstack::sim::Simulator::specificActions()) specific.insert(n);
  for (const auto& n : documented) CHECK(specific.count(n) == 1);

  std::vector<std::string> collections;
  {
    zstack::sim::Simulator probe(simOptions());
    collections = probe.collections();
  }
  REQUIRE(collections.size() > 300);  // one per inventory type the catalog answers with
  std::string seed = R"({"collections":{)";
  for (std::size_t i = 0; i < collections.size(); ++i)
    seed += (i ? "," : "") + ("\"" + collections[i] + "\":[{\"uuid\":\"" + kTarget + "\",\"name\":\"target\"}]");
  seed += "}}";
  auto opt = simOptions();
  opt.seedJson = seed;
  opt.jobDelay = std::chrono::milliseconds(0);
  Env env(opt);
  env.login();

  std::vector<const ActionSpec*> order;
  for (const ActionSpec* s : catalog::all())
    if (!specific.count(s->name) && !isDelete(s->name)) order.push_back(s);
  for (const ActionSpec* s : catalog::all())
    if (!specific.count(s->name) && isDelete(s->name)) order.push_back(s);
  std::size_t specificInCatalog = 0;
  for (const auto& n : specific) specificInCatalog += catalog::find(n) ? 1 : 0;

  std::size_t ok = 0, loginRefused = 0;
  std::map<std::string, std::string> failures;
  for (const ActionSpec* spec : order) {
    catalog::DynamicAction a(*spec);
    for (const auto& f : a.fields()) {
      const std::string name(f.name, f.nameLength);
      Json v;
      if (name == "deleteMode") v = Json("Enforcing");  // earlier actions left users of the targets behind
      else if (f.location == schema::Location::Path && f.constraints.validValues.empty()) v = Json(kTarget);
      else if (f.constraints.required || f.location == schema::Location::Path) v = sample(f, f.type, 0);
      else continue;
      if (auto err = a.set(name, v)) {
        failures[spec->name] = "cannot set " + name + ": " + err->describe();
        break;
      }
    }
    if (failures.count(spec->name)) continue;
    auto r = a.call(env.c());
    if (r) {
      ++ok;
      if (spec->reply().kind == schema::Kind::Object && !r->isObject()) failures[spec->name] = "reply is not an object";
    } else if (spec->name.rfind("LogIn", 0) == 0 && r.error().describe().find("LogInByAccount") != std::string::npos) {
      ++loginRefused;  // one account: other log-in APIs are refused, saying which one works
    } else {
      failures[spec->name] = r.error().describe();
    }
  }
  INFO(ok << " of " << order.size() << " generic actions succeeded; " << loginRefused << " log-in APIs refused");
  std::string first;
  for (const auto& [n, why] : failures) {
    if (first.size() > 4000) break;
    first += n + ": " + why + "\n";
  }
  INFO("failures (" << failures.size() << "):\n" << first);
  CHECK(failures.empty());
  CHECK(ok + loginRefused == order.size());
  CHECK(order.size() == catalog::all().size() - specificInCatalog);
  CHECK(order.size() > 1700);
}
