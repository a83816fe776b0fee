// Session renewal (ClientConfig::renewSession) against a fake transport: one re-login when the
// session expires (ID.1001), one retry, nothing else resent, one re-login for a burst.

#include "support/fakes.hpp"
#include "util/crypto.hpp"
#include "zstack/actions.hpp"
#include "zstack/log.hpp"
#include "zstack/session.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace zstack;
using namespace zstack::testing;
using namespace std::chrono_literals;

namespace {

const char* kPassword = "Renew-Me-Pa55word";
const std::string kOld = "0ld5e55101d5e55101d5e55101d5e551";
const std::string kNew = "new5e55101d5e55101d5e55101d5e551";
const char* kExpired = R"({"error":{"code":"ID.1001","description":"Session expired","details":"Session[uuid:)";
const char* kVip = R"({"inventory":{"uuid":"0666c81cc10147cabd991b41e6e65ffd","name":"vip1","ip":"192.168.0.1"}})";

std::string loginReply(const std::string& uuid) { return R"({"inventory":{"uuid":")" + uuid + R"(","accountUuid":"acc"}})"; }

bool isLogin(const HttpRequest& r) { return r.url.find("/v1/accounts/login") != std::string::npos; }
std::string sessionOf(const HttpRequest& r) {
  const auto* a = findHeader(r.headers, "Authorization");
  return a && a->rfind("OAuth ", 0) == 0 ? a->substr(6) : std::string();
}

// A server whose sessions are kOld (expired once `expired` is set) and, after a login, kNew.
// Every login answers kNew (the first kOld); anything sent with an expired session is refused
// with ID.1001, echoing the session as ZStack does.
struct Server {
  std::atomic<int> logins{0};
  std::atomic<bool> expired{false};
  std::atomic<bool> newExpires{false};  // kNew is refused too
  std::chrono::milliseconds loginDelay{0};
  // Answers first when it returns a result (set before the calls start).
  std::function<std::optional<TransportResult>(const HttpRequest&)> hook;

  TransportResult operator()(const HttpRequest& r) {
    if (hook)
      if (auto answer = hook(r)) return std::move(*answer);
    if (isLogin(r)) {
      if (loginDelay.count()) std::this_thread::sleep_for(loginDelay);
      return HttpResponse{200, {}, loginReply(logins.fetch_add(1) == 0 ? kOld : kNew)};
    }
    if (r.url.find("/v1/accounts/sessions/") != std::string::npos) return HttpResponse{200, {}, "{}"};  // LogOut
    const std::string s = sessionOf(r);
    if ((s == kOld && expired) || (s == kNew && newExpires) || (s != kOld && s != kNew))
      return HttpResponse{503, {}, std::string(kExpired) + s + R"(] expired"}})"};
    if (r.url.find("/api-jobs/") != std::string::npos) return HttpResponse{200, {}, kVip};
    if (r.method == HttpMethod::Post) return HttpResponse{202, {}, kAccepted};
    return HttpResponse{200, {}, R"({"inventories":[],"total":0})"};
  }
};

struct RenewFixture {
  Fixture f;
  std::shared_ptr<Server> server = std::make_shared<Server>();
  Client client;

  explicit RenewFixture(bool renew = true, std::shared_ptr<Clock> clock = nullptr)
      : client(f.make([&](ClientConfig& c) {
          c.sessionId.clear();
          c.renewSession = renew;
          if (clock) c.clock = clock;
        })) {
    auto s = server;
    f.transport->push([s](const HttpRequest& r) { return (*s)(r); });
    auto r = logIn(client, "admin", kPassword);
    REQUIRE(r.ok());
    REQUIRE(client.session() == kOld);
  }
  std::vector<HttpRequest> sent() const { return f.transport->requests(); }
  int logins() const { return server->logins.load() - 1; }  // re-logins, after the first
};

CreateVipAction vip() {
  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  return a;
}

}  // namespace

TEST_CASE("renewal: an expired session is renewed once and the GET sent again with the new one", "[renew]") {
  RenewFixture t;
  t.server->expired = true;
  QueryVipAction q;
  auto r = q.call(t.client);
  REQUIRE(r.ok());
  CHECK(t.logins() == 1);
  CHECK(t.client.session() == kNew);
  const auto sent = t.sent();
  REQUIRE(sent.size() == 4);  // login, GET (refused), login, GET
  CHECK(sessionOf(sent[1]) == kOld);
  CHECK(isLogin(sent[2]));
  // the re-login goes to the configured endpoint, with the SHA-512 hex of the password (never the plaintext)
  CHECK(sent[2].url == "http://localhost:8080/zstack/v1/accounts/login");
  CHECK(findHeader(sent[2].headers, "Authorization") == nullptr);
  CHECK(sent[2].body == R"({"logInByAccount":{"accountName":"admin","password":")" + crypto::sha512Hex(kPassword) + "\"}}");
  CHECK(sent[2].body == sent[0].body);
  CHECK(sessionOf(sent[3]) == kNew);
  CHECK(sent[3].url == sent[1].url);
}

TEST_CASE("renewal: an async API (202, job refused with ID.1001) is sent again under a new job UUID", "[renew]") {
  RenewFixture t;
  // as ZStack: the call is accepted and its job fails with the session error
  Server* s = t.server.get();
  s->hook = [s](const HttpRequest& r) -> std::optional<TransportResult> {
    if (r.url.find("/api-jobs/") != std::string::npos && s->logins == 1)
      return TransportResult{HttpResponse{503, {}, std::string(kExpired) + "x]\"}}"}};
    return std::nullopt;
  };
  auto r = vip().call(t.client);
  REQUIRE(r.ok());
  CHECK(r->inventory->name == "vip1");
  CHECK(t.logins() == 1);
  const auto sent = t.sent();
  std::vector<std::string> posts;
  for (const auto& x : sent)
    if (x.method == HttpMethod::Post) posts.push_back(*findHeader(x.headers, "X-Job-UUID"));
  REQUIRE(posts.size() == 2);
  CHECK(posts[0] != posts[1]);

  SECTION("callAsync: the same, on the engine thread") {
    auto fut = vip().callAsync(t.client);
    REQUIRE(fut.wait_for(10s) == std::future_status::ready);
    auto r2 = fut.get();
    CHECK(r2.ok());
    CHECK(t.logins() == 1);  // kNew is valid: nothing to renew
  }
}

TEST_CASE("renewal: async calls (future and callback) renew too", "[renew]") {
  RenewFixture t;
  t.server->expired = true;
  QueryVipAction q;
  auto fut = q.callAsync(t.client);
  REQUIRE(fut.wait_for(10s) == std::future_status::ready);
  auto r = fut.get();
  REQUIRE(r.ok());
  CHECK(t.logins() == 1);
  t.server->newExpires = true;  // kNew expires: the next call renews again (to kNew, refused: no second retry)
  std::promise<QueryVipAction::ResultType> p;
  q.callAsync(t.client, [&p](QueryVipAction::ResultType res) { p.set_value(std::move(res)); });
  auto pf = p.get_future();
  REQUIRE(pf.wait_for(10s) == std::future_status::ready);
  auto r2 = pf.get();
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().kind == ErrorKind::Api);
  CHECK(r2.error().api->code == "ID.1001");
  CHECK(r2.error().message.find("even the one just renewed") != std::string::npos);
  CHECK(t.logins() == 2);
}

TEST_CASE("renewal: never more than one retry", "[renew]") {
  RenewFixture t;
  t.server->expired = true;
  t.server->newExpires = true;
  QueryVipAction q;
  auto r = q.call(t.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Api);
  REQUIRE(r.error().api);
  CHECK(r.error().api->code == "ID.1001");
  CHECK(t.logins() == 1);
  int gets = 0;
  for (const auto& x : t.sent()) gets += x.method == HttpMethod::Get;
  CHECK(gets == 2);
  // the echoed sessions are not in the error
  CHECK(r.error().describe().find(kOld) == std::string::npos);
  CHECK(r.error().describe().find(kNew) == std::string::npos);
}

TEST_CASE("renewal: off by default, and only for ID.1001 on the client's own session", "[renew]") {
  SECTION("off: ID.1001 reaches the caller") {
    RenewFixture t(false);
    t.server->expired = true;
    auto r = QueryVipAction{}.call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().api->code == "ID.1001");
    CHECK(t.logins() == 0);
    auto a = vip().callAsync(t.client).get();
    REQUIRE_FALSE(a.ok());
    CHECK(t.logins() == 0);
  }
  SECTION("another server error is not retried") {
    RenewFixture t;
    t.server->hook = [](const HttpRequest&) -> std::optional<TransportResult> {
      return TransportResult{HttpResponse{503, {}, R"({"error":{"code":"SYS.1001","description":"x","cause":{"code":"ID.1001"}}})"}};
    };
    auto r = QueryVipAction{}.call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().api->code == "SYS.1001");
    CHECK(t.sent().size() == 2);
  }
  SECTION("a POST whose connection died after it was sent is not resent") {
    RenewFixture t;
    t.server->hook = [](const HttpRequest&) -> std::optional<TransportResult> {
      return TransportResult{TransportFailure{52, "empty reply", true}};
    };
    auto r = vip().call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transport);
    CHECK(r.error().outcomeUnknown);
    CHECK(t.sent().size() == 2);
  }
  SECTION("an action's own sessionId is not renewed") {
    RenewFixture t;
    t.server->expired = true;
    QueryVipAction q;
    q.sessionId = kOld;
    auto r = q.call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().api->code == "ID.1001");
    CHECK(t.logins() == 0);
  }
  SECTION("a session given with setSession() is not renewed") {
    RenewFixture t;
    t.server->expired = true;
    t.client.setSession(kOld);
    auto r = QueryVipAction{}.call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().api->code == "ID.1001");
    CHECK(t.logins() == 0);
  }
  SECTION("after logOut() nothing is renewed") {
    RenewFixture t;
    REQUIRE(logOut(t.client).ok());
    t.client.setSession(kOld);
    t.server->expired = true;
    auto r = QueryVipAction{}.call(t.client);
    REQUIRE_FALSE(r.ok());
    CHECK(t.logins() == 0);
  }
}

TEST_CASE("renewal: a failed re-login is a SessionRenewal error that shows no secret", "[renew]") {
  RenewFixture t;
  std::vector<std::string> lines;
  std::mutex linesMutex;
  log::setLevel(log::Level::Trace);
  log::setSink([&](log::Level, std::string_view m) {
    std::lock_guard<std::mutex> l(linesMutex);
    lines.emplace_back(m);
  });
  const std::string hash = crypto::sha512Hex(kPassword);
  // the server refuses the login and echoes the hash and the old session in its error
  t.server->hook = [&](const HttpRequest& r) -> std::optional<TransportResult> {
    if (isLogin(r))
      return TransportResult{HttpResponse{
          503, {}, R"({"error":{"code":"ID.1000","description":"Authentication error","details":"password )" + hash + " for session " + kOld +
                       R"( is wrong"}})"}};
    if (r.url.find("/api-jobs/") != std::string::npos) return TransportResult{HttpResponse{503, {}, std::string(kExpired) + kOld + "]\"}}"}};
    return std::nullopt;
  };
  auto r = vip().call(t.client);
  auto a = vip().callAsync(t.client).get();
  log::setSink(nullptr);
  log::setLevel(log::Level::Info);
  for (const auto* res : {&r, &a}) {
    REQUIRE_FALSE(res->ok());
    const Error& e = res->error();
    CHECK(e.kind == ErrorKind::SessionRenewal);
    CHECK(std::string(toString(e.kind)) == "session-renewal");
    CHECK(e.httpStatus == 503);
    REQUIRE(e.api);
    CHECK(e.api->code == "ID.1000");  // why: the login's error
    CHECK(e.action == "CreateVip");
    const std::string text = e.describe() + e.toJson().dump();
    INFO(text);
    CHECK(text.find("the session expired (ID.1001) and could not be renewed") != std::string::npos);
    CHECK(text.find("not sent again") != std::string::npos);
    CHECK(text.find(kPassword) == std::string::npos);
    CHECK(text.find(hash) == std::string::npos);
    CHECK(text.find(kOld) == std::string::npos);
  }
  // the failed calls were not sent again: one POST each, one re-login each
  int posts = 0, logins = 0;
  for (const auto& x : t.sent()) {
    posts += x.method == HttpMethod::Post;
    logins += isLogin(x);
  }
  CHECK(posts == 2);
  CHECK(logins == 3);
  bool sawRenewal = false;
  for (const auto& l : lines) {
    INFO(l);
    sawRenewal |= l.find("logging in again") != std::string::npos;
    CHECK(l.find(kPassword) == std::string::npos);
    CHECK(l.find(hash) == std::string::npos);
    CHECK(l.find(kOld) == std::string::npos);
    CHECK(l.find(kNew) == std::string::npos);
  }
  CHECK(sawRenewal);
}

TEST_CASE("renewal: Session::close logs out the renewed session too", "[renew][session]") {
  Fixture f;
  auto server = std::make_shared<Server>();
  f.transport->push([server](const HttpRequest& r) -> TransportResult {
    if (r.method == HttpMethod::Delete) return HttpResponse{200, {}, "{}"};
    return (*server)(r);
  });
  auto c = f.make([](ClientConfig& cfg) {
    cfg.sessionId.clear();
    cfg.renewSession = true;
  });
  {
    auto s = Session::open(c, "admin", kPassword);
    REQUIRE(s.ok());
    server->expired = true;
    REQUIRE(QueryVipAction{}.call(c).ok());
    CHECK(s->uuid() == kOld);
    CHECK(c.session() == kNew);
  }
  CHECK_FALSE(c.hasSession());
  std::vector<std::string> loggedOut;
  for (const auto& x : f.transport->requests())
    if (x.method == HttpMethod::Delete) loggedOut.push_back(x.url.substr(x.url.rfind('/') + 1));
  CHECK(loggedOut == std::vector<std::string>{kOld, kNew});
  // the login is forgotten: a session set later is not renewed
  c.setSession(kOld);
  REQUIRE_FALSE(QueryVipAction{}.call(c).ok());
  CHECK(server->logins == 2);
}

TEST_CASE("renewal: a burst of sync and async calls that hit ID.1001 logs in once", "[renew][concurrency]") {
  // The real clock: the calls wait for each other's re-login.
  RenewFixture t(true, Clock::system());
  t.server->loginDelay = 50ms;  // the re-login is slow: every call of the burst is refused before it ends
  t.server->expired = true;
  constexpr int kThreads = 8, kAsync = 8;
  std::vector<std::future<QueryVipAction::ResultType>> futures;
  for (int i = 0; i < kAsync; ++i) futures.push_back(QueryVipAction{}.callAsync(t.client));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      QueryVipAction q;
      q.timeout = 10s;
      if (q.call(t.client).ok()) ++ok;
    });
  for (auto& th : threads) th.join();
  for (auto& fu : futures) {
    REQUIRE(fu.wait_for(10s) == std::future_status::ready);
    if (fu.get().ok()) ++ok;
  }
  CHECK(ok == kThreads + kAsync);
  CHECK(t.logins() == 1);
  int refused = 0;
  for (const auto& x : t.sent()) refused += !isLogin(x) && sessionOf(x) == kOld;
  CHECK(refused >= 2);  // the burst did meet the expired session more than once
}
