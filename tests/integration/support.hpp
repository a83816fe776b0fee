#pragma once
// Shared fixture and helpers of the integration tests: a zstack-sim on a free port per test case,
// an SDK client pointed at it, and the scenario functions (scenarios.hpp) that several test cases
// (and the all-actions coverage run) reuse.

#include <catch2/catch.hpp>

#include <zstack/sim/simulator.hpp>
#include <zstack/zstack.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace itest {

using namespace std::chrono_literals;

inline zstack::sim::Options simOptions() {
  zstack::sim::Options o;
  o.port = 0;
  o.jobDelay = 10ms;
  o.serverThreads = 64;
  return o;
}

// One simulator, one client (declared in that order: the client and any session go first).
struct Env {
  zstack::sim::Simulator sim;
  zstack::ClientConfig config;
  std::optional<zstack::Client> client;

  explicit Env(zstack::sim::Options o = simOptions(),
               const std::function<void(zstack::ClientConfig&)>& tweak = {})
      : sim(o) {
    sim.start();
    config.endpoint = *zstack::Endpoint::parse(sim.endpoint());
    config.poll.initialInterval = 5ms;  // jobs take 10 ms: no need to wait 20 ms before the first poll
    if (tweak) tweak(config);
    client.emplace(config);
  }
  ~Env() { client.reset(); }

  const zstack::Client& c() const { return *client; }
  const zstack::sim::SeedInfo& seed() const { return sim.seed(); }

  // Logs the admin in (the session becomes the client's default).
  zstack::SessionInventory login() {
    auto r = zstack::logIn(*client, "admin", "password");
    if (!r) FAIL("login failed: " << r.error().describe());
    return *r;
  }
};

// The value of a successful call; fails the test case with the error otherwise.
template <class T>
T must(zstack::Result<T> r, const char* what, const char* file, int line) {
  if (!r) FAIL(file << ":" << line << ": " << what << " failed: " << r.error().describe());
  return std::move(r).value();
}
#define MUST(expr) ::itest::must((expr), #expr, __FILE__, __LINE__)

// The error of a call expected to fail; fails the test case when it succeeded.
template <class T>
zstack::Error mustFail(zstack::Result<T> r, const char* what, const char* file, int line) {
  if (r) FAIL(file << ":" << line << ": " << what << " succeeded, an error was expected");
  return std::move(r.error());
}
#define MUST_FAIL(expr) ::itest::mustFail((expr), #expr, __FILE__, __LINE__)

inline std::string kindOf(const zstack::Error& e) { return zstack::toString(e.kind); }

inline bool isHex32(const std::string& s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

inline std::optional<std::uint32_t> ipv4(const std::string& text) {
  std::uint32_t out = 0;
  int parts = 0;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, '.')) {
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), ::isdigit)) return std::nullopt;
    const int v = std::stoi(part);
    if (v > 255) return std::nullopt;
    out = (out << 8) | static_cast<std::uint32_t>(v);
    ++parts;
  }
  if (parts != 4) return std::nullopt;
  return out;
}

// "172.20.0.0/16" contains ip?
inline bool inCidr(const std::string& ip, const std::string& cidr) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) return false;
  auto net = ipv4(cidr.substr(0, slash));
  auto addr = ipv4(ip);
  const int prefix = std::stoi(cidr.substr(slash + 1));
  if (!net || !addr) return false;
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (*net & mask) == (*addr & mask);
}

template <class C, class F>
bool any(const C& c, F f) {
  return std::any_of(c.begin(), c.end(), f);
}

template <class C>
std::set<std::string> uuidsOf(const C& c) {
  std::set<std::string> out;
  for (const auto& x : c) out.insert(x.uuid);
  return out;
}

}  // namespace itest
