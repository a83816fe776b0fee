// Small owning JSON value used by the simulator for its in-memory inventories.
// Parsing is delegated to RapidJSON; serialisation is done here so that the
// object key order is preserved and integral doubles are printed as "80.0".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zstack::sim {

class Json {
 public:
  enum class Type { Null, Bool, Int, Double, String, Array, Object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::Bool), b_(b) {}
  Json(int v) : type_(Type::Int), i_(v) {}
  Json(long v) : type_(Type::Int), i_(v) {}
  Json(long long v) : type_(Type::Int), i_(v) {}
  Json(unsigned v) : type_(Type::Int), i_(static_cast<std::int64_t>(v)) {}
  Json(unsigned long v) : type_(Type::Int), i_(static_cast<std::int64_t>(v)) {}
  Json(unsigned long long v) : type_(Type::Int), i_(static_cast<std::int64_t>(v)) {}
  Json(double v) : type_(Type::Double), d_(v) {}
  Json(const char* s) : type_(Type::String), s_(s) {}
  Json(std::string s) : type_(Type::String), s_(std::move(s)) {}

  static Json array() { Json j; j.type_ = Type::Array; return j; }
  static Json array(std::vector<Json> items) { Json j = array(); j.a_ = std::move(items); return j; }
  static Json object() { Json j; j.type_ = Type::Object; return j; }
  static Json stringArray(const std::vector<std::string>& items);

  // Parse text; on failure returns false and fills err.
  static bool parse(const std::string& text, Json& out, std::string& err);
  // skipNulls: omit object members whose value is null (like gson's default).
  std::string dump(bool skipNulls = false) const;

  Type type() const { return type_; }
  bool isNull() const { return type_ == Type::Null; }
  bool isBool() const { return type_ == Type::Bool; }
  bool isNumber() const { return type_ == Type::Int || type_ == Type::Double; }
  bool isInt() const { return type_ == Type::Int; }
  bool isString() const { return type_ == Type::String; }
  bool isArray() const { return type_ == Type::Array; }
  bool isObject() const { return type_ == Type::Object; }

  bool asBool() const { return b_; }
  std::int64_t asInt() const { return type_ == Type::Double ? static_cast<std::int64_t>(d_) : i_; }
  double asDouble() const { return type_ == Type::Int ? static_cast<double>(i_) : d_; }
  const std::string& str() const { return s_; }
  // Scalar rendered as text (strings unquoted); used by the query engine.
  std::string scalarText() const;

  // Object access.
  Json& operator[](const std::string& key);  // inserts null (turns null into object)
  const Json* find(const std::string& key) const;
  Json* find(const std::string& key);
  bool has(const std::string& key) const { return find(key) != nullptr; }
  void erase(const std::string& key);
  const Object& members() const { return o_; }
  Object& members() { return o_; }
  std::string getString(const std::string& key, const std::string& def = "") const;

  // Array access.
  void push(Json v);
  Array& items() { return a_; }
  const Array& items() const { return a_; }
  std::size_t size() const { return type_ == Type::Array ? a_.size() : o_.size(); }

  bool operator==(const Json& other) const;
  bool operator!=(const Json& other) const { return !(*this == other); }

 private:
  void dumpTo(std::string& out, bool skipNulls) const;
  Type type_ = Type::Null;
  bool b_ = false;
  std::int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  Array a_;
  Object o_;
};

}  // namespace zstack::sim
