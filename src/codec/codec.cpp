#include "codec/codec.hpp"

#include "util/crypto.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace zstack::codec {

bool isSet(const schema::TypeDesc& t, const void* in);

namespace {

using schema::Kind;
using schema::TypeDesc;

// ---- decoding from RapidJSON values ---------------------------------------------------------

// On failure `err` holds the problem and `path` is built up while unwinding, so success costs
// nothing extra.
struct DecodeState {
  std::string err;
  std::string path;
  void prependField(const char* name) { path = path.empty() ? name : std::string(name) + (path[0] == '[' ? "" : ".") + path; }
  void prependIndex(std::size_t i) { path = "[" + std::to_string(i) + "]" + (path.empty() || path[0] == '[' ? "" : ".") + path; }
  bool fail(const char* expected, const rapidjson::Value& v) {
    static const char* names[] = {"null", "false", "true", "an object", "an array", "a string", "a number"};
    err = std::string("expected ") + expected + ", got " + names[v.GetType()];
    return false;
  }
};

template <class I>
bool integer(const rapidjson::Value& v, I& out) {
  if (v.IsInt64()) {
    const auto x = v.GetInt64();
    if (x < std::numeric_limits<I>::min() || x > std::numeric_limits<I>::max()) return false;
    out = static_cast<I>(x);
    return true;
  }
  if (v.IsDouble()) {  // ZStack writes integers as 80.0
    const double d = v.GetDouble();
    if (!std::isfinite(d) || std::trunc(d) != d) return false;
    if (d < static_cast<double>(std::numeric_limits<I>::min()) || d >= -static_cast<double>(std::numeric_limits<I>::min())) return false;
    out = static_cast<I>(d);
    return true;
  }
  return false;
}

}  // namespace

Json toOwned(const rapidjson::Value& v, int depth = 0);
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNanAndInfFlag;

namespace {

bool decodeValue(const TypeDesc& t, const rapidjson::Value& v, void* out, DecodeState& st) {
  switch (t.kind) {
    case Kind::String:
      if (v.IsNull()) return true;
      if (!v.IsString()) return st.fail("a string", v);
      static_cast<std::string*>(out)->assign(v.GetString(), v.GetStringLength());
      return true;
    case Kind::Bool:
      if (!v.IsBool()) return st.fail("a boolean", v);
      *static_cast<bool*>(out) = v.GetBool();
      return true;
    case Kind::Int32:
      if (!v.IsNumber()) return st.fail("an integer", v);
      if (!integer(v, *static_cast<std::int32_t*>(out))) return (st.err = "expected a 32-bit integer"), false;
      return true;
    case Kind::Int64:
      if (!v.IsNumber()) return st.fail("an integer", v);
      if (!integer(v, *static_cast<std::int64_t*>(out))) return (st.err = "expected a 64-bit integer"), false;
      return true;
    case Kind::Double:
      if (!v.IsNumber()) return st.fail("a number", v);
      *static_cast<double*>(out) = v.GetDouble();
      return true;
    case Kind::Timestamp: {
      if (v.IsNumber()) {  // epoch milliseconds, as some ZStack versions send
        std::int64_t ms = 0;
        if (!integer(v, ms)) return (st.err = "expected a timestamp"), false;
        *static_cast<Timestamp*>(out) = Timestamp::fromUtc(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
        return true;
      }
      if (!v.IsString()) return st.fail("a timestamp", v);
      auto ts = Timestamp::parse(std::string_view(v.GetString(), v.GetStringLength()));
      if (!ts) return (st.err = std::string("unreadable timestamp \"") + v.GetString() + "\""), false;
      *static_cast<Timestamp*>(out) = *ts;
      return true;
    }
    case Kind::Json:
      *static_cast<Json*>(out) = toOwned(v);
      return true;
    case Kind::Optional:
      if (v.IsNull()) {
        t.reset(out);
        return true;
      }
      return decodeValue(t.element(), v, t.emplace(out), st);
    case Kind::List: {
      if (v.IsNull()) return true;
      const TypeDesc& e = t.element();
      if (v.IsString() && e.kind == Kind::String) {  // a lone string where the docs disagree on list-ness
        t.clear(out);
        return decodeValue(e, v, t.append(out), st);
      }
      if (!v.IsArray()) return st.fail("an array", v);
      t.clear(out);
      std::size_t i = 0;
      for (const auto& item : v.GetArray()) {
        if (!decodeValue(e, item, t.append(out), st)) {
          st.prependIndex(i);
          return false;
        }
        ++i;
      }
      return true;
    }
    case Kind::Map: {
      if (v.IsNull()) return true;
      if (!v.IsObject()) return st.fail("an object", v);
      t.clear(out);
      const TypeDesc& e = t.element();
      for (const auto& m : v.GetObject()) {
        std::string key(m.name.GetString(), m.name.GetStringLength());
        if (!decodeValue(e, m.value, t.insert(out, key), st)) {
          st.prependField(key.c_str());
          return false;
        }
      }
      return true;
    }
    case Kind::Object: {
      if (v.IsNull()) return true;
      if (!v.IsObject()) return st.fail("an object", v);
      for (const auto& m : v.GetObject()) {
        const auto len = m.name.GetStringLength();
        const char* key = m.name.GetString();
        for (const auto& f : t.fields) {
          if (std::strncmp(f.name, key, len) != 0 || f.name[len] != '\0') continue;
          if (!decodeValue(f.type(), m.value, f.in(out), st)) {
            st.prependField(f.name);
            return false;
          }
          break;
        }
      }
      return true;
    }
  }
  return false;
}

}  // namespace

Json toOwned(const rapidjson::Value& v, int depth) {
  if (depth > 64) return Json();  // the parser already bounds nesting; this is belt and braces
  switch (v.GetType()) {
    case rapidjson::kNullType: return Json();
    case rapidjson::kFalseType: return Json(false);
    case rapidjson::kTrueType: return Json(true);
    case rapidjson::kStringType: return Json(std::string(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      if (v.IsInt64()) return Json(v.GetInt64());
      return Json(v.GetDouble());
    case rapidjson::kArrayType: {
      Json::Array a;
      a.reserve(v.Size());
      for (const auto& x : v.GetArray()) a.push_back(toOwned(x, depth + 1));
      return Json(std::move(a));
    }
    case rapidjson::kObjectType: {
      Json::Object o;
      o.reserve(v.MemberCount());
      for (const auto& m : v.GetObject())
        o.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()), toOwned(m.value, depth + 1));
      return Json(std::move(o));
    }
  }
  return Json();
}

namespace {

// ---- Json <-> RapidJSON ---------------------------------------------------------------------

void fromOwned(const Json& j, rapidjson::Value& out, rapidjson::Document::AllocatorType& a) {
  if (j.isNull()) out.SetNull();
  else if (j.isBool()) out.SetBool(j.asBool());
  else if (j.isInt()) out.SetInt64(j.asInt());
  else if (j.isDouble()) out.SetDouble(j.asDouble());
  else if (j.isString()) out.SetString(j.asString().data(), static_cast<rapidjson::SizeType>(j.asString().size()), a);
  else if (j.isArray()) {
    out.SetArray();
    for (const auto& x : j.asArray()) {
      rapidjson::Value v;
      fromOwned(x, v, a);
      out.PushBack(v, a);
    }
  } else {
    out.SetObject();
    for (const auto& [k, x] : j.asObject()) {
      rapidjson::Value key(k.data(), static_cast<rapidjson::SizeType>(k.size()), a);
      rapidjson::Value v;
      fromOwned(x, v, a);
      out.AddMember(key, v, a);
    }
  }
}

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

template <class W>
void emitJson(const Json& j, W& w) {
  if (j.isNull()) w.Null();
  else if (j.isBool()) w.Bool(j.asBool());
  else if (j.isInt()) w.Int64(j.asInt());
  else if (j.isDouble()) {
    const double d = j.asDouble();
    if (std::isfinite(d)) w.Double(d);
    else w.Null();
  } else if (j.isString()) w.String(j.asString().data(), static_cast<rapidjson::SizeType>(j.asString().size()));
  else if (j.isArray()) {
    w.StartArray();
    for (const auto& x : j.asArray()) emitJson(x, w);
    w.EndArray();
  } else {
    w.StartObject();
    for (const auto& [k, x] : j.asObject()) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
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
  void EndArray() { stack_.pop_back(); }
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
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
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
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
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
        w.Key(c.key->data(), static_cast<rapidjson::SizeType>(c.key->size()));
        emit(e, c.value, w);
      }
      w.EndObject();
      return;
    }
    case Kind::Object:
      w.StartObject();
      for (const auto& f : t.fields) {
        if (!isSet(f.type(), f.in(in))) continue;
        w.Key(f.name, static_cast<rapidjson::SizeType>(std::strlen(f.name)));
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

std::optional<std::string> decode(const TypeDesc& type, std::string_view json, void* out) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(json.data(), json.size());
  if (doc.HasParseError())
    return std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
           rapidjson::GetParseError_En(doc.GetParseError());
  DecodeState st;
  if (decodeValue(type, doc, out, st)) return std::nullopt;
  return st.path.empty() ? st.err : st.path + ": " + st.err;
}

std::optional<std::string> decodeJson(const TypeDesc& type, const Json& value, void* out) {
  rapidjson::Document doc;
  fromOwned(value, doc, doc.GetAllocator());
  DecodeState st;
  if (decodeValue(type, doc, out, st)) return std::nullopt;
  return st.path.empty() ? st.err : st.path + ": " + st.err;
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

std::optional<ErrorCode> decodeErrorBody(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const rapidjson::Value* v = &doc;
  auto it = doc.FindMember("error");
  if (it != doc.MemberEnd()) v = &it->value;
  if (!v->IsObject()) return std::nullopt;
  ErrorCode ec;
  DecodeState st;
  if (!decodeValue(ErrorCode::describe(), *v, &ec, st)) return std::nullopt;
  if (ec.code.empty() && ec.description.empty() && ec.details.empty() && ec.causes.empty()) return std::nullopt;
  return ec;
}

// ---- Json text (declared in zstack/json.hpp, implemented here beside RapidJSON) -------------

std::string encodeBody(const TypeDesc& action, const void* in, std::string_view bodyKey) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key(bodyKey.data(), static_cast<rapidjson::SizeType>(bodyKey.size()));
  w.StartObject();
  for (const auto& f : action.fields) {
    if (f.location != schema::Location::Body) continue;
    const TypeDesc& ft = f.type();
    const void* p = f.in(in);
    if (!isSet(ft, p)) continue;
    w.Key(f.name, static_cast<rapidjson::SizeType>(std::strlen(f.name)));
    std::string text;
    if ((f.flags & schema::kSha512) && scalarText(ft, p, text)) {
      const std::string h = crypto::sha512Hex(text);
      w.String(h.data(), static_cast<rapidjson::SizeType>(h.size()));
    } else {
      emit(ft, p, w);
    }
  }
  w.EndObject();
  for (const auto& f : action.fields) {  // systemTags/userTags beside the wrapper, as the manual shows
    if (f.location != schema::Location::Tags) continue;
    const TypeDesc& ft = f.type();
    if (ft.kind == Kind::List && ft.size(f.in(in)) == 0) continue;
    w.Key(f.name, static_cast<rapidjson::SizeType>(std::strlen(f.name)));
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
  rapidjson::Document doc;
  doc.Parse<codec::kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    if (error)
      *error = std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
               rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  return codec::toOwned(doc);
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
