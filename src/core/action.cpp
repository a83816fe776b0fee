#include "zstack/action.hpp"
#include "zstack/query.hpp"

namespace zstack {

schema::TypeDesc schema::objectDesc(std::string name, std::vector<FieldDesc> fields, std::vector<FieldDesc> inherited,
                                    void* (*make)(), void (*destroy)(void*), void (*clear)(void*)) {
  TypeDesc t{Kind::Object, std::move(name)};
  t.fields = std::move(inherited);
  t.fields.insert(t.fields.end(), fields.begin(), fields.end());
  t.clear = clear;
  t.make = make;
  t.destroy = destroy;
  return t;
}

std::vector<schema::FieldDesc> schema::rebased(const TypeDesc& base, std::ptrdiff_t shift, std::vector<FieldDesc> before) {
  std::vector<FieldDesc> out = std::move(before);
  for (FieldDesc f : base.fields) {
    f.offset += shift;
    out.push_back(std::move(f));
  }
  return out;
}

schema::TypeDesc schema::tableDesc(const char* name, const Row* rows, std::size_t n, std::vector<FieldDesc> inherited,
                                   void* (*make)(), void (*destroy)(void*), void (*clear)(void*)) {
  TypeDesc out = objectDesc(name, {}, std::move(inherited), make, destroy, clear);
  out.fields.reserve(out.fields.size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    const Row& r = rows[i];
    FieldDesc f;
    f.name = r.name;
    f.nameLength = static_cast<std::uint32_t>(std::char_traits<char>::length(r.name));
    f.type = r.type;
    f.offset = static_cast<std::ptrdiff_t>(r.offset);
    f.location = r.location;
    f.flags = r.flags;
    if (const Rule* c = r.rule) {
      f.constraints.required = c->required;
      f.constraints.nonEmpty = c->nonEmpty;
      f.constraints.noEmptyElements = c->noEmptyElements;
      f.constraints.validValues.assign(c->validValues, c->validValues + c->validCount);
      if (c->minLength >= 0) f.constraints.minLength = static_cast<std::size_t>(c->minLength);
      if (c->maxLength >= 0) f.constraints.maxLength = static_cast<std::size_t>(c->maxLength);
      if (c->ranged) {
        f.constraints.min = c->min;
        f.constraints.max = c->max;
      }
    }
    out.fields.push_back(std::move(f));
  }
  return out;
}

const schema::TypeDesc& ActionBase::describe() {
  using Self = ActionBase;
  using schema::Location;
  static const schema::TypeDesc d = schema::object<Self>(
      "ActionBase", {ZS_F(systemTags).at(Location::Tags), ZS_F(userTags).at(Location::Tags)});
  return d;
}

const schema::TypeDesc& QueryParams::describe() {
  using Self = QueryParams;
  using schema::Location;
  static const schema::TypeDesc d = schema::object<Self>(
      "QueryParams",
      {schema::field<Self>("q", &Self::conditions, Location::Query).noEmptyElements(), ZS_QUERY(limit).range(0, INT32_MAX),
       ZS_QUERY(start).range(0, INT32_MAX), ZS_QUERY(count), ZS_QUERY(replyWithCount), ZS_QUERY(groupBy), ZS_QUERY(sortBy),
       ZS_QUERY(sortDirection).validValues({"asc", "desc"}), ZS_QUERY(fields).flag(schema::kCommaJoined).noEmptyElements()});
  return d;
}

}  // namespace zstack

#include "zstack/resource.hpp"

namespace zstack {

const schema::TypeDesc& Resource::describe() {
  using Self = Resource;
  static const schema::TypeDesc d = schema::object<Self>("Resource", {ZS_F(uuid), ZS_F(createDate), ZS_F(lastOpDate)});
  return d;
}

const schema::TypeDesc& NamedResource::describe() {
  using Self = NamedResource;
  static const schema::TypeDesc d =
      schema::object<Self>("NamedResource", {ZS_F(name), ZS_F(description)}, schema::inherit<Self, Resource>());
  return d;
}

}  // namespace zstack
