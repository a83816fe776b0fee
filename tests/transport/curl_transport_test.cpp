// The libcurl transport against an in-process cpp-httplib server and a few raw-socket servers.
// Catch2 assertions are not thread-safe: worker threads and callbacks only record results; the
// test thread checks them.

#include "transport/curl_transport.hpp"
#include "util/buffer_pool.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <curl/curl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using zstack::findHeader;
using zstack::HttpMethod;
using zstack::HttpRequest;
using zstack::HttpResponse;
using zstack::Transport;
using zstack::TransportFailure;
using zstack::TransportResult;
using zstack::transport::CurlOptions;
using zstack::transport::makeCurlTransport;

namespace {

// Requests to 127.0.0.1 must not wander off to a proxy from the environment, and the servers
// must not die of SIGPIPE when the transport drops a connection.
const bool kTestEnvironment = [] {
  std::signal(SIGPIPE, SIG_IGN);
  for (const char* v :
       {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    unsetenv(v);
  return true;
}();

std::string headerOr(const httplib::Request& req, const char* name, const char* fallback) {
  return req.has_header(name) ? req.get_header_value(name) : std::string(fallback);
}

class TestServer {
 public:
  TestServer() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(48); };
    server_.set_keep_alive_max_count(100000);
    server_.set_keep_alive_timeout(5);
    server_.set_tcp_nodelay(true);  // no Nagle/delayed-ACK stalls between head and body

    auto echo = [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 200;
      res.set_header("X-Method", req.method);
      res.set_header("X-Got-Foo", headerOr(req, "X-Foo", "none"));
      res.set_header("X-Content-Length", headerOr(req, "Content-Length", "none"));
      res.set_header("X-Content-Type", headerOr(req, "Content-Type", "none"));
      res.set_header("X-Expect", headerOr(req, "Expect", "none"));
      res.set_header("X-User-Agent", headerOr(req, "User-Agent", "none"));
      res.set_content(req.body, "application/octet-stream");
    };
    server_.Get("/echo", echo);
    server_.Post("/echo", echo);
    server_.Put("/echo", echo);
    server_.Delete("/echo", echo);

    server_.Get(R"(/status/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = std::stoi(req.matches[1]);
      res.set_content("status " + std::string(req.matches[1]), "text/plain");
    });
    server_.Get("/big", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      std::string body(1 << 20, 'x');
      for (std::size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
      res.set_content(body, "application/octet-stream");
    });
    // Waits the given milliseconds, or until the server shuts down.
    server_.Get(R"(/sleep/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      std::unique_lock<std::mutex> lk(gateMutex_);
      gate_.wait_for(lk, std::chrono::milliseconds(std::stoi(req.matches[1])),
                     [this] { return closing_; });
      res.set_content("slept", "text/plain");
    });

    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it (or the destructor could hang).
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }

  ~TestServer() {
    {
      std::lock_guard<std::mutex> lk(gateMutex_);
      closing_ = true;
    }
    gate_.notify_all();
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

  std::set<int> remotePorts() {
    std::lock_guard<std::mutex> lk(mutex_);
    return ports_;
  }
  void clearPorts() {
    std::lock_guard<std::mutex> lk(mutex_);
    ports_.clear();
  }

 private:
  void record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lk(mutex_);
    ports_.insert(req.remote_port);
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::set<int> ports_;
  std::mutex gateMutex_;
  std::condition_variable gate_;
  bool closing_ = false;
};

// Accepts connections one at a time, reads a request head and writes `reply` verbatim, then
// closes the connection.
class RawServer {
 public:
  explicit RawServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/raw"; }
  std::string lastHead() {
    std::lock_guard<std::mutex> lk(mutex_);
    return lastHead_;
  }

 private:
  void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[1024];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lk(mutex_);
        lastHead_ = head;
      }
      std::size_t off = 0;
      while (off < reply_.size()) {
        const ssize_t n = ::send(c, reply_.data() + off, reply_.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
      ::close(c);
    }
  }
  std::string reply_;
  std::mutex mutex_;
  std::string lastHead_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

int closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

CurlOptions testOptions() {
  CurlOptions o;
  o.connectTimeout = 2s;
  o.requestTimeout = 5s;
  o.userAgent = "zstack-test/1.0";
  return o;
}

HttpRequest request(HttpMethod m, std::string url, std::string body = {}) {
  HttpRequest r;
  r.method = m;
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

HttpResponse ok(TransportResult r) {
  if (const auto* f = std::get_if<TransportFailure>(&r))
    FAIL("transport failure " << f->code << ": " << f->message);
  return std::get<HttpResponse>(std::move(r));
}

std::string hdr(const HttpResponse& r, const char* name) {
  const std::string* v = findHeader(r.headers, name);
  return v ? *v : std::string("<missing>");
}

}  // namespace

TEST_CASE("GET/POST/PUT/DELETE round trips carry method, headers and body", "[transport]") {
  TestServer server;
  auto t = makeCurlTransport(testOptions());

  SECTION("GET") {
    auto req = request(HttpMethod::Get, server.url("/echo"));
    req.headers = {{"X-Foo", "bar baz"}, {"X-Empty", ""}};
    const auto& r = ok(t->send(req));
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(hdr(r, "X-Method") == "GET");
    CHECK(hdr(r, "X-Got-Foo") == "bar baz");
    CHECK(hdr(r, "X-Content-Length") == "none");
    CHECK(hdr(r, "X-User-Agent") == "zstack-test/1.0");
  }
  SECTION("POST with a JSON body") {
    auto req = request(HttpMethod::Post, server.url("/echo"), R"({"params":{"name":"vm1"}})");
    req.headers = {{"Content-Type", "application/json"}, {"X-Foo", "1"}};
    const auto& r = ok(t->send(req));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"params":{"name":"vm1"}})");
    CHECK(hdr(r, "X-Method") == "POST");
    CHECK(hdr(r, "X-Content-Type") == "application/json");
    CHECK(hdr(r, "X-Content-Length") == "25");
  }
  SECTION("POST with an empty body sends Content-Length: 0 and no form Content-Type") {
    const auto& r = ok(t->send(request(HttpMethod::Post, server.url("/echo"))));
    CHECK(r.status == 200);
    CHECK(hdr(r, "X-Method") == "POST");
    CHECK(hdr(r, "X-Content-Length") == "0");
    CHECK(hdr(r, "X-Content-Type") == "none");
  }
  SECTION("large POST does not ask for 100-continue") {
    const std::string body(200000, 'b');
    const auto& r = ok(t->send(request(HttpMethod::Post, server.url("/echo"), body)));
    CHECK(r.status == 200);
    CHECK(r.body == body);
    CHECK(hdr(r, "X-Expect") == "none");
  }
  SECTION("PUT") {
    const auto& r = ok(t->send(request(HttpMethod::Put, server.url("/echo"), "{\"x\":1}")));
    CHECK(r.status == 200);
    CHECK(hdr(r, "X-Method") == "PUT");
    CHECK(r.body == "{\"x\":1}");
  }
  SECTION("DELETE without and with a body") {
    const auto& r1 =
        ok(t->send(request(HttpMethod::Delete, server.url("/echo?deleteMode=Permissive"))));
    CHECK(r1.status == 200);
    CHECK(hdr(r1, "X-Method") == "DELETE");
    CHECK(hdr(r1, "X-Content-Length") == "none");
    const auto& r2 = ok(t->send(request(HttpMethod::Delete, server.url("/echo"), "gone")));
    CHECK(hdr(r2, "X-Method") == "DELETE");
    CHECK(r2.body == "gone");
  }
  SECTION("one handle switches methods cleanly") {
    // The pooled handle is reused: a GET after a POST must not resend the old body.
    ok(t->send(request(HttpMethod::Post, server.url("/echo"), "first")));
    const auto& g = ok(t->send(request(HttpMethod::Get, server.url("/echo"))));
    CHECK(hdr(g, "X-Method") == "GET");
    CHECK(g.body.empty());
    ok(t->send(request(HttpMethod::Put, server.url("/echo"), "p")));
    const auto& d = ok(t->send(request(HttpMethod::Delete, server.url("/echo"))));
    CHECK(hdr(d, "X-Method") == "DELETE");
    CHECK(hdr(d, "X-Content-Length") == "none");
    const auto& p = ok(t->send(request(HttpMethod::Post, server.url("/echo"), "again")));
    CHECK(hdr(p, "X-Method") == "POST");
    CHECK(p.body == "again");
  }
}

TEST_CASE("status codes and response headers", "[transport]") {
  TestServer server;
  auto t = makeCurlTransport(testOptions());
  for (int code : {200, 202, 404, 503}) {
    const auto& r =
        ok(t->send(request(HttpMethod::Get, server.url("/status/" + std::to_string(code)))));
    CHECK(r.status == code);
    CHECK(r.body == "status " + std::to_string(code));
    CHECK(hdr(r, "content-type") == "text/plain");
    CHECK(hdr(r, "CONTENT-LENGTH") == std::to_string(r.body.size()));
  }
  const auto& missing = ok(t->send(request(HttpMethod::Get, server.url("/no/such/path"))));
  CHECK(missing.status == 404);

  const auto& big = ok(t->send(request(HttpMethod::Get, server.url("/big"))));
  CHECK(big.status == 200);
  REQUIRE(big.body.size() == (1u << 20));
  CHECK(big.body[997] == static_cast<char>('a' + 997 % 26));
}

TEST_CASE("a reply says when its request went out", "[transport]") {
  // A job is dated from the send, so the stamp must not be the time the reply was read.
  TestServer server;
  auto t = makeCurlTransport(testOptions());
  (void)t->send(request(HttpMethod::Get, server.url("/echo")));  // connected: the send is the request itself
  for (bool async : {false, true}) {
    INFO((async ? "async" : "sync"));
    const auto before = std::chrono::steady_clock::now();
    TransportResult result;
    if (async) {
      std::promise<TransportResult> p;
      t->sendAsync(request(HttpMethod::Get, server.url("/sleep/300")), [&p](TransportResult r) { p.set_value(std::move(r)); });
      result = p.get_future().get();
    } else {
      result = t->send(request(HttpMethod::Get, server.url("/sleep/300")));
    }
    const auto after = std::chrono::steady_clock::now();
    const auto& r = ok(result);
    CHECK(r.sentAt >= before);
    CHECK(r.sentAt < before + 150ms);  // the reply came 300 ms after the send
    CHECK(after - r.sentAt >= 300ms);
  }
}

TEST_CASE("a large reply lands in a pooled buffer", "[transport]") {
  TestServer server;
  auto t = makeCurlTransport(testOptions());
  while (zstack::util::takeBuffer(zstack::util::kPooledBufferMin).capacity() >= zstack::util::kPooledBufferMin) {
  }  // an empty pool: the only spare is the one given back below
  std::string spare;
  spare.reserve(2u << 20);
  const char* storage = spare.data();
  zstack::util::giveBack(std::move(spare));
  const auto& big = ok(t->send(request(HttpMethod::Get, server.url("/big"))));
  REQUIRE(big.body.size() == (1u << 20));
  CHECK(big.body.data() == storage);
  CHECK(big.body[997] == static_cast<char>('a' + 997 % 26));
}

TEST_CASE("only the final header block is kept", "[transport]") {
  RawServer raw(
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nX-A: 1\r\nX-Folded: one\r\n two\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\nok");
  auto t = makeCurlTransport(testOptions());
  const auto& r = ok(t->send(request(HttpMethod::Get, raw.url())));
  CHECK(r.status == 201);
  CHECK(r.body == "ok");
  CHECK(findHeader(r.headers, "Link") == nullptr);
  CHECK(hdr(r, "x-a") == "1");
  CHECK(hdr(r, "X-Folded") == "one two");
}

TEST_CASE("the request head on the wire", "[transport]") {
  RawServer raw("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  auto t = makeCurlTransport(testOptions());
  auto req = request(HttpMethod::Post, raw.url(), std::string(5000, 'z'));
  req.headers = {{"X-Empty", ""}, {"Content-Type", "application/json"}, {"X-Foo", "bar"}};
  CHECK(ok(t->send(req)).status == 200);
  const std::string head = raw.lastHead();
  CHECK_THAT(head, Catch::StartsWith("POST /raw HTTP/1.1\r\n"));
  CHECK_THAT(head, Catch::Contains("\r\nX-Empty:\r\n"));  // an empty value is sent, not dropped
  CHECK_THAT(head, Catch::Contains("\r\nX-Foo: bar\r\n"));
  CHECK_THAT(head, Catch::Contains("\r\nContent-Length: 5000\r\n"));
  CHECK_THAT(head, Catch::Contains("\r\nUser-Agent: zstack-test/1.0\r\n"));
  CHECK_THAT(head, !Catch::Contains("Expect", Catch::CaseSensitive::No));
  CHECK_THAT(head, !Catch::Contains("Accept-Encoding", Catch::CaseSensitive::No));
}

TEST_CASE("sequential calls reuse one connection", "[transport]") {
  TestServer server;
  auto t = makeCurlTransport(testOptions());

  SECTION("sync") {
    for (int i = 0; i < 50; ++i) {
      const auto& r = ok(t->send(request(i % 2 ? HttpMethod::Post : HttpMethod::Get,
                                         server.url("/echo"), i % 2 ? "body" : "")));
      REQUIRE(r.status == 200);
    }
    CHECK(server.remotePorts().size() <= 2);
  }
  SECTION("async") {
    for (int i = 0; i < 50; ++i) {
      std::promise<TransportResult> p;
      t->sendAsync(request(HttpMethod::Get, server.url("/echo")),
                   [&p](TransportResult r) { p.set_value(std::move(r)); });
      auto f = p.get_future();
      REQUIRE(f.wait_for(5s) == std::future_status::ready);
      REQUIRE(ok(f.get()).status == 200);
    }
    CHECK(server.remotePorts().size() <= 2);
  }
}

TEST_CASE("concurrent sync sends from several threads", "[transport]") {
  TestServer server;
  auto t = makeCurlTransport(testOptions());
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> good{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int n = 0; n < kThreads; ++n)
    threads.emplace_back([&, n] {
      for (int i = 0; i < kEach; ++i) {
        const std::string body = "thread " + std::to_string(n) + " call " + std::to_string(i);
        auto r = t->send(request(HttpMethod::Post, server.url("/echo"), body));
        const auto* resp = std::get_if<HttpResponse>(&r);
        if (resp && resp->status == 200 && resp->body == body)
          ++good;
        else if (errors[n].empty())
          errors[n] = resp ? "bad response " + std::to_string(resp->status)
                           : std::get<TransportFailure>(r).message;
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& e : errors) CHECK(e.empty());
  CHECK(good == kThreads * kEach);
  CHECK(server.remotePorts().size() <= kThreads + 2);
}

TEST_CASE("500 concurrent async sends all complete on the transport thread", "[transport]") {
  TestServer server;
  auto options = testOptions();
  options.maxConnections = 16;
  auto t = makeCurlTransport(options);
  constexpr int kCount = 500;

  std::mutex m;
  std::condition_variable cv;
  int done = 0, good = 0;
  std::set<std::thread::id> callbackThreads;
  std::string firstError;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCount; ++i) {
    const std::string body = "async " + std::to_string(i);
    t->sendAsync(request(HttpMethod::Post, server.url("/echo"), body),
                 [&, body](TransportResult r) {
                   std::lock_guard<std::mutex> lk(m);
                   callbackThreads.insert(std::this_thread::get_id());
                   const auto* resp = std::get_if<HttpResponse>(&r);
                   if (resp && resp->status == 200 && resp->body == body)
                     ++good;
                   else if (firstError.empty())
                     firstError = resp ? "status " + std::to_string(resp->status)
                                       : std::get<TransportFailure>(r).message;
                   if (++done == kCount) cv.notify_all();
                 });
  }
  const auto queued = std::chrono::steady_clock::now() - start;
  {
    std::unique_lock<std::mutex> lk(m);
    REQUIRE(cv.wait_for(lk, 10s, [&] { return done == kCount; }));
  }
  CHECK(queued < 1s);  // sendAsync does not block on I/O
  CHECK(firstError.empty());
  CHECK(good == kCount);
  CHECK(callbackThreads.size() == 1);
  CHECK(callbackThreads.count(std::this_thread::get_id()) == 0);
  // maxConnections caps the connections; excess transfers queue inside curl.
  CHECK(server.remotePorts().size() <= 2 * options.maxConnections);
}

TEST_CASE("transport failures", "[transport]") {
  auto t = makeCurlTransport(testOptions());

  SECTION("connection refused") {
    const auto r = t->send(
        request(HttpMethod::Get, "http://127.0.0.1:" + std::to_string(closedPort()) + "/x"));
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    const auto& f = std::get<TransportFailure>(r);
    CHECK(f.code == CURLE_COULDNT_CONNECT);
    CHECK_THAT(f.message, Catch::Contains("connect", Catch::CaseSensitive::No));
  }
  SECTION("request timeout from the request, then from the options") {
    TestServer server;
    auto req = request(HttpMethod::Get, server.url("/sleep/3000"));
    req.headers = {{"Authorization", "OAuth secret-session-id"}};
    req.timeout = 200ms;
    auto before = std::chrono::steady_clock::now();
    auto r = t->send(req);
    auto took = std::chrono::steady_clock::now() - before;
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_OPERATION_TIMEDOUT);
    CHECK(std::get<TransportFailure>(r).message.find("secret") == std::string::npos);
    CHECK(took >= 150ms);
    CHECK(took < 2s);

    auto o = testOptions();
    o.requestTimeout = 200ms;
    auto t2 = makeCurlTransport(o);
    before = std::chrono::steady_clock::now();
    r = t2->send(request(HttpMethod::Get, server.url("/sleep/3000")));
    took = std::chrono::steady_clock::now() - before;
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_OPERATION_TIMEDOUT);
    CHECK(took < 2s);

    // Async honours the timeout too.
    std::promise<TransportResult> p;
    t->sendAsync(req, [&p](TransportResult res) { p.set_value(std::move(res)); });
    auto f = p.get_future();
    REQUIRE(f.wait_for(3s) == std::future_status::ready);
    const auto ar = f.get();
    REQUIRE(std::holds_alternative<TransportFailure>(ar));
    CHECK(std::get<TransportFailure>(ar).code == CURLE_OPERATION_TIMEDOUT);
    t2.reset();
    t.reset();  // close client connections before the server stops
  }
  SECTION("server closes mid-reply") {
    RawServer raw("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little");
    const auto r = t->send(request(HttpMethod::Get, raw.url()));
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_PARTIAL_FILE);

    std::promise<TransportResult> p;
    t->sendAsync(request(HttpMethod::Get, raw.url()),
                 [&p](TransportResult res) { p.set_value(std::move(res)); });
    auto f = p.get_future();
    REQUIRE(f.wait_for(3s) == std::future_status::ready);
    const auto ar = f.get();
    REQUIRE(std::holds_alternative<TransportFailure>(ar));
    CHECK(std::get<TransportFailure>(ar).code == CURLE_PARTIAL_FILE);
  }
  SECTION("server closes without replying") {
    RawServer raw("");
    const auto r = t->send(request(HttpMethod::Get, raw.url()));
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_GOT_NOTHING);
  }
  SECTION("malformed reply") {
    RawServer raw("HTTP/1.1 abc nonsense\r\n\r\n");
    const auto r = t->send(request(HttpMethod::Get, raw.url()));
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code != CURLE_OK);
  }
  SECTION("header values with CR/LF are refused without echoing them") {
    auto req = request(HttpMethod::Get, "http://127.0.0.1:1/x");
    req.headers = {{"Authorization", "secret\r\nX-Injected: 1"}};
    const auto r = t->send(req);
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_BAD_FUNCTION_ARGUMENT);
    CHECK(std::get<TransportFailure>(r).message.find("secret") == std::string::npos);
  }
  SECTION("unsupported scheme") {
    const auto r = t->send(request(HttpMethod::Get, "file:///etc/passwd"));
    REQUIRE(std::holds_alternative<TransportFailure>(r));
    CHECK(std::get<TransportFailure>(r).code == CURLE_UNSUPPORTED_PROTOCOL);
  }
}

TEST_CASE("destroying the transport completes queued and in-flight async requests", "[transport]") {
  TestServer server;
  auto options = testOptions();
  options.maxConnections = 4;  // most requests wait inside curl for a connection
  auto t = makeCurlTransport(options);
  constexpr int kCount = 40;
  std::mutex m;
  int done = 0, aborted = 0;
  std::string otherMessage;
  for (int i = 0; i < kCount; ++i)
    t->sendAsync(request(HttpMethod::Get, server.url("/sleep/3000")), [&](TransportResult r) {
      std::lock_guard<std::mutex> lk(m);
      ++done;
      const auto* f = std::get_if<TransportFailure>(&r);
      if (f && f->code == CURLE_ABORTED_BY_CALLBACK && f->message == "transport shut down")
        ++aborted;
      else if (otherMessage.empty())
        otherMessage = f ? f->message : "a response";
    });
  std::this_thread::sleep_for(200ms);  // let some transfers reach the server
  const auto before = std::chrono::steady_clock::now();
  t.reset();
  const auto took = std::chrono::steady_clock::now() - before;
  std::lock_guard<std::mutex> lk(m);
  CHECK(done == kCount);  // every callback ran before the destructor returned
  CHECK(aborted == kCount);
  CHECK(otherMessage.empty());
  CHECK(took < 1s);
}

TEST_CASE("async edge cases", "[transport]") {
  TestServer server;

  SECTION("a throwing callback does not stop the loop") {
    auto t = makeCurlTransport(testOptions());
    std::promise<void> thrown;
    t->sendAsync(request(HttpMethod::Get, server.url("/echo")), [&thrown](TransportResult) {
      thrown.set_value();
      throw std::runtime_error("user bug");
    });
    REQUIRE(thrown.get_future().wait_for(5s) == std::future_status::ready);
    std::promise<int> p;
    t->sendAsync(request(HttpMethod::Get, server.url("/echo")), [&p](TransportResult r) {
      const auto* resp = std::get_if<HttpResponse>(&r);
      p.set_value(resp ? resp->status : -1);
    });
    auto f = p.get_future();
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(f.get() == 200);
  }
  SECTION("a throwing callback completed by the shutdown") {
    auto t = makeCurlTransport(testOptions());
    std::atomic<int> calls{0};
    for (int i = 0; i < 3; ++i)
      t->sendAsync(request(HttpMethod::Get, server.url("/sleep/3000")), [&calls](TransportResult) {
        ++calls;
        throw std::runtime_error("user bug at shutdown");
      });
    std::this_thread::sleep_for(50ms);
    t.reset();
    CHECK(calls == 3);
  }
  SECTION("the last reference dropped inside a callback") {
    std::promise<int> p;
    auto t = makeCurlTransport(testOptions());
    std::weak_ptr<Transport> weak = t;
    // The reply comes after main has dropped its reference, so the callback holds the last one.
    t->sendAsync(request(HttpMethod::Get, server.url("/sleep/200")),
                 [keep = t, &p](TransportResult r) mutable {
                   keep.reset();  // destroys the transport on its own thread
                   const auto* resp = std::get_if<HttpResponse>(&r);
                   p.set_value(resp ? resp->status : -1);
                 });
    t.reset();
    auto f = p.get_future();
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(f.get() == 200);
    CHECK(weak.expired());
    std::this_thread::sleep_for(50ms);  // the detached loop finishes tearing down
  }
  SECTION("a callback may send again") {
    auto t = makeCurlTransport(testOptions());
    std::promise<int> p;
    t->sendAsync(request(HttpMethod::Get, server.url("/echo")), [&](TransportResult first) {
      if (!std::holds_alternative<HttpResponse>(first)) {
        p.set_value(-1);
        return;
      }
      t->sendAsync(request(HttpMethod::Get, server.url("/status/202")), [&p](TransportResult r) {
        const auto* resp = std::get_if<HttpResponse>(&r);
        p.set_value(resp ? resp->status : -1);
      });
    });
    auto f = p.get_future();
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(f.get() == 202);
  }
}
