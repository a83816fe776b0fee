#pragma once
/// \file
/// A small owned JSON value. Used where the API is free-form (ErrorCode.opaque, the action catalog,
/// zscli output) so that RapidJSON never appears in a public header.

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

/// A small owned JSON value: null, boolean, 64-bit integer, double, string, array or object.
/// The as...() accessors throw std::bad_variant_access when the value is of another kind.
class Json {
 public:
  using Array = std::vector<Json>;  ///< A JSON array.
  using Object = std::vector<std::pair<std::string, Json>>;  ///< A JSON object; keeps the reply's key order.

  Json() = default;  ///< null.
  Json(std::nullptr_t) {}  ///< null.
  Json(bool b) : v_(b) {}  ///< A boolean.
  Json(int i) : v_(static_cast<std::int64_t>(i)) {}  ///< An integer.
  Json(std::int64_t i) : v_(i) {}  ///< An integer.
  Json(double d) : v_(d) {}  ///< A floating-point number.
  Json(const char* s) : v_(std::string(s)) {}  ///< A string.
  Json(std::string s) : v_(std::move(s)) {}  ///< A string.
  Json(Array a) : v_(std::move(a)) {}  ///< An array.
  Json(Object o) : v_(std::move(o)) {}  ///< An object.

  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }  ///< Is null.
  bool isBool() const { return std::holds_alternative<bool>(v_); }  ///< Is a boolean.
  bool isInt() const { return std::holds_alternative<std::int64_t>(v_); }  ///< Is an integer.
  bool isDouble() const { return std::holds_alternative<double>(v_); }  ///< Is a floating-point number.
  bool isNumber() const { return isInt() || isDouble(); }  ///< Is an integer or a floating-point number.
  bool isString() const { return std::holds_alternative<std::string>(v_); }  ///< Is a string.
  bool isArray() const { return std::holds_alternative<Array>(v_); }  ///< Is an array.
  bool isObject() const { return std::holds_alternative<Object>(v_); }  ///< Is an object.

  bool asBool() const { return std::get<bool>(v_); }  ///< The boolean.
  /// The number as an integer (a double is truncated).
  std::int64_t asInt() const { return isInt() ? std::get<std::int64_t>(v_) : static_cast<std::int64_t>(std::get<double>(v_)); }
  /// The number as a double.
  double asDouble() const { return isDouble() ? std::get<double>(v_) : static_cast<double>(std::get<std::int64_t>(v_)); }
  const std::string& asString() const { return std::get<std::string>(v_); }  ///< The string.
  const Array& asArray() const { return std::get<Array>(v_); }  ///< The array.
  Array& asArray() { return std::get<Array>(v_); }  ///< The array, to change.
  const Object& asObject() const { return std::get<Object>(v_); }  ///< The object.
  Object& asObject() { return std::get<Object>(v_); }  ///< The object, to change.

  /// Object member lookup; nullptr when absent or when this is not an object.
  const Json* find(std::string_view key) const;
  /// Object member access, turning null into an object and adding the key when absent.
  Json& operator[](std::string_view key);

  /// Compact JSON text. Both throw std::length_error for a string or key over 512 MiB.
  std::string dump() const;
  /// Pretty JSON text (two-space indent).
  std::string pretty() const;
  /// Parses JSON text; std::nullopt (with *error set) on malformed input. Invalid UTF-8 in
  /// strings is replaced by U+FFFD.
  static std::optional<Json> parse(std::string_view text, std::string* error = nullptr);

  /// Same kind and value (objects: same members in the same order).
  friend bool operator==(const Json& a, const Json& b) { return a.v_ == b.v_; }
  /// Not operator==.
  friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> v_;
};

}  // namespace zstack
