#include "codec/codec.hpp"
#include "zstack/query.hpp"

#include <cstdio>
#include <functional>

namespace zstack::query::detail {

std::string signedText(long long v) { return std::to_string(v); }
std::string unsignedText(unsigned long long v) { return std::to_string(v); }
std::string floatText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
std::string floatText(long double v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%Lg", v);
  return buf;
}

}  // namespace zstack::query::detail

namespace zstack::detail {

Result<std::int32_t> PageGuard::next(const schema::TypeDesc& listType, const void* items, std::int32_t start, std::int32_t n) {
  auto stop = [this](std::string message) {
    Error e;
    e.kind = ErrorKind::Decode;
    e.action = action_;
    e.message = std::move(message);
    return e;
  };
  // Two different pages of real inventories never encode alike (uuids differ), so an equal
  // encoding means the server sent the same page again: it does not honour `start`.
  const std::string text = codec::encode(listType, items);
  const std::size_t hash = std::hash<std::string>{}(text);
  if (pages_ > 0 && hash == lastHash_ && text.size() == lastSize_)
    return stop("paging stopped: the page at start=" + std::to_string(start) +
                " repeats the previous one (the server seems to ignore `start`)");
  lastHash_ = hash;
  lastSize_ = text.size();
  if (++pages_ >= kMaxPages) return stop("paging stopped after " + std::to_string(kMaxPages) + " pages");
  if (start > INT32_MAX - n) return stop("paging stopped: the next start would pass " + std::to_string(INT32_MAX));
  return start + n;
}

}  // namespace zstack::detail
