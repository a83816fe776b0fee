// libFuzzer: decoding the server's ErrorCode from a reply body ({"error": {...}} or bare,
// with cause chains and ErrorCodeList causes), then printing it as zscli and the logs do.

#include "codec/codec.hpp"
#include "zstack/error.hpp"
#include "zstack/json.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace zstack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto code = codec::decodeErrorBody(body);
  // Printed with and without an ErrorCode, as an Api error (503) and a plain HTTP error.
  Error e;
  e.kind = code ? ErrorKind::Api : ErrorKind::HttpStatus;
  e.httpStatus = code ? 503 : 400;
  e.message = "fuzz";
  e.action = "CreateVip";
  e.jobUuid = "967a26b7431c49c0b1d50d709ef1aef3";
  e.api = code;
  if (!code) e.body = std::string(body);
  (void)e.describe();
  const Json j = e.toJson();
  (void)j.pretty();
  const std::string compact = j.dump();
  if (!Json::parse(compact)) {
    std::fprintf(stderr, "Error::toJson().dump() is not JSON: %s\n", compact.c_str());
    std::abort();
  }
  if (code) {
    std::size_t depth = code->chain().size();
    (void)depth;
    (void)codec::toJson(ErrorCode::describe(), &*code).pretty();
  }
  return 0;
}
