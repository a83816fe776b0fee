#pragma once

#include "zstack/clock.hpp"
#include "zstack/http.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace zstack {

using namespace std::chrono_literals;

// Where the management node is: {scheme}://{host}:{port}/{contextPath}.
struct Endpoint {
  std::string scheme = "http";  // "http" or "https"
  std::string host = "localhost";
  int port = 8080;
  std::string contextPath = "zstack";  // may be empty

  // Parses "https://host:8443/zstack": scheme://host[:port][/path] and nothing else (no user
  // info, query or fragment, one port); the port defaults to 80/443 when absent.
  static std::optional<Endpoint> parse(const std::string& url, std::string* error = nullptr);
  std::string baseUrl() const;  // "http://localhost:8080/zstack" (no trailing slash)
};

struct TlsOptions {
  bool verifyPeer = true;  // verification is on unless you turn it off
  bool verifyHost = true;
  std::string caFile;      // PEM bundle; empty = the system store
  std::string caPath;      // directory of hashed certificates
};

// How a 202 job is polled: intervals start short and back off to a cap; the deadline is wall
// time (the official SDKs count sleeps instead).
struct PollOptions {
  std::chrono::milliseconds initialInterval = 20ms;
  std::chrono::milliseconds maxInterval = 1000ms;
  double backoff = 1.5;                          // interval multiplier after each 202
  std::chrono::milliseconds deadline = 3h;       // per call; an action's `timeout` overrides it
  std::chrono::milliseconds webhookFallback = 30s;  // in webhook mode, poll this rarely
};

struct AccessKey {
  std::string id;
  std::string secret;
};

// The zone written in access-key Date headers. ZStack compares the wall-clock fields and ignores
// the zone, so the client must send the server's local time: set the server's offset here.
struct DateZone {
  std::chrono::minutes utcOffset{0};
  std::string name = "GMT";
  static DateZone local();  // this machine's zone
};

struct ClientConfig {
  Endpoint endpoint;
  std::chrono::milliseconds connectTimeout = 10s;
  // One HTTP exchange at most (the request, or one poll); a call's own deadline (PollOptions::
  // deadline or the action's timeout) bounds every exchange too.
  std::chrono::milliseconds requestTimeout = 60s;
  // The largest reply body accepted (a longer one fails with a transport error); 0 = no limit.
  std::size_t maxReplySize = std::size_t{256} << 20;
  TlsOptions tls;
  std::string proxy;                                // e.g. "http://proxy:3128"; empty = none
  std::string userAgent = "zstack-sdk-cpp/0.1";  // no CR/LF (a call fails with a usage error)
  PollOptions poll;
  std::string webhookUrl;  // set: async calls ask the server to POST results here (see WebhookDispatcher)

  // Default credentials for every call; an action's sessionId overrides them.
  std::string sessionId;
  std::optional<AccessKey> accessKey;

  // Session renewal, off by default. When on, logIn() / Session::open() keep the account name and
  // the password's SHA-512 hex (never the plaintext) inside the client, and a call that carries
  // the client's session and fails because the session expired (the server's ID.1001) logs in
  // again at the configured endpoint, once, and is sent once more with the new session:
  //  - the call's own deadline (action.timeout, else poll.deadline) covers the re-login and the
  //    retry; a call is never retried twice;
  //  - calls that hit ID.1001 at the same time share one re-login (the others wait for it, or find
  //    the session already renewed), sync and async alike;
  //  - a re-login that fails ends the call with ErrorKind::SessionRenewal, saying why (the login's
  //    error code and HTTP status are kept); no password, hash or session id is in its text;
  //  - only calls that use the session logIn() opened (or its renewal) renew: not an action's own
  //    sessionId, not access keys, not a session given here in sessionId or with setSession()
  //    (which, like clearCredentials(), logOut() and Session::close(), forgets the kept login).
  // ID.1001 means the server refused the call before running it, so sending it again is safe,
  // POSTs included; no other failure is ever resent.
  bool renewSession = false;
  DateZone dateZone = DateZone::local();

  // Replaceable for tests and special transports; null = libcurl / the system clock.
  std::shared_ptr<Transport> transport;
  std::shared_ptr<Clock> clock;
};

}  // namespace zstack
