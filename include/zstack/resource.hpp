#pragma once
// Fields most inventories share, declared once.

#include "zstack/schema.hpp"
#include "zstack/timestamp.hpp"

#include <optional>
#include <string>

namespace zstack {

struct Resource {
  std::string uuid;
  std::optional<Timestamp> createDate;
  std::optional<Timestamp> lastOpDate;
  static const schema::TypeDesc& describe();
};

struct NamedResource : Resource {
  std::string name;
  std::string description;
  static const schema::TypeDesc& describe();
};

}  // namespace zstack
