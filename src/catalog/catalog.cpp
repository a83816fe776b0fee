#include "zstack/catalog.hpp"

#include "catalog/all_actions.hpp"
#include "codec/codec.hpp"

#include <strings.h>

namespace zstack::catalog {

const std::vector<const ActionSpec*>& all() { return detail::allActionSpecs(); }

const ActionSpec* find(std::string_view name) {
  if (name.size() > 6 && strncasecmp(name.data() + name.size() - 6, "Action", 6) == 0) name.remove_suffix(6);
  for (const ActionSpec* s : all())
    if (s->name.size() == name.size() && strncasecmp(s->name.data(), name.data(), name.size()) == 0) return s;
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

Result<Json> DynamicAction::call(const Client& client) const {
  const schema::TypeDesc& rt = spec_->reply();
  std::unique_ptr<void, void (*)(void*)> reply(rt.make(), rt.destroy);
  if (auto err = client.invoke(*spec_, action_, reply.get())) return std::move(*err);
  return codec::toJson(rt, reply.get());
}

}  // namespace zstack::catalog
