#include "zstack/client.hpp"

#include "core/call_flow.hpp"
#include "core/client_core.hpp"
#include "transport/curl_transport.hpp"

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
}  // namespace

struct ClientCore::AsyncCall {
  AsyncCall(const ClientCore& core, const ActionSpec& spec, const void* action, void* reply,
            std::function<void(std::optional<Error>)> d)
      : flow(core, spec, action, reply), done(std::move(d)) {}
  CallFlow flow;
  std::function<void(std::optional<Error>)> done;
  std::uint64_t waitGeneration = 0;  // a timer only counts if no newer wait replaced it
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
    call->flow.cancel();
    webhooks->forget(call->flow.jobUuid());
    if (call->done) call->done(std::move(call->flow.error()));
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

std::optional<Error> ClientCore::invoke(const ActionSpec& spec, const void* action, void* reply) {
  CallFlow flow(*this, spec, action, reply);
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
  return std::move(flow.error());
}

void ClientCore::invokeAsync(const ActionSpec& spec, const void* action, void* reply,
                             std::function<void(std::optional<Error>)> done) {
  auto call = std::make_shared<AsyncCall>(*this, spec, action, reply, std::move(done));
  {
    std::lock_guard<std::mutex> lock(liveMutex_);
    live_.insert(call);
  }
  std::weak_ptr<ClientCore> weak = weak_from_this();
  const bool posted = engine_.post([this, call, weak] {
    const auto step = call->flow.start();
    if (step == CallFlow::Step::Send && call->flow.usesWebhook()) {
      webhooks->expect(call->flow.jobUuid(), [weak, call](WebhookRegistry::Delivery d) {
        if (auto core = weak.lock()) {
          core->engine_.post([core = core.get(), call, d = std::move(d)]() mutable {
            if (call->finished) return;
            core->drive(call, static_cast<int>(call->flow.onWebhook(std::move(d))));
          });
        }
      });
    }
    drive(call, static_cast<int>(step));
  });
  if (!posted) {
    call->flow.cancel();
    finish(call);
  }
}

void ClientCore::drive(const std::shared_ptr<AsyncCall>& call, int stepValue) {
  if (call->finished) return;
  switch (static_cast<CallFlow::Step>(stepValue)) {
    case CallFlow::Step::Done:
      finish(call);
      return;
    case CallFlow::Step::Send: {
      std::weak_ptr<ClientCore> weak = weak_from_this();
      transport->sendAsync(call->flow.request(), [weak, call](TransportResult r) {
        auto core = weak.lock();
        if (!core) return;
        core->engine_.post([core = core.get(), call, r = std::move(r)]() mutable {
          if (call->finished) return;
          core->drive(call, static_cast<int>(call->flow.onResponse(std::move(r))));
        });
      });
      return;
    }
    case CallFlow::Step::Wait: {
      const auto generation = ++call->waitGeneration;
      engine_.at(call->flow.wakeAt(), [this, call, generation] {
        if (call->finished || generation != call->waitGeneration) return;
        drive(call, static_cast<int>(call->flow.onWake()));
      });
      return;
    }
  }
}

void ClientCore::finish(const std::shared_ptr<AsyncCall>& call) {
  if (call->finished) return;
  call->finished = true;
  if (call->flow.usesWebhook()) webhooks->forget(call->flow.jobUuid());
  {
    std::lock_guard<std::mutex> lock(liveMutex_);
    live_.erase(call);
  }
  auto done = std::move(call->done);
  if (done) done(std::move(call->flow.error()));
}

}  // namespace detail

// ---- Client ---------------------------------------------------------------------------------

Client::Client(ClientConfig config) : core_(std::make_shared<detail::ClientCore>(std::move(config))) {}

const ClientConfig& Client::config() const { return core_->config; }

void Client::setSession(std::string sessionUuid) const {
  auto c = *core_->credentials();
  c.session = std::move(sessionUuid);
  core_->setCredentials(std::move(c));
}

void Client::setAccessKey(AccessKey key) const {
  auto c = *core_->credentials();
  c.accessKey = std::move(key);
  core_->setCredentials(std::move(c));
}

void Client::clearCredentials() const { core_->setCredentials({}); }
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
