#pragma once
/// \file
/// The reply shapes ZStack uses, generic over the inventory type.

#include "zstack/schema.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace zstack {

/// `{"inventory": {...}}`. gson leaves out null fields, and some APIs answer {} (AttachEip,
/// DeleteLoadBalancerListener, ... in the manual): then the call succeeded and `inventory` is
/// empty. Nothing is made up for it.
template <class T>
struct InventoryReply {
  std::optional<T> inventory;  ///< The resource; empty when the server answered {}.
  /// Its field table.
  static const schema::TypeDesc& describe() {
    using Self = InventoryReply;
    static const schema::TypeDesc d = schema::object<Self>("InventoryReply<" + schema::typeOf<T>().name + ">", {ZS_F(inventory)});
    return d;
  }
};

/// `{"inventories": [...], "total": N}`; total is present when the query asked for it.
template <class T>
struct QueryReply {
  std::vector<T> inventories;  ///< The page of results.
  std::optional<std::int64_t> total;  ///< The number of matches (with `count` or `replyWithCount`).
  /// Its field table.
  static const schema::TypeDesc& describe() {
    using Self = QueryReply;
    static const schema::TypeDesc d =
        schema::object<Self>("QueryReply<" + schema::typeOf<T>().name + ">", {ZS_F(inventories), ZS_F(total)});
    return d;
  }
};

/// `{}` (or no body at all): the reply of APIs that return nothing but success.
struct EmptyReply {
  static const schema::TypeDesc& describe();  ///< Its (empty) field table.
};

}  // namespace zstack
