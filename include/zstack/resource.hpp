#pragma once
/// \file
/// Fields most inventories share, declared once.

#include "zstack/schema.hpp"
#include "zstack/timestamp.hpp"

#include <optional>
#include <string>

namespace zstack {

/// The fields of every resource inventory: its UUID and dates.
struct Resource {
  std::string uuid;  ///< The resource's UUID.
  std::optional<Timestamp> createDate;  ///< When it was created (the server's local time).
  std::optional<Timestamp> lastOpDate;  ///< When it last changed (the server's local time).
  static const schema::TypeDesc& describe();  ///< Its field table.
};

/// A Resource with a name and a description.
struct NamedResource : Resource {
  std::string name;  ///< The resource's name.
  std::string description;  ///< Its description; may be empty.
  static const schema::TypeDesc& describe();  ///< Its field table (the Resource fields first).
};

}  // namespace zstack
