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

#include <atomic>
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
class Pattern;  // zstack/pattern.hpp
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
  /// A string (or a list's Java rendering `[a, b]`) must match it as a whole, as
  /// `java.util.regex.Matcher.matches()` (validRegexValues; see zstack/pattern.hpp). Compiled once,
  /// shared and immutable; null: no pattern. The message of a violation names the pattern, never
  /// the value.
  std::shared_ptr<const Pattern> pattern;
};

/// The Java regex text with String.trim()'s blanks (every char up to U+0020) cut from both ends,
/// as ZStack trims validRegexValues before compiling; "" means no pattern.
std::string_view trimmedPattern(std::string_view regex);

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
  /// Fluent setter: the whole string must match the Java regex `javaRegex` (validRegexValues;
  /// trimmed as ZStack does, blank: none). Throws std::invalid_argument when it does not compile
  /// (see schema::Pattern for the supported syntax).
  FieldDesc& matches(const char* javaRegex);
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

  void (*reserve)(void*, std::size_t) = nullptr;  ///< List: room for n elements.
  /// List: the length the decoder last read into a list of this type, to reserve it next time
  /// (a paged query returns the same number of inventories again): one allocation instead of a
  /// doubling chain whose freed blocks glibc gives back to the kernel and faults in again.
  struct SizeHint {
    std::atomic<std::uint32_t> last{0};  ///< Relaxed: a hint only.
    SizeHint() = default;
    /// Copies the current value.
    SizeHint(const SizeHint& o) : last(o.last.load(std::memory_order_relaxed)) {}
    /// Copies the current value.
    SizeHint& operator=(const SizeHint& o) {
      last.store(o.last.load(std::memory_order_relaxed), std::memory_order_relaxed);
      return *this;
    }
  };
  mutable SizeHint sizeHint;  ///< List: see SizeHint.
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

/// \cond
// Defined in the library (src/core/action.cpp): one description each for every user.
#define ZSTACK_SCALAR_TYPE(T, K, N) \
  template <>                       \
  struct TypeOf<T> {                \
    static const TypeDesc& get();   \
  };
ZSTACK_SCALAR_TYPE(std::string, Kind::String, "String")
ZSTACK_SCALAR_TYPE(bool, Kind::Bool, "Boolean")
ZSTACK_SCALAR_TYPE(std::int32_t, Kind::Int32, "Integer")
ZSTACK_SCALAR_TYPE(std::int64_t, Kind::Int64, "Long")
ZSTACK_SCALAR_TYPE(double, Kind::Double, "Double")
ZSTACK_SCALAR_TYPE(::zstack::Timestamp, Kind::Timestamp, "Timestamp")
ZSTACK_SCALAR_TYPE(::zstack::Json, Kind::Json, "Json")
#undef ZSTACK_SCALAR_TYPE
/// \endcond

/// \cond
// The operations behind Optional, List and Map descriptions, as named functions of short-named
// templates: one set per element type, with short symbols (lambdas here had long ones). Tag is
// void for TypeOf<T>; see Local<T, Tag> for the generated sources' own copies.
template <class T, class Tag = void>
struct Opt {  // std::optional<T>
  static bool has(const void* p) { return static_cast<const std::optional<T>*>(p)->has_value(); }
  static const void* get(const void* p) { return &**static_cast<const std::optional<T>*>(p); }
  static void* emplace(void* p) { return &static_cast<std::optional<T>*>(p)->emplace(); }
  static void reset(void* p) { static_cast<std::optional<T>*>(p)->reset(); }
};
template <class T, class Tag = void>
struct Ptr {  // std::shared_ptr<T>
  static bool has(const void* p) { return static_cast<bool>(*static_cast<const std::shared_ptr<T>*>(p)); }
  static const void* get(const void* p) { return static_cast<const std::shared_ptr<T>*>(p)->get(); }
  static void* emplace(void* p) {
    auto& sp = *static_cast<std::shared_ptr<T>*>(p);
    sp = std::make_shared<T>();
    return sp.get();
  }
  static void reset(void* p) { static_cast<std::shared_ptr<T>*>(p)->reset(); }
};
template <class T, class Tag = void>
struct Vec {  // std::vector<T>
  static std::size_t size(const void* p) { return static_cast<const std::vector<T>*>(p)->size(); }
  static const void* at(const void* p, std::size_t i) { return &(*static_cast<const std::vector<T>*>(p))[i]; }
  static void* append(void* p) { return &static_cast<std::vector<T>*>(p)->emplace_back(); }
  static void clear(void* p) { static_cast<std::vector<T>*>(p)->clear(); }
  static void reserve(void* p, std::size_t n) { static_cast<std::vector<T>*>(p)->reserve(n); }
};
template <class T, class Tag = void>
struct Dict {  // std::map<std::string, T>
  static std::vector<TypeDesc::MapCursor> entries(const void* p) {
    std::vector<TypeDesc::MapCursor> out;
    for (const auto& [k, v] : *static_cast<const std::map<std::string, T>*>(p)) out.push_back({&k, &v});
    return out;
  }
  static void* insert(void* p, const std::string& k) { return &(*static_cast<std::map<std::string, T>*>(p))[k]; }
  static void clear(void* p) { static_cast<std::map<std::string, T>*>(p)->clear(); }
};

// Non-template: the descriptions made of an element type and the operations above.
TypeDesc optionalDesc(TypeRef element, bool (*has)(const void*), const void* (*get)(const void*), void* (*emplace)(void*),
                      void (*reset)(void*));
TypeDesc listDesc(TypeRef element, std::size_t (*size)(const void*), const void* (*at)(const void*, std::size_t),
                  void* (*append)(void*), void (*clear)(void*), void (*reserve)(void*, std::size_t));
TypeDesc mapDesc(TypeRef element, std::vector<TypeDesc::MapCursor> (*entries)(const void*),
                 void* (*insert)(void*, const std::string&), void (*clear)(void*));
/// \endcond

/// std::optional<T>: Kind::Optional.
template <class T>
struct TypeOf<std::optional<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = optionalDesc(&TypeOf<T>::get, &Opt<T>::has, &Opt<T>::get, &Opt<T>::emplace, &Opt<T>::reset);
    return d;
  }
};

/// std::shared_ptr<T> (recursive types): Kind::Optional.
template <class T>
struct TypeOf<std::shared_ptr<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = optionalDesc(&TypeOf<T>::get, &Ptr<T>::has, &Ptr<T>::get, &Ptr<T>::emplace, &Ptr<T>::reset);
    return d;
  }
};

/// std::vector<T>: Kind::List.
template <class T>
struct TypeOf<std::vector<T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = listDesc(&TypeOf<T>::get, &Vec<T>::size, &Vec<T>::at, &Vec<T>::append, &Vec<T>::clear, &Vec<T>::reserve);
    return d;
  }
};

/// std::map<std::string, T>: Kind::Map.
template <class T>
struct TypeOf<std::map<std::string, T>> {
  /// Its description.
  static const TypeDesc& get() {
    static const TypeDesc d = mapDesc(&TypeOf<T>::get, &Dict<T>::entries, &Dict<T>::insert, &Dict<T>::clear);
    return d;
  }
};

/// A described struct: T::describe().
template <class T>
struct TypeOf<T, std::void_t<decltype(T::describe())>> {
  /// Its description.
  static const TypeDesc& get() { return T::describe(); }
};

/// \cond
// The TypeRef of T: T::describe itself for a described struct (no forwarding function).
template <class T, class = void>
struct Ref {
  static constexpr TypeRef value = &TypeOf<T>::get;
};
template <class T>
struct Ref<T, std::void_t<decltype(T::describe())>> {
  static constexpr TypeRef value = &T::describe;
};

/// \endcond

/// \cond
// ---- file-local descriptions: what the generated sources use -------------------------------
// Local<T, Tag>::ref describes T as TypeOf<T> does. A generated source passes a Tag type of its
// own anonymous namespace, so that the Optional/List/Map descriptions and their operations are
// instantiated with internal linkage: in the file's one .text section, instead of a COMDAT
// group (section, group, symbol and relocation headers) per function, which made most of
// libzstack.a. Each source that uses optional<X> then keeps its own small copy.
template <class T, class Tag>
struct Local {  // scalars and described structs: shared
  static constexpr TypeRef ref = Ref<T>::value;
};
template <class T, class Tag>
struct Local<std::optional<T>, Tag> {
  static const TypeDesc& desc() {
    static const TypeDesc d = optionalDesc(Local<T, Tag>::ref, &Opt<T, Tag>::has, &Opt<T, Tag>::get, &Opt<T, Tag>::emplace,
                                           &Opt<T, Tag>::reset);
    return d;
  }
  static constexpr TypeRef ref = &desc;
};
template <class T, class Tag>
struct Local<std::shared_ptr<T>, Tag> {
  static const TypeDesc& desc() {
    static const TypeDesc d = optionalDesc(Local<T, Tag>::ref, &Ptr<T, Tag>::has, &Ptr<T, Tag>::get, &Ptr<T, Tag>::emplace,
                                           &Ptr<T, Tag>::reset);
    return d;
  }
  static constexpr TypeRef ref = &desc;
};
template <class T, class Tag>
struct Local<std::vector<T>, Tag> {
  static const TypeDesc& desc() {
    static const TypeDesc d = listDesc(Local<T, Tag>::ref, &Vec<T, Tag>::size, &Vec<T, Tag>::at, &Vec<T, Tag>::append,
                                       &Vec<T, Tag>::clear, &Vec<T, Tag>::reserve);
    return d;
  }
  static constexpr TypeRef ref = &desc;
};
template <class T, class Tag>
struct Local<std::map<std::string, T>, Tag> {
  static const TypeDesc& desc() {
    static const TypeDesc d = mapDesc(Local<T, Tag>::ref, &Dict<T, Tag>::entries, &Dict<T, Tag>::insert, &Dict<T, Tag>::clear);
    return d;
  }
  static constexpr TypeRef ref = &desc;
};

/// \endcond

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

/// The three operations the catalog and the decoder need on any described struct (Tag: the
/// generated sources' own, as for their file-local descriptions; void otherwise).
template <class T, class Tag = void>
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
  const char* pattern;  ///< Java regex a string must match as a whole (validRegexValues); nullptr: none.
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

/// \cond
// A described base class and where it sits inside the derived struct, as constant data.
struct Base {
  TypeRef type;
  std::ptrdiff_t shift;
};
// As above, with the bases' fields (in the order given) taken from constant data: what the
// generated tables call, so that no vector of fields is built or destroyed in generated code.
TypeDesc tableDesc(const char* name, const Row* rows, std::size_t n, const Base* bases, std::size_t nBases, void* (*make)(),
                   void (*destroy)(void*), void (*clear)(void*));

// A described struct as constant data, made into its TypeDesc at first use: what the generated
// types and actions keep, one per struct. Declared as a non-const static with a constant
// initializer ({nullptr}, ...), so it needs no guard and no code at start-up; `built` is set once.
struct LazyTable {
  std::atomic<const TypeDesc*> built;
  const char* name;
  const Row* rows;
  std::size_t n;
  const Base* bases;
  std::size_t nBases;
  void* (*make)();
  void (*destroy)(void*);
  void (*clear)(void*);
};
// The description of `t`, built on the first call (thread-safe) and kept for the process.
const TypeDesc& lazyTable(LazyTable& t);

template <class T>
TypeDesc table(const char* name, const Row* rows, std::size_t n, std::vector<FieldDesc> inherited = {}) {
  return tableDesc(name, rows, n, std::move(inherited), &ObjectOps<T>::make, &ObjectOps<T>::destroy, &ObjectOps<T>::clear);
}
/// \endcond

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
