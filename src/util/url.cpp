#include "util/url.hpp"

#include "zstack/config.hpp"

#include <cctype>
#include <cstring>
#include <ctime>

namespace zstack::url {

void appendEncoded(std::string& out, std::string_view value) {
  static const char hex[] = "0123456789ABCDEF";
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string encode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  appendEncoded(out, value);
  return out;
}

}  // namespace zstack::url

namespace zstack {

// scheme://host[:port][/path], strictly: anything libcurl could read differently from us (user
// info, a query or fragment, a second colon, a backslash, spaces) is refused, so the host the SDK
// sends credentials to is the host the caller named.
std::optional<Endpoint> Endpoint::parse(const std::string& text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<Endpoint> {
    // The text is quoted unless it may hold user info (a password).
    if (error) *error = text.find('@') == std::string::npos ? std::string(why) + ": \"" + text + "\"" : std::string(why);
    return std::nullopt;
  };
  auto hostChar = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; };
  auto pathChar = [](unsigned char c) {
    return std::isalnum(c) || std::strchr("-._~/!$&'()*+,;=:", c) != nullptr;
  };
  Endpoint e;
  std::string_view s = text;
  const auto sep = s.find("://");
  if (sep == std::string_view::npos) return fail("endpoint needs a scheme (http:// or https://)");
  e.scheme = std::string(s.substr(0, sep));
  for (auto& c : e.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (e.scheme != "http" && e.scheme != "https") return fail("endpoint scheme must be http or https");
  s.remove_prefix(sep + 3);
  const auto slash = s.find('/');
  std::string_view authority = s.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : s.substr(slash + 1);
  if (authority.empty()) return fail("endpoint has no host");
  if (authority.find('@') != std::string_view::npos) return fail("endpoint may not carry user info (user@host)");
  e.port = e.scheme == "https" ? 443 : 80;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("endpoint has an unclosed IPv6 address");
    host = authority.substr(0, close + 1);
    if (host.size() < 4) return fail("endpoint has an empty IPv6 address");
    for (char c : host.substr(1, host.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return fail("endpoint has a malformed IPv6 address");
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return fail("endpoint has a malformed port");
    port = authority;
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon);
    for (char c : host)
      if (!hostChar(static_cast<unsigned char>(c))) return fail("endpoint host has a character that is not allowed in a host name");
  }
  if (!port.empty()) {
    if (port.size() < 2 || port.size() > 6) return fail("endpoint has a malformed port");
    int n = 0;
    for (char c : port.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return fail("endpoint has a malformed port");
      n = n * 10 + (c - '0');
    }
    if (n < 1 || n > 65535) return fail("endpoint port is out of range");
    e.port = n;
  }
  if (host.empty()) return fail("endpoint has no host");
  e.host = std::string(host);
  for (char c : path)
    if (!pathChar(static_cast<unsigned char>(c))) return fail("endpoint path may hold only a context path (no query, fragment, spaces or %)");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  e.contextPath = std::string(path);
  return e;
}

std::string Endpoint::baseUrl() const {
  std::string u = scheme + "://" + host + ":" + std::to_string(port);
  if (!contextPath.empty()) u += "/" + contextPath;
  return u;
}

DateZone DateZone::local() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  DateZone z;
  z.utcOffset = std::chrono::minutes(tm.tm_gmtoff / 60);
  z.name = tm.tm_zone ? tm.tm_zone : "GMT";
  return z;
}

}  // namespace zstack
