#pragma once
/// \file
/// Webhook mode: with ClientConfig::webhookUrl set, async APIs carry `X-Web-Hook` and the server
/// POSTs each job's result to that URL. Your HTTP server hands every such POST to deliver(); the
/// call waiting for that job completes at once. Calls keep polling rarely (PollOptions::
/// webhookFallback) so a lost callback delays a result but never hangs a call.

#include "zstack/http.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace zstack {

namespace detail { class WebhookRegistry; }

/// Where your HTTP server hands the webhook POSTs it receives (Client::webhooks()). Copies share
/// the client's registry of waiting calls.
class WebhookDispatcher {
 public:
  /// Returns true when the POST (headers X-Job-UUID and X-Job-Success, JSON body) completed a
  /// call of this client; false for unknown or repeated jobs. Thread-safe; never blocks long.
  bool deliver(const Headers& headers, std::string body) const;
  /// Calls currently waiting for a callback.
  std::size_t pending() const;

  /// Made by Client::webhooks(); not for users.
  explicit WebhookDispatcher(std::shared_ptr<detail::WebhookRegistry> registry) : registry_(std::move(registry)) {}

 private:
  std::shared_ptr<detail::WebhookRegistry> registry_;
};

}  // namespace zstack
