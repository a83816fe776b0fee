// The SDK, with its real libcurl transport, against servers that misbehave on purpose (loopback
// only). Every case is bounded: the calls carry short timeouts, the servers stop by themselves.

#include "hostile_server.hpp"
#include "zstack/actions.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <future>

using namespace zstack;
using namespace zstack::hostile;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

const bool kNoProxy = [] {
  for (const char* v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) unsetenv(v);
  return true;
}();

const char* kSession = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
const char* kJob = "967a26b7431c49c0b1d50d709ef1aef3";

Client clientFor(const Server& s, std::function<void(ClientConfig&)> tweak = {}) {
  ClientConfig c;
  c.endpoint = *Endpoint::parse(s.endpoint());
  c.sessionId = kSession;
  c.requestTimeout = 20s;  // far beyond every case: the call's own timeout must be what ends it
  if (tweak) tweak(c);
  return Client(c);
}

CreateVipAction vipAction() {
  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  return a;
}

std::string accepted(const Server& s) {
  return response(202, R"({"location":")" + s.url("/zstack/v1/api-jobs/") + kJob + R"(","apiTimeout":60000})");
}

// Holds the request until the server stops.
void hold(const Request&, Conn& c) {
  while (c.pause(20ms)) {
  }
}

double secondsSince(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("hostile: a held request ends at the call's timeout, sync and async", "[hostile][deadline]") {
  Server s(hold);
  Client client = clientFor(s);
  QueryVipAction q;
  q.timeout = 300ms;
  auto t0 = Steady::now();
  auto r = q.call(client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transport);
  CHECK(contains(r.error().message, "timeout of 300 ms"));
  CHECK(secondsSince(t0) < 3.0);

  t0 = Steady::now();
  auto f = q.callAsync(client);
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  auto a = f.get();
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().kind == ErrorKind::Transport);
  CHECK(secondsSince(t0) < 3.0);
}

TEST_CASE("hostile: a reply trickled a byte at a time (slowloris) ends at the call's timeout", "[hostile][deadline]") {
  SECTION("the body") {
    Server s([](const Request&, Conn& c) {
      if (!c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{")) return;
      while (c.send(" ") && c.pause(30ms)) {
      }
    });
    QueryVipAction q;
    q.timeout = 400ms;
    const auto t0 = Steady::now();
    auto r = q.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(secondsSince(t0) < 3.0);
  }
  SECTION("the headers") {
    Server s([](const Request&, Conn& c) {
      if (!c.send("HTTP/1.1 200 OK\r\n")) return;
      while (c.send("X: y\r\n") && c.pause(30ms)) {
      }
    });
    QueryVipAction q;
    q.timeout = 400ms;
    const auto t0 = Steady::now();
    auto r = q.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(secondsSince(t0) < 3.0);
  }
}

TEST_CASE("hostile: a held poll and an endless 202 end at the call's timeout", "[hostile][deadline]") {
  SECTION("held poll") {
    Server* self = nullptr;
    Server s([&self](const Request& r, Conn& c) {
      if (r.method == "POST") c.send(accepted(*self));
      else hold(r, c);
    });
    self = &s;
    auto a = vipAction();
    a.timeout = 500ms;
    const auto t0 = Steady::now();
    auto r = a.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::PollTimeout);
    CHECK(r.error().jobUuid.size() == 32);
    CHECK(secondsSince(t0) < 3.0);
  }
  SECTION("endless 202") {
    Server* self = nullptr;
    Server s([&self](const Request& r, Conn& c) {
      c.send(r.method == "POST" ? accepted(*self) : response(202, ""));
    });
    self = &s;
    auto a = vipAction();
    a.timeout = 500ms;
    const auto t0 = Steady::now();
    auto r = a.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::PollTimeout);
    CHECK(secondsSince(t0) < 3.0);
    CHECK(s.requests() < 40);  // backed off, not hammered
  }
}

TEST_CASE("hostile: replies past the size limit fail fast with bounded memory", "[hostile][size]") {
  auto limited = [](ClientConfig& c) { c.maxReplySize = 1 << 20; };
  SECTION("an endless chunked body") {
    Server s([](const Request&, Conn& c) {
      if (!c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
      const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
      while (c.send(chunk)) {
      }
    });
    QueryVipAction q;
    q.timeout = 10s;
    const auto t0 = Steady::now();
    auto r = q.call(clientFor(s, limited));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(contains(r.error().message, "larger than the limit of 1048576 bytes"));
    CHECK(secondsSince(t0) < 5.0);
  }
  SECTION("a huge Content-Length is refused before the body") {
    Server s([](const Request&, Conn& c) {
      if (!c.send("HTTP/1.1 200 OK\r\nContent-Length: 2199023255552\r\n\r\n{")) return;
      hold(Request{}, c);
    });
    QueryVipAction q;
    q.timeout = 10s;
    const auto t0 = Steady::now();
    auto r = q.call(clientFor(s));  // the default limit (256 MiB)
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "larger than the limit"));
    CHECK(secondsSince(t0) < 5.0);
  }
  SECTION("endless headers") {
    Server s([](const Request&, Conn& c) {
      if (!c.send("HTTP/1.1 200 OK\r\n")) return;
      const std::string line = "X-Junk: " + std::string(1000, 'j') + "\r\n";
      while (c.send(line)) {
      }
    });
    QueryVipAction q;
    q.timeout = 10s;
    const auto t0 = Steady::now();
    auto r = q.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(secondsSince(t0) < 5.0);
  }
}

TEST_CASE("hostile: redirects are not followed and credentials stay at the endpoint", "[hostile][credentials]") {
  Server elsewhere([](const Request&, Conn& c) { c.send(response(200, R"({"inventories":[]})")); });
  SECTION("a 302") {
    Server s([&](const Request&, Conn& c) {
      c.send(response(302, "", "Location: " + elsewhere.url("/zstack/v1/vips") + "\r\n"));
    });
    auto r = QueryVipAction{}.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::HttpStatus);
    CHECK(r.error().httpStatus == 302);
    CHECK(elsewhere.requests() == 0);
  }
  SECTION("a 202 whose location is another server's non-job URL: not polled at all") {
    Server s([&](const Request&, Conn& c) {
      c.send(response(202, R"({"location":")" + elsewhere.url("/steal") + R"("})"));
    });
    auto r = vipAction().call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Decode);
    CHECK(elsewhere.requests() == 0);
    CHECK(s.requests() == 1);
  }
  SECTION("a 202 naming a job on another server: polled at the endpoint") {
    Server s([&](const Request& r, Conn& c) {
      if (r.method == "POST")
        c.send(response(202, R"({"location":")" + elsewhere.url("/zstack/v1/api-jobs/") + kJob + R"("})"));
      else
        c.send(response(200, R"({"inventory":{"uuid":"u"}})"));
    });
    auto r = vipAction().call(clientFor(s));
    REQUIRE(r.ok());
    CHECK(elsewhere.requests() == 0);
    const auto seen = s.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].target == std::string("/zstack/v1/api-jobs/") + kJob);
    CHECK(seen[1].header("Authorization") == std::string("OAuth ") + kSession);
  }
}

TEST_CASE("hostile: a gzip body nobody asked for is a decode error, not a crash", "[hostile][decode]") {
  // "{}" gzipped
  const std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00\x43\xbf\xa6\xa3\x02\x00\x00\x00", 22);
  Server s([&](const Request&, Conn& c) { c.send(response(200, gz, "Content-Encoding: gzip\r\n")); });
  auto r = QueryVipAction{}.call(clientFor(s));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Decode);
  REQUIRE(s.seen().size() == 1);
  CHECK(s.seen()[0].header("Accept-Encoding").empty());  // the SDK does not ask for compression
}

TEST_CASE("hostile: a POST whose connection dies after it was read is not sent twice", "[hostile][resend]") {
  Server s([](const Request& r, Conn& c) {
    if (r.method == "GET") c.send(response(200, R"({"inventories":[]})"));
    else c.close();  // read it, answer nothing
  });
  Client client = clientFor(s);
  REQUIRE(QueryVipAction{}.call(client).ok());  // a kept-alive connection to reuse
  auto r = vipAction().call(client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transport);
  CHECK(r.error().outcomeUnknown);
  int posts = 0;
  for (const auto& req : s.seen()) posts += req.method == "POST";
  CHECK(posts == 1);
}

TEST_CASE("hostile: setup mistakes get errors that name the likely cause", "[hostile][hints]") {
  SECTION("nothing listening") {
    int port;
    {
      Server probe(hold);
      port = probe.port();
    }  // closed: connections to it are refused
    ClientConfig c;
    c.endpoint = *Endpoint::parse("http://127.0.0.1:" + std::to_string(port) + "/zstack");
    c.sessionId = kSession;
    auto r = QueryVipAction{}.call(Client(c));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(contains(r.error().message, "nothing is listening there"));
  }
  SECTION("http to a port that closes without a reply (an https port)") {
    Server s([](const Request&, Conn& c) { c.close(); });
    auto r = QueryVipAction{}.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "try https://"));
  }
  SECTION("https to an http port") {
    Server s([](const Request&, Conn& c) { c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"); }, true);
    auto r = QueryVipAction{}.call(clientFor(s, [&](ClientConfig& c) {
      c.endpoint = *Endpoint::parse("https://127.0.0.1:" + std::to_string(s.port()) + "/zstack");
    }));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(contains(r.error().message, "try http://"));
  }
  SECTION("a 404: the context path") {
    Server s([](const Request&, Conn& c) { c.send(response(404, "not found")); });
    auto r = QueryVipAction{}.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().httpStatus == 404);
    CHECK(contains(r.error().message, "context path"));
  }
  SECTION("an expired session") {
    Server s([](const Request&, Conn& c) {
      c.send(response(503, R"({"error":{"code":"ID.1001","description":"Session expired"}})"));
    });
    auto r = QueryVipAction{}.call(clientFor(s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Api);
    CHECK(contains(r.error().message, "log in again"));
  }
}
