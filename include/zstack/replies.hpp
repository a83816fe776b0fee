#pragma once
/// \file
/// The reply shapes ZStack uses, generic over the inventory type.

#include "zstack/schema.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

namespace zstack {

/// `{"inventory": {...}}`. gson leaves out null fields, and some APIs answer {} (AttachEip,
/// DeleteLoadBalancerListener, ... in the manual): then the call succeeded and `inventory` is
/// empty. Nothing is made up for it.
template <class T>
struct InventoryReply {
  std::optional<T> inventory;  ///< The resource; empty when the server answered {}.
  static const schema::TypeDesc& describe();  ///< Its field table.
};

/// `{"inventories": [...], "total": N}`; total is present when the query asked for it.
template <class T>
struct QueryReply {
  std::vector<T> inventories;  ///< The page of results.
  std::optional<std::int64_t> total;  ///< The number of matches (with `count` or `replyWithCount`).
  static const schema::TypeDesc& describe();  ///< Its field table.
};

/// \cond
namespace schema {
// Non-template: the description of Wrapper<element> ("InventoryReply", "QueryReply") from its rows.
TypeDesc replyDesc(const char* wrapper, TypeRef element, const Row* rows, std::size_t n, void* (*make)(), void (*destroy)(void*),
                   void (*clear)(void*));
}  // namespace schema

namespace schema::detail {
// A generated type X describes the replies of it the API uses itself (X::describeInventoryReply(),
// X::describeQueryReply(), defined once in the library, in X's own source) and says so with
// `using DescribesInventoryReply = X;` (and DescribesQueryReply): the templates below forward to
// them, so neither the library's other sources nor a user's file instantiate the description of
// InventoryReply<X> or QueryReply<X>. The alias must name T itself: a type derived from X (a
// user's, say) inherits X's alias and function, and gets the template's own description.
template <class T, class = void>
struct OwnInventoryReply : std::false_type {};
template <class T>
struct OwnInventoryReply<T, std::void_t<typename T::DescribesInventoryReply>>
    : std::is_same<typename T::DescribesInventoryReply, T> {};
template <class T, class = void>
struct OwnQueryReply : std::false_type {};
template <class T>
struct OwnQueryReply<T, std::void_t<typename T::DescribesQueryReply>> : std::is_same<typename T::DescribesQueryReply, T> {};
}  // namespace schema::detail

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"  // T may have bases: GCC and Clang support offsetof then
template <class T>
const schema::TypeDesc& InventoryReply<T>::describe() {
  if constexpr (schema::detail::OwnInventoryReply<T>::value) {
    return T::describeInventoryReply();
  } else {
    using Self = InventoryReply;
    static constexpr schema::Row rows[] = {
        {"inventory", &schema::TypeOf<std::optional<T>>::get, offsetof(Self, inventory), schema::Location::Body, 0, nullptr}};
    static const schema::TypeDesc d = schema::replyDesc("InventoryReply", &schema::TypeOf<T>::get, rows, 1,
                                                        &schema::ObjectOps<Self>::make, &schema::ObjectOps<Self>::destroy,
                                                        &schema::ObjectOps<Self>::clear);
    return d;
  }
}

template <class T>
const schema::TypeDesc& QueryReply<T>::describe() {
  if constexpr (schema::detail::OwnQueryReply<T>::value) {
    return T::describeQueryReply();
  } else {
    using Self = QueryReply;
    static constexpr schema::Row rows[] = {
        {"inventories", &schema::TypeOf<std::vector<T>>::get, offsetof(Self, inventories), schema::Location::Body, 0, nullptr},
        {"total", &schema::TypeOf<std::optional<std::int64_t>>::get, offsetof(Self, total), schema::Location::Body, 0, nullptr}};
    static const schema::TypeDesc d = schema::replyDesc("QueryReply", &schema::TypeOf<T>::get, rows, 2,
                                                        &schema::ObjectOps<Self>::make, &schema::ObjectOps<Self>::destroy,
                                                        &schema::ObjectOps<Self>::clear);
    return d;
  }
}
#pragma GCC diagnostic pop
/// \endcond

/// `{}` (or no body at all): the reply of APIs that return nothing but success.
struct EmptyReply {
  static const schema::TypeDesc& describe();  ///< Its (empty) field table.
};

}  // namespace zstack
