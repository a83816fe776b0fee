// libFuzzer: the whole call path of an accepted (202) job. The input is split at "\n--\n":
//   mode byte + 202 body (location, apiTimeout) | poll reply | poll reply | ...
// A poll reply's first byte picks the status (or a transport failure), the rest is its body.
// The mode byte's low bit picks a synchronous call or callAsync(...).get(). The call runs on a
// FakeClock (waits cost nothing) with a short per-call deadline, against a scripted transport
// whose last reply repeats; it must end, with a result or an error, without crashing.

#include "support/fakes.hpp"
#include "zstack/actions.hpp"
#include "zstack/client.hpp"
#include "zstack/json.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace zstack;
using namespace zstack::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMaxPollReplies = 16;
constexpr int kStatuses[] = {200, 202, 404, 500, 502, 503, 504, 400, 401, 0 /* transport failure */};

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + sep.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool async = data[0] & 1;
  auto parts = split(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), "\n--\n");
  if (parts.size() > kMaxPollReplies + 1) parts.resize(kMaxPollReplies + 1);

  auto transport = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  transport->reply(202, std::string(parts[0]));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    const int status = p.empty() ? 200 : kStatuses[static_cast<unsigned char>(p[0]) % std::size(kStatuses)];
    if (!p.empty()) p.remove_prefix(1);
    if (status == 0) transport->fail(std::string(p));
    else transport->reply(status, std::string(p));
  }

  ClientConfig cfg;
  cfg.transport = transport;
  cfg.clock = clock;
  cfg.sessionId = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
  Client client(cfg);

  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  a.timeout = 5s;  // on the fake clock: a few dozen polls at most
  auto r = async ? a.callAsync(client).get() : a.call(client);
  if (r) {
    if (r->inventory) (void)r->inventory->uuid;
  } else {
    (void)r.error().describe();
    (void)r.error().toJson().dump();
  }
  return 0;
}
