#pragma once
// The reply shapes ZStack uses, generic over the inventory type.

#include "zstack/schema.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace zstack {

// {"inventory": {...}}. gson leaves out null fields, and some APIs answer {} (AttachEip,
// DeleteLoadBalancerListener, ... in the manual): then the call succeeded and `inventory` is
// empty. Nothing is made up for it.
template <class T>
struct InventoryReply {
  std::optional<T> inventory;
  static const schema::TypeDesc& describe() {
    using Self = InventoryReply;
    static const schema::TypeDesc d = schema::object<Self>("InventoryReply<" + schema::typeOf<T>().name + ">", {ZS_F(inventory)});
    return d;
  }
};

// {"inventories": [...], "total": N}; total is present when the query asked for it.
template <class T>
struct QueryReply {
  std::vector<T> inventories;
  std::optional<std::int64_t> total;
  static const schema::TypeDesc& describe() {
    using Self = QueryReply;
    static const schema::TypeDesc d =
        schema::object<Self>("QueryReply<" + schema::typeOf<T>().name + ">", {ZS_F(inventories), ZS_F(total)});
    return d;
  }
};

// {} (or no body at all)
struct EmptyReply {
  static const schema::TypeDesc& describe();
};

}  // namespace zstack
