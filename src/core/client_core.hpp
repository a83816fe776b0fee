#pragma once

#include "core/async_engine.hpp"
#include "core/call_flow.hpp"
#include "core/webhook_registry.hpp"
#include "zstack/action.hpp"
#include "zstack/config.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
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

  // Session renewal (ClientConfig::renewSession). logIn() keeps the account and the password's
  // SHA-512 hex for the session it opened (`origin`); forgetLogin() wipes them. endLogin(origin)
  // forgets them if they belong to that session and returns the client's session when it is a
  // renewal of it (Session::close logs that one out too), else "".
  void rememberLogin(std::string account, std::string passwordSha512, std::string origin);
  void forgetLogin();
  std::string endLogin(const std::string& origin);
  // How many re-logins succeeded (for tests and diagnostics).
  std::uint64_t renewals() const { return renewals_.load(std::memory_order_relaxed); }

  const ClientConfig config;
  const std::string baseUrl;     // "http://host:port/zstack"
  std::shared_ptr<Clock> clock;
  std::shared_ptr<Transport> transport;
  const std::shared_ptr<WebhookRegistry> webhooks = std::make_shared<WebhookRegistry>();

 private:
  struct AsyncCall;
  struct Login;
  struct Flight;
  // What becomes of a call whose session expired.
  struct RenewOutcome {
    enum What { KeepError, Retry, Failed } what = KeepError;  // KeepError: nothing to renew with
    std::optional<Error> why;                                 // Failed
  };
  using Renewed = std::function<void(RenewOutcome)>;
  enum class Admit { KeepError, Retry, Join, Start };
  void launch(const std::shared_ptr<AsyncCall>& call);
  void drive(const std::shared_ptr<AsyncCall>& call, int step);
  void finish(const std::shared_ptr<AsyncCall>& call);
  void runSync(CallFlow& flow);
  // With renewMutex_ held: how a call that failed with the session `failed` goes on (Start: it
  // makes the one re-login, in `flight`; Join: it waits for `flight`).
  Admit admit(const std::string& failed, std::shared_ptr<Flight>& flight, std::shared_ptr<Login>& login);
  // Sync: renews (or waits for the renewal under way) until `deadline`, on this thread.
  RenewOutcome renewSync(const std::string& failed, Clock::time_point deadline);
  // Async, on the engine thread: the call resumes (resumeAsync) when the renewal ends or at its
  // deadline, whichever comes first.
  void renewAsync(const std::shared_ptr<AsyncCall>& call);
  void resumeAsync(const std::shared_ptr<AsyncCall>& call, std::uint64_t ticket, RenewOutcome outcome);
  // The re-login ended: installs the new session (if the client still holds the expired one and
  // the same login), wakes the waiters.
  RenewOutcome completeFlight(const std::shared_ptr<Flight>& flight, const std::shared_ptr<Login>& login,
                              std::optional<Error> err, std::string session);

  std::mutex liveMutex_;
  std::unordered_set<std::shared_ptr<AsyncCall>> live_;  // async calls not finished yet
  mutable std::mutex estimateMutex_;
  mutable std::unordered_map<const ActionSpec*, std::chrono::microseconds> estimates_;
  mutable std::atomic<int> awaitedJobs_{0};
  mutable std::atomic<unsigned> aimTurns_{0};
  mutable std::mutex credMutex_;
  std::shared_ptr<const Credentials> creds_;
  // Renewal state; lock order: renewMutex_, then credMutex_.
  std::mutex renewMutex_;
  std::condition_variable renewCv_;
  std::shared_ptr<Login> login_;    // kept by logIn() when renewSession is on
  std::shared_ptr<Flight> flight_;  // the re-login under way, if any (one at a time)
  std::atomic<std::uint64_t> renewals_{0};
  AsyncEngine engine_;
};

// The library's own way into a Client (session.cpp keeps the login for renewal).
struct ClientAccess {
  static const std::shared_ptr<ClientCore>& core(const Client& c) { return c.core_; }
};

}  // namespace zstack::detail
