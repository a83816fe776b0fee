#pragma once
// The async engine: one thread running posted tasks and timers for every async call of a
// client. Timers wait through the Clock, so a fake clock drives them in tests.
//
// The engine may be destroyed from one of its own tasks (a callback that drops the last Client):
// the thread then ends by itself after that task, keeping the state it runs on alive until then,
// and is joined later (by the next such hand-over, or at exit) rather than left detached: a
// detached thread's stack and per-thread library state outlive it unaccounted.

#include "zstack/clock.hpp"

#include <atomic>
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
  explicit AsyncEngine(std::shared_ptr<Clock> clock) : state_(std::make_shared<State>(std::move(clock))) {}
  ~AsyncEngine() { shutdown(); }
  AsyncEngine(const AsyncEngine&) = delete;
  AsyncEngine& operator=(const AsyncEngine&) = delete;

  // False once shut down (the task is dropped).
  bool post(Task task);
  bool at(Clock::time_point when, Task task);
  // Stops the thread (joins it, or detaches it when called from a task) and drops what is
  // queued; idempotent.
  void shutdown();
  bool onEngineThread() const { return std::this_thread::get_id() == state_->threadId; }

 private:
  struct State {
    explicit State(std::shared_ptr<Clock> c) : clock(std::move(c)) {}
    std::shared_ptr<Clock> clock;
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<Task> tasks;
    std::multimap<Clock::time_point, Task> timers;
    std::thread::id threadId;
    bool stopping = false;
    bool rescan = false;             // a timer was added: recompute the next wake-up
    std::atomic<bool> ended{false};  // run() has returned: nothing of ours runs on the thread
  };
  void ensureThread();  // with state_->mutex held
  static void run(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
  std::thread thread_;
  bool started_ = false;  // guarded by state_->mutex
};

}  // namespace zstack::detail
