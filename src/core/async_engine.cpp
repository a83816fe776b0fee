#include "core/async_engine.hpp"

#include <pthread.h>

namespace zstack::detail {

bool AsyncEngine::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->stopping) return false;
    ensureThread();
    state_->tasks.push_back(std::move(task));
  }
  state_->cv.notify_one();
  return true;
}

bool AsyncEngine::at(Clock::time_point when, Task task) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->stopping) return false;
    ensureThread();
    state_->timers.emplace(when, std::move(task));
    state_->rescan = true;
  }
  state_->cv.notify_one();
  return true;
}

void AsyncEngine::ensureThread() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([state = state_] {
    pthread_setname_np(pthread_self(), "zstack-engine");
    run(state);
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
    if (onEngineThread()) thread_.detach();  // run() returns after the current task
    else thread_.join();
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
