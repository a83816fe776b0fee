#include "zstack/action.hpp"
#include "zstack/pattern.hpp"
#include "zstack/query.hpp"

#include <atomic>
#include <mutex>

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
      // Compiled here, at the table's first use. One that does not compile is kept (valid()
      // false, for zscli's help) and not checked: the server still is; tests/unit/api_test.cpp
      // checks that every generated pattern compiles.
      if (c->pattern) {
        const std::string_view text = trimmedPattern(c->pattern);
        if (!text.empty()) f.constraints.pattern = Pattern::compile(text);
      }
    }
    out.fields.push_back(std::move(f));
  }
  return out;
}

schema::TypeDesc schema::tableDesc(const char* name, const Row* rows, std::size_t n, const Base* bases, std::size_t nBases,
                                   void* (*make)(), void (*destroy)(void*), void (*clear)(void*)) {
  std::vector<FieldDesc> inherited;
  for (std::size_t i = 0; i < nBases; ++i) inherited = rebased(bases[i].type(), bases[i].shift, std::move(inherited));
  return tableDesc(name, rows, n, std::move(inherited), make, destroy, clear);
}

schema::TypeDesc schema::replyDesc(const char* wrapper, TypeRef element, const Row* rows, std::size_t n, void* (*make)(),
                                   void (*destroy)(void*), void (*clear)(void*)) {
  TypeDesc d = tableDesc(wrapper, rows, n, std::vector<FieldDesc>{}, make, destroy, clear);
  d.name = std::string(wrapper) + "<" + element().name + ">";
  return d;
}

#define ZSTACK_SCALAR_TYPE(T, K, N)                   \
  const schema::TypeDesc& schema::TypeOf<T>::get() { \
    static const TypeDesc d{K, N};                    \
    return d;                                         \
  }
ZSTACK_SCALAR_TYPE(std::string, Kind::String, "String")
ZSTACK_SCALAR_TYPE(bool, Kind::Bool, "Boolean")
ZSTACK_SCALAR_TYPE(std::int32_t, Kind::Int32, "Integer")
ZSTACK_SCALAR_TYPE(std::int64_t, Kind::Int64, "Long")
ZSTACK_SCALAR_TYPE(double, Kind::Double, "Double")
ZSTACK_SCALAR_TYPE(::zstack::Timestamp, Kind::Timestamp, "Timestamp")
ZSTACK_SCALAR_TYPE(::zstack::Json, Kind::Json, "Json")
#undef ZSTACK_SCALAR_TYPE

schema::TypeDesc schema::optionalDesc(TypeRef element, bool (*has)(const void*), const void* (*get)(const void*),
                                      void* (*emplace)(void*), void (*reset)(void*)) {
  TypeDesc t{Kind::Optional, element().name};
  t.element = element;
  t.has = has;
  t.get = get;
  t.emplace = emplace;
  t.reset = reset;
  return t;
}

schema::TypeDesc schema::listDesc(TypeRef element, std::size_t (*size)(const void*), const void* (*at)(const void*, std::size_t),
                                  void* (*append)(void*), void (*clear)(void*), void (*reserve)(void*, std::size_t)) {
  TypeDesc t{Kind::List, "List<" + element().name + ">"};
  t.element = element;
  t.size = size;
  t.at = at;
  t.append = append;
  t.clear = clear;
  t.reserve = reserve;
  return t;
}

schema::TypeDesc schema::mapDesc(TypeRef element, std::vector<TypeDesc::MapCursor> (*entries)(const void*),
                                 void* (*insert)(void*, const std::string&), void (*clear)(void*)) {
  TypeDesc t{Kind::Map, "Map<String," + element().name + ">"};
  t.element = element;
  t.entries = entries;
  t.insert = insert;
  t.clear = clear;
  return t;
}

ActionBase::ActionBase() = default;
ActionBase::ActionBase(const ActionBase&) = default;
ActionBase::ActionBase(ActionBase&&) noexcept = default;
ActionBase& ActionBase::operator=(const ActionBase&) = default;
ActionBase& ActionBase::operator=(ActionBase&&) noexcept = default;
ActionBase::~ActionBase() = default;

QueryParams::QueryParams() = default;
QueryParams::QueryParams(const QueryParams&) = default;
QueryParams::QueryParams(QueryParams&&) noexcept = default;
QueryParams& QueryParams::operator=(const QueryParams&) = default;
QueryParams& QueryParams::operator=(QueryParams&&) noexcept = default;
QueryParams::~QueryParams() = default;

namespace {
ActionBase* baseAt0(void* a) { return static_cast<ActionBase*>(a); }
const ActionBase* cbaseAt0(const void* a) { return static_cast<const ActionBase*>(a); }

// Builds what a lazy table or spec describes, once: one lock for all of them (first use only),
// recursive because a table's bases are built while it is.
std::recursive_mutex& lazyLock() {
  static std::recursive_mutex m;
  return m;
}

template <class T, class Make>
const T& once(std::atomic<const T*>& built, Make make) {
  if (const T* d = built.load(std::memory_order_acquire)) return *d;
  std::lock_guard<std::recursive_mutex> lock(lazyLock());
  if (const T* d = built.load(std::memory_order_relaxed)) return *d;
  const T* d = new T(make());  // kept for the process, as a function-local static would be (and never destroyed)
  built.store(d, std::memory_order_release);
  return *d;
}
}  // namespace

const schema::TypeDesc& schema::lazyTable(LazyTable& t) {
  return once(t.built, [&t] { return tableDesc(t.name, t.rows, t.n, t.bases, t.nBases, t.make, t.destroy, t.clear); });
}

const ActionSpec& detail::lazySpec(LazySpec& l) {
  return once(l.built, [&l] {
    ActionSpec s;
    s.name = l.name;
    s.method = l.method;
    s.path = l.path;
    s.bodyKey = l.bodyKey;
    s.sendsBody = l.sendsBody;
    s.needSession = l.needSession;
    s.needPoll = l.needPoll;
    s.isQuery = l.isQuery;
    s.summary = l.summary;
    s.params = l.params;
    s.reply = l.reply;
    s.base = &baseAt0;
    s.cbase = &cbaseAt0;
    return s;
  });
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
