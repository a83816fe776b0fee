#include "core/async_engine.hpp"

#include <pthread.h>

#include <chrono>
#include <utility>
#include <vector>

namespace zstack::detail {
namespace {

// Engine threads that stopped from inside one of their own tasks. Each is joined once it has
// left run() (so a join never waits on user code): when the next one is handed over, and at
// exit, where one still inside a task gets a second to finish before it is let go.
class Orphans {
 public:
  using Entry = std::pair<std::thread, std::shared_ptr<const std::atomic<bool>>>;
  void adopt(std::thread t, std::shared_ptr<const std::atomic<bool>> ended) {
    std::vector<Entry> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second->load()) {
          done.push_back(std::move(*it));
          it = entries_.erase(it);
        } else {
          ++it;
        }
      }
      entries_.emplace_back(std::move(t), std::move(ended));
    }
    for (auto& e : done) e.first.join();
  }
  ~Orphans() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (auto& e : entries_) {
      while (!e.second->load() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (e.second->load()) e.first.join();
      else e.first.detach();
    }
  }

 private:
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

Orphans& orphans() {
  static Orphans o;
  return o;
}

}  // namespace

// post() and at() notify through a local reference to the state: once the lock is released the
// task may run at once, and if it releases the last Client, this engine (and its state_ member)
// is destroyed before the notify (TSan caught it reading the freed member).
bool AsyncEngine::post(Task task) {
  const std::shared_ptr<State> state = state_;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (state->stopping) return false;
    ensureThread();
    state->tasks.push_back(std::move(task));
  }
  state->cv.notify_one();
  return true;
}

bool AsyncEngine::at(Clock::time_point when, Task task) {
  const std::shared_ptr<State> state = state_;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (state->stopping) return false;
    ensureThread();
    state->timers.emplace(when, std::move(task));
    state->rescan = true;
  }
  state->cv.notify_one();
  return true;
}

void AsyncEngine::ensureThread() {
  if (started_) return;
  started_ = true;
  orphans();  // constructed before any engine thread exists, so destroyed after them
  thread_ = std::thread([state = state_] {
    pthread_setname_np(pthread_self(), "zstack-engine");
    run(state);
    state->ended = true;
  });
  state_->threadId = thread_.get_id();
}

void AsyncEngine::shutdown() {
  std::deque<Task> tasks;
  std::multimap<Clock::time_point, Task> timers;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
    tasks.swap(state_->tasks);  // destroyed below, outside the lock: they may hold the last
    timers.swap(state_->timers);  // reference to something whose destructor posts here
  }
  state_->cv.notify_all();
  if (thread_.joinable()) {
    if (!onEngineThread()) thread_.join();
    else orphans().adopt(std::move(thread_), std::shared_ptr<const std::atomic<bool>>(state_, &state_->ended));
  }
}

void AsyncEngine::run(const std::shared_ptr<State>& state) {
  State& s = *state;
  std::unique_lock<std::mutex> lock(s.mutex);
  while (!s.stopping) {
    if (!s.tasks.empty()) {
      Task t = std::move(s.tasks.front());
      s.tasks.pop_front();
      lock.unlock();
      t();
      t = nullptr;  // whatever the task held goes before the lock is taken again
      lock.lock();
      continue;
    }
    if (!s.timers.empty() && s.timers.begin()->first <= s.clock->now()) {
      Task t = std::move(s.timers.begin()->second);
      s.timers.erase(s.timers.begin());
      lock.unlock();
      t();
      t = nullptr;
      lock.lock();
      continue;
    }
    s.rescan = false;
    auto ready = [&s] { return s.stopping || !s.tasks.empty() || s.rescan; };
    if (s.timers.empty()) s.cv.wait(lock, ready);
    else s.clock->waitUntil(s.cv, lock, s.timers.begin()->first, ready);
  }
}

}  // namespace zstack::detail
