#include "util/url.hpp"

#include "zstack/config.hpp"

#include <cctype>
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

std::string_view pathOf(std::string_view u) {
  const auto scheme = u.find("://");
  if (scheme == std::string_view::npos) return u;
  const auto slash = u.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : u.substr(slash);
}

}  // namespace zstack::url

namespace zstack {

std::optional<Endpoint> Endpoint::parse(const std::string& text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<Endpoint> {
    if (error) *error = std::string(why) + ": \"" + text + "\"";
    return std::nullopt;
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
  e.port = e.scheme == "https" ? 443 : 80;
  std::string_view host = authority;
  if (authority.front() == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("endpoint has an unclosed IPv6 address");
    host = authority.substr(0, close + 1);
    authority.remove_prefix(close + 1);
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (!authority.empty()) {
    if (authority.front() != ':' || authority.size() < 2) return fail("endpoint has a malformed port");
    int port = 0;
    for (char c : authority.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return fail("endpoint has a malformed port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return fail("endpoint port is out of range");
    e.port = port;
  }
  if (host.empty()) return fail("endpoint has no host");
  e.host = std::string(host);
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
