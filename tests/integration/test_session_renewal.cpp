// Session renewal (ClientConfig::renewSession) against the simulator: sessions that expire
// (Options::sessionTimeout, Simulator::expireSessions), logins counted by Simulator::loginCount.

#include "support.hpp"

#include <atomic>
#include <future>
#include <thread>

using namespace zstack;
using namespace itest;

namespace {

const char* kPassword = "Sim-Renew-Pa55word";

sim::Options renewSimOptions() {
  auto o = simOptions();
  o.adminPassword = kPassword;
  return o;
}

void renewOn(ClientConfig& c) { c.renewSession = true; }

CreateVipAction vipCreate(const Env& env, const std::string& name) {
  CreateVipAction a;
  a.name = name;
  a.l3NetworkUuid = env.seed().publicL3Uuid;
  return a;
}

std::size_t vipsNamed(Env& env, const std::string& name) {
  QueryVipAction q;
  q.where(query::field("name") == name);
  return MUST(q.call(env.c())).inventories.size();
}

void logInAdmin(Env& env) {
  auto r = logIn(env.c(), "admin", kPassword);
  if (!r) FAIL("login failed: " << r.error().describe());
}

}  // namespace

TEST_CASE("renewal: an expired session is renewed once, for sync and async calls", "[integration][renew]") {
  Env env(renewSimOptions(), renewOn);
  logInAdmin(env);
  REQUIRE(env.sim.loginCount() == 1);
  std::string session = env.c().session();

  // a sync GET
  env.sim.expireSessions();
  MUST(QueryVipAction{}.call(env.c()));
  CHECK(env.sim.loginCount() == 2);
  CHECK(env.c().session() != session);
  CHECK(isHex32(env.c().session()));
  session = env.c().session();

  // a 202 POST: accepted, its job refused with ID.1001 (nothing created), renewed, sent again
  env.sim.expireSessions();
  auto created = MUST(vipCreate(env, "renew-sync").call(env.c()));
  CHECK(created.inventory->name == "renew-sync");
  CHECK(env.sim.loginCount() == 3);
  CHECK(env.c().session() != session);
  CHECK(vipsNamed(env, "renew-sync") == 1);

  // callAsync with a future, and with a callback
  env.sim.expireSessions();
  auto fut = vipCreate(env, "renew-future").callAsync(env.c());
  REQUIRE(fut.wait_for(30s) == std::future_status::ready);
  MUST(fut.get());
  CHECK(env.sim.loginCount() == 4);

  env.sim.expireSessions();
  std::promise<QueryVipAction::ResultType> p;
  QueryVipAction{}.callAsync(env.c(), [&p](QueryVipAction::ResultType r) { p.set_value(std::move(r)); });
  auto pf = p.get_future();
  REQUIRE(pf.wait_for(30s) == std::future_status::ready);
  MUST(pf.get());
  CHECK(env.sim.loginCount() == 5);
  CHECK(vipsNamed(env, "renew-future") == 1);
  CHECK(env.sim.loginCount() == 5);  // a valid session: no renewal
}

TEST_CASE("renewal: a session that times out (Options::sessionTimeout) is renewed", "[integration][renew]") {
  auto o = renewSimOptions();
  o.sessionTimeout = 700ms;
  Env env(o, renewOn);
  logInAdmin(env);
  std::this_thread::sleep_for(800ms);
  auto r = MUST(vipCreate(env, "renew-timeout").call(env.c()));
  CHECK(r.inventory->name == "renew-timeout");
  CHECK(env.sim.loginCount() == 2);
}

TEST_CASE("renewal off (the default): ID.1001 reaches the caller", "[integration][renew]") {
  Env env(renewSimOptions());
  logInAdmin(env);
  env.sim.expireSessions();
  auto e = MUST_FAIL(QueryVipAction{}.call(env.c()));
  CHECK(e.kind == ErrorKind::Api);
  CHECK(e.httpStatus == 503);
  REQUIRE(e.api);
  CHECK(e.api->code == "ID.1001");
  auto e2 = MUST_FAIL(vipCreate(env, "renew-off").callAsync(env.c()).get());
  REQUIRE(e2.api);
  CHECK(e2.api->code == "ID.1001");
  CHECK(env.sim.loginCount() == 1);
}

TEST_CASE("renewal: an injected ID.1001 (faults API) is retried once, a second one reaches the caller", "[integration][renew]") {
  Env env(renewSimOptions(), renewOn);
  logInAdmin(env);
  sim::FaultRule expired;
  expired.action = sim::FaultAction::Status;
  expired.method = "GET";
  expired.pathPrefix = "/zstack/v1/vips";
  expired.status = 503;
  expired.body = R"({"error":{"code":"ID.1001","description":"Session expired"}})";
  expired.times = 1;
  env.sim.faults().add(expired);
  MUST(QueryVipAction{}.call(env.c()));
  CHECK(env.sim.loginCount() == 2);

  expired.times = 2;  // the retry is refused too: no third attempt, no second re-login
  env.sim.faults().add(expired);
  auto e = MUST_FAIL(QueryVipAction{}.call(env.c()));
  REQUIRE(e.api);
  CHECK(e.api->code == "ID.1001");
  CHECK(env.sim.loginCount() == 3);
  CHECK(env.sim.faults().size() == 0);
}

TEST_CASE("renewal: a burst of concurrent calls that hit ID.1001 logs in once", "[integration][renew][concurrency]") {
  Env env(renewSimOptions(), renewOn);
  logInAdmin(env);
  // the re-login takes a while, so every call of the burst meets the expired session before it ends
  sim::FaultRule slowLogin;
  slowLogin.action = sim::FaultAction::Delay;
  slowLogin.pathContains = "/accounts/login";
  slowLogin.delay = 300ms;
  slowLogin.times = 0;  // until cleared
  env.sim.faults().add(slowLogin);
  env.sim.expireSessions();

  constexpr int kSync = 12, kAsync = 12;
  std::vector<std::future<CreateVipAction::ResultType>> futures;
  for (int i = 0; i < kAsync; ++i) futures.push_back(vipCreate(env, "burst-async-" + std::to_string(i)).callAsync(env.c()));
  std::atomic<int> ok{0};
  std::vector<std::string> errors(kSync);
  std::vector<std::thread> threads;
  for (int i = 0; i < kSync; ++i)
    threads.emplace_back([&, i] {
      auto r = (i % 2 ? QueryVipAction{}.call(env.c()) : QueryVipAction{}.callAsync(env.c()).get());
      if (r) ++ok;
      else errors[i] = r.error().describe();
    });
  for (auto& t : threads) t.join();
  for (auto& f : futures) {
    REQUIRE(f.wait_for(60s) == std::future_status::ready);
    auto r = f.get();
    if (r) ++ok;
    else FAIL_CHECK(r.error().describe());
  }
  for (const auto& e : errors) CHECK(e.empty());
  CHECK(ok == kSync + kAsync);
  CHECK(env.sim.loginCount() == 2);  // the first login and ONE renewal
  for (int i = 0; i < kAsync; ++i) CHECK(vipsNamed(env, "burst-async-" + std::to_string(i)) == 1);
}

TEST_CASE("renewal: the call's timeout covers the re-login", "[integration][renew]") {
  Env env(renewSimOptions(), renewOn);
  logInAdmin(env);
  sim::FaultRule slowLogin;
  slowLogin.action = sim::FaultAction::Delay;
  slowLogin.pathContains = "/accounts/login";
  slowLogin.delay = 3s;
  slowLogin.times = 0;
  env.sim.faults().add(slowLogin);
  env.sim.expireSessions();

  for (bool async : {false, true}) {
    INFO((async ? "async" : "sync"));
    QueryVipAction q;
    q.timeout = 600ms;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = async ? q.callAsync(env.c()).get() : q.call(env.c());
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::SessionRenewal);
    CHECK(r.error().message.find("could not be renewed") != std::string::npos);
    CHECK(took < 2500ms);  // not the login's 3 s
  }
}

TEST_CASE("renewal: a refused re-login is a SessionRenewal error, then the next call renews", "[integration][renew]") {
  Env env(renewSimOptions(), renewOn);
  logInAdmin(env);
  const std::string old = env.c().session();
  sim::FaultRule refused;
  refused.action = sim::FaultAction::Status;
  refused.pathContains = "/accounts/login";
  refused.status = 503;
  refused.body = R"({"error":{"code":"ID.1000","description":"Authentication error","details":"Incorrect account name or password"}})";
  env.sim.faults().add(refused);
  env.sim.expireSessions();

  auto e = MUST_FAIL(vipCreate(env, "renew-refused").call(env.c()));
  CHECK(e.kind == ErrorKind::SessionRenewal);
  CHECK(e.httpStatus == 503);
  REQUIRE(e.api);
  CHECK(e.api->code == "ID.1000");
  const std::string text = e.describe() + e.toJson().dump();
  INFO(text);
  CHECK(text.find("session expired (ID.1001) and could not be renewed") != std::string::npos);
  CHECK(text.find(kPassword) == std::string::npos);
  CHECK(text.find(old) == std::string::npos);

  CHECK(env.sim.faults().size() == 0);  // the re-login met the fault (which answers before the handler counts it)

  // the login is still kept: the next call renews and succeeds; the refused one was not sent again
  MUST(vipCreate(env, "renew-after").call(env.c()));
  CHECK(env.sim.loginCount() == 2);
  CHECK(vipsNamed(env, "renew-refused") == 0);
  CHECK(vipsNamed(env, "renew-after") == 1);
}

TEST_CASE("renewal: Session::close logs out the renewed session, and an action's own session is never renewed", "[integration][renew]") {
  Env env(renewSimOptions(), renewOn);
  std::string renewed;
  {
    auto s = Session::open(env.c(), "admin", kPassword);
    REQUIRE(s.ok());
    env.sim.expireSessions();
    MUST(QueryVipAction{}.call(env.c()));
    renewed = env.c().session();
    CHECK(renewed != s->uuid());
  }
  CHECK_FALSE(env.c().hasSession());
  QueryVipAction q;
  q.sessionId = renewed;  // logged out by close(): refused, and not renewed (the action's own session)
  auto e = MUST_FAIL(q.call(env.c()));
  REQUIRE(e.api);
  CHECK(e.api->code == "ID.1001");
  CHECK(env.sim.loginCount() == 2);
}
