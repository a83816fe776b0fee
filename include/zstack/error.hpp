#pragma once
/// \file
/// Errors are values that keep every detail: what went wrong, the HTTP status, the server's
/// ErrorCode with its whole cause chain, the job UUID, and each violated constraint.

#include "zstack/json.hpp"
#include "zstack/schema.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace zstack {

/// The server's error, as ZStack sends it under "error".
struct ErrorCode {
  std::string code;         ///< e.g. "SYS.1001".
  std::string description;  ///< A short description.
  std::string details;      ///< Details for people.
  std::string elaboration;  ///< The server's elaboration (hints), when it has one.
  std::string location;     ///< Where on the server it was raised, when sent.
  Json cost;                ///< The server writes it as text or number: kept as sent.
  Json opaque;              ///< Free-form extra data, as sent.
  std::shared_ptr<ErrorCode> cause;  ///< The error that caused this one, recursively.
  std::vector<ErrorCode> causes;     ///< Set when the server sent an ErrorCodeList.

  /// \cond
  // Defined once in the library (src/core/error.cpp), not in every file that handles a Result.
  ErrorCode();
  ErrorCode(const ErrorCode&);
  ErrorCode(ErrorCode&&) noexcept;
  ErrorCode& operator=(const ErrorCode&);
  ErrorCode& operator=(ErrorCode&&) noexcept;
  ~ErrorCode();
  /// \endcond

  static const schema::TypeDesc& describe();  ///< Its field table.
  /// The chain from this error down to the root cause.
  std::vector<const ErrorCode*> chain() const;
};

/// What went wrong, in the SDK's terms.
enum class ErrorKind {
  Validation,   ///< The action's parameters break a constraint; nothing was sent.
  Transport,    ///< No HTTP answer: connect, TLS, timeout, connection reset.
  HttpStatus,   ///< An HTTP status the protocol does not expect (400, 401, 403, 404, 405, 500...).
  Api,          ///< The server ran the API and it failed (503 with an ErrorCode).
  PollTimeout,  ///< The job did not finish before the call's deadline.
  JobExpired,   ///< The job's result is unknown or was purged (404 on poll).
  Decode,       ///< The reply is not the JSON the API documents.
  Cancelled,    ///< The caller cancelled, or the client shut down.
  Usage,        ///< The SDK was used wrongly (no session, bad endpoint, unknown field).
  /// The session expired (ID.1001), ClientConfig::renewSession is on, and logging in again
  /// failed or did not finish within the call's deadline; the call was not sent again.
  /// httpStatus and api are the failed login's (e.g. ID.1000 for a changed password); message
  /// says which.
  SessionRenewal,
};

/// The kind's name, e.g. "Validation".
const char* toString(ErrorKind kind);

/// One broken constraint of an action's parameters.
struct FieldViolation {
  std::string field;    ///< "name", "rules[1].startPort".
  std::string problem;  ///< "is required", "must be one of Ingress, Egress".
};

/// An error, as a value that keeps every detail.
struct Error {
  ErrorKind kind = ErrorKind::Usage;  ///< What went wrong.
  std::string message;              ///< One line for people; never contains secrets.
  int httpStatus = 0;               ///< 0 when no HTTP answer was read.
  std::optional<ErrorCode> api;     ///< The server's ErrorCode, when it sent one.
  std::string jobUuid;              ///< X-Job-UUID of the call, when one was sent.
  std::string action;               ///< The API name, e.g. "CreateVip".
  std::string body;                 ///< The reply body for unexpected statuses and decode errors (first 64 KiB).
  /// The connection died after the request went out: the server may have run it (Transport only).
  /// The SDK does not send it again; look at the job (jobUuid) or the resource before repeating.
  bool outcomeUnknown = false;
  std::vector<FieldViolation> violations;  ///< ErrorKind::Validation: every broken constraint.

  /// \cond
  // Defined once in the library (src/core/error.cpp): every Result<T> destroys or moves one.
  Error();
  Error(const Error&);
  Error(Error&&) noexcept;
  Error& operator=(const Error&);
  Error& operator=(Error&&) noexcept;
  ~Error();
  /// \endcond

  /// "CreateVip: API error SYS.1001 (...)" with the cause chain.
  std::string describe() const;
  /// The whole error as JSON (kind, httpStatus, jobUuid, error chain, violations); zscli prints it.
  Json toJson() const;
};

/// Thrown by Result::value() and throwIfError() for users who prefer exceptions.
class Exception : public std::runtime_error {
 public:
  /// Carries `e`; what() is e.describe().
  explicit Exception(Error e) : std::runtime_error(e.describe()), error_(std::move(e)) {}
  /// The error.
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace zstack
