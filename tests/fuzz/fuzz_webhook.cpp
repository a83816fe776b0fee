// libFuzzer: webhook callbacks. The input is split at "\n--\n":
//   mode byte + header lines | body | poll reply (status byte + body)
// Header lines are "Name: value" (X-Job-UUID, X-Job-Success and anything else).
// Three deliveries per input, on a client with webhookUrl set (FakeTransport, FakeClock):
//   1. to the client before any call is pending (nothing may complete),
//   2. while a CreateVip call waits for its job: from inside the scripted transport, as a server
//      that calls back before its 202 arrives; with mode bit 0 the X-Job-UUID header is set to
//      the call's real job UUID (from the recorded request), otherwise left as fuzzed; mode
//      bit 1 makes the call asynchronous (callAsync().get());
//   3. the same again after the call ended (a repeated callback must be refused).
// If delivery 2 does not complete the call, it falls back to polling: the poll gets the third
// part (its last reply repeats until the call's short deadline on the fake clock).

#include "support/fakes.hpp"
#include "zstack/actions.hpp"
#include "zstack/client.hpp"
#include "zstack/http.hpp"
#include "zstack/webhook.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <strings.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace zstack;
using namespace zstack::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMaxHeaders = 32;
constexpr int kStatuses[] = {200, 202, 404, 500, 503, 0 /* transport failure */};

std::vector<std::string_view> split(std::string_view s, std::string_view sep, std::size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    const auto at = s.find(sep);
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + sep.size());
  }
  out.push_back(s);
  return out;
}

Headers parseHeaders(std::string_view block) {
  Headers h;
  for (std::string_view line : split(block, "\n", kMaxHeaders)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (!line.empty()) h.emplace_back(std::string(line), "");
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    h.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return h;
}

void setJob(Headers& h, const std::string& job) {
  for (auto& [name, value] : h)
    if (name.size() == 10 && strncasecmp(name.c_str(), "X-Job-UUID", 10) == 0) {
      value = job;
      return;
    }
  h.emplace_back("X-Job-UUID", job);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  auto parts = split(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), "\n--\n", 3);
  parts.resize(3);
  Headers headers = parseHeaders(parts[0]);
  const std::string body(parts[1]);

  auto transport = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  ClientConfig cfg;
  cfg.transport = transport;
  cfg.clock = clock;
  cfg.sessionId = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
  cfg.webhookUrl = "http://me:9000/hook";
  Client client(cfg);
  const WebhookDispatcher hooks = client.webhooks();

  // 1. Nothing is waiting: no callback can complete anything.
  if (hooks.deliver(headers, body)) {
    std::fprintf(stderr, "deliver() completed a call although none was pending\n");
    std::abort();
  }

  // 2. The server calls back while the call waits for its job.
  std::string job;
  transport->push([&](const HttpRequest& r) -> TransportResult {
    if (const auto* j = findHeader(r.headers, "X-Job-UUID")) job = *j;
    Headers h = headers;
    if (mode & 1) setJob(h, job);
    (void)hooks.deliver(h, body);
    return HttpResponse{202, {}, kAccepted};
  });
  std::string_view poll = parts[2];
  const int status = poll.empty() ? 404 : kStatuses[static_cast<unsigned char>(poll[0]) % std::size(kStatuses)];
  if (!poll.empty()) poll.remove_prefix(1);
  if (status == 0) transport->fail(std::string(poll));
  else transport->reply(status, std::string(poll));

  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  a.timeout = 2min;  // the webhook fallback polls every 30 s (fake): a few polls at most
  auto r = (mode & 2) ? a.callAsync(client).get() : a.call(client);
  if (!r) (void)r.error().describe();
  else if (r->inventory) (void)r->inventory->uuid;

  if (hooks.pending() != 0) {
    std::fprintf(stderr, "a call ended but %zu webhook(s) still pending\n", hooks.pending());
    std::abort();
  }
  // 3. A repeated or late callback for the finished job is refused.
  if (mode & 1) setJob(headers, job);
  if (hooks.deliver(headers, body)) {
    std::fprintf(stderr, "deliver() completed a call that had already ended\n");
    std::abort();
  }
  return 0;
}
