#include "core/request.hpp"

#include "codec/codec.hpp"
#include "util/url.hpp"
#include "zstack/pattern.hpp"

#include <strings.h>

#include <cstring>

namespace zstack::core {
namespace {

using schema::FieldDesc;
using schema::Kind;
using schema::Location;
using schema::TypeDesc;

// ---- validation -----------------------------------------------------------------------------

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool oneOf(const std::string& v, const std::vector<std::string>& valid) {
  for (const auto& x : valid)
    if (x.size() == v.size() && strncasecmp(x.data(), v.data(), v.size()) == 0) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void check(const TypeDesc& type, const void* obj, const std::string& prefix, bool inPath, std::vector<FieldViolation>& out);

// validRegexValues, as ZStack's AbstractAction and ApiMessageParamValidator apply it:
// Pattern.compile(regex.trim()).matcher(value.toString()).matches(). The message names the
// pattern, never the value (some of these fields are passwords).
bool patternViolated(const schema::Constraints& c, std::string_view text) {
  return c.pattern && c.pattern->valid() && !c.pattern->matches(text);
}
std::string patternMessage(const schema::Constraints& c) { return "must match the Java regex " + c.pattern->source(); }

void checkField(const FieldDesc& f, const void* obj, const std::string& prefix, bool isPathVar, std::vector<FieldViolation>& out) {
  const auto& c = f.constraints;
  // Names are built only for a violation: a valid call allocates nothing here.
  auto name = [&] { return prefix + f.name; };
  auto itemName = [&](std::size_t i) { return name() + "[" + std::to_string(i) + "]"; };
  const TypeDesc* t = &f.type();
  const void* v = f.in(obj);
  bool present = true;
  if (t->kind == Kind::Optional) {
    present = t->has(v);
    if (present) {
      v = t->get(v);
      t = &t->element();
    }
  } else if (t->kind == Kind::String || t->kind == Kind::List || t->kind == Kind::Map) {
    present = t->kind == Kind::String ? !static_cast<const std::string*>(v)->empty()
                                      : (t->kind == Kind::List ? t->size(v) > 0 : !t->entries(v).empty());
  }
  if (!present) {
    if (c.required || isPathVar) out.push_back({name(), "is required"});
    return;
  }
  switch (t->kind) {
    case Kind::String: {
      const auto& s = *static_cast<const std::string*>(v);
      if (c.nonEmpty && s.empty()) out.push_back({name(), "must not be empty"});
      if (isPathVar && s.empty()) out.push_back({name(), "is required"});
      if (c.minLength && codePoints(s) < *c.minLength)
        out.push_back({name(), "is shorter than " + std::to_string(*c.minLength) + " characters"});
      if (c.maxLength && codePoints(s) > *c.maxLength)
        out.push_back({name(), "is longer than " + std::to_string(*c.maxLength) + " characters"});
      if (!c.validValues.empty() && !oneOf(s, c.validValues)) out.push_back({name(), "must be one of " + joined(c.validValues)});
      if (patternViolated(c, s)) out.push_back({name(), patternMessage(c)});
      break;
    }
    case Kind::Int32:
    case Kind::Int64: {
      const std::int64_t x = t->kind == Kind::Int32 ? *static_cast<const std::int32_t*>(v) : *static_cast<const std::int64_t*>(v);
      if ((c.min && x < *c.min) || (c.max && x > *c.max))
        out.push_back({name(), "must be between " + std::to_string(c.min.value_or(INT64_MIN)) + " and " +
                                   std::to_string(c.max.value_or(INT64_MAX))});
      break;
    }
    case Kind::List: {
      const TypeDesc& e = t->element();
      const auto n = t->size(v);
      if (c.pattern && e.kind == Kind::String) {  // Java matches List.toString(): "[a, b]", not each element
        std::string text = "[";
        for (std::size_t i = 0; i < n; ++i) text.append(i ? ", " : "").append(*static_cast<const std::string*>(t->at(v, i)));
        text += ']';
        if (patternViolated(c, text)) out.push_back({name(), patternMessage(c)});
      }
      for (std::size_t i = 0; i < n; ++i) {
        const void* item = t->at(v, i);
        if (e.kind == Kind::String) {
          const auto& s = *static_cast<const std::string*>(item);
          if (c.noEmptyElements && s.empty()) out.push_back({itemName(i), "must not be empty"});
          if (!c.validValues.empty() && !oneOf(s, c.validValues)) out.push_back({itemName(i), "must be one of " + joined(c.validValues)});
        } else if (e.kind == Kind::Object) {
          check(e, item, itemName(i) + ".", false, out);
        }
      }
      break;
    }
    case Kind::Object: check(*t, v, name() + ".", false, out); break;
    default: break;
  }
}

void check(const TypeDesc& type, const void* obj, const std::string& prefix, bool, std::vector<FieldViolation>& out) {
  for (const auto& f : type.fields) checkField(f, obj, prefix, f.location == Location::Path, out);
}

// ---- query string ---------------------------------------------------------------------------

struct WireBuilder {
  Wire& w;
  bool withLogPath;
};

void addPair(WireBuilder& b, std::string_view key, std::string_view value, bool secret) {
  if (!b.w.query.empty()) b.w.query += '&';
  url::appendEncoded(b.w.query, key);
  b.w.query += '=';
  url::appendEncoded(b.w.query, value);
  if (!b.withLogPath) return;
  std::string& log = b.w.logPath;
  log += log.find('?') == std::string::npos ? '?' : '&';
  url::appendEncoded(log, key);
  log += '=';
  if (secret) log += "***";
  else url::appendEncoded(log, value);
}

// A dynamic JSON value in the query string travels as the typed values would, which is how
// RestServer reads a GET's parameters: array elements as repeated pairs, object members as
// key.member pairs, scalars as their text (a string unquoted); only nested containers as JSON.
void addQueryJson(WireBuilder& b, std::string_view key, const Json& j, bool secret, int depth) {
  if (j.isNull()) return;
  if (j.isString()) return addPair(b, key, j.asString(), secret);
  if (depth < 1 && j.isArray()) {
    for (const Json& e : j.asArray()) addQueryJson(b, key, e, secret, depth + 1);
    return;
  }
  if (depth < 1 && j.isObject()) {
    for (const auto& [k, e] : j.asObject()) addQueryJson(b, std::string(key).append(".").append(k), e, secret, depth + 1);
    return;
  }
  addPair(b, key, j.dump(), secret);  // numbers, booleans; containers inside containers
}

void addQueryValue(WireBuilder& b, std::string_view key, const TypeDesc& t, const void* v, const FieldDesc& f) {
  const bool secret = f.flags & schema::kSecret;
  std::string text;
  switch (t.kind) {
    case Kind::Optional:
      if (t.has(v)) addQueryValue(b, key, t.element(), t.get(v), f);
      return;
    case Kind::List: {
      const auto n = t.size(v);
      if (f.flags & schema::kCommaJoined) {
        std::string all;
        for (std::size_t i = 0; i < n; ++i)
          if (codec::scalarText(t.element(), t.at(v, i), text)) all += (i ? "," : "") + text;
        if (n) addPair(b, key, all, secret);
        return;
      }
      for (std::size_t i = 0; i < n; ++i) addQueryValue(b, key, t.element(), t.at(v, i), f);
      return;
    }
    case Kind::Map:  // key.<mapKey>=value, one pair per element
      for (const auto& e : t.entries(v))
        addQueryValue(b, std::string(key).append(".").append(*e.key), t.element(), e.value, f);
      return;
    case Kind::Json:
      addQueryJson(b, key, *static_cast<const Json*>(v), secret, 0);
      return;
    case Kind::Object:
      addPair(b, key, codec::encode(t, v), secret);
      return;
    case Kind::String:
      if (static_cast<const std::string*>(v)->empty()) return;
      [[fallthrough]];
    default:
      if (codec::scalarText(t, v, text)) addPair(b, key, text, secret);
  }
}

const FieldDesc* pathField(const TypeDesc& t, std::string_view name) {
  for (const auto& f : t.fields)
    if (f.location == Location::Path && name == f.name) return &f;
  return nullptr;
}

}  // namespace

std::optional<Error> validate(const ActionSpec& spec, const void* action) {
  std::vector<FieldViolation> violations;
  check(spec.params(), action, "", false, violations);
  if (violations.empty()) return std::nullopt;
  Error e;
  e.kind = ErrorKind::Validation;
  e.action = spec.name;
  e.message = std::to_string(violations.size()) + (violations.size() == 1 ? " invalid parameter" : " invalid parameters");
  e.violations = std::move(violations);
  return e;
}

Wire buildWire(const ActionSpec& spec, const void* action, bool withLogPath) {
  const TypeDesc& type = spec.params();
  Wire w;
  WireBuilder b{w, withLogPath};
  w.path.reserve(spec.path.size() + 40);
  w.path = "/v1";
  if (withLogPath) w.logPath = "/v1";
  // Path template: "{name}" replaced by the percent-encoded value of that path field.
  const std::string& tpl = spec.path;
  for (std::size_t i = 0; i < tpl.size();) {
    if (tpl[i] == '{') {
      const auto close = tpl.find('}', i);
      const std::string_view name(tpl.data() + i + 1, close - i - 1);
      std::string text;
      const FieldDesc* f = pathField(type, name);
      if (f) codec::scalarText(f->type(), f->in(action), text);
      url::appendEncoded(w.path, text);
      if (withLogPath) {
        if (f && (f->flags & schema::kSecret)) w.logPath += "***";
        else url::appendEncoded(w.logPath, text);
      }
      i = close + 1;
    } else {
      const auto next = tpl.find('{', i);
      const auto piece = std::string_view(tpl).substr(i, next == std::string::npos ? std::string::npos : next - i);
      w.path += piece;
      if (withLogPath) w.logPath += piece;
      i += piece.size();
    }
  }
  const bool bodyless = spec.method == HttpMethod::Get || spec.method == HttpMethod::Delete;
  const FieldDesc* sortBy = nullptr;
  const FieldDesc* sortDirection = nullptr;
  for (const auto& f : type.fields) {
    if (f.location == Location::Path) continue;
    if (f.location != Location::Query && !bodyless) continue;
    if (spec.isQuery && std::strcmp(f.name, "sortBy") == 0) { sortBy = &f; continue; }
    if (spec.isQuery && std::strcmp(f.name, "sortDirection") == 0) { sortDirection = &f; continue; }
    addQueryValue(b, f.name, f.type(), f.in(action), f);
  }
  if (sortBy) {  // the query API's one quirk: sortBy + sortDirection travel as sort=+field / -field
    std::string field, dir;
    codec::scalarText(sortBy->type(), sortBy->in(action), field);
    if (sortDirection) codec::scalarText(sortDirection->type(), sortDirection->in(action), dir);
    if (!field.empty()) addPair(b, "sort", (strcasecmp(dir.c_str(), "desc") == 0 ? "-" : "+") + field, false);
  }
  if (!bodyless && spec.sendsBody) w.body = codec::encodeBody(type, action, spec.bodyKey);
  return w;
}

}  // namespace zstack::core
