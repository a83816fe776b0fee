#include "json.hpp"

#include <cmath>
#include <cstdio>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace zstack::sim {

namespace {

Json fromRapid(const rapidjson::Value& v, int depth) {
  if (depth > 200) return Json();
  switch (v.GetType()) {
    case rapidjson::kNullType: return Json();
    case rapidjson::kFalseType: return Json(false);
    case rapidjson::kTrueType: return Json(true);
    case rapidjson::kStringType: return Json(std::string(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      if (v.IsInt64()) return Json(static_cast<long long>(v.GetInt64()));
      return Json(v.GetDouble());
    case rapidjson::kArrayType: {
      Json a = Json::array();
      for (const auto& e : v.GetArray()) a.push(fromRapid(e, depth + 1));
      return a;
    }
    case rapidjson::kObjectType: {
      Json o = Json::object();
      for (const auto& m : v.GetObject())
        o[std::string(m.name.GetString(), m.name.GetStringLength())] = fromRapid(m.value, depth + 1);
      return o;
    }
  }
  return Json();
}

void escapeTo(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

Json Json::stringArray(const std::vector<std::string>& items) {
  Json a = array();
  for (const auto& s : items) a.push(Json(s));
  return a;
}

bool Json::parse(const std::string& text, Json& out, std::string& err) {
  rapidjson::Document doc;
  // Iterative parsing: deeply nested input cannot overflow the stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
  if (doc.HasParseError()) {
    err = std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
          std::to_string(doc.GetErrorOffset());
    return false;
  }
  out = fromRapid(doc, 0);
  return true;
}

std::string Json::dump(bool skipNulls) const {
  std::string out;
  dumpTo(out, skipNulls);
  return out;
}

void Json::dumpTo(std::string& out, bool skipNulls) const {
  switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += b_ ? "true" : "false"; break;
    case Type::Int: out += std::to_string(i_); break;
    case Type::Double: {
      if (!std::isfinite(d_)) { out += "null"; break; }
      char buf[40];
      if (std::floor(d_) == d_ && std::fabs(d_) < 1e15)
        std::snprintf(buf, sizeof buf, "%.1f", d_);
      else
        std::snprintf(buf, sizeof buf, "%.17g", d_);
      out += buf;
      break;
    }
    case Type::String: escapeTo(s_, out); break;
    case Type::Array: {
      out += '[';
      bool first = true;
      for (const auto& e : a_) {
        if (!first) out += ',';
        first = false;
        e.dumpTo(out, skipNulls);
      }
      out += ']';
      break;
    }
    case Type::Object: {
      out += '{';
      bool first = true;
      for (const auto& m : o_) {
        if (skipNulls && m.second.isNull()) continue;
        if (!first) out += ',';
        first = false;
        escapeTo(m.first, out);
        out += ':';
        m.second.dumpTo(out, skipNulls);
      }
      out += '}';
      break;
    }
  }
}

std::string Json::scalarText() const {
  switch (type_) {
    case Type::Null: return "null";
    case Type::Bool: return b_ ? "true" : "false";
    case Type::Int: return std::to_string(i_);
    case Type::Double: {
      if (std::floor(d_) == d_ && std::fabs(d_) < 1e15) return std::to_string(static_cast<long long>(d_));
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", d_);
      return buf;
    }
    case Type::String: return s_;
    default: return dump();
  }
}

Json& Json::operator[](const std::string& key) {
  if (type_ != Type::Object) {
    *this = object();
  }
  for (auto& m : o_)
    if (m.first == key) return m.second;
  o_.emplace_back(key, Json());
  return o_.back().second;
}

const Json* Json::find(const std::string& key) const {
  if (type_ != Type::Object) return nullptr;
  for (const auto& m : o_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Json* Json::find(const std::string& key) {
  if (type_ != Type::Object) return nullptr;
  for (auto& m : o_)
    if (m.first == key) return &m.second;
  return nullptr;
}

void Json::erase(const std::string& key) {
  for (auto it = o_.begin(); it != o_.end(); ++it)
    if (it->first == key) {
      o_.erase(it);
      return;
    }
}

std::string Json::getString(const std::string& key, const std::string& def) const {
  const Json* v = find(key);
  if (!v || !v->isString()) return def;
  return v->str();
}

void Json::push(Json v) {
  if (type_ != Type::Array) *this = array();
  a_.push_back(std::move(v));
}

bool Json::operator==(const Json& other) const {
  if (isNumber() && other.isNumber()) return asDouble() == other.asDouble();
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::Null: return true;
    case Type::Bool: return b_ == other.b_;
    case Type::String: return s_ == other.s_;
    case Type::Array: return a_ == other.a_;
    case Type::Object: return o_ == other.o_;
    default: return false;
  }
}

}  // namespace zstack::sim
