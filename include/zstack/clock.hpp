#pragma once
/// \file
/// Every wait in the SDK goes through a Clock, so tests can replace time (see FakeClock in the
/// tests) and a 3-hour poll deadline runs in microseconds.

#include "zstack/function.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace zstack {

/// Time as the SDK sees it: every wait goes through one (ClientConfig::clock), so tests can
/// replace it. Implementations must be thread-safe.
class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;  ///< A monotonic instant.
  virtual ~Clock() = default;  ///< Destroys the clock.

  /// The monotonic time (deadlines, poll intervals).
  virtual time_point now() const = 0;
  /// The wall clock, for access-key Date headers.
  virtual std::chrono::system_clock::time_point wallNow() const = 0;
  /// Blocks the calling thread until `t`.
  virtual void sleepUntil(time_point t) = 0;
  /// Waits on cv (with `lock` held) until ready() or t; returns ready().
  virtual bool waitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, time_point t,
                         const std::function<bool()>& ready) = 0;

  /// The real clock (steady_clock and system_clock), shared.
  static std::shared_ptr<Clock> system();
};

}  // namespace zstack
