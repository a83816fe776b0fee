#pragma once
/// \file
/// CancelToken: cancelling calls.

#include <atomic>
#include <memory>

namespace zstack {

/// Shared cancellation flag: copies observe the same flag. A cancelled call ends with
/// ErrorKind::Cancelled at its next step (before sending, or between polls).
class CancelToken {
 public:
  /// Sets the flag (for every copy); it is never cleared. Thread-safe.
  void cancel() const { flag_->store(true, std::memory_order_release); }
  /// Whether cancel() was called on this token or a copy.
  bool cancelled() const { return flag_->load(std::memory_order_acquire); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace zstack
