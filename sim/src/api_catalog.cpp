// Parses the embedded API document (see api_catalog.hpp) into descriptions.
#include "api_catalog.hpp"

#include <stdexcept>

namespace zstack::sim {

const ParamDesc* ApiDesc::param(const std::string& n) const {
  for (const auto& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

const std::string* TypeInfo::fieldType(const std::string& f) const {
  for (const auto& [n, t] : fields)
    if (n == f) return &t;
  return nullptr;
}

bool TypeInfo::isInventory() const { return fieldType("uuid") != nullptr; }

bool isListType(const std::string& t) { return t.rfind("List<", 0) == 0; }
bool isMapType(const std::string& t) { return t.rfind("Map<String,", 0) == 0; }

std::string elementType(const std::string& t) {
  if (isListType(t)) return t.substr(5, t.size() - 6);
  if (isMapType(t)) return t.substr(11, t.size() - 12);
  return t;
}

namespace {

std::string text(const Json& o, const char* key) { return o.getString(key); }
bool flag(const Json& o, const char* key) {
  const Json* v = o.find(key);
  return v && v->isNumber() && v->asInt() != 0;
}

}  // namespace

ApiCatalog::ApiCatalog() {
  Json doc;
  std::string err;
  if (!Json::parse(apiCatalogJson(), doc, err)) throw std::runtime_error("embedded API catalog: " + err);
  struct Raw {
    std::string base, cls;
    std::vector<std::pair<std::string, std::string>> own;
  };
  std::map<std::string, Raw> raw;
  if (const Json* types = doc.find("types"))
    for (const auto& [name, t] : types->members()) {
      Raw& r = raw[name];
      r.base = text(t, "b");
      r.cls = text(t, "c");
      if (const Json* f = t.find("f"))
        for (const auto& pair : f->items()) r.own.emplace_back(pair.items()[0].str(), pair.items()[1].str());
    }
  for (const auto& [name, r] : raw) {
    TypeInfo info;
    info.name = name;
    info.base = r.base;
    info.serverClass = r.cls;
    std::vector<const Raw*> chain;  // this type, then its bases
    for (const Raw* x = &r; x && chain.size() < 32;) {
      chain.push_back(x);
      auto b = raw.find(x->base);
      x = b == raw.end() ? nullptr : &b->second;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
      for (const auto& f : (*it)->own)
        if (!info.fieldType(f.first)) info.fields.push_back(f);
    types_[name] = std::move(info);
  }
  for (const auto& [name, r] : raw)
    for (std::string b = r.base; !b.empty();) {
      auto it = types_.find(b);
      if (it == types_.end() || it->second.subtypes.size() > raw.size()) break;
      it->second.subtypes.push_back(name);
      b = it->second.base;
    }

  const Json* acts = doc.find("actions");
  if (!acts || !acts->isArray()) throw std::runtime_error("embedded API catalog: no actions");
  for (const auto& a : acts->items()) {
    ApiDesc d;
    d.name = text(a, "n");
    d.method = text(a, "m");
    d.path = text(a, "p");
    d.bodyKey = text(a, "k");
    d.sendsBody = flag(a, "b");
    d.needSession = flag(a, "s");
    d.async = flag(a, "a");
    d.isQuery = flag(a, "q");
    d.replyKind = text(a, "r");
    d.replyType = text(a, "t");
    if (const Json* ps = a.find("ps"))
      for (const auto& p : ps->items()) {
        ParamDesc q;
        q.name = text(p, "n");
        q.type = text(p, "t");
        q.inPath = text(p, "in") == "path";
        q.required = flag(p, "req");
        q.nonEmpty = flag(p, "ne");
        if (const Json* vv = p.find("vv"))
          for (const auto& v : vv->items()) q.validValues.push_back(v.isString() ? v.str() : v.dump());
        if (const Json* v = p.find("max")) q.maxLength = v->asInt();
        if (const Json* v = p.find("min")) q.minLength = v->asInt();
        if (const Json* v = p.find("rng"); v && v->size() == 2)
          q.range = std::make_pair(v->items()[0].asDouble(), v->items()[1].asDouble());
        if (const Json* v = p.find("re"); v && v->isString()) {
          q.regex = v->str();
          auto prog = std::make_shared<jregex::Program>();
          std::string why;
          if (prog->compile(q.regex, why)) q.pattern = std::move(prog);  // else unchecked, as an SDK without it
        }
        if (const Json* v = p.find("d")) q.defaultValue = *v;
        d.params.push_back(std::move(q));
      }
    byName_[d.name] = actions_.size();
    actions_.push_back(std::move(d));
  }
}

const ApiCatalog& ApiCatalog::get() {
  static const ApiCatalog catalog;
  return catalog;
}

const ApiDesc* ApiCatalog::action(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : &actions_[it->second];
}

const TypeInfo* ApiCatalog::type(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

}  // namespace zstack::sim
