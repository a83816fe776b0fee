#include "core/webhook_registry.hpp"
#include "zstack/webhook.hpp"

#include <strings.h>

namespace zstack {
namespace detail {

void WebhookRegistry::expect(const std::string& jobUuid, Handler handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_[jobUuid] = std::move(handler);
}

void WebhookRegistry::forget(const std::string& jobUuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_.erase(jobUuid);
}

bool WebhookRegistry::deliver(const Headers& headers, std::string body) {
  const std::string* job = findHeader(headers, "X-Job-UUID");
  if (!job) return false;
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = waiting_.find(*job);
    if (it == waiting_.end()) return false;
    handler = std::move(it->second);
    waiting_.erase(it);
  }
  const std::string* ok = findHeader(headers, "X-Job-Success");
  Delivery d;
  d.success = ok && strcasecmp(ok->c_str(), "true") == 0;
  d.body = std::move(body);
  handler(std::move(d));
  return true;
}

std::size_t WebhookRegistry::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_.size();
}

}  // namespace detail

bool WebhookDispatcher::deliver(const Headers& headers, std::string body) const {
  return registry_ && registry_->deliver(headers, std::move(body));
}

std::size_t WebhookDispatcher::pending() const { return registry_ ? registry_->pending() : 0; }

}  // namespace zstack
