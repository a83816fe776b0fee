#pragma once
/// \file
/// ClientConfig and its parts: endpoint, TLS, polling, credentials.

#include "zstack/clock.hpp"
#include "zstack/http.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace zstack {

using namespace std::chrono_literals;

/// Where the management node is: {scheme}://{host}:{port}/{contextPath}.
struct Endpoint {
  std::string scheme = "http";  ///< "http" or "https".
  std::string host = "localhost";  ///< Host name or IP address.
  int port = 8080;  ///< TCP port.
  std::string contextPath = "zstack";  ///< The path before /v1; may be empty.

  /// Parses "https://host:8443/zstack": scheme://host[:port][/path] and nothing else (no user
  /// info, query or fragment, one port); the port defaults to 80/443 when absent. std::nullopt
  /// (with *error set, when given) otherwise.
  static std::optional<Endpoint> parse(const std::string& url, std::string* error = nullptr);
  /// "http://localhost:8080/zstack" (no trailing slash).
  std::string baseUrl() const;
};

/// TLS settings for https endpoints.
struct TlsOptions {
  bool verifyPeer = true;  ///< Verify the server's certificate (on unless you turn it off).
  bool verifyHost = true;  ///< Verify that the certificate names the host.
  std::string caFile;      ///< PEM bundle; empty = the system store.
  std::string caPath;      ///< Directory of hashed certificates.
};

/// How a 202 job is polled: intervals start short and back off to a cap; the deadline is wall
/// time (the official SDKs count sleeps instead).
struct PollOptions {
  std::chrono::milliseconds initialInterval = 20ms;  ///< The first interval (a job's learnt duration may set the first poll).
  std::chrono::milliseconds maxInterval = 1000ms;    ///< The longest wait between polls.
  double backoff = 1.5;                          ///< Interval multiplier after each 202.
  std::chrono::milliseconds deadline = 3h;       ///< Per call; an action's `timeout` overrides it.
  std::chrono::milliseconds webhookFallback = 30s;  ///< In webhook mode, poll this rarely.
};

/// An access key: calls without a session are signed with it (HMAC-SHA1, ZStack's scheme).
struct AccessKey {
  std::string id;      ///< The access key ID.
  std::string secret;  ///< The secret (never logged).
};

/// The zone written in access-key Date headers. ZStack compares the wall-clock fields and ignores
/// the zone, so the client must send the server's local time: set the server's offset here.
struct DateZone {
  std::chrono::minutes utcOffset{0};  ///< The server's offset from UTC.
  std::string name = "GMT";           ///< The zone name written in the header.
  static DateZone local();  ///< This machine's zone.
};

/// Everything a Client is made with.
struct ClientConfig {
  Endpoint endpoint;  ///< The management node.
  std::chrono::milliseconds connectTimeout = 10s;  ///< Bound on opening a connection.
  /// One HTTP exchange at most (the request, or one poll); a call's own deadline (PollOptions::
  /// deadline or the action's timeout) bounds every exchange too.
  std::chrono::milliseconds requestTimeout = 60s;
  /// The largest reply body accepted (a longer one fails with a transport error); 0 = no limit.
  std::size_t maxReplySize = std::size_t{256} << 20;
  TlsOptions tls;  ///< TLS settings.
  std::string proxy;                                ///< e.g. "http://proxy:3128"; empty = none.
  std::string userAgent = "zstack-sdk-cpp/0.1";  ///< No CR/LF (a call fails with a usage error).
  PollOptions poll;  ///< How 202 jobs are polled.
  std::string webhookUrl;  ///< Set: async calls ask the server to POST results here (see WebhookDispatcher).

  /// Default session for every call; an action's sessionId overrides it.
  std::string sessionId;
  /// Default access key: signs the calls that carry no session.
  std::optional<AccessKey> accessKey;

  /// Session renewal, off by default. When on, logIn() / Session::open() keep the account name
  /// and the password's SHA-512 hex (never the plaintext) inside the client, and a call that
  /// carries the client's session and fails because the session expired (the server's ID.1001)
  /// logs in again at the configured endpoint, once, and is sent once more with the new session:
  ///  - the call's own deadline (action.timeout, else poll.deadline) covers the re-login and the
  ///    retry; a call is never retried twice;
  ///  - calls that hit ID.1001 at the same time share one re-login (the others wait for it, or
  ///    find the session already renewed), sync and async alike;
  ///  - a re-login that fails ends the call with ErrorKind::SessionRenewal, saying why (the
  ///    login's error code and HTTP status are kept); no password, hash or session id is in its
  ///    text;
  ///  - only calls that use the session logIn() opened (or its renewal) renew: not an action's
  ///    own sessionId, not access keys, not a session given here in sessionId or with
  ///    setSession() (which, like clearCredentials(), logOut() and Session::close(), forgets the
  ///    kept login).
  /// ID.1001 means the server refused the call before running it, so sending it again is safe,
  /// POSTs included; no other failure is ever resent.
  bool renewSession = false;
  DateZone dateZone = DateZone::local();  ///< The server's zone, for access-key Date headers.

  /// The transport; null = libcurl. Replaceable for tests and special transports.
  std::shared_ptr<Transport> transport;
  /// The clock; null = the system clock (Clock::system()).
  std::shared_ptr<Clock> clock;
};

}  // namespace zstack
