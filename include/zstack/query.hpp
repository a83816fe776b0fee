#pragma once
/// \file
/// Queries: every QueryXxxAction takes conditions, paging, sorting and field selection.
///
/// \code
/// using namespace zstack::query;
/// QueryVipAction q;
/// q.where(field("name") == "vip1").where(field("vmNics.ip") != "10.0.0.5").where("state!=Disabled");
/// q.limit = 50;
/// q.sortBy = "createDate"; q.sortDirection = "desc";
/// auto all = zstack::queryAll(q, client);   // every page, start/limit handled for you
/// \endcode

#include "zstack/action.hpp"
#include "zstack/replies.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace zstack {

namespace query {

/// One `q=` condition, already in ZStack's `<field><op><value>` text form.
struct Condition {
  std::string text;  ///< e.g. "name=vip1".
  operator const std::string&() const { return text; }  ///< The text.
};

namespace detail {
inline std::string toText(const std::string& v) { return v; }
inline std::string toText(const char* v) { return v; }
inline std::string toText(bool v) { return v ? "true" : "false"; }
// What `std::ostringstream << v` writes, defined in the library (no <sstream> here).
std::string signedText(long long v);
std::string unsignedText(unsigned long long v);
std::string floatText(double v);        // %g: 6 significant digits
std::string floatText(long double v);
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
std::string toText(T v) {
  if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char>)
    return std::string(1, static_cast<char>(v));  // a character, as a stream writes it
  else if constexpr (std::is_same_v<T, long double>)
    return floatText(v);
  else if constexpr (std::is_floating_point_v<T>)
    return floatText(static_cast<double>(v));
  else if constexpr (std::is_signed_v<T> || std::is_same_v<T, wchar_t>)
    return signedText(static_cast<long long>(v));
  else
    return unsignedText(static_cast<unsigned long long>(v));
}
template <class T>
std::string join(const std::vector<T>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ',';
    out += toText(v);
  }
  return out;
}
}  // namespace detail

/// A field name, possibly crossing tables ("vmNics.ip"); operators build conditions.
/// Values are written as text: strings as given, booleans as true/false, numbers in decimal.
class Field {
 public:
  /// The field `name`, as the query's inventory names it.
  explicit Field(std::string name) : name_(std::move(name)) {}

  /// `name=v`.
  template <class T> Condition operator==(const T& v) const { return make("=", detail::toText(v)); }
  /// `name!=v`.
  template <class T> Condition operator!=(const T& v) const { return make("!=", detail::toText(v)); }
  /// `name<v`.
  template <class T> Condition operator<(const T& v) const { return make("<", detail::toText(v)); }
  /// `name>v`.
  template <class T> Condition operator>(const T& v) const { return make(">", detail::toText(v)); }
  /// `name<=v`.
  template <class T> Condition operator<=(const T& v) const { return make("<=", detail::toText(v)); }
  /// `name>=v`.
  template <class T> Condition operator>=(const T& v) const { return make(">=", detail::toText(v)); }
  /// `name?=a,b,c`: one of the values.
  template <class T> Condition in(const std::vector<T>& values) const { return make("?=", detail::join(values)); }
  /// `name!?=a,b,c`: none of the values.
  template <class T> Condition notIn(const std::vector<T>& values) const { return make("!?=", detail::join(values)); }
  /// `name~=pattern`, with % and _ wildcards.
  Condition like(const std::string& pattern) const { return make("~=", pattern); }
  /// `name!~=pattern`.
  Condition notLike(const std::string& pattern) const { return make("!~=", pattern); }
  /// `name=null`: the field is null.
  Condition isNull() const { return make("=", "null"); }
  /// `name!=null`: the field is set.
  Condition notNull() const { return make("!=", "null"); }

 private:
  Condition make(const char* op, const std::string& value) const { return {name_ + op + value}; }
  std::string name_;
};

/// The field `name`: `field("state") == "Enabled"`.
inline Field field(std::string name) { return Field(std::move(name)); }

}  // namespace query

/// The parameters every query takes, declared once.
struct QueryParams {
  std::vector<std::string> conditions;          ///< `q=...`, all of which must hold; see query::field().
  std::optional<std::int32_t> limit;            ///< Page size (server default 1000).
  std::optional<std::int32_t> start;            ///< Offset of the first result.
  std::optional<bool> count;                    ///< Only the total.
  std::optional<bool> replyWithCount;           ///< The total beside the page.
  std::optional<std::string> groupBy;           ///< A field to group by.
  std::optional<std::string> sortBy;            ///< Sent as sort=+field / sort=-field.
  std::optional<std::string> sortDirection;     ///< "asc" (default) or "desc".
  std::vector<std::string> fields;              ///< Only these columns (comma-joined).

  /// \cond
  // Defined once in the library (src/core/action.cpp).
  QueryParams();
  QueryParams(const QueryParams&);
  QueryParams(QueryParams&&) noexcept;
  QueryParams& operator=(const QueryParams&);
  QueryParams& operator=(QueryParams&&) noexcept;
  ~QueryParams();
  /// \endcond

  static const schema::TypeDesc& describe();  ///< Its field table.
};

/// The base of every QueryXxxAction: an Action replying QueryReply<Inventory>, with QueryParams.
template <class Derived, class Inventory>
struct QueryAction : Action<Derived, QueryReply<Inventory>>, QueryParams {
  using InventoryType = Inventory;  ///< The queried inventory.
  static constexpr bool kIsQuery = true;  ///< A query.

  /// Adds a condition (query::field("name") == "vip1"); returns the action, to chain.
  Derived& where(const query::Condition& c) { conditions.push_back(c.text); return self(); }
  /// Adds a condition written as ZStack text ("state!=Disabled").
  Derived& where(std::string raw) { conditions.push_back(std::move(raw)); return self(); }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

namespace detail {
// Keeps a paging loop finite against a server that ignores `start` (every page the same) or
// never runs out: each page is checked before the next is asked for.
class PageGuard {
 public:
  static constexpr std::int64_t kMaxPages = 100000;
  explicit PageGuard(std::string action) : action_(std::move(action)) {}
  // After a full page of `n` items (described by `listType`) fetched at `start`: the next start,
  // or an error when the page repeats the previous one, the offset would overflow, or the
  // loop has fetched kMaxPages pages.
  Result<std::int32_t> next(const schema::TypeDesc& listType, const void* items, std::int32_t start, std::int32_t n);

 private:
  std::string action_;
  std::int64_t pages_ = 0;
  std::size_t lastHash_ = 0;
  std::size_t lastSize_ = 0;
};
}  // namespace detail

/// Calls `page(inventories)` for every page of the query, advancing start by the page size until
/// a short (or empty) page; stops early when `page` returns false. Returns the first error, if
/// any: a failed call, or a server that sends the same page again (it ignores `start`), pages
/// past INT32_MAX items, or more than 100,000 pages (ErrorKind::Decode). A `pageSize` of 0 or
/// less means 100.
template <class Q, class F>
std::optional<Error> forEachPage(Q query, const Client& client, std::int32_t pageSize, F page) {
  if (pageSize <= 0) pageSize = 100;
  std::int32_t start = query.start.value_or(0);
  query.limit = pageSize;
  query.count.reset();
  detail::PageGuard guard(Q::spec().name);
  for (;;) {
    query.start = start;
    auto r = query.call(client);
    if (!r) return std::move(r.error());
    const auto n = static_cast<std::int32_t>(r->inventories.size());
    if (n < pageSize) {
      page(r->inventories);
      return std::nullopt;
    }
    auto next = guard.next(schema::typeOf<std::vector<typename Q::InventoryType>>(), &r->inventories, start, n);
    if (!next) return std::move(next.error());
    if (!page(r->inventories)) return std::nullopt;
    start = *next;
  }
}

/// Every result of the query, fetched page by page (see forEachPage()).
template <class Q>
Result<std::vector<typename Q::InventoryType>> queryAll(const Q& query, const Client& client, std::int32_t pageSize = 500) {
  std::vector<typename Q::InventoryType> out;
  auto err = forEachPage(query, client, pageSize, [&out](std::vector<typename Q::InventoryType>& items) {
    for (auto& i : items) out.push_back(std::move(i));
    return true;
  });
  if (err) return std::move(*err);
  return out;
}

}  // namespace zstack
