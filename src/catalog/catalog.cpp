#include "zstack/catalog.hpp"

#include "catalog/all_actions.hpp"
#include "codec/codec.hpp"
#include "core/call_flow.hpp"

#include <strings.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace zstack::catalog {

const std::vector<const ActionSpec*>& all() {
  static const std::vector<const ActionSpec*> specs = [] {
    std::vector<const ActionSpec*> v;
    v.reserve(detail::kCatalogSize);
    for (std::size_t i = 0; i < detail::kCatalogSize; ++i) v.push_back(&detail::kCatalog[i].spec());
    return v;
  }();
  return specs;
}

std::vector<std::string_view> names() {
  std::vector<std::string_view> v;
  v.reserve(detail::kCatalogSize);
  for (std::size_t i = 0; i < detail::kCatalogSize; ++i) v.emplace_back(detail::kCatalog[i].name);
  return v;
}

namespace {
const ActionSpec* findExact(std::string_view name) {
  for (std::size_t i = 0; i < detail::kCatalogSize; ++i) {
    const char* n = detail::kCatalog[i].name;
    if (std::char_traits<char>::length(n) == name.size() && strncasecmp(n, name.data(), name.size()) == 0)
      return &detail::kCatalog[i].spec();
  }
  return nullptr;
}
}  // namespace

// A linear scan of the names (no spec is built): 1,887 short compares. The name as given first:
// some APIs' names end in "Action" themselves (CreateEmailMonitorTriggerAction).
const ActionSpec* find(std::string_view name) {
  if (const ActionSpec* s = findExact(name)) return s;
  if (name.size() > 6 && strncasecmp(name.data() + name.size() - 6, "Action", 6) == 0) return findExact(name.substr(0, name.size() - 6));
  return nullptr;
}

DynamicAction::DynamicAction(const ActionSpec& spec) : spec_(&spec), action_(spec.params().make()) {}

DynamicAction::~DynamicAction() {
  if (action_) spec_->params().destroy(action_);
}

DynamicAction::DynamicAction(DynamicAction&& o) noexcept : spec_(o.spec_), action_(o.action_) { o.action_ = nullptr; }

DynamicAction& DynamicAction::operator=(DynamicAction&& o) noexcept {
  if (this != &o) {
    if (action_) spec_->params().destroy(action_);
    spec_ = o.spec_;
    action_ = o.action_;
    o.action_ = nullptr;
  }
  return *this;
}

const std::vector<schema::FieldDesc>& DynamicAction::fields() const { return spec_->params().fields; }

std::optional<Error> DynamicAction::set(std::string_view name, const Json& value) {
  const schema::FieldDesc* f = spec_->params().field(name);
  Error e;
  e.kind = ErrorKind::Usage;
  e.action = spec_->name;
  if (!f) {
    e.message = "unknown parameter \"" + std::string(name) + "\"";
    return e;
  }
  // Decode into a scratch action first so a bad value leaves the field untouched.
  const schema::TypeDesc& t = f->type();
  void* scratch = spec_->params().make();
  auto problem = codec::decodeJson(t, value, f->in(scratch));
  if (!problem) problem = codec::decodeJson(t, value, f->in(action_));
  spec_->params().destroy(scratch);
  if (!problem) return std::nullopt;
  e.message = std::string(name) + ": " + *problem + " (expects " + t.name + ")";
  e.violations.push_back({std::string(name), *problem});
  return e;
}

ActionBase& DynamicAction::common() { return *spec_->base(action_); }

namespace {

// The reply as the server sent it: a Json tree. Its own description (not schema::typeOf<Json>())
// because the call flow clears the reply before fetching a garbled job result again, and the
// scalar description has no clear().
const schema::TypeDesc& replyAsSent() {
  static const schema::TypeDesc d = [] {
    schema::TypeDesc t(schema::Kind::Json, "Json");
    t.clear = [](void* p) { *static_cast<Json*>(p) = Json(); };
    t.make = []() -> void* { return new Json(); };
    t.destroy = [](void* p) { delete static_cast<Json*>(p); };
    return t;
  }();
  return d;
}

// A copy of an action's spec whose reply is replyAsSent(). For the catalog's own specs, one per
// action for the life of the process: the client keys its job-duration estimates by the spec's
// address. A spec from elsewhere may not outlive the call, so it gets a fresh copy (`scratch`).
const ActionSpec& asSentSpec(const ActionSpec& spec, std::optional<ActionSpec>& scratch) {
  if (find(spec.name) != &spec) {
    scratch.emplace(spec);
    scratch->reply = &replyAsSent;
    return *scratch;
  }
  static std::mutex mu;
  static std::map<const ActionSpec*, std::unique_ptr<ActionSpec>> copies;
  std::lock_guard<std::mutex> lock(mu);
  auto& copy = copies[&spec];
  if (!copy) {
    copy = std::make_unique<ActionSpec>(spec);
    copy->reply = &replyAsSent;
  }
  return *copy;
}

}  // namespace

Result<Json> DynamicAction::call(const Client& client) const {
  Json sent;
  std::optional<ActionSpec> scratch;
  if (auto err = client.invoke(asSentSpec(*spec_, scratch), action_, &sent)) return std::move(*err);
  if (sent.isNull()) sent = Json(Json::Object{});  // an empty body means {}
  // Still the documented reply: what the typed call would refuse is a decode error here too.
  const schema::TypeDesc& rt = spec_->reply();
  std::unique_ptr<void, void (*)(void*)> typed(rt.make(), rt.destroy);
  if (auto problem = codec::decodeJson(rt, sent, typed.get())) {
    Error e;
    e.kind = ErrorKind::Decode;
    e.httpStatus = 200;
    e.action = spec_->name;
    e.message = "the reply is not a " + rt.name + ": " + *problem;
    e.body = detail::keptBody(sent.dump());
    return e;
  }
  return sent;
}

}  // namespace zstack::catalog
