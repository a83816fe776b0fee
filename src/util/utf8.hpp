#pragma once
// Server text is not trusted to be UTF-8: whatever the SDK hands on (decoded strings, error
// bodies, zscli's JSON) is valid UTF-8, each invalid byte replaced by U+FFFD.

#include <string>
#include <string_view>

namespace zstack::utf8 {

// The length of the valid UTF-8 prefix of `s` (s.size() when all of it is valid).
std::size_t validPrefix(std::string_view s);

// `s` with every byte that does not start a well-formed sequence (RFC 3629: no overlongs,
// surrogates or code points past U+10FFFF) replaced by U+FFFD. Assigns to `out`.
void assignSanitized(std::string& out, std::string_view s);

inline std::string sanitized(std::string_view s) {
  std::string out;
  assignSanitized(out, s);
  return out;
}

}  // namespace zstack::utf8
