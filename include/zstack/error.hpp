#pragma once
// Errors are values that keep every detail: what went wrong, the HTTP status, the server's
// ErrorCode with its whole cause chain, the job UUID, and each violated constraint.

#include "zstack/json.hpp"
#include "zstack/schema.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace zstack {

// The server's error, as ZStack sends it under "error".
struct ErrorCode {
  std::string code;         // e.g. "SYS.1001"
  std::string description;
  std::string details;
  std::string elaboration;
  std::string location;
  Json cost;                // the server writes it as text or number: kept as sent
  Json opaque;
  std::shared_ptr<ErrorCode> cause;  // the error that caused this one, recursively
  std::vector<ErrorCode> causes;     // set when the server sent an ErrorCodeList

  // Defined once in the library (src/core/error.cpp), not in every file that handles a Result.
  ErrorCode();
  ErrorCode(const ErrorCode&);
  ErrorCode(ErrorCode&&) noexcept;
  ErrorCode& operator=(const ErrorCode&);
  ErrorCode& operator=(ErrorCode&&) noexcept;
  ~ErrorCode();

  static const schema::TypeDesc& describe();
  // The chain from this error down to the root cause.
  std::vector<const ErrorCode*> chain() const;
};

enum class ErrorKind {
  Validation,   // the action's parameters break a constraint; nothing was sent
  Transport,    // no HTTP answer: connect, TLS, timeout, connection reset
  HttpStatus,   // an HTTP status the protocol does not expect (400, 401, 403, 404, 405, 500...)
  Api,          // the server ran the API and it failed (503 with an ErrorCode)
  PollTimeout,  // the job did not finish before the call's deadline
  JobExpired,   // the job's result is unknown or was purged (404 on poll)
  Decode,       // the reply is not the JSON the API documents
  Cancelled,    // the caller cancelled, or the client shut down
  Usage,        // the SDK was used wrongly (no session, bad endpoint, unknown field)
};

const char* toString(ErrorKind kind);

struct FieldViolation {
  std::string field;    // "name", "rules[1].startPort"
  std::string problem;  // "is required", "must be one of Ingress, Egress"
};

struct Error {
  ErrorKind kind = ErrorKind::Usage;
  std::string message;              // one line for people; never contains secrets
  int httpStatus = 0;               // 0 when no HTTP answer was read
  std::optional<ErrorCode> api;     // the server's ErrorCode, when it sent one
  std::string jobUuid;              // X-Job-UUID of the call, when one was sent
  std::string action;               // the API name, e.g. "CreateVip"
  std::string body;                 // the reply body for unexpected statuses and decode errors (first 64 KiB)
  // The connection died after the request went out: the server may have run it (Transport only).
  // The SDK does not send it again; look at the job (jobUuid) or the resource before repeating.
  bool outcomeUnknown = false;
  std::vector<FieldViolation> violations;  // ErrorKind::Validation

  // Defined once in the library (src/core/error.cpp): every Result<T> destroys or moves one.
  Error();
  Error(const Error&);
  Error(Error&&) noexcept;
  Error& operator=(const Error&);
  Error& operator=(Error&&) noexcept;
  ~Error();

  // "CreateVip: API error SYS.1001 (...)" with the cause chain.
  std::string describe() const;
  // The whole error as JSON (kind, httpStatus, jobUuid, error chain, violations); zscli prints it.
  Json toJson() const;
};

// Thrown by Result::value() and throwIfError() for users who prefer exceptions.
class Exception : public std::runtime_error {
 public:
  explicit Exception(Error e) : std::runtime_error(e.describe()), error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace zstack
