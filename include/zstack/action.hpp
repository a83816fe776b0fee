#pragma once
// Actions: one struct per ZStack API. Set its fields, then call() it.
//
//   zstack::CreateVipAction a;
//   a.name = "vip1";
//   a.l3NetworkUuid = l3;
//   auto r = a.call(client);              // Result<InventoryReply<VipInventory>>
//   if (r) use(r->inventory); else report(r.error());
//
// Every action shares one call path (Client::invoke): validation, request building, auth,
// 202 polling or webhook completion, and decoding are all driven by the action's description.

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

// Parameters every action has.
struct ActionBase {
  std::vector<std::string> systemTags;
  std::vector<std::string> userTags;
  std::optional<std::string> sessionId;              // overrides the client's credentials
  // This call's deadline, from when it starts: it bounds the request, every poll and the waits
  // between them (default ClientConfig::poll.deadline). Must be positive.
  std::optional<std::chrono::milliseconds> timeout;
  CancelToken cancel;

  // Defined once in the library, not in every file that makes, copies or destroys an action.
  ActionBase();
  ActionBase(const ActionBase&);
  ActionBase(ActionBase&&) noexcept;
  ActionBase& operator=(const ActionBase&);
  ActionBase& operator=(ActionBase&&) noexcept;
  ~ActionBase();

  static const schema::TypeDesc& describe();  // systemTags, userTags
};

// What the server needs to route an action, declared once per action.
struct ActionSpec {
  std::string name;     // "CreateVip"
  HttpMethod method = HttpMethod::Get;
  std::string path;     // after /v1, e.g. "/vips/{uuid}/actions"
  std::string bodyKey;  // "params", "changeVipState"...; may be "" or "null" (sent as written)
  bool sendsBody = false;  // POST/PUT with a {"<bodyKey>": {...}} body
  bool needSession = true;
  bool needPoll = false;
  bool isQuery = false;
  std::string summary;  // one line: what the API does
  schema::TypeRef params = nullptr;  // the action struct
  schema::TypeRef reply = nullptr;   // the reply struct
  ActionBase* (*base)(void* action) = nullptr;
  const ActionBase* (*cbase)(const void* action) = nullptr;

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

template <class Derived, class Reply>
struct Action : ActionBase {
  using ReplyType = Reply;
  using ResultType = Result<Reply>;
  static constexpr bool kIsQuery = false;

  // Synchronous: runs on the caller's thread, polling until the job is done or the deadline.
  Result<Reply> call() const { return call(Client::defaultClient()); }
  Result<Reply> call(const Client& client) const {
    Reply reply{};
    if (auto err = client.invoke(Derived::spec(), self(), &reply)) return std::move(*err);
    return reply;
  }

  // Asynchronous: `done` runs on an SDK thread (keep it short); no thread is made per call.
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
  void callAsync(std::function<void(Result<Reply>)> done) const { callAsync(Client::defaultClient(), std::move(done)); }

  std::future<Result<Reply>> callAsync(const Client& client) const {
    auto promise = std::make_shared<std::promise<Result<Reply>>>();
    auto future = promise->get_future();
    callAsync(client, [promise](Result<Reply> r) { promise->set_value(std::move(r)); });
    return future;
  }
  std::future<Result<Reply>> callAsync() const { return callAsync(Client::defaultClient()); }

 private:
  const Derived* self() const { return static_cast<const Derived*>(this); }
};

}  // namespace zstack
