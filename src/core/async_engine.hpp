#pragma once
// The async engine: one thread running posted tasks and timers for every async call of a
// client. Timers wait through the Clock, so a fake clock drives them in tests.

#include "zstack/clock.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace zstack::detail {

class AsyncEngine {
 public:
  using Task = std::function<void()>;
  explicit AsyncEngine(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {}
  ~AsyncEngine() { shutdown(); }

  // False once shut down (the task is dropped).
  bool post(Task task);
  bool at(Clock::time_point when, Task task);
  // Runs `onStop` on the calling thread after the engine thread has stopped; idempotent.
  void shutdown(const std::function<void()>& onStop = {});
  bool onEngineThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void ensureThread();  // with mutex_ held
  void run();

  std::shared_ptr<Clock> clock_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  std::multimap<Clock::time_point, Task> timers_;
  std::thread thread_;
  bool stopping_ = false;
  bool started_ = false;
  bool rescan_ = false;  // a timer was added: recompute the next wake-up
};

}  // namespace zstack::detail
