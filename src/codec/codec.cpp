#include "codec/codec.hpp"

#include "util/crypto.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace zstack::codec {

bool isSet(const schema::TypeDesc& t, const void* in);

namespace {

using schema::Kind;
using schema::TypeDesc;

// ---- encoding -------------------------------------------------------------------------------

std::string shortestDouble(double d) {
  if (!std::isfinite(d)) return "0";
  char buf[32];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

// RapidJSON sizes strings in 32 bits and reserves 6 bytes per character for escapes: past
// ~715 M characters that arithmetic wraps and the writer overruns its buffer. Refuse long before.
constexpr std::size_t kMaxWritableString = std::size_t{512} << 20;

template <class W>
void putString(W& w, const char* s, std::size_t n) {
  if (n > kMaxWritableString) throw std::length_error("a JSON string over 512 MiB cannot be written");
  w.String(s, static_cast<rapidjson::SizeType>(n));
}

template <class W>
void putKey(W& w, const char* s, std::size_t n) {
  if (n > kMaxWritableString) throw std::length_error("a JSON key over 512 MiB cannot be written");
  w.Key(s, static_cast<rapidjson::SizeType>(n));
}

template <class W>
void emitJson(const Json& j, W& w) {
  if (j.isNull()) w.Null();
  else if (j.isBool()) w.Bool(j.asBool());
  else if (j.isInt()) w.Int64(j.asInt());
  else if (j.isDouble()) {
    const double d = j.asDouble();
    if (std::isfinite(d)) w.Double(d);
    else w.Null();
  } else if (j.isString()) putString(w, j.asString().data(), j.asString().size());
  else if (j.isArray()) {
    w.StartArray();
    for (const auto& x : j.asArray()) emitJson(x, w);
    w.EndArray();
  } else {
    w.StartObject();
    for (const auto& [k, x] : j.asObject()) {
      putKey(w, k.data(), k.size());
      emitJson(x, w);
    }
    w.EndObject();
  }
}

// Builds a Json with the same calls a rapidjson::Writer takes, so one walker serves both.
class JsonBuilder {
 public:
  void Null() { put(Json()); }
  void Bool(bool b) { put(Json(b)); }
  void Int64(std::int64_t i) { put(Json(i)); }
  void Double(double d) { put(Json(d)); }
  void String(const char* s, rapidjson::SizeType n) { put(Json(std::string(s, n))); }
  void Key(const char* s, rapidjson::SizeType n) { key_.assign(s, n); }
  void StartObject() { open(Json(Json::Object{})); }
  void StartArray() { open(Json(Json::Array{})); }
  void EndObject() { stack_.pop_back(); }
  void EndArray() {
    // Output stays in the reply's shape without noise: an empty list inside an inventory is
    // left out (a reply's own top-level lists, like "inventories", are kept).
    const bool empty = stack_.back()->asArray().empty();
    stack_.pop_back();
    if (empty && stack_.size() >= 2 && stack_.back()->isObject()) stack_.back()->asObject().pop_back();
  }
  Json take() { return std::move(root_); }

 private:
  Json* put(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& top = *stack_.back();
    if (top.isArray()) {
      top.asArray().push_back(std::move(v));
      return &top.asArray().back();
    }
    top.asObject().emplace_back(std::move(key_), std::move(v));
    return &top.asObject().back().second;
  }
  void open(Json v) { stack_.push_back(put(std::move(v))); }
  Json root_;
  std::string key_;
  std::vector<Json*> stack_;
};

}  // namespace

template <class W>
void emit(const TypeDesc& t, const void* in, W& w) {  // NOLINT(misc-no-recursion)
  switch (t.kind) {
    case Kind::String: {
      const auto& s = *static_cast<const std::string*>(in);
      putString(w, s.data(), s.size());
      return;
    }
    case Kind::Bool: w.Bool(*static_cast<const bool*>(in)); return;
    case Kind::Int32: w.Int64(*static_cast<const std::int32_t*>(in)); return;
    case Kind::Int64: w.Int64(*static_cast<const std::int64_t*>(in)); return;
    case Kind::Double: {
      const double d = *static_cast<const double*>(in);
      if (std::isfinite(d)) w.Double(d);
      else w.Null();
      return;
    }
    case Kind::Timestamp: {
      const std::string s = static_cast<const Timestamp*>(in)->toString();
      putString(w, s.data(), s.size());
      return;
    }
    case Kind::Json: emitJson(*static_cast<const Json*>(in), w); return;
    case Kind::Optional:
      if (t.has(in)) emit(t.element(), t.get(in), w);
      else w.Null();
      return;
    case Kind::List: {
      w.StartArray();
      const auto n = t.size(in);
      const TypeDesc& e = t.element();
      for (std::size_t i = 0; i < n; ++i) emit(e, t.at(in, i), w);
      w.EndArray();
      return;
    }
    case Kind::Map: {
      w.StartObject();
      const TypeDesc& e = t.element();
      for (const auto& c : t.entries(in)) {
        putKey(w, c.key->data(), c.key->size());
        emit(e, c.value, w);
      }
      w.EndObject();
      return;
    }
    case Kind::Object:
      w.StartObject();
      for (const auto& f : t.fields) {
        if (!isSet(f.type(), f.in(in))) continue;
        w.Key(f.name, f.nameLength);
        emit(f.type(), f.in(in), w);
      }
      w.EndObject();
      return;
  }
}

bool isSet(const TypeDesc& t, const void* in) {
  if (t.kind == Kind::Optional) return t.has(in);
  if (t.kind == Kind::String) return !static_cast<const std::string*>(in)->empty();
  if (t.kind == Kind::Json) return !static_cast<const Json*>(in)->isNull();
  return true;
}

namespace {

}  // namespace

std::optional<std::string> decodeJson(const TypeDesc& type, const Json& value, void* out) {
  return decode(type, value.dump(), out);
}

Json toJson(const TypeDesc& type, const void* in) {
  JsonBuilder b;
  emit(type, in, b);
  return b.take();
}

std::string encode(const TypeDesc& type, const void* in) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  emit(type, in, w);
  return std::string(buf.GetString(), buf.GetSize());
}

bool scalarText(const TypeDesc& t, const void* in, std::string& out) {
  switch (t.kind) {
    case Kind::String: out = *static_cast<const std::string*>(in); return true;
    case Kind::Bool: out = *static_cast<const bool*>(in) ? "true" : "false"; return true;
    case Kind::Int32: out = std::to_string(*static_cast<const std::int32_t*>(in)); return true;
    case Kind::Int64: out = std::to_string(*static_cast<const std::int64_t*>(in)); return true;
    case Kind::Double: out = shortestDouble(*static_cast<const double*>(in)); return true;
    case Kind::Timestamp: out = static_cast<const Timestamp*>(in)->toString(); return true;
    case Kind::Optional: return t.has(in) && scalarText(t.element(), t.get(in), out);
    default: return false;
  }
}

namespace {
struct ErrorReply {  // {"error": ErrorCode}
  std::optional<ErrorCode> error;
  static const TypeDesc& describe() {
    using Self = ErrorReply;
    static const TypeDesc d = schema::object<Self>("ErrorReply", {ZS_F(error)});
    return d;
  }
};
bool meaningful(const ErrorCode& e) { return !e.code.empty() || !e.description.empty() || !e.details.empty() || !e.causes.empty(); }
}  // namespace

std::optional<ErrorCode> decodeErrorBody(std::string_view body) {
  ErrorReply wrapped;
  if (!decode(ErrorReply::describe(), body, &wrapped) && wrapped.error && meaningful(*wrapped.error)) return wrapped.error;
  ErrorCode bare;  // some replies carry the ErrorCode itself
  if (!decode(ErrorCode::describe(), body, &bare) && meaningful(bare)) return bare;
  return std::nullopt;
}

// ---- Json text (declared in zstack/json.hpp, implemented here beside RapidJSON) -------------

std::string encodeBody(const TypeDesc& action, const void* in, std::string_view bodyKey) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  putKey(w, bodyKey.data(), bodyKey.size());
  w.StartObject();
  for (const auto& f : action.fields) {
    if (f.location != schema::Location::Body) continue;
    const TypeDesc& ft = f.type();
    const void* p = f.in(in);
    if (!isSet(ft, p)) continue;
    w.Key(f.name, f.nameLength);
    std::string text;
    if ((f.flags & schema::kSha512) && scalarText(ft, p, text)) {
      const std::string h = crypto::sha512Hex(text);
      putString(w, h.data(), h.size());
    } else {
      emit(ft, p, w);
    }
  }
  w.EndObject();
  for (const auto& f : action.fields) {  // systemTags/userTags beside the wrapper, as the manual shows
    if (f.location != schema::Location::Tags) continue;
    const TypeDesc& ft = f.type();
    if (ft.kind == Kind::List && ft.size(f.in(in)) == 0) continue;
    w.Key(f.name, f.nameLength);
    emit(ft, f.in(in), w);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace zstack::codec

namespace zstack {


std::string Json::dump() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  codec::emitJson(*this, w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Json::pretty() const {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  codec::emitJson(*this, w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<Json> Json::parse(std::string_view text, std::string* error) {
  Json out;
  if (auto problem = codec::decode(schema::typeOf<Json>(), text, &out)) {
    if (error) *error = *problem;
    return std::nullopt;
  }
  return out;
}

const Json* Json::find(std::string_view key) const {
  if (!isObject()) return nullptr;
  for (const auto& [k, v] : asObject())
    if (k == key) return &v;
  return nullptr;
}

Json& Json::operator[](std::string_view key) {
  if (isNull()) v_ = Object{};
  auto& o = asObject();
  for (auto& [k, v] : o)
    if (k == key) return v;
  o.emplace_back(std::string(key), Json());
  return o.back().second;
}

}  // namespace zstack
