#include "zstack/clock.hpp"

#include <thread>

namespace zstack {
namespace {
class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wallNow() const override { return std::chrono::system_clock::now(); }
  void sleepUntil(time_point t) override { std::this_thread::sleep_until(t); }
  bool waitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, time_point t,
                 const std::function<bool()>& ready) override {
    return cv.wait_until(lock, t, ready);
  }
};
}  // namespace

std::shared_ptr<Clock> Clock::system() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace zstack
