#pragma once
// The libcurl transport (internal). Create it with makeCurlTransport(); the client does so when
// ClientConfig::transport is null.
//
// Threading and connection reuse:
//  * send() blocks on the caller's thread. It borrows an easy handle from a mutex-protected
//    pool (one per concurrent caller) and returns it afterwards; each easy handle keeps its own
//    keep-alive connection cache, so sequential calls reuse the same connection. No lock is held
//    during a transfer.
//  * sendAsync() never blocks on I/O: it queues the request for one background thread (started
//    on the first sendAsync) that drives every async transfer through a curl multi handle. The
//    callback runs on that thread, so it must be quick and must not block on another async
//    result of the same transport. Exceptions thrown by a callback are swallowed.
//  * The DNS cache and TLS session cache are shared by all handles (CURLSH). The connection
//    cache is not: a shared connection cache is not thread-safe in libcurl (known bug 11.11), so
//    sync handles keep their own and async transfers share the multi handle's.
//  * Destroying the transport stops the loop, completes every queued or in-flight async request
//    with TransportFailure{CURLE_ABORTED_BY_CALLBACK, "transport shut down"} and joins the
//    thread (or detaches it when the last reference is dropped from inside a callback).
//
// Resends: libcurl silently sends a request again when a reused connection dies before any
// reply. That is harmless for a GET; for POST/PUT/DELETE the server may already have run it, so
// the second send is aborted and the failure says maybeDelivered (libcurl >= 7.80).
//
// Proxies: when CurlOptions::proxy is empty, libcurl's usual environment variables
// (http_proxy, https_proxy, no_proxy, ...) still apply.

#include "zstack/config.hpp"
#include "zstack/http.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace zstack::transport {

struct CurlOptions {
  std::chrono::milliseconds connectTimeout{10000};  // 0 = libcurl's default (300 s)
  // Whole request, used when HttpRequest::timeout is 0; 0 here too = no limit. For async
  // requests it includes time spent waiting inside curl for a free connection.
  std::chrono::milliseconds requestTimeout{60000};
  TlsOptions tls;
  std::string proxy;      // empty = none configured (environment proxies still apply)
  std::string userAgent;  // empty = no User-Agent header
  // Async: cap on total and per-host connections (excess transfers wait inside curl); sync: the
  // most idle easy handles (each with its keep-alive connection) kept in the pool. 0 = no cap.
  std::size_t maxConnections = 64;
  // The largest reply body accepted; a longer one (or a longer Content-Length) fails the
  // exchange instead of growing memory without bound. 0 = no limit.
  std::size_t maxReplyBytes = std::size_t{256} << 20;
};

// TransportFailure::code for a reply over CurlOptions::maxReplyBytes.
constexpr int kReplyTooLarge = 0x10001;

std::shared_ptr<Transport> makeCurlTransport(const CurlOptions& options);

}  // namespace zstack::transport
