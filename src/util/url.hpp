#pragma once

#include <string>
#include <string_view>

namespace zstack::url {

// RFC 3986: everything but unreserved characters becomes %XX (so "/" in a CIDR, "=" in a query
// condition and "&" in a name cannot change the request's meaning).
void appendEncoded(std::string& out, std::string_view value);
std::string encode(std::string_view value);

}  // namespace zstack::url
