#pragma once
/// \file
/// Client: configuration, credentials, transport and the async engine, shared by every call.
///
/// Thread safety: a Client may be used from any number of threads at once; copies are cheap
/// handles to the same client. The last copy to go away cancels its pending async calls
/// (they complete with ErrorKind::Cancelled) and joins the SDK's threads.

#include "zstack/config.hpp"
#include "zstack/error.hpp"
#include "zstack/function.hpp"
#include "zstack/webhook.hpp"

#include <memory>
#include <optional>
#include <string>

namespace zstack {

struct ActionSpec;
namespace detail {
class ClientCore;
struct ClientAccess;
}  // namespace detail

/// The client: configuration, credentials, transport and the async engine, shared by every call.
///
/// Thread safety: a Client may be used from any number of threads at once; copies are cheap
/// handles to the same client. The last copy to go away cancels its pending async calls
/// (they complete with ErrorKind::Cancelled) and joins the SDK's threads.
class Client {
 public:
  /// A client for `config` (its credentials, sessionId and accessKey, are the initial ones).
  explicit Client(ClientConfig config = {});

  /// The configuration it was made with.
  const ClientConfig& config() const;

  /// Sets the session UUID used by calls whose action sets no sessionId (the access key, if any,
  /// stays). Thread-safe, like the other credential functions. setSession() and
  /// clearCredentials() also forget a login kept for renewal (ClientConfig::renewSession): a
  /// session given here is never renewed.
  void setSession(std::string sessionUuid) const;
  /// Sets the access key used to sign calls (the session, if any, stays).
  void setAccessKey(AccessKey key) const;
  /// Forgets the session and the access key.
  void clearCredentials() const;
  /// Whether a session UUID is set.
  bool hasSession() const;
  /// The session UUID, or "" (a secret: do not log it).
  std::string session() const;

  /// Where a webhook receiver hands the callbacks it gets (see webhook.hpp).
  WebhookDispatcher webhooks() const;

  /// The process-wide client used by action.call() with no argument. Configure it once at start;
  /// until then it is a client with a default ClientConfig.
  static Client defaultClient();
  /// Replaces the process-wide client.
  static void setDefault(Client client);

  /// The single call path behind every action; Action<> calls it. `action` points at the
  /// action struct described by spec.params, `reply` at a struct described by spec.reply.
  /// Returns the error, or std::nullopt when `reply` holds the decoded reply.
  std::optional<Error> invoke(const ActionSpec& spec, const void* action, void* reply) const;
  /// invoke() without blocking: `done` runs on an SDK thread when the call ends; `action` and
  /// `reply` must stay alive until then.
  void invokeAsync(const ActionSpec& spec, const void* action, void* reply,
                   std::function<void(std::optional<Error>)> done) const;

 private:
  friend struct detail::ClientAccess;
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace zstack
