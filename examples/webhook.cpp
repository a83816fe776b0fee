// Webhook: instead of polling, the server POSTs each job's result to an HTTP endpoint of ours;
// the SDK's dispatcher completes the waiting call. Here the receiver is a small cpp-httplib
// server; in an application it is whatever HTTP server you already run.

#include "example_env.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace zstack;
using example::check;
using example::expect;

int main(int argc, char** argv) {
  zstack::sim::Options simOptions;
  simOptions.jobDelay = std::chrono::milliseconds(200);
  auto env = example::setup(argc, argv, simOptions);

  // The receiver: every POST to /zstack-hook goes to the client's webhook dispatcher.
  httplib::Server receiver;
  std::atomic<int> delivered{0};
  std::optional<Client> client;
  receiver.Post("/zstack-hook", [&](const httplib::Request& req, httplib::Response& res) {
    Headers headers(req.headers.begin(), req.headers.end());
    ++delivered;  // counted before deliver(), which may wake the waiting call at once
    if (!client || !client->webhooks().deliver(headers, req.body)) --delivered;
    res.status = 200;
  });
  // The address the management node can reach us at (--hook-host); loopback for the simulator.
  std::string bindHost = example::option(argc, argv, "--hook-host", "ZSTACK_HOOK_HOST");
  if (bindHost.empty()) bindHost = "127.0.0.1";
  const int port = receiver.bind_to_any_port(bindHost.c_str());
  std::thread serving([&] { receiver.listen_after_bind(); });

  env.config.webhookUrl = "http://" + bindHost + ":" + std::to_string(port) + "/zstack-hook";
  client.emplace(env.config);
  std::cout << "webhook receiver at " << env.config.webhookUrl << "\n";

  auto session = check(Session::open(*client, env.user, env.password), "log in");
  const auto start = std::chrono::steady_clock::now();
  CreateVipAction vip;
  vip.name = "webhook-vip";
  vip.l3NetworkUuid = env.publicL3;
  auto created = check(vip.call(*client), "create VIP (completed by webhook)");
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "created VIP " << created.inventory->ip << " in " << ms << " ms; callbacks delivered: " << delivered << "\n";
  expect(delivered == 1, "the result came by webhook");

  std::vector<std::future<CreateVipAction::ResultType>> many;
  for (int i = 0; i < 20; ++i) {
    CreateVipAction a;
    a.name = "webhook-vip-" + std::to_string(i);
    a.l3NetworkUuid = env.publicL3;
    many.push_back(a.callAsync(*client));
  }
  int ok = 0;
  for (auto& f : many) ok += f.get().ok();
  std::cout << "20 async creates: " << ok << " ok; callbacks delivered in total: " << delivered << "\n";
  expect(ok == 20 && delivered == 21, "every async result came by webhook");

  check(session.close(), "log out");
  receiver.stop();
  serving.join();
  std::cout << "webhook OK\n";
  return 0;
}
