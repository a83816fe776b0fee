#pragma once
// The transport seam: one request in, one response (or a transport failure) out. The SDK's
// libcurl transport implements it; tests and users can plug in their own.

#include "zstack/function.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace zstack {

enum class HttpMethod { Get, Post, Put, Delete };
const char* toString(HttpMethod m);

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; nullptr when absent.
const std::string* findHeader(const Headers& headers, std::string_view name);

// A header value may not hold CR, LF or NUL (they would end the header and start another).
bool validHeaderValue(std::string_view value);

struct HttpRequest {
  HttpMethod method = HttpMethod::Get;
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // whole request; 0 = the transport's default
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  // When the request went out on the wire (steady clock), if the transport knows: a job's start
  // is dated from it, not from when a busy client got round to reading the reply.
  std::chrono::steady_clock::time_point sentAt{};
};

struct TransportFailure {
  int code = 0;          // the transport's own code (a CURLcode for the curl transport)
  std::string message;
  // The connection died after the request went out: the server may have received and run it.
  // Such a request is never sent again by the transport unless it is a GET.
  bool maybeDelivered = false;
};

using TransportResult = std::variant<HttpResponse, TransportFailure>;

// Implementations must be safe to call from several threads at once.
class Transport {
 public:
  using Callback = std::function<void(TransportResult)>;
  virtual ~Transport() = default;

  // Blocking send on the caller's thread.
  virtual TransportResult send(const HttpRequest& request) = 0;

  // Non-blocking send; `done` runs later on a transport-owned thread (or inline). The default
  // runs send() inline, which is right for fakes and wrong for real I/O.
  virtual void sendAsync(HttpRequest request, Callback done) { done(send(request)); }
};

}  // namespace zstack
