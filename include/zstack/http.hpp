#pragma once
/// \file
/// The transport seam: one request in, one response (or a transport failure) out. The SDK's
/// libcurl transport implements it; tests and users can plug in their own.

#include "zstack/function.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace zstack {

/// The HTTP methods ZStack's API uses.
enum class HttpMethod {
  Get,     ///< GET
  Post,    ///< POST
  Put,     ///< PUT
  Delete,  ///< DELETE
};
/// "GET", "POST", "PUT" or "DELETE".
const char* toString(HttpMethod m);

/// Header name/value pairs, in order (names may repeat).
using Headers = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive header lookup; nullptr when absent.
const std::string* findHeader(const Headers& headers, std::string_view name);

/// A header value may not hold CR, LF or NUL (they would end the header and start another).
bool validHeaderValue(std::string_view value);

/// One HTTP request, as the SDK hands it to a Transport.
struct HttpRequest {
  HttpMethod method = HttpMethod::Get;  ///< The method.
  std::string url;  ///< The whole URL, query string included.
  Headers headers;  ///< Request headers.
  std::string body;  ///< The body; empty for none.
  std::chrono::milliseconds timeout{0};  ///< Whole request; 0 = the transport's default.
};

/// One HTTP response.
struct HttpResponse {
  int status = 0;  ///< The HTTP status code.
  Headers headers;  ///< Response headers.
  std::string body;  ///< The body.
  /// When the request went out on the wire (steady clock), if the transport knows: a job's start
  /// is dated from it, not from when a busy client got round to reading the reply.
  std::chrono::steady_clock::time_point sentAt{};
};

/// No HTTP answer: why.
struct TransportFailure {
  int code = 0;          ///< The transport's own code (a CURLcode for the curl transport).
  std::string message;   ///< What failed, for people.
  /// The connection died after the request went out: the server may have received and run it.
  /// Such a request is never sent again by the transport unless it is a GET.
  bool maybeDelivered = false;
};

/// A response, or why there is none.
using TransportResult = std::variant<HttpResponse, TransportFailure>;

/// The transport seam: one request in, one response (or a failure) out. The SDK's libcurl
/// transport implements it; tests and users can plug in their own (ClientConfig::transport).
/// Implementations must be safe to call from several threads at once.
class Transport {
 public:
  using Callback = std::function<void(TransportResult)>;  ///< Receives the result of sendAsync().
  virtual ~Transport() = default;  ///< Destroys the transport.

  /// Blocking send on the caller's thread.
  virtual TransportResult send(const HttpRequest& request) = 0;

  /// Non-blocking send; `done` runs later on a transport-owned thread (or inline). The default
  /// runs send() inline, which is right for fakes and wrong for real I/O.
  virtual void sendAsync(HttpRequest request, Callback done) { done(send(request)); }
};

}  // namespace zstack
