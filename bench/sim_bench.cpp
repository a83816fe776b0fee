// zstack-sim's own figures (issue: the simulator for the whole API): how long it takes to start
// (the first start parses the embedded API catalog) and how long a query over 10,000 stored
// inventories takes end to end over HTTP (keep-alive, one client). Prints figures; asserts none.
// Usage: bench_sim [--quick | --only K]   (--only: query case K alone, 200 times, for a profiler)
#include <zstack/sim/simulator.hpp>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <openssl/sha.h>

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string sha512Hex(const std::string& s) {
  unsigned char md[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  std::string out;
  char buf[3];
  for (unsigned char c : md) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

std::string uuidOf(int i, char tag) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%c%031d", tag, i);
  return buf;
}

// 10,000 volumes (a generically served type) and 10,000 VMs with a NIC each (modelled: the VM
// view joins its NICs), on the seed's L3 network.
std::string bigSeed(int n) {
  std::string s = R"({"zones":[{"uuid":"f6690ec3604e4c5e8e655a139ee3566b","name":"z"}],)"
                  R"("l3Networks":[{"uuid":"be188131f7c74e78a0e0e28b7d14145c","name":"l3","zoneUuid":"f6690ec3604e4c5e8e655a139ee3566b",)"
                  R"("ipRanges":[{"startIp":"10.0.0.1","endIp":"10.255.255.250","netmask":"255.0.0.0","gateway":"10.0.0.1"}]}],"vmInstances":[)";
  for (int i = 0; i < n; ++i) {
    char ip[32];
    std::snprintf(ip, sizeof ip, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, (i & 255) + 2 > 255 ? 2 : (i & 255) + 2);
    s += (i ? "," : "") + std::string(R"({"uuid":")") + uuidOf(i, 'a') + R"(","name":"vm-)" + std::to_string(i) +
         R"(","vmNics":[{"uuid":")" + uuidOf(i, 'b') + R"(","l3NetworkUuid":"be188131f7c74e78a0e0e28b7d14145c","ip":")" +
         ip + R"("}]})";
  }
  s += R"(],"collections":{"VolumeInventory":[)";
  for (int i = 0; i < n; ++i)
    s += (i ? "," : "") + std::string(R"({"uuid":")") + uuidOf(i, 'c') + R"(","name":"vol-)" + std::to_string(i) +
         R"(","type":"Data","state":"Enabled","status":"Ready","size":)" + std::to_string(1024L * i) + "}";
  s += "]}}";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  // --only K: run only query case K, 200 times (for a profiler)
  const int only = argc > 2 && std::strcmp(argv[1], "--only") == 0 ? std::atoi(argv[2]) : -1;
  const int inventories = quick ? 1000 : 10000, runs = quick ? 5 : 50;

  // Start-up: the first includes parsing the embedded catalog (once per process).
  std::vector<double> starts;
  for (int i = 0; i < (quick ? 2 : 5); ++i) {
    zstack::sim::Options o;
    o.port = 0;
    const auto t0 = Clock::now();
    zstack::sim::Simulator sim(o);
    sim.start();
    starts.push_back(ms(Clock::now() - t0));
  }
  std::printf("start-up (construct + load the built-in seed + listen): first %.1f ms (parses the API catalog), "
              "then median %.1f ms\n",
              starts.front(), median(std::vector<double>(starts.begin() + 1, starts.end())));

  zstack::sim::Options o;
  o.port = 0;
  o.seedJson = bigSeed(inventories);
  const auto t0 = Clock::now();
  zstack::sim::Simulator sim(o);
  sim.start();
  std::printf("start-up with %d VMs, %d NICs and %d volumes seeded: %.1f ms\n", inventories, inventories, inventories,
              ms(Clock::now() - t0));

  httplib::Client http("127.0.0.1", sim.port());
  http.set_keep_alive(true);
  const std::string login = R"({"logInByAccount":{"accountName":"admin","password":")" + sha512Hex("password") + "\"}}";
  auto lr = http.Put("/zstack/v1/accounts/login", login, "application/json");
  if (!lr || lr->status != 200) {
    std::fprintf(stderr, "login failed\n");
    return 1;
  }
  const auto at = lr->body.find("\"uuid\":\"");
  const httplib::Headers auth = {{"Authorization", "OAuth " + lr->body.substr(at + 8, 32)}};

  struct Case {
    const char* what;
    std::string path;
  };
  const std::string mid = std::to_string(inventories / 2);
  const std::vector<Case> cases = {
      {"volumes: one by name (q=name=...)", "/zstack/v1/volumes?q=name=vol-" + mid},
      {"volumes: count of a range (q=size>..., count)", "/zstack/v1/volumes?q=size%3E1024000&count=true"},
      {"volumes: first page of 100 sorted by size desc", "/zstack/v1/volumes?limit=100&sort=-size"},
      {"VMs: one by NIC IP (q=vmNics.ip=..., a nested field)", "/zstack/v1/vm-instances?q=vmNics.ip=10.0.0.200"},
      {"VMs: first page of 100", "/zstack/v1/vm-instances?limit=100"},
  };
  std::printf("queries over %d stored inventories, end to end over HTTP (median of %d):\n", inventories, runs);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const auto& c = cases[k];
    if (only >= 0 && static_cast<int>(k) != only) continue;
    std::vector<double> t;
    std::size_t bytes = 0;
    for (int i = 0; i < (only >= 0 ? 200 : runs); ++i) {
      const auto q0 = Clock::now();
      auto r = http.Get(c.path.c_str(), auth);
      t.push_back(ms(Clock::now() - q0));
      if (!r || r->status != 200) {
        std::fprintf(stderr, "%s: failed (%d)\n", c.what, r ? r->status : -1);
        return 1;
      }
      bytes = r->body.size();
    }
    std::printf("  %-55s %8.2f ms  (%zu bytes)\n", c.what, median(t), bytes);
  }
  return 0;
}
