#pragma once
// Test doubles: a transport that answers from a script and records requests, and a clock whose
// time only moves when the code under test waits.

#include "zstack/client.hpp"
#include "zstack/clock.hpp"
#include "zstack/http.hpp"

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace zstack::testing {

class FakeClock final : public Clock {
 public:
  time_point now() const override {
    std::lock_guard<std::mutex> l(m_);
    return now_;
  }
  std::chrono::system_clock::time_point wallNow() const override {
    std::lock_guard<std::mutex> l(m_);
    return wall_ + (now_ - time_point{});
  }
  void sleepUntil(time_point t) override {
    std::lock_guard<std::mutex> l(m_);
    ++sleeps_;
    if (t > now_) now_ = t;
  }
  bool waitUntil(std::condition_variable&, std::unique_lock<std::mutex>&, time_point t,
                 const std::function<bool()>& ready) override {
    if (ready()) return true;
    sleepUntil(t);
    return ready();
  }
  void setWall(std::chrono::system_clock::time_point w) {
    std::lock_guard<std::mutex> l(m_);
    wall_ = w - (now_ - time_point{});
  }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now() - time_point{});
  }
  int sleeps() const {
    std::lock_guard<std::mutex> l(m_);
    return sleeps_;
  }

 private:
  mutable std::mutex m_;
  time_point now_{};
  std::chrono::system_clock::time_point wall_{};
  int sleeps_ = 0;
};

class FakeTransport final : public Transport {
 public:
  using Handler = std::function<TransportResult(const HttpRequest&)>;

  // Replies are used in order; when they run out, the last one repeats.
  void reply(int status, std::string body) { push([=](const HttpRequest&) -> TransportResult { return HttpResponse{status, {}, body}; }); }
  void fail(std::string message) { push([=](const HttpRequest&) -> TransportResult { return TransportFailure{7, message}; }); }
  void push(Handler h) {
    std::lock_guard<std::mutex> l(m_);
    script_.push_back(std::move(h));
  }

  TransportResult send(const HttpRequest& r) override {
    Handler h;
    {
      std::lock_guard<std::mutex> l(m_);
      requests_.push_back(r);
      if (script_.empty()) return TransportFailure{7, "no scripted reply"};
      h = script_.size() > 1 ? std::move(script_.front()) : script_.front();
      if (script_.size() > 1) script_.pop_front();
    }
    return h(r);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> l(m_);
    return requests_;
  }

 private:
  mutable std::mutex m_;
  std::deque<Handler> script_;
  std::vector<HttpRequest> requests_;
};

inline const char* const kTestSession = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";

// A client on a fake transport and a fake clock, with a session set; make() builds more clients
// on the same fakes with a tweaked configuration.
struct Fixture {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  Client client = make();

  Client make(std::function<void(ClientConfig&)> tweak = {}) {
    ClientConfig c;
    c.transport = transport;
    c.clock = clock;
    c.sessionId = kTestSession;
    if (tweak) tweak(c);
    return Client(c);
  }
};

inline const std::string kAccepted =
    R"({"location":"http://10.0.0.9:8080/zstack/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3","apiTimeout":60000})";

}  // namespace zstack::testing
