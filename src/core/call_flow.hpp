#pragma once
// One API call as a state machine: validate, build, send, then poll (or await the webhook)
// until a result, an error or the deadline. The sync driver runs it on the caller's thread, the
// async engine on its own; both feed it the same events, so there is one call logic.

#include "core/webhook_registry.hpp"
#include "zstack/action.hpp"
#include "zstack/clock.hpp"
#include "zstack/config.hpp"
#include "zstack/error.hpp"
#include "zstack/http.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace zstack::detail {

class ClientCore;

// What an error keeps of an unexpected reply body: its first kKeptBody bytes, as valid UTF-8,
// with a note of the full size. Enough to see what the server said; never so much that printing
// the error costs memory (or overflows a JSON writer).
constexpr std::size_t kKeptBody = 64 * 1024;
std::string keptBody(std::string_view body);

class CallFlow {
 public:
  enum class Step { Send, Wait, Done };

  // A second attempt after a session renewal: it keeps the first attempt's start and deadline
  // (the call's timeout covers both attempts and the re-login) and never renews again.
  struct Resume {
    Clock::time_point start, deadline;
  };

  CallFlow(const ClientCore& core, const ActionSpec& spec, const void* action, void* reply,
           std::optional<Resume> resume = std::nullopt);
  ~CallFlow();
  CallFlow(const CallFlow&) = delete;
  CallFlow& operator=(const CallFlow&) = delete;

  Step start();
  Step onResponse(TransportResult&& result);
  Step onWake();  // the wait ended without a webhook: poll (or give up at the deadline)
  Step onWebhook(WebhookRegistry::Delivery&& delivery);
  Step cancel();  // ends the call with ErrorKind::Cancelled

  HttpRequest& request() { return request_; }  // after Step::Send
  Clock::time_point wakeAt() const { return wakeAt_; }  // after Step::Wait
  bool usesWebhook() const { return webhook_; }
  const std::string& jobUuid() const { return jobUuid_; }
  std::optional<Error>& error() { return error_; }

  // After Step::Done: the call failed because the session it sent (the client's own) expired,
  // and ClientConfig::renewSession allows one re-login and one more attempt (see renewable()).
  bool renewable() const;
  const std::string& sentSession() const { return sessionId_; }  // a secret
  Resume resumeAt() const { return {start_, deadline_}; }
  Clock::time_point deadline() const { return deadline_; }
  // Replaces the session error by ErrorKind::SessionRenewal, saying why the re-login failed.
  Step failRenewal(const Error& why);

 private:
  Step finish(Error e);
  Step succeed(const std::string& body, bool mayRefetch = false);
  Step waitNext();
  Step failStatus(const HttpResponse& r);
  void learnDuration(Clock::time_point runningAt, Clock::time_point doneBy);
  void authorize(HttpRequest& req, const std::string& signPath) const;
  Clock::time_point sentTime(const HttpResponse& r, Clock::time_point otherwise) const;
  void stopAwaiting();
  std::chrono::milliseconds exchangeBudget() const;
  template <class F>
  void forEachSecret(F&& f) const;  // the values an error must not show

  const ClientCore& core_;
  const ActionSpec& spec_;
  const void* action_;
  void* reply_;
  const ActionBase* base_;

  HttpRequest request_;
  std::string jobUuid_;
  std::string pollUrl_, pollPath_;
  std::string sessionId_;
  std::optional<Resume> resume_;
  bool polling_ = false;
  bool webhook_ = false;
  bool aimedAfter_ = false;  // the first poll was aimed just after the expected finish
  bool awaiting_ = false;    // counted in the client's calls waiting for a job
  Clock::time_point start_{}, deadline_{}, wakeAt_{};
  Clock::time_point acceptedAt_{};  // the request that got the 202 went out
  Clock::time_point pendingAt_{};   // the last moment the job was known to be running
  Clock::time_point pollSentAt_{};
  std::chrono::milliseconds interval_{0};
  int polls_ = 0;
  int aimedSteps_ = 0;
  int badResults_ = 0;  // 200 polls whose body could not be decoded
  std::string lastProblem_;
  std::optional<Error> error_;
};

}  // namespace zstack::detail
