#include "core/async_engine.hpp"

#include <pthread.h>

namespace zstack::detail {

bool AsyncEngine::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    ensureThread();
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

bool AsyncEngine::at(Clock::time_point when, Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    ensureThread();
    timers_.emplace(when, std::move(task));
    rescan_ = true;
  }
  cv_.notify_one();
  return true;
}

void AsyncEngine::ensureThread() {
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "zstack-engine");
      run();
    });
  }
}

void AsyncEngine::shutdown(const std::function<void()>& onStop) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !started_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && !onEngineThread()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.clear();
    timers_.clear();
    started_ = false;
  }
  if (onStop) onStop();
}

void AsyncEngine::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!tasks_.empty()) {
      Task t = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      t();
      lock.lock();
      continue;
    }
    if (!timers_.empty() && timers_.begin()->first <= clock_->now()) {
      Task t = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      lock.unlock();
      t();
      lock.lock();
      continue;
    }
    rescan_ = false;
    auto ready = [this] { return stopping_ || !tasks_.empty() || rescan_; };
    if (timers_.empty()) cv_.wait(lock, ready);
    else clock_->waitUntil(cv_, lock, timers_.begin()->first, ready);
  }
}

}  // namespace zstack::detail
