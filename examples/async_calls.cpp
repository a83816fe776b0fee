// Async: start 100 VIP creates at once (half with futures, half with callbacks), wait for all,
// report the timing. The SDK runs them on its one engine thread and one I/O thread.

#include "example_env.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

using namespace zstack;
using example::check;
using example::expect;

int main(int argc, char** argv) {
  zstack::sim::Options simOptions;
  simOptions.jobDelay = std::chrono::milliseconds(100);  // each job takes 100 ms on the simulator
  simOptions.serverThreads = 80;                         // one per keep-alive connection the SDK may open
  auto env = example::setup(argc, argv, simOptions);
  Client client(env.config);
  auto session = check(Session::open(client, env.user, env.password), "log in");

  constexpr int kCalls = 100;
  const auto start = std::chrono::steady_clock::now();

  std::vector<std::future<CreateVipAction::ResultType>> futures;
  std::mutex m;
  std::condition_variable cv;
  int callbacksDone = 0, callbackFailures = 0;
  std::vector<std::string> created;
  for (int i = 0; i < kCalls; ++i) {
    CreateVipAction a;
    a.name = "async-vip-" + std::to_string(i);
    a.l3NetworkUuid = env.publicL3;
    if (i % 2 == 0) {
      futures.push_back(a.callAsync(client));
    } else {
      a.callAsync(client, [&](CreateVipAction::ResultType r) {
        std::lock_guard<std::mutex> lock(m);
        if (r) created.push_back(r->inventory->uuid);
        else ++callbackFailures;
        ++callbacksDone;
        cv.notify_one();
      });
    }
  }
  int futureFailures = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (r) {
      std::lock_guard<std::mutex> lock(m);
      created.push_back(r->inventory->uuid);
    } else {
      ++futureFailures;
      std::cerr << r.error().describe() << "\n";
    }
  }
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return callbacksDone == kCalls / 2; });
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << kCalls << " creates: " << created.size() << " ok, " << futureFailures + callbackFailures << " failed, in " << ms
            << " ms (" << (ms * 1000 / kCalls) << " us per call wall, all in flight together)\n";
  expect(created.size() == static_cast<std::size_t>(kCalls), "every create succeeded");

  QueryVipAction q;
  q.where(query::field("name").like("async-vip-%"));
  q.count = true;
  auto counted = check(q.call(client), "count VIPs");
  expect(counted.total == kCalls, "the server holds all of them");

  std::vector<std::future<DeleteVipAction::ResultType>> deletes;
  for (const auto& uuid : created) {
    DeleteVipAction d;
    d.uuid = uuid;
    deletes.push_back(d.callAsync(client));
  }
  int deleted = 0;
  for (auto& f : deletes) deleted += f.get().ok();
  expect(deleted == kCalls, "every delete succeeded");
  check(session.close(), "log out");
  std::cout << "async OK\n";
  return 0;
}
