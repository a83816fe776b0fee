#pragma once
/// \file
/// Type descriptions: the one mechanism behind every action, inventory and reply.
///
/// Each struct lists its fields once (name, member, wire location, constraints); the codec, the
/// validator, the action catalog and zscli all walk these descriptions, so adding an action is a
/// declaration, not code. Users can describe their own types the same way to call APIs the SDK
/// does not ship yet.

#include "zstack/json.hpp"
#include "zstack/timestamp.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace zstack::schema {

/// What a TypeDesc describes.
enum class Kind : std::uint8_t {
  String,     ///< std::string.
  Bool,       ///< bool.
  Int32,      ///< std::int32_t.
  Int64,      ///< std::int64_t.
  Double,     ///< double.
  Timestamp,  ///< zstack::Timestamp.
  Json,       ///< zstack::Json (free-form).
  Optional,  ///< std::optional<T> or std::shared_ptr<T>: absent when empty.
  List,      ///< std::vector<T>.
  Map,       ///< std::map<std::string, T>.
  Object,    ///< A described struct.
};

/// Where an action parameter travels.
enum class Location : std::uint8_t {
  Body,   ///< Inside {"<bodyKey>": {...}}, or the query string for GET/DELETE.
  Path,   ///< Substituted into the path template.
  Query,  ///< Always the query string.
  Tags,   ///< systemTags/userTags: beside the body wrapper, or the query string for GET/DELETE.
};

struct TypeDesc;
/// A function returning a description, so recursive types (ErrorCode.cause) work.
using TypeRef = const TypeDesc& (*)();

/// A field's constraints, checked before anything is sent (ErrorKind::Validation).
struct Constraints {
  bool required = false;  ///< Must be present: an optional holds a value; a plain string, list or map is not empty.
  bool nonEmpty = false;  ///< A string or list must not be empty.
  bool noEmptyElements = false;   ///< The Java SDK's "no null elements": our lists cannot hold null.
  std::vector<std::string> validValues;  ///< Compared case-insensitively, as the server does.
  std::optional<std::size_t> maxLength;  ///< Longest string, in characters.
  std::optional<std::size_t> minLength;  ///< Shortest string, in characters.
  std::optional<std::int64_t> min;  ///< Lowest number (numberRange).
  std::optional<std::int64_t> max;  ///< Highest number (numberRange).
};

/// Flags of a field (FieldDesc::flags, Row::flags).
enum FieldFlag : std::uint8_t {
  kSecret = 1,       ///< Never logged; redacted in URLs that are logged.
  kSha512 = 2,       ///< Sent as the lowercase hex SHA-512 of the value (login password).
  kCommaJoined = 4,  ///< A list sent as one comma-joined query value (query `fields`).
};

/// One field of a described struct: its wire name, type, place and constraints.
struct FieldDesc {
  const char* name = nullptr;  ///< The wire name (not NUL-terminated in general: see nameLength).
  std::uint32_t nameLength = 0;  ///< Length of name.
  TypeRef type = nullptr;  ///< The member's type.
  std::ptrdiff_t offset = 0;   ///< From the start of the described struct.
  Location location = Location::Body;  ///< Where it travels (action parameters).
  std::uint8_t flags = 0;  ///< FieldFlag bits.
  Constraints constraints;  ///< What the validator checks.

  /// The member inside `obj` (a pointer to the described struct).
  void* in(void* obj) const { return static_cast<char*>(obj) + offset; }
  /// The member inside `obj` (a pointer to the described struct).
  const void* in(const void* obj) const { return static_cast<const char*>(obj) + offset; }

  /// Fluent constraint setter, used in field tables: required.
  FieldDesc& required() { constraints.required = true; return *this; }
  /// Fluent setter: not empty.
  FieldDesc& nonEmpty() { constraints.nonEmpty = true; return *this; }
  /// Fluent setter: no empty elements.
  FieldDesc& noEmptyElements() { constraints.noEmptyElements = true; return *this; }
  /// Fluent setter: one of `v`.
  FieldDesc& validValues(std::initializer_list<const char*> v) {
    constraints.validValues.assign(v.begin(), v.end());
    return *this;
  }
  /// Fluent setter: at most `n` characters.
  FieldDesc& maxLength(std::size_t n) { constraints.maxLength = n; return *this; }
  /// Fluent setter: a number in [lo, hi].
  FieldDesc& range(std::int64_t lo, std::int64_t hi) { constraints.min = lo; constraints.max = hi; return *this; }
  /// Fluent setter: travels at `l`.
  FieldDesc& at(Location l) { location = l; return *this; }
  /// Fluent setter: adds FieldFlag bits.
  FieldDesc& flag(std::uint8_t f) { flags |= f; return *this; }
};

/// The description of a C++ type the codec, validator and catalog can walk: a scalar, an
/// optional, a list, a map or a described struct. Only the function pointers of its kind are set.
struct TypeDesc {
  /// A description of kind `k` named `n` (the API's name: "String", "List<String>", "VipInventory").
  TypeDesc(Kind k, std::string n) : kind(k), name(std::move(n)) {}

  Kind kind;  ///< What it is.
  std::string name;  ///< The API's name of the type.

  /// Optional / List / Map: the element type.
  TypeRef element = nullptr;

  bool (*has)(const void*) = nullptr;  ///< Optional: holds a value.
  const void* (*get)(const void*) = nullptr;  ///< Optional: the value.
  void* (*emplace)(void*) = nullptr;  ///< Optional: makes the value present (default-constructed) and returns it.
  void (*reset)(void*) = nullptr;  ///< Optional: empties it.

  std::size_t (*size)(const void*) = nullptr;  ///< List: the number of elements.
  const void* (*at)(const void*, std::size_t) = nullptr;  ///< List: element i.
  void* (*append)(void*) = nullptr;  ///< List: appends a default element and returns it.
  void (*clear)(void*) = nullptr;  ///< List and Map: empty it; Object: reset it to T{}.

  /// Map: one entry, for ordered iteration.
  struct MapCursor {
    const std::string* key;  ///< The key.
    const void* value;  ///< The value.
  };
  std::vector<MapCursor> (*entries)(const void*) = nullptr;  ///< Map: the entries, in key order.
  void* (*insert)(void*, const std::string&) = nullptr;  ///< Map: the value at a key, added when absent.

  std::vector<FieldDesc> fields;  ///< Object: the fields, the bases' first.
  void* (*make)() = nullptr;  ///< Object: new T{}; for the catalog and zscli.
  void (*destroy)(void*) = nullptr;  ///< Object: deletes what make() made.

  /// Object: the field with this wire name; nullptr if none.
  const FieldDesc* field(std::string_view wireName) const {
    for (const auto& f : fields)
      if (wireName == std::string_view(f.name, f.nameLength)) return &f;
    return nullptr;
  }
};

// ---- typeOf<T>(): the description of any supported C++ type --------------------------------

template <class T, class = void>
/// The description of C++ type `T` (get()): scalars, std::optional, std::shared_ptr,
/// std::vector, std::map<std::string, T> and described structs, which provide
/// `static const schema::TypeDesc& describe();`.
struct TypeOf;

/// The description of any supported C++ type.
template <class T>
const TypeDesc& typeOf() { return TypeOf<T>::get(); }

/// Defines TypeOf<T> for a scalar (std::string, bool, std::int32_t, std::int64_t, double,
/// Timestamp, Json); undefined again after use.
#define ZSTACK_SCALAR_TYPE(T, K, N)                               \
  template <>                                                     \
  struct TypeOf<T> {                                              \
    static const TypeDesc& get() {                                \
      static const TypeDesc d{K, N};                              \
      return d;                                                   \
    }                                                             \
  };
ZSTACK_SCALAR_TYPE(std::string, Kind::String, "String")
ZSTACK_SCALAR_TYPE(bool, Kind::Bool, "Boolean")
ZSTACK_SCALAR_TYPE(std::int32_t, Kind::Int32, "Integer")
ZSTACK_SCALAR_TYPE(std::int64_t, Kind::Int64, "Long")
ZSTACK_SCALAR_TYPE(double, Kind::Double, "Double")
ZSTACK_SCALAR_TYPE(::zstack::Timestamp, Kind::Timestamp, "Timestamp")
ZSTACK_SCALAR_TYPE(::zstack::Json, Kind::Json, "Json")
#undef ZSTACK_SCALAR_TYPE

/// std::optional<T>: Kind::Optional.
template <class T>
struct TypeOf<std::optional<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = [] {
      TypeDesc t{Kind::Optional, typeOf<T>().name};
      t.element = &typeOf<T>;
      t.has = [](const void* p) { return static_cast<const std::optional<T>*>(p)->has_value(); };
      t.get = [](const void* p) -> const void* { return &**static_cast<const std::optional<T>*>(p); };
      t.emplace = [](void* p) -> void* { return &static_cast<std::optional<T>*>(p)->emplace(); };
      t.reset = [](void* p) { static_cast<std::optional<T>*>(p)->reset(); };
      return t;
    }();
    return d;
  }
};

/// std::shared_ptr<T> (recursive types): Kind::Optional.
template <class T>
struct TypeOf<std::shared_ptr<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = [] {
      TypeDesc t{Kind::Optional, typeOf<T>().name};
      t.element = &typeOf<T>;
      t.has = [](const void* p) { return static_cast<bool>(*static_cast<const std::shared_ptr<T>*>(p)); };
      t.get = [](const void* p) -> const void* { return static_cast<const std::shared_ptr<T>*>(p)->get(); };
      t.emplace = [](void* p) -> void* {
        auto& sp = *static_cast<std::shared_ptr<T>*>(p);
        sp = std::make_shared<T>();
        return sp.get();
      };
      t.reset = [](void* p) { static_cast<std::shared_ptr<T>*>(p)->reset(); };
      return t;
    }();
    return d;
  }
};

/// std::vector<T>: Kind::List.
template <class T>
struct TypeOf<std::vector<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = [] {
      TypeDesc t{Kind::List, "List<" + typeOf<T>().name + ">"};
      t.element = &typeOf<T>;
      t.size = [](const void* p) { return static_cast<const std::vector<T>*>(p)->size(); };
      t.at = [](const void* p, std::size_t i) -> const void* { return &(*static_cast<const std::vector<T>*>(p))[i]; };
      t.append = [](void* p) -> void* { return &static_cast<std::vector<T>*>(p)->emplace_back(); };
      t.clear = [](void* p) { static_cast<std::vector<T>*>(p)->clear(); };
      return t;
    }();
    return d;
  }
};

/// std::map<std::string, T>: Kind::Map.
template <class T>
struct TypeOf<std::map<std::string, T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = [] {
      TypeDesc t{Kind::Map, "Map<String," + typeOf<T>().name + ">"};
      t.element = &typeOf<T>;
      t.entries = [](const void* p) {
        std::vector<TypeDesc::MapCursor> out;
        for (const auto& [k, v] : *static_cast<const std::map<std::string, T>*>(p)) out.push_back({&k, &v});
        return out;
      };
      t.insert = [](void* p, const std::string& k) -> void* { return &(*static_cast<std::map<std::string, T>*>(p))[k]; };
      t.clear = [](void* p) { static_cast<std::map<std::string, T>*>(p)->clear(); };
      return t;
    }();
    return d;
  }
};

/// A described struct: T::describe().
template <class T>
struct TypeOf<T, std::void_t<decltype(T::describe())>> {
  /// Its description.
  static const TypeDesc& get() { return T::describe(); }
};

// ---- building an object description ---------------------------------------------------------

namespace detail {
template <class T>
const T& probe() {  // one default-constructed instance per type, to measure member offsets
  static const T p{};
  return p;
}
}  // namespace detail

/// A field of Owner (possibly inherited), named `name` on the wire.
template <class Owner, class M, class C>
FieldDesc field(const char* name, M C::*member, Location loc = Location::Body) {
  const Owner& o = detail::probe<Owner>();
  FieldDesc f;
  f.name = name;
  f.nameLength = static_cast<std::uint32_t>(std::char_traits<char>::length(name));
  f.type = &typeOf<M>;
  f.offset = reinterpret_cast<const char*>(&(o.*member)) - reinterpret_cast<const char*>(&o);
  f.location = loc;
  return f;
}

/// The fields of base classes, re-based onto Owner: shared fields are declared once.
template <class Owner, class... Bases>
std::vector<FieldDesc> inherit() {
  const Owner& o = detail::probe<Owner>();
  std::vector<FieldDesc> out;
  auto add = [&](const TypeDesc& base, std::ptrdiff_t shift) {
    for (FieldDesc f : base.fields) {
      f.offset += shift;
      out.push_back(f);
    }
  };
  (add(Bases::describe(), reinterpret_cast<const char*>(static_cast<const Bases*>(&o)) - reinterpret_cast<const char*>(&o)), ...);
  return out;
}

/// The three operations the catalog and the decoder need on any described struct.
template <class T>
struct ObjectOps {
  static void* make() { return new T{}; }  ///< new T{}.
  static void destroy(void* p) { delete static_cast<T*>(p); }  ///< Deletes a T made by make().
  /// Back to a fresh value, without instantiating T's assignments.
  static void clear(void* p) {
    T* t = static_cast<T*>(p);
    t->~T();
    ::new (static_cast<void*>(t)) T{};
  }
};

/// Non-template: the part of an object description that does not depend on T.
TypeDesc objectDesc(std::string name, std::vector<FieldDesc> fields, std::vector<FieldDesc> inherited, void* (*make)(),
                    void (*destroy)(void*), void (*clear)(void*));

/// The description of struct T named `name`, from its fields (built with field()) after the
/// `inherited` ones (built with inherit()).
template <class T>
TypeDesc object(std::string name, std::vector<FieldDesc> fields, std::vector<FieldDesc> inherited = {}) {
  return objectDesc(std::move(name), std::move(fields), std::move(inherited), &ObjectOps<T>::make, &ObjectOps<T>::destroy,
                    &ObjectOps<T>::clear);
}

// ---- constant field tables ------------------------------------------------------------------
// The generated actions and types describe themselves with these: plain constant data, one row
// per field, turned into a TypeDesc by one function at first use. Per-field template code (as in
// field<>() above) is what made a generated API of 1,887 actions slow to compile.

/// A field's constraints, as constant data (see Constraints).
struct Rule {
  bool required;  ///< Constraints::required.
  bool nonEmpty;  ///< Constraints::nonEmpty.
  bool noEmptyElements;  ///< Constraints::noEmptyElements.
  const char* const* validValues;  ///< validCount entries.
  std::uint16_t validCount;  ///< Number of validValues.
  std::int32_t minLength;  ///< -1: none.
  std::int32_t maxLength;  ///< -1: none.
  bool ranged;  ///< min and max apply.
  std::int64_t min;  ///< Lowest number, when ranged.
  std::int64_t max;  ///< Highest number, when ranged.
};

/// One field of a constant field table.
struct Row {
  const char* name;  ///< The wire name.
  TypeRef type;  ///< The member's type.
  std::size_t offset;  ///< offsetof the member in the described struct.
  Location location;  ///< Where it travels.
  std::uint8_t flags;  ///< FieldFlag bits.
  const Rule* rule;  ///< nullptr: no constraints.
};

/// Non-template: an object description from constant rows (the bases' fields first).
TypeDesc tableDesc(const char* name, const Row* rows, std::size_t n, std::vector<FieldDesc> inherited, void* (*make)(),
                   void (*destroy)(void*), void (*clear)(void*));
/// A base's fields moved by `shift` bytes: where the base sits inside the derived struct;
/// `before` (fields of other bases) come first.
std::vector<FieldDesc> rebased(const TypeDesc& base, std::ptrdiff_t shift, std::vector<FieldDesc> before = {});

/// The description of struct T from `n` constant rows, after the `inherited` fields.
template <class T>
TypeDesc table(const char* name, const Row* rows, std::size_t n, std::vector<FieldDesc> inherited = {}) {
  return tableDesc(name, rows, n, std::move(inherited), &ObjectOps<T>::make, &ObjectOps<T>::destroy, &ObjectOps<T>::clear);
}

}  // namespace zstack::schema

// Field-table shorthands; `Self` is the struct being described.
/// A field of `Self` named as its member.
#define ZS_F(member) ::zstack::schema::field<Self>(#member, &Self::member)
/// A body field of `Self` named as its member.
#define ZS_BODY(member) ::zstack::schema::field<Self>(#member, &Self::member, ::zstack::schema::Location::Body)
/// A path parameter of `Self` named as its member.
#define ZS_PATH(member) ::zstack::schema::field<Self>(#member, &Self::member, ::zstack::schema::Location::Path)
/// A query-string parameter of `Self` named as its member.
#define ZS_QUERY(member) ::zstack::schema::field<Self>(#member, &Self::member, ::zstack::schema::Location::Query)
