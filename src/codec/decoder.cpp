// The decoder: RapidJSON's SAX reader feeding typed structs directly, driven by the type
// descriptions. No DOM is built, so decoding costs little more than parsing.

#include "codec/codec.hpp"
#include "util/utf8.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace zstack::codec {
namespace {

using schema::FieldDesc;
using schema::Kind;
using schema::TypeDesc;

constexpr std::size_t kMaxDepth = 64;

struct Frame {
  enum Mode : std::uint8_t { Object, List, Map, Skip, JsonTree };
  explicit Frame(Mode m, const TypeDesc* t = nullptr, void* p = nullptr) : mode(m), type(t), target(p) {}

  Mode mode;
  const TypeDesc* type = nullptr;   // the object or container type
  void* target = nullptr;           // the object, container, or (JsonTree) the Json node
  const FieldDesc* field = nullptr; // Object: where the next value goes (nullptr: skip it)
  const char* name = nullptr;       // Object: the current key, for error paths
  std::size_t hint = 0;             // Object: index of the field expected next
  std::size_t count = 0;            // List: elements so far
  std::string key;                  // Map / JsonTree: the current key
  int depth = 0;                    // Skip: nesting depth
};

const char* expectedName(Kind k) {
  switch (k) {
    case Kind::String: return "a string";
    case Kind::Bool: return "a boolean";
    case Kind::Int32:
    case Kind::Int64: return "an integer";
    case Kind::Double: return "a number";
    case Kind::Timestamp: return "a timestamp";
    case Kind::List: return "an array";
    case Kind::Map:
    case Kind::Object: return "an object";
    default: return "a value";
  }
}

template <class I>
bool fitsInteger(double d, I& out) {
  if (!std::isfinite(d) || std::trunc(d) != d) return false;
  if (d < static_cast<double>(std::numeric_limits<I>::min()) || d >= -static_cast<double>(std::numeric_limits<I>::min())) return false;
  out = static_cast<I>(d);
  return true;
}

// Lists of this many elements or more are reserved at the length last decoded into their type
// (TypeDesc::sizeHint); shorter ones grow cheaply anyway. At most kReserveAtMost elements are
// reserved ahead, so a hint from one huge reply costs later small ones little.
constexpr std::uint32_t kReserveFrom = 64;
constexpr std::uint32_t kReserveAtMost = 4096;

class Decoder {
 public:
  Decoder(const TypeDesc& root, void* out) : rootType_(&root), rootOut_(out) { frames_.reserve(8); }

  const std::string& error() const { return error_; }

  // ---- SAX events -------------------------------------------------------------------------
  bool Null() {
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return true;
    if (t->kind == Kind::Optional) t->reset(p);
    else if (t->kind == Kind::Json) *static_cast<Json*>(p) = Json();
    return true;  // null leaves any other field unset
  }
  bool Bool(bool b) {
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return true;
    unwrap(t, p);
    if (t->kind == Kind::Bool) return *static_cast<bool*>(p) = b, true;
    if (t->kind == Kind::Json) return *static_cast<Json*>(p) = Json(b), true;
    return mismatch(t, "a boolean");
  }
  bool Int(int i) { return integer(i); }
  bool Uint(unsigned u) { return integer(u); }
  bool Int64(std::int64_t i) { return integer(i); }
  bool Uint64(std::uint64_t u) {
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return Double(static_cast<double>(u));
    return integer(static_cast<std::int64_t>(u));
  }
  bool Double(double d) {
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return true;
    unwrap(t, p);
    switch (t->kind) {
      case Kind::Double: *static_cast<double*>(p) = d; return true;
      case Kind::Int32:  // ZStack writes integers as 80.0
        return fitsInteger(d, *static_cast<std::int32_t*>(p)) || fail("expected a 32-bit integer");
      case Kind::Int64: return fitsInteger(d, *static_cast<std::int64_t*>(p)) || fail("expected a 64-bit integer");
      case Kind::Timestamp: {
        std::int64_t ms;
        if (!fitsInteger(d, ms)) return fail("expected a timestamp");
        return epochMillis(ms, p);
      }
      case Kind::Json: *static_cast<Json*>(p) = Json(d); return true;
      default: return mismatch(t, "a number");
    }
  }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return true;
    unwrap(t, p);
    switch (t->kind) {
      case Kind::String: static_cast<std::string*>(p)->assign(s, n); return true;
      case Kind::Timestamp: {
        auto ts = Timestamp::parse(std::string_view(s, n));
        if (!ts) return fail("unreadable timestamp \"" + std::string(s, n) + "\"");
        *static_cast<Timestamp*>(p) = *ts;
        return true;
      }
      case Kind::Json: *static_cast<Json*>(p) = Json(std::string(s, n)); return true;
      case Kind::List:
        if (t->element().kind == Kind::String) {  // a lone string where the docs disagree on list-ness
          t->clear(p);
          static_cast<std::string*>(t->append(p))->assign(s, n);
          return true;
        }
        [[fallthrough]];
      default: return mismatch(t, "a string");
    }
  }
  bool StartObject() {
    if (!frames_.empty() && frames_.back().mode == Frame::Skip) return ++frames_.back().depth, true;
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return push(Frame{Frame::Skip}, 1);
    unwrap(t, p);
    switch (t->kind) {
      case Kind::Object: return push(Frame{Frame::Object, t, p});
      case Kind::Map: t->clear(p); return push(Frame{Frame::Map, t, p});
      case Kind::Json: *static_cast<Json*>(p) = Json(Json::Object{}); return push(Frame{Frame::JsonTree, t, p});
      default: return mismatch(t, "an object");
    }
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    Frame& f = frames_.back();
    switch (f.mode) {
      case Frame::Object: {
        const auto& fields = f.type->fields;
        f.field = nullptr;
        f.name = nullptr;
        // Keys usually arrive in declaration order: try the expected field first.
        for (std::size_t k = 0, size = fields.size(); k < size; ++k) {
          std::size_t i = f.hint + k;
          if (i >= size) i -= size;
          const FieldDesc& fd = fields[i];
          if (fd.nameLength == n && std::memcmp(fd.name, s, n) == 0) {
            f.field = &fd;
            f.name = fd.name;
            f.hint = i + 1;
            break;
          }
        }
        return true;
      }
      case Frame::Map:
      case Frame::JsonTree: f.key.assign(s, n); return true;
      default: return true;
    }
  }
  bool EndObject(rapidjson::SizeType) { return pop(); }
  bool StartArray() {
    if (!frames_.empty() && frames_.back().mode == Frame::Skip) return ++frames_.back().depth, true;
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return push(Frame{Frame::Skip}, 1);
    unwrap(t, p);
    switch (t->kind) {
      case Kind::List:
        t->clear(p);
        if (const std::uint32_t n = t->sizeHint.last.load(std::memory_order_relaxed); n >= kReserveFrom && t->reserve)
          t->reserve(p, std::min<std::uint32_t>(n, kReserveAtMost));
        return push(Frame{Frame::List, t, p});
      case Kind::Json: *static_cast<Json*>(p) = Json(Json::Array{}); return push(Frame{Frame::JsonTree, t, p});
      default: return mismatch(t, "an array");
    }
  }
  bool EndArray(rapidjson::SizeType) { return pop(); }

 private:
  // Where the next value goes; false when it is to be skipped (an unknown key).
  bool slot(const TypeDesc*& t, void*& p) {
    if (frames_.empty()) {
      if (!rootType_) return false;  // trailing garbage is the reader's business
      t = rootType_;
      p = rootOut_;
      rootType_ = nullptr;
      return true;
    }
    Frame& f = frames_.back();
    switch (f.mode) {
      case Frame::Object:
        if (!f.field) return false;
        t = &f.field->type();
        p = f.field->in(f.target);
        return true;
      case Frame::List:
        t = &f.type->element();
        p = f.type->append(f.target);
        ++f.count;
        return true;
      case Frame::Map:
        t = &f.type->element();
        p = f.type->insert(f.target, f.key);
        return true;
      case Frame::JsonTree: {
        Json& node = *static_cast<Json*>(f.target);
        t = &schema::typeOf<Json>();
        if (node.isArray()) p = &node.asArray().emplace_back();
        else p = &node.asObject().emplace_back(std::move(f.key), Json()).second;
        return true;
      }
      case Frame::Skip: return false;
    }
    return false;
  }

  static void unwrap(const TypeDesc*& t, void*& p) {
    while (t->kind == Kind::Optional) {
      p = t->emplace(p);
      t = &t->element();
    }
  }

  template <class I>
  bool integer(I v) {
    const TypeDesc* t;
    void* p;
    if (!slot(t, p)) return true;
    unwrap(t, p);
    const auto x = static_cast<std::int64_t>(v);
    switch (t->kind) {
      case Kind::Int32:
        if (x < INT32_MIN || x > INT32_MAX) return fail("expected a 32-bit integer");
        *static_cast<std::int32_t*>(p) = static_cast<std::int32_t>(x);
        return true;
      case Kind::Int64: *static_cast<std::int64_t*>(p) = x; return true;
      case Kind::Double: *static_cast<double*>(p) = static_cast<double>(x); return true;
      case Kind::Timestamp: return epochMillis(x, p);
      case Kind::Json: *static_cast<Json*>(p) = Json(x); return true;
      default: return mismatch(t, "a number");
    }
  }

  static bool epochMillis(std::int64_t ms, void* p) {  // some ZStack versions send dates as epoch ms
    *static_cast<Timestamp*>(p) = Timestamp::fromEpochMillis(ms);
    return true;
  }

  bool push(Frame f, int depth = 0) {
    if (frames_.size() >= kMaxDepth) return fail("nested too deeply");
    f.depth = depth;
    frames_.push_back(std::move(f));
    return true;
  }

  bool pop() {
    Frame& f = frames_.back();
    if (f.mode == Frame::Skip && --f.depth > 0) return true;
    if (f.mode == Frame::List)
      f.type->sizeHint.last.store(static_cast<std::uint32_t>(std::min<std::size_t>(f.count, UINT32_MAX)), std::memory_order_relaxed);
    frames_.pop_back();
    return true;
  }

  bool mismatch(const TypeDesc* t, const char* got) {
    return fail(std::string("expected ") + expectedName(t->kind) + ", got " + got);
  }

  bool fail(std::string problem) {
    std::string path;
    for (const Frame& f : frames_) {
      if (f.mode == Frame::Object && f.name) path += (path.empty() ? "" : ".") + std::string(f.name);
      else if (f.mode == Frame::List && f.count) path += "[" + std::to_string(f.count - 1) + "]";
      else if (f.mode == Frame::Map) path += (path.empty() ? "" : ".") + f.key;
    }
    error_ = path.empty() ? std::move(problem) : path + ": " + problem;
    return false;
  }

  const TypeDesc* rootType_;
  void* rootOut_;
  std::vector<Frame> frames_;
  std::string error_;
};

}  // namespace

std::optional<std::string> decode(const TypeDesc& type, std::string_view json, void* out) {
  Decoder decoder(type, out);
  rapidjson::Reader reader;
  // In-situ parsing unescapes strings inside our own copy of the text instead of assembling
  // each one in the reader's stack: the copy costs less than the per-string work it saves.
  // The buffer is kept per thread (up to 8 MiB) so large replies do not page-fault a fresh one.
  // Invalid UTF-8 from the server becomes U+FFFD here, so every decoded string (and whatever is
  // printed from it) is valid UTF-8.
  thread_local std::string text;
  utf8::assignSanitized(text, json);
  struct Trim {
    ~Trim() {
      if (text.capacity() > (8u << 20)) std::string().swap(text);
    }
  } trim;
  rapidjson::InsituStringStream stream(text.data());
  const auto result = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag>(stream, decoder);
  if (!result.IsError()) return std::nullopt;
  if (result.Code() == rapidjson::kParseErrorTermination && !decoder.error().empty()) return decoder.error();
  return std::string("malformed JSON at offset ") + std::to_string(result.Offset()) + ": " +
         rapidjson::GetParseError_En(result.Code());
}

}  // namespace zstack::codec
