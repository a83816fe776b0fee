#pragma once

#include <string>
#include <string_view>

namespace zstack::url {

// RFC 3986: everything but unreserved characters becomes %XX (so "/" in a CIDR, "=" in a query
// condition and "&" in a name cannot change the request's meaning).
void appendEncoded(std::string& out, std::string_view value);
std::string encode(std::string_view value);

// Splits "scheme://authority/path?query" into authority-less parts; returns the path+query part
// ("/zstack/v1/api-jobs/x") of an absolute URL, or the input when it has no scheme.
std::string_view pathOf(std::string_view absoluteUrl);

}  // namespace zstack::url
