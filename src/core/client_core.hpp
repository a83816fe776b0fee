#pragma once

#include "core/async_engine.hpp"
#include "core/webhook_registry.hpp"
#include "zstack/action.hpp"
#include "zstack/config.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace zstack::detail {

struct Credentials {
  std::string session;
  std::optional<AccessKey> accessKey;
};

class ClientCore : public std::enable_shared_from_this<ClientCore> {
 public:
  explicit ClientCore(ClientConfig config);
  ~ClientCore();

  std::optional<Error> invoke(const ActionSpec& spec, const void* action, void* reply);
  void invokeAsync(const ActionSpec& spec, const void* action, void* reply, std::function<void(std::optional<Error>)> done);

  std::shared_ptr<const Credentials> credentials() const;

  // How long this API's jobs have recently taken (zero = unknown), so polls can be aimed at the
  // moment a job is likely done instead of blindly backing off.
  std::chrono::microseconds jobEstimate(const ActionSpec& spec) const;
  void recordJobDuration(const ActionSpec& spec, std::chrono::microseconds observed) const;

  // How many calls are waiting for a job right now (sync and async), and a turn counter so that
  // a few of them keep checking the estimate from below while many wait.
  void jobAwaited(int delta) const { awaitedJobs_.fetch_add(delta, std::memory_order_relaxed); }
  int awaitedJobs() const { return awaitedJobs_.load(std::memory_order_relaxed); }
  unsigned nextAimTurn() const { return aimTurns_.fetch_add(1, std::memory_order_relaxed); }
  void setCredentials(Credentials c);

  const ClientConfig config;
  const std::string baseUrl;     // "http://host:port/zstack"
  std::shared_ptr<Clock> clock;
  std::shared_ptr<Transport> transport;
  const std::shared_ptr<WebhookRegistry> webhooks = std::make_shared<WebhookRegistry>();

 private:
  struct AsyncCall;
  void drive(const std::shared_ptr<AsyncCall>& call, int step);
  void finish(const std::shared_ptr<AsyncCall>& call);

  std::mutex liveMutex_;
  std::unordered_set<std::shared_ptr<AsyncCall>> live_;  // async calls not finished yet
  mutable std::mutex estimateMutex_;
  mutable std::unordered_map<const ActionSpec*, std::chrono::microseconds> estimates_;
  mutable std::atomic<int> awaitedJobs_{0};
  mutable std::atomic<unsigned> aimTurns_{0};
  mutable std::mutex credMutex_;
  std::shared_ptr<const Credentials> creds_;
  AsyncEngine engine_;
};

}  // namespace zstack::detail
