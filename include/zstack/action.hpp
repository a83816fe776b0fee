#pragma once
/// \file
/// Actions: one struct per ZStack API. Set its fields, then call() it.
///
/// \code
/// zstack::CreateVipAction a;
/// a.name = "vip1";
/// a.l3NetworkUuid = l3;
/// auto r = a.call(client);              // Result<InventoryReply<VipInventory>>
/// if (r) use(r->inventory); else report(r.error());
/// \endcode
///
/// Every action shares one call path (Client::invoke): validation, request building, auth,
/// 202 polling or webhook completion, and decoding are all driven by the action's description.

#include "zstack/cancel.hpp"
#include "zstack/client.hpp"
#include "zstack/function.hpp"
#include "zstack/http.hpp"
#include "zstack/result.hpp"
#include "zstack/schema.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zstack {

/// Parameters every action has, beside its own.
struct ActionBase {
  std::vector<std::string> systemTags;  ///< ZStack system tags sent with the call (`systemTags`).
  std::vector<std::string> userTags;    ///< ZStack user tags sent with the call (`userTags`).
  std::optional<std::string> sessionId;  ///< A session UUID for this call only; overrides the client's credentials.
  /// This call's deadline, from when it starts: it bounds the request, every poll and the waits
  /// between them (default ClientConfig::poll.deadline). Must be positive.
  std::optional<std::chrono::milliseconds> timeout;
  CancelToken cancel;  ///< Cancels the call (see CancelToken); a default token is never cancelled.

  /// \cond
  // Defined once in the library, not in every file that makes, copies or destroys an action.
  ActionBase();
  ActionBase(const ActionBase&);
  ActionBase(ActionBase&&) noexcept;
  ActionBase& operator=(const ActionBase&);
  ActionBase& operator=(ActionBase&&) noexcept;
  ~ActionBase();
  /// \endcond

  static const schema::TypeDesc& describe();  ///< The field table of systemTags and userTags.
};

/// What the server needs to route an action, declared once per action (its spec()).
struct ActionSpec {
  std::string name;     ///< The API name, e.g. "CreateVip".
  HttpMethod method = HttpMethod::Get;  ///< The HTTP method.
  std::string path;     ///< After /v1, e.g. "/vips/{uuid}/actions"; `{x}` are path parameters.
  std::string bodyKey;  ///< "params", "changeVipState"...; may be "" or "null" (sent as written).
  bool sendsBody = false;  ///< POST/PUT with a `{"<bodyKey>": {...}}` body.
  bool needSession = true;  ///< The call needs credentials (a session or an access key).
  bool needPoll = false;    ///< The server answers 202 with a job that the call polls to its end.
  bool isQuery = false;     ///< A QueryAction: takes QueryParams, replies with a QueryReply.
  std::string summary;  ///< One line: what the API does (the documented actions; "" for the others).
  schema::TypeRef params = nullptr;  ///< The description of the action struct.
  schema::TypeRef reply = nullptr;   ///< The description of the reply struct.
  ActionBase* (*base)(void* action) = nullptr;  ///< The ActionBase inside an action struct.
  const ActionBase* (*cbase)(const void* action) = nullptr;  ///< The ActionBase inside a const action struct.

  /// The spec of action struct `A` (what the generated spec() functions call). `sendsBody`:
  /// 1 or 0 as the API says, -1 to derive it (a POST/PUT with a non-empty body key).
  template <class A>
  static ActionSpec make(std::string name, HttpMethod method, std::string path, std::string bodyKey,
                         bool needSession, bool needPoll, std::string summary, int sendsBody = -1) {
    ActionSpec s;
    s.name = std::move(name);
    s.method = method;
    s.path = std::move(path);
    // -1: a POST/PUT with a non-empty body key; the imported API says so itself (key "" too).
    s.sendsBody = sendsBody >= 0 ? sendsBody == 1 : (method == HttpMethod::Post || method == HttpMethod::Put) && !bodyKey.empty();
    s.bodyKey = std::move(bodyKey);
    s.needSession = needSession;
    s.needPoll = needPoll;
    s.isQuery = A::kIsQuery;
    s.summary = std::move(summary);
    s.params = &schema::typeOf<A>;
    s.reply = &schema::typeOf<typename A::ReplyType>;
    s.base = [](void* a) -> ActionBase* { return static_cast<A*>(a); };
    s.cbase = [](const void* a) -> const ActionBase* { return static_cast<const A*>(a); };
    return s;
  }
};

namespace detail {
// An ActionSpec as constant data, made into the ActionSpec at first use (the generated actions
// keep one each; see schema::LazyTable). The action's ActionBase must sit at its start.
struct LazySpec {
  std::atomic<const ActionSpec*> built;
  const char* name;
  HttpMethod method;
  const char* path;
  const char* bodyKey;
  bool sendsBody;
  bool needSession;
  bool needPoll;
  bool isQuery;
  const char* summary;
  schema::TypeRef params;
  schema::TypeRef reply;
};
const ActionSpec& lazySpec(LazySpec& s);
}  // namespace detail

/// The base of every action struct: `Derived` is the action (CRTP), `Reply` what it decodes to.
/// Set the parameters, then call() or callAsync().
template <class Derived, class Reply>
struct Action : ActionBase {
  using ReplyType = Reply;             ///< The reply struct.
  using ResultType = Result<Reply>;    ///< What call() returns.
  static constexpr bool kIsQuery = false;  ///< Not a query (QueryAction says true).

  /// Synchronous, on the default client (Client::defaultClient()).
  Result<Reply> call() const { return call(Client::defaultClient()); }
  /// Synchronous: runs on the caller's thread (validates, sends, polls a 202 job until it is done
  /// or the deadline passes, decodes); the reply or the Error.
  Result<Reply> call(const Client& client) const {
    Reply reply{};
    if (auto err = client.invoke(Derived::spec(), self(), &reply)) return std::move(*err);
    return reply;
  }

  /// Asynchronous: the action is copied, and `done` runs on an SDK thread when the call ends
  /// (keep it short); no thread is made per call.
  void callAsync(const Client& client, std::function<void(Result<Reply>)> done) const {
    auto state = std::make_shared<std::pair<Derived, Reply>>(*self(), Reply{});
    const Derived* action = &state->first;
    Reply* reply = &state->second;
    client.invokeAsync(Derived::spec(), action, reply,
                       [state, done = std::move(done)](std::optional<Error> err) mutable {
                         if (err) done(std::move(*err));
                         else done(std::move(state->second));
                       });
  }
  /// Asynchronous, on the default client.
  void callAsync(std::function<void(Result<Reply>)> done) const { callAsync(Client::defaultClient(), std::move(done)); }

  /// Asynchronous, as a future that gets the result.
  std::future<Result<Reply>> callAsync(const Client& client) const {
    auto promise = std::make_shared<std::promise<Result<Reply>>>();
    auto future = promise->get_future();
    callAsync(client, [promise](Result<Reply> r) { promise->set_value(std::move(r)); });
    return future;
  }
  /// Asynchronous as a future, on the default client.
  std::future<Result<Reply>> callAsync() const { return callAsync(Client::defaultClient()); }

 private:
  const Derived* self() const { return static_cast<const Derived*>(this); }
};

}  // namespace zstack
