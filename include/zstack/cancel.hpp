#pragma once

#include <atomic>
#include <memory>

namespace zstack {

// Shared cancellation flag: copies observe the same flag. A cancelled call ends with
// ErrorKind::Cancelled at its next step (before sending, or between polls).
class CancelToken {
 public:
  void cancel() const { flag_->store(true, std::memory_order_release); }
  bool cancelled() const { return flag_->load(std::memory_order_acquire); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace zstack
