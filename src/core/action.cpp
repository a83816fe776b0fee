#include "zstack/action.hpp"
#include "zstack/query.hpp"

namespace zstack {

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
