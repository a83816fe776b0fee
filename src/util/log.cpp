#include "zstack/log.hpp"

#include <atomic>
#include <memory>
#include <mutex>

namespace zstack::log {
namespace {
std::mutex g_mutex;
std::shared_ptr<const Sink> g_sink;
std::atomic<int> g_level{static_cast<int>(Level::Info)};
std::atomic<bool> g_hasSink{false};
}  // namespace

void setSink(Sink sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = sink ? std::make_shared<const Sink>(std::move(sink)) : nullptr;
  g_hasSink = static_cast<bool>(g_sink);
}

void setLevel(Level l) { g_level = static_cast<int>(l); }
Level level() { return static_cast<Level>(g_level.load()); }
bool enabled(Level l) { return g_hasSink.load(std::memory_order_relaxed) && static_cast<int>(l) >= g_level.load(std::memory_order_relaxed); }

void write(Level l, std::string_view message) {
  if (!enabled(l)) return;
  std::shared_ptr<const Sink> sink;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    sink = g_sink;
  }
  if (sink) (*sink)(l, message);
}

}  // namespace zstack::log
