#pragma once
// Client: configuration, credentials, transport and the async engine, shared by every call.
//
// Thread safety: a Client may be used from any number of threads at once; copies are cheap
// handles to the same client. The last copy to go away cancels its pending async calls
// (they complete with ErrorKind::Cancelled) and joins the SDK's threads.

#include "zstack/config.hpp"
#include "zstack/error.hpp"
#include "zstack/function.hpp"
#include "zstack/webhook.hpp"

#include <memory>
#include <optional>
#include <string>

namespace zstack {

struct ActionSpec;
namespace detail { class ClientCore; }

class Client {
 public:
  explicit Client(ClientConfig config = {});

  const ClientConfig& config() const;

  // Credentials used by calls whose action sets no sessionId. Thread-safe.
  void setSession(std::string sessionUuid) const;
  void setAccessKey(AccessKey key) const;
  void clearCredentials() const;
  bool hasSession() const;
  std::string session() const;  // the session UUID, or "" (a secret: do not log it)

  // Where a webhook receiver hands the callbacks it gets (see webhook.hpp).
  WebhookDispatcher webhooks() const;

  // The process-wide client used by action.call() with no argument. Configure it once at start;
  // until then it is a client with a default ClientConfig.
  static Client defaultClient();
  static void setDefault(Client client);

  // The single call path behind every action; Action<> calls these. `action` points at the
  // action struct described by spec.params, `reply` at a struct described by spec.reply.
  std::optional<Error> invoke(const ActionSpec& spec, const void* action, void* reply) const;
  void invokeAsync(const ActionSpec& spec, const void* action, void* reply,
                   std::function<void(std::optional<Error>)> done) const;

 private:
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace zstack
