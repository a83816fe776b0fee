#include "util/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace zstack::utf8 {
namespace {

// Length of the well-formed sequence at s[i], or 0.
std::size_t sequenceAt(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::size_t validPrefix(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // ASCII runs, eight bytes at a time: most of a reply.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const std::size_t len = sequenceAt(s, i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

void assignSanitized(std::string& out, std::string_view s) {
  std::size_t good = validPrefix(s);
  if (good == s.size()) {
    out.assign(s.data(), s.size());
    return;
  }
  out.clear();
  out.reserve(s.size() + 16);
  while (good < s.size()) {
    out.append(s.data(), good);
    out += "\xEF\xBF\xBD";  // U+FFFD for the one bad byte
    s.remove_prefix(good + 1);
    good = validPrefix(s);
  }
  out.append(s.data(), s.size());
}

}  // namespace zstack::utf8
