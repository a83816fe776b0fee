// libFuzzer: Endpoint::parse. Whatever parses must print (baseUrl) to a URL that parses back
// to the same endpoint; a mismatch aborts (a finding).

#include "zstack/config.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace zstack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto e = Endpoint::parse(text, &error);
  if (!e) return 0;
  const std::string base = e->baseUrl();
  std::string error2;
  auto again = Endpoint::parse(base, &error2);
  if (!again) {
    std::fprintf(stderr, "parse(\"%s\") ok, but its baseUrl \"%s\" does not parse: %s\n", text.c_str(), base.c_str(),
                 error2.c_str());
    std::abort();
  }
  if (again->scheme != e->scheme || again->host != e->host || again->port != e->port ||
      again->contextPath != e->contextPath) {
    std::fprintf(stderr,
                 "parse(\"%s\") = {%s, %s, %d, %s}, baseUrl \"%s\" parses to {%s, %s, %d, %s}\n", text.c_str(),
                 e->scheme.c_str(), e->host.c_str(), e->port, e->contextPath.c_str(), base.c_str(),
                 again->scheme.c_str(), again->host.c_str(), again->port, again->contextPath.c_str());
    std::abort();
  }
  return 0;
}
