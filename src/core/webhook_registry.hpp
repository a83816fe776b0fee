#pragma once

#include "zstack/http.hpp"

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace zstack::detail {

// Calls waiting for a webhook callback, by job UUID.
class WebhookRegistry {
 public:
  struct Delivery {
    bool success = false;
    std::string body;
  };
  using Handler = std::function<void(Delivery)>;

  void expect(const std::string& jobUuid, Handler handler);
  void forget(const std::string& jobUuid);
  bool deliver(const Headers& headers, std::string body);
  std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Handler> waiting_;
};

}  // namespace zstack::detail
