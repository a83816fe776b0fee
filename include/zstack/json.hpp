#pragma once
// A small owned JSON value. Used where the API is free-form (ErrorCode.opaque, the action catalog,
// zscli output) so that RapidJSON never appears in a public header.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace zstack {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;  // keeps the reply's key order

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : v_(b) {}
  Json(int i) : v_(static_cast<std::int64_t>(i)) {}
  Json(std::int64_t i) : v_(i) {}
  Json(double d) : v_(d) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(Array a) : v_(std::move(a)) {}
  Json(Object o) : v_(std::move(o)) {}

  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }
  bool isBool() const { return std::holds_alternative<bool>(v_); }
  bool isInt() const { return std::holds_alternative<std::int64_t>(v_); }
  bool isDouble() const { return std::holds_alternative<double>(v_); }
  bool isNumber() const { return isInt() || isDouble(); }
  bool isString() const { return std::holds_alternative<std::string>(v_); }
  bool isArray() const { return std::holds_alternative<Array>(v_); }
  bool isObject() const { return std::holds_alternative<Object>(v_); }

  bool asBool() const { return std::get<bool>(v_); }
  std::int64_t asInt() const { return isInt() ? std::get<std::int64_t>(v_) : static_cast<std::int64_t>(std::get<double>(v_)); }
  double asDouble() const { return isDouble() ? std::get<double>(v_) : static_cast<double>(std::get<std::int64_t>(v_)); }
  const std::string& asString() const { return std::get<std::string>(v_); }
  const Array& asArray() const { return std::get<Array>(v_); }
  Array& asArray() { return std::get<Array>(v_); }
  const Object& asObject() const { return std::get<Object>(v_); }
  Object& asObject() { return std::get<Object>(v_); }

  // Object member lookup; nullptr when absent or when this is not an object.
  const Json* find(std::string_view key) const;
  // Object member access, turning null into an object and adding the key when absent.
  Json& operator[](std::string_view key);

  // Compact JSON text. Both throw std::length_error for a string or key over 512 MiB.
  std::string dump() const;
  // Pretty JSON text (two-space indent).
  std::string pretty() const;
  // Parses JSON text; std::nullopt (with *error set) on malformed input. Invalid UTF-8 in
  // strings is replaced by U+FFFD.
  static std::optional<Json> parse(std::string_view text, std::string* error = nullptr);

  friend bool operator==(const Json& a, const Json& b) { return a.v_ == b.v_; }
  friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> v_;
};

}  // namespace zstack
