#include "zstack/client.hpp"

#include "core/call_flow.hpp"
#include "core/client_core.hpp"
#include "transport/curl_transport.hpp"
#include "util/crypto.hpp"
#include "zstack/actions/session.hpp"
#include "zstack/log.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_set>

namespace zstack {
namespace detail {

namespace {
std::shared_ptr<Transport> defaultTransport(const ClientConfig& c) {
  transport::CurlOptions o;
  o.connectTimeout = c.connectTimeout;
  o.requestTimeout = c.requestTimeout;
  o.tls = c.tls;
  o.proxy = c.proxy;
  o.userAgent = c.userAgent;
  o.maxReplyBytes = c.maxReplySize;
  return transport::makeCurlTransport(o);
}

// The LogInByAccount a renewal sends: the password field holds the SHA-512 hex already (the
// client keeps nothing else), so this description of the action sends it as it is. It stays a
// secret: redacted from errors and logs like the plaintext.
const schema::TypeDesc& prehashedLoginParams() {
  static const schema::TypeDesc d = [] {
    schema::TypeDesc t = LogInByAccountAction::describe();
    for (auto& f : t.fields)
      if (f.flags & schema::kSha512) f.flags = static_cast<std::uint8_t>((f.flags & ~schema::kSha512) | schema::kSecret);
    return t;
  }();
  return d;
}

const ActionSpec& renewalLoginSpec() {
  static const ActionSpec s = [] {
    ActionSpec spec = LogInByAccountAction::spec();
    spec.params = &prehashedLoginParams;
    return spec;
  }();
  return s;
}

}  // namespace

// The account a renewal logs in as; the hash is wiped when the login is forgotten.
struct ClientCore::Login {
  std::string account;
  std::string passwordSha512;
  std::string origin;  // the session logIn() opened (a secret)
  ~Login() {
    crypto::wipe(passwordSha512);
    crypto::wipe(origin);
  }
};

// One re-login in progress: the calls that failed with the session `from` wait for it.
struct ClientCore::Flight {
  std::string from;
  bool done = false;  // guarded by renewMutex_, as the rest
  std::optional<Error> error;
  std::vector<Renewed> waiters;  // async calls
  ~Flight() { crypto::wipe(from); }
};

namespace {

// A LogInByAccount call with its reply, alive until the re-login ends.
struct LoginCall {
  LogInByAccountAction action;
  LogInByAccountAction::ReplyType reply;
  ~LoginCall() {
    crypto::wipe(action.password);
    if (reply.inventory) crypto::wipe(reply.inventory->uuid);
  }
};

std::optional<Error> renewalProblem(std::string message) {
  Error e;
  e.kind = ErrorKind::SessionRenewal;
  e.message = std::move(message);
  return e;
}

// The login's own outcome: an error, or the new session uuid in `session`.
std::optional<Error> loginOutcome(std::optional<Error> err, LoginCall& call, std::string& session) {
  if (err) return err;
  if (!call.reply.inventory || call.reply.inventory->uuid.empty()) {
    Error e;
    e.kind = ErrorKind::Decode;
    e.action = "LogInByAccount";
    e.httpStatus = 200;
    e.message = "the login reply carries no session uuid";
    return e;
  }
  session = std::move(call.reply.inventory->uuid);
  return std::nullopt;
}

std::shared_ptr<LoginCall> loginCallFor(const std::string& account, const std::string& passwordSha512, Clock::time_point deadline,
                                        Clock::time_point now) {
  auto call = std::make_shared<LoginCall>();
  call->action.accountName = account;
  call->action.password = passwordSha512;
  call->action.timeout = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(1),
                                                            std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
  return call;
}

}  // namespace

struct ClientCore::AsyncCall {
  AsyncCall(const ClientCore& core, const ActionSpec& s, const void* a, void* r, std::function<void(std::optional<Error>)> d)
      : spec(s), action(a), reply(r), flow(std::make_unique<CallFlow>(core, s, a, r)), done(std::move(d)) {}
  const ActionSpec& spec;
  const void* action;
  void* reply;
  std::unique_ptr<CallFlow> flow;  // replaced once, when the call is sent again after a renewal
  std::function<void(std::optional<Error>)> done;
  std::uint64_t waitGeneration = 0;  // a timer only counts if no newer wait replaced it
  std::uint64_t attempt = 0;         // a webhook delivery only counts for the attempt it was expected by
  std::uint64_t renewTicket = 0;     // the renewal wait's end (result or deadline) counts once
  bool finished = false;             // touched on the engine thread only
};

ClientCore::ClientCore(ClientConfig c)
    : config(std::move(c)),
      baseUrl(config.endpoint.baseUrl()),
      clock(config.clock ? config.clock : Clock::system()),
      transport(config.transport ? config.transport : defaultTransport(config)),
      creds_(std::make_shared<const Credentials>(Credentials{config.sessionId, config.accessKey})),
      engine_(clock) {}

ClientCore::~ClientCore() {
  // Stop the engine first; calls still pending end as Cancelled. Transport callbacks that arrive
  // later find no ClientCore (their weak_ptr is expired) and are dropped.
  std::vector<std::shared_ptr<AsyncCall>> orphans;
  engine_.shutdown();
  std::lock_guard<std::mutex> lock(liveMutex_);
  for (const auto& call : live_) {
    if (call->finished) continue;
    call->finished = true;
    call->flow->cancel();
    webhooks->forget(call->flow->jobUuid());
    if (call->done) call->done(std::move(call->flow->error()));
  }
  live_.clear();
}

std::shared_ptr<const Credentials> ClientCore::credentials() const {
  std::lock_guard<std::mutex> lock(credMutex_);
  return creds_;
}

void ClientCore::setCredentials(Credentials c) {
  auto next = std::make_shared<const Credentials>(std::move(c));
  std::lock_guard<std::mutex> lock(credMutex_);
  creds_ = std::move(next);
}

std::chrono::microseconds ClientCore::jobEstimate(const ActionSpec& spec) const {
  std::lock_guard<std::mutex> lock(estimateMutex_);
  auto it = estimates_.find(&spec);
  return it == estimates_.end() ? std::chrono::microseconds(0) : it->second;
}

void ClientCore::recordJobDuration(const ActionSpec& spec, std::chrono::microseconds observed) const {
  std::lock_guard<std::mutex> lock(estimateMutex_);
  auto [it, fresh] = estimates_.emplace(&spec, observed);
  if (!fresh) it->second = (it->second + observed) / 2;  // moving average: recent jobs count most
}

// ---- session renewal ------------------------------------------------------------------------

void ClientCore::rememberLogin(std::string account, std::string passwordSha512, std::string origin) {
  auto login = std::make_shared<Login>();
  login->account = std::move(account);
  login->passwordSha512 = std::move(passwordSha512);
  login->origin = std::move(origin);
  std::shared_ptr<Login> old;  // wiped after the lock is released
  std::lock_guard<std::mutex> lock(renewMutex_);
  old = std::move(login_);
  login_ = std::move(login);
}

void ClientCore::forgetLogin() {
  std::shared_ptr<Login> old;
  std::lock_guard<std::mutex> lock(renewMutex_);
  old = std::move(login_);
}

std::string ClientCore::endLogin(const std::string& origin) {
  std::shared_ptr<Login> old;
  std::lock_guard<std::mutex> lock(renewMutex_);
  if (!login_ || login_->origin != origin) return {};
  old = std::move(login_);
  std::string current = credentials()->session;
  return current != origin ? current : std::string();
}

ClientCore::Admit ClientCore::admit(const std::string& failed, std::shared_ptr<Flight>& flight, std::shared_ptr<Login>& login) {
  if (!login_) return Admit::KeepError;  // no login kept (renewSession off, logged out, setSession)
  const std::string current = credentials()->session;
  if (current.empty()) return Admit::KeepError;
  if (current != failed) return Admit::Retry;  // renewed already, by another call: send with that one
  if (flight_ && flight_->from == failed) {
    flight = flight_;
    return Admit::Join;
  }
  flight = flight_ = std::make_shared<Flight>();
  flight->from = failed;
  login = login_;
  return Admit::Start;
}

ClientCore::RenewOutcome ClientCore::completeFlight(const std::shared_ptr<Flight>& flight, const std::shared_ptr<Login>& login,
                                                    std::optional<Error> err, std::string session) {
  std::vector<Renewed> waiters;
  {
    std::lock_guard<std::mutex> lock(renewMutex_);
    if (!err && login_ != login)
      err = renewalProblem("the client's login was given up (logOut, Session::close, setSession or clearCredentials) "
                           "while the session was being renewed");
    if (!err) {
      auto c = *credentials();
      if (c.session == flight->from) {  // else the client holds another session already: calls use that
        c.session = std::move(session);
        setCredentials(std::move(c));
        renewals_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    flight->done = true;
    flight->error = err;
    waiters.swap(flight->waiters);
    if (flight_ == flight) flight_.reset();
  }
  crypto::wipe(session);
  renewCv_.notify_all();
  if (log::enabled(log::Level::Info))
    log::write(log::Level::Info, err ? "renewing the session failed: " + err->describe() : std::string("the session was renewed"));
  RenewOutcome out;
  out.what = err ? RenewOutcome::Failed : RenewOutcome::Retry;
  out.why = std::move(err);
  for (auto& w : waiters) w(out);
  return out;
}

ClientCore::RenewOutcome ClientCore::renewSync(const std::string& failed, Clock::time_point deadline) {
  auto failure = [](std::string message) {
    RenewOutcome o;
    o.what = RenewOutcome::Failed;
    o.why = renewalProblem(std::move(message));
    return o;
  };
  if (clock->now() >= deadline) return failure("the call's timeout ran out before the session could be renewed");
  std::shared_ptr<Flight> flight;
  std::shared_ptr<Login> login;
  {
    std::unique_lock<std::mutex> lock(renewMutex_);
    const Admit a = admit(failed, flight, login);
    if (a == Admit::KeepError) return {};
    if (a == Admit::Retry) return RenewOutcome{RenewOutcome::Retry, std::nullopt};
    if (a == Admit::Join) {
      if (engine_.onEngineThread()) {
        // A sync call made from an async callback: the re-login under way may need this very
        // thread to finish, so it is not waited for; this call logs in by itself.
        flight = std::make_shared<Flight>();
        flight->from = failed;
        login = login_;
      } else {
        if (!clock->waitUntil(renewCv_, lock, deadline, [&] { return flight->done; }))
          return failure("the re-login (started by another call) did not finish within the call's timeout");
        if (flight->error) return RenewOutcome{RenewOutcome::Failed, flight->error};
        return RenewOutcome{RenewOutcome::Retry, std::nullopt};
      }
    }
  }
  if (log::enabled(log::Level::Info)) log::write(log::Level::Info, "the session expired (ID.1001); logging in again (ClientConfig::renewSession)");
  auto call = loginCallFor(login->account, login->passwordSha512, deadline, clock->now());
  auto err = invoke(renewalLoginSpec(), &call->action, &call->reply);
  std::string session;
  err = loginOutcome(std::move(err), *call, session);
  return completeFlight(flight, login, std::move(err), std::move(session));
}

void ClientCore::renewAsync(const std::shared_ptr<AsyncCall>& call) {
  // Whatever the old attempt still has under way (a fallback poll, a webhook) no longer counts.
  ++call->attempt;
  ++call->waitGeneration;
  const std::uint64_t ticket = ++call->renewTicket;
  const auto deadline = call->flow->deadline();
  RenewOutcome now;
  if (clock->now() >= deadline) {
    now.what = RenewOutcome::Failed;
    now.why = renewalProblem("the call's timeout ran out before the session could be renewed");
    return resumeAsync(call, ticket, std::move(now));
  }
  std::shared_ptr<Flight> flight;
  std::shared_ptr<Login> login;
  Admit a;
  {
    std::lock_guard<std::mutex> lock(renewMutex_);
    a = admit(call->flow->sentSession(), flight, login);
    if (a == Admit::Join || a == Admit::Start) {
      // Runs inside completeFlight, on a live client: the call resumes on the engine thread.
      flight->waiters.push_back([this, call, ticket](RenewOutcome o) {
        engine_.post([this, call, ticket, o = std::move(o)]() mutable { resumeAsync(call, ticket, std::move(o)); });
      });
    }
  }
  if (a == Admit::KeepError || a == Admit::Retry) {
    now.what = a == Admit::Retry ? RenewOutcome::Retry : RenewOutcome::KeepError;
    return resumeAsync(call, ticket, std::move(now));
  }
  if (a == Admit::Start) {
    if (log::enabled(log::Level::Info))
      log::write(log::Level::Info, "the session expired (ID.1001); logging in again (ClientConfig::renewSession)");
    auto lc = loginCallFor(login->account, login->passwordSha512, deadline, clock->now());
    std::weak_ptr<ClientCore> weak = weak_from_this();
    invokeAsync(renewalLoginSpec(), &lc->action, &lc->reply, [weak, lc, flight, login](std::optional<Error> err) {
      auto core = weak.lock();
      if (!core) return;  // the client is going away: its calls end as Cancelled
      std::string session;
      err = loginOutcome(std::move(err), *lc, session);
      core->completeFlight(flight, login, std::move(err), std::move(session));
    });
  }
  // The call stops waiting at its own deadline, whatever the re-login does.
  std::weak_ptr<AsyncCall> weakCall = call;
  engine_.at(deadline, [this, weakCall, ticket] {
    auto c = weakCall.lock();
    if (!c) return;
    RenewOutcome late;
    late.what = RenewOutcome::Failed;
    late.why = renewalProblem("the re-login did not finish within the call's timeout");
    resumeAsync(c, ticket, std::move(late));
  });
}

void ClientCore::resumeAsync(const std::shared_ptr<AsyncCall>& call, std::uint64_t ticket, RenewOutcome outcome) {
  if (call->finished || ticket != call->renewTicket) return;
  ++call->renewTicket;  // the other of (result, deadline) does nothing
  switch (outcome.what) {
    case RenewOutcome::KeepError:
      finish(call);
      return;
    case RenewOutcome::Failed:
      call->flow->failRenewal(*outcome.why);
      finish(call);
      return;
    case RenewOutcome::Retry: {
      if (call->flow->usesWebhook()) webhooks->forget(call->flow->jobUuid());
      const auto resume = call->flow->resumeAt();
      call->flow = std::make_unique<CallFlow>(*this, call->spec, call->action, call->reply, resume);
      launch(call);
      return;
    }
  }
}

// ---- sync and async drivers -----------------------------------------------------------------

void ClientCore::runSync(CallFlow& flow) {
  auto step = flow.start();

  struct Hook {
    std::mutex m;
    std::condition_variable cv;
    std::optional<WebhookRegistry::Delivery> delivery;
  };
  std::shared_ptr<Hook> hook;
  if (step == CallFlow::Step::Send && flow.usesWebhook()) {
    hook = std::make_shared<Hook>();
    webhooks->expect(flow.jobUuid(), [hook](WebhookRegistry::Delivery d) {
      {
        std::lock_guard<std::mutex> lock(hook->m);
        hook->delivery = std::move(d);
      }
      hook->cv.notify_all();
    });
  }

  while (step != CallFlow::Step::Done) {
    if (step == CallFlow::Step::Send) {
      step = flow.onResponse(transport->send(flow.request()));
      continue;
    }
    if (hook) {
      std::unique_lock<std::mutex> lock(hook->m);
      if (clock->waitUntil(hook->cv, lock, flow.wakeAt(), [&] { return hook->delivery.has_value(); })) {
        auto d = std::move(*hook->delivery);
        hook->delivery.reset();
        lock.unlock();
        step = flow.onWebhook(std::move(d));
        continue;
      }
    } else {
      clock->sleepUntil(flow.wakeAt());
    }
    step = flow.onWake();
  }
  if (hook) webhooks->forget(flow.jobUuid());
}

std::optional<Error> ClientCore::invoke(const ActionSpec& spec, const void* action, void* reply) {
  CallFlow flow(*this, spec, action, reply);
  runSync(flow);
  if (!flow.renewable()) return std::move(flow.error());
  auto outcome = renewSync(flow.sentSession(), flow.deadline());
  if (outcome.what == RenewOutcome::KeepError) return std::move(flow.error());
  if (outcome.what == RenewOutcome::Failed) {
    flow.failRenewal(*outcome.why);
    return std::move(flow.error());
  }
  CallFlow again(*this, spec, action, reply, flow.resumeAt());
  runSync(again);
  return std::move(again.error());
}

void ClientCore::invokeAsync(const ActionSpec& spec, const void* action, void* reply,
                             std::function<void(std::optional<Error>)> done) {
  auto call = std::make_shared<AsyncCall>(*this, spec, action, reply, std::move(done));
  {
    std::lock_guard<std::mutex> lock(liveMutex_);
    live_.insert(call);
  }
  const bool posted = engine_.post([this, call] { launch(call); });
  if (!posted) {
    call->flow->cancel();
    finish(call);
  }
}

void ClientCore::launch(const std::shared_ptr<AsyncCall>& call) {
  const auto step = call->flow->start();
  if (step == CallFlow::Step::Send && call->flow->usesWebhook()) {
    std::weak_ptr<ClientCore> weak = weak_from_this();
    const auto attempt = call->attempt;
    webhooks->expect(call->flow->jobUuid(), [weak, call, attempt](WebhookRegistry::Delivery d) {
      if (auto core = weak.lock()) {
        core->engine_.post([core = core.get(), call, attempt, d = std::move(d)]() mutable {
          if (call->finished || call->attempt != attempt) return;
          core->drive(call, static_cast<int>(call->flow->onWebhook(std::move(d))));
        });
      }
    });
  }
  drive(call, static_cast<int>(step));
}

void ClientCore::drive(const std::shared_ptr<AsyncCall>& call, int stepValue) {
  if (call->finished) return;
  switch (static_cast<CallFlow::Step>(stepValue)) {
    case CallFlow::Step::Done:
      if (call->flow->renewable()) {
        renewAsync(call);
        return;
      }
      finish(call);
      return;
    case CallFlow::Step::Send: {
      std::weak_ptr<ClientCore> weak = weak_from_this();
      const auto attempt = call->attempt;
      transport->sendAsync(call->flow->request(), [weak, call, attempt](TransportResult r) {
        auto core = weak.lock();
        if (!core) return;
        core->engine_.post([core = core.get(), call, attempt, r = std::move(r)]() mutable {
          if (call->finished || call->attempt != attempt) return;
          core->drive(call, static_cast<int>(call->flow->onResponse(std::move(r))));
        });
      });
      return;
    }
    case CallFlow::Step::Wait: {
      const auto generation = ++call->waitGeneration;
      engine_.at(call->flow->wakeAt(), [this, call, generation] {
        if (call->finished || generation != call->waitGeneration) return;
        drive(call, static_cast<int>(call->flow->onWake()));
      });
      return;
    }
  }
}

void ClientCore::finish(const std::shared_ptr<AsyncCall>& call) {
  if (call->finished) return;
  call->finished = true;
  if (call->flow->usesWebhook()) webhooks->forget(call->flow->jobUuid());
  {
    std::lock_guard<std::mutex> lock(liveMutex_);
    live_.erase(call);
  }
  auto done = std::move(call->done);
  if (done) done(std::move(call->flow->error()));
}

}  // namespace detail

// ---- Client ---------------------------------------------------------------------------------

Client::Client(ClientConfig config) : core_(std::make_shared<detail::ClientCore>(std::move(config))) {}

const ClientConfig& Client::config() const { return core_->config; }

void Client::setSession(std::string sessionUuid) const {
  core_->forgetLogin();  // a session given here is not the kept login's: it is not renewed
  auto c = *core_->credentials();
  c.session = std::move(sessionUuid);
  core_->setCredentials(std::move(c));
}

void Client::setAccessKey(AccessKey key) const {
  auto c = *core_->credentials();
  c.accessKey = std::move(key);
  core_->setCredentials(std::move(c));
}

void Client::clearCredentials() const {
  core_->forgetLogin();
  core_->setCredentials({});
}
bool Client::hasSession() const { return !core_->credentials()->session.empty(); }
std::string Client::session() const { return core_->credentials()->session; }
WebhookDispatcher Client::webhooks() const { return WebhookDispatcher(core_->webhooks); }

std::optional<Error> Client::invoke(const ActionSpec& spec, const void* action, void* reply) const {
  return core_->invoke(spec, action, reply);
}

void Client::invokeAsync(const ActionSpec& spec, const void* action, void* reply,
                         std::function<void(std::optional<Error>)> done) const {
  core_->invokeAsync(spec, action, reply, std::move(done));
}

namespace {
std::mutex g_defaultMutex;
std::optional<Client>& defaultSlot() {
  static std::optional<Client> slot;
  return slot;
}
}  // namespace

Client Client::defaultClient() {
  std::lock_guard<std::mutex> lock(g_defaultMutex);
  auto& slot = defaultSlot();
  if (!slot) slot.emplace(ClientConfig{});
  return *slot;
}

void Client::setDefault(Client client) {
  std::lock_guard<std::mutex> lock(g_defaultMutex);
  defaultSlot() = std::move(client);
}

}  // namespace zstack
