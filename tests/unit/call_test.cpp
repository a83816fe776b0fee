// The whole call path against a fake transport and a fake clock.

#include "support/fakes.hpp"
#include "util/buffer_pool.hpp"
#include "zstack/actions.hpp"
#include "zstack/log.hpp"
#include "zstack/session.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>

using namespace zstack;
using namespace zstack::testing;
using namespace std::chrono_literals;

namespace {

const char* kVip = R"({"inventory":{"uuid":"0666c81cc10147cabd991b41e6e65ffd","name":"vip1","ip":"192.168.0.1",
  "state":"Enabled","createDate":"Jun 7, 2017 9:20:16 PM","someNewField":{"x":[1,2]}}})";

CreateVipAction vipAction() {
  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  a.requiredIp = "10.0.0.2";
  return a;
}

}  // namespace

TEST_CASE("POST: body wrapped in the body key, headers, job UUID", "[call]") {
  Fixture f;
  f.transport->reply(200, kVip);
  auto a = vipAction();
  a.systemTags = {"tag::a"};
  auto r = a.call(f.client);
  REQUIRE(r.ok());
  CHECK(r->inventory->name == "vip1");
  CHECK(r->inventory->createDate->hour == 21);
  const auto req = f.transport->requests().at(0);
  CHECK(req.method == HttpMethod::Post);
  CHECK(req.url == "http://localhost:8080/zstack/v1/vips");
  CHECK(req.body ==
        R"({"params":{"name":"vip1","l3NetworkUuid":"15788630ef6644af99c5378edf4e54da","requiredIp":"10.0.0.2"},"systemTags":["tag::a"]})");
  CHECK(*findHeader(req.headers, "authorization") == "OAuth 5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d");
  CHECK(*findHeader(req.headers, "Content-Type") == "application/json;charset=UTF-8");
  const auto* job = findHeader(req.headers, "X-Job-UUID");
  REQUIRE(job);
  CHECK(job->size() == 32);
  CHECK(findHeader(req.headers, "X-Web-Hook") == nullptr);
}

TEST_CASE("PUT: the action name is the body key; path values are percent-encoded", "[call]") {
  Fixture f;
  f.transport->reply(200, R"({"inventory":{"uuid":"a/b","state":"Disabled"}})");
  ChangeSecurityGroupStateAction a;
  a.uuid = "a/b c";
  a.stateEvent = "DISABLE";  // valid values are case-insensitive, as on the server
  auto r = a.call(f.client);
  REQUIRE(r.ok());
  const auto req = f.transport->requests().at(0);
  CHECK(req.method == HttpMethod::Put);
  CHECK(req.url == "http://localhost:8080/zstack/v1/security-groups/a%2Fb%20c/actions");
  CHECK(req.body == R"({"changeSecurityGroupState":{"stateEvent":"DISABLE"}})");
}

TEST_CASE("DELETE: parameters in the query string, lists as repeated keys", "[call]") {
  Fixture f;
  f.transport->reply(200, "{}");
  DeleteVmNicFromSecurityGroupAction a;
  a.securityGroupUuid = "sg1";
  a.vmNicUuids = {"n1", "n/2"};
  REQUIRE(a.call(f.client).ok());
  const auto req = f.transport->requests().at(0);
  CHECK(req.method == HttpMethod::Delete);
  CHECK(req.url == "http://localhost:8080/zstack/v1/security-groups/sg1/vm-instances/nics?vmNicUuids=n1&vmNicUuids=n%2F2");
  CHECK(req.body.empty());
  CHECK(findHeader(req.headers, "Content-Type") == nullptr);
}

TEST_CASE("DELETE: maps travel as key.mapKey=value", "[call]") {
  Fixture f;
  f.transport->reply(200, R"({"inventory":{"uuid":"l3"}})");
  DetachNetworkServiceFromL3NetworkAction a;
  a.l3NetworkUuid = "l3";
  a.networkServices = std::map<std::string, std::vector<std::string>>{{"prov1", {"DHCP", "DNS"}}};
  REQUIRE(a.call(f.client).ok());
  CHECK(f.transport->requests().at(0).url ==
        "http://localhost:8080/zstack/v1/l3-networks/l3/network-services?networkServices.prov1=DHCP&networkServices.prov1=DNS");
}

TEST_CASE("GET query: conditions, paging, sort and fields on the wire", "[call][query]") {
  Fixture f;
  f.transport->reply(200, R"({"inventories":[{"uuid":"u1","name":"vip1"}],"total":7})");
  using namespace zstack::query;
  QueryVipAction q;
  q.where(field("name") == "vip1").where(field("vmNics.ip") != "10.0.0.5").where(field("port").in(std::vector<int>{22, 80}));
  q.where(field("l3NetworkUuid").isNull()).where("cidr=10.0.0.0/24");
  q.limit = 10;
  q.start = 20;
  q.replyWithCount = true;
  q.sortBy = "createDate";
  q.sortDirection = "desc";
  q.fields = {"uuid", "name"};
  auto r = q.call(f.client);
  REQUIRE(r.ok());
  CHECK(r->total == 7);
  CHECK(r->inventories.at(0).name == "vip1");
  const auto req = f.transport->requests().at(0);
  CHECK(req.method == HttpMethod::Get);
  CHECK(req.url ==
        "http://localhost:8080/zstack/v1/vips?q=name%3Dvip1&q=vmNics.ip%21%3D10.0.0.5&q=port%3F%3D22%2C80&q=l3NetworkUuid%3Dnull"
        "&q=cidr%3D10.0.0.0%2F24&limit=10&start=20&replyWithCount=true&fields=uuid%2Cname&sort=-createDate");
}

TEST_CASE("query conditions cover every operator", "[query]") {
  using namespace zstack::query;
  CHECK((field("a") < 5).text == "a<5");
  CHECK((field("a") > 5).text == "a>5");
  CHECK((field("a") <= 5).text == "a<=5");
  CHECK((field("a") >= 5).text == "a>=5");
  CHECK(field("a").notIn(std::vector<std::string>{"x", "y"}).text == "a!?=x,y");
  CHECK(field("a").like("web%").text == "a~=web%");
  CHECK(field("a").notLike("w_b").text == "a!~=w_b");
  CHECK(field("a").notNull().text == "a!=null");
  CHECK((field("on") == true).text == "on=true");
}

TEST_CASE("queryAll pages through with start/limit until a short page", "[query]") {
  Fixture f;
  f.transport->push([](const HttpRequest& r) -> TransportResult {
    const bool first = r.url.find("start=0") != std::string::npos;
    return HttpResponse{200, {}, first ? R"({"inventories":[{"uuid":"1"},{"uuid":"2"}]})" : R"({"inventories":[{"uuid":"3"}]})"};
  });
  QueryVipAction q;
  auto all = queryAll(q, f.client, 2);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK(all->at(2).uuid == "3");
  const auto reqs = f.transport->requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].url.find("limit=2&start=0") != std::string::npos);
  CHECK(reqs[1].url.find("limit=2&start=2") != std::string::npos);
}

TEST_CASE("validation reports every violated constraint and sends nothing", "[call][validation]") {
  Fixture f;
  AddSecurityGroupRuleAction a;  // securityGroupUuid missing, rules empty
  a.remoteSecurityGroupUuids = std::vector<std::string>{"ok", ""};
  auto r = a.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Validation);
  std::vector<std::string> fields;
  for (const auto& v : r.error().violations) fields.push_back(v.field);
  CHECK(fields == std::vector<std::string>{"securityGroupUuid", "rules", "remoteSecurityGroupUuids[1]"});
  CHECK(f.transport->requests().empty());

  CreateVipAction v;
  v.name = std::string(300, 'x');
  v.l3NetworkUuid = "l3";
  auto r2 = v.call(f.client);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().violations.at(0).field == "name");
  CHECK(r2.error().violations.at(0).problem == "is longer than 255 characters");

  ChangeVipStateAction s;
  s.uuid = "u";
  s.stateEvent = "toggle";
  auto r3 = s.call(f.client);
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.error().violations.at(0).problem == "must be one of enable, disable");

  CreatePortForwardingRuleAction pf;  // required integer left unset is reported, not sent as 0
  pf.vipUuid = "v";
  pf.name = "pf";
  pf.protocolType = "TCP";
  pf.vipPortStart = 70000;
  auto r4 = pf.call(f.client);
  REQUIRE_FALSE(r4.ok());
  CHECK(r4.error().violations.at(0).field == "vipPortStart");
  CHECK(r4.error().violations.at(0).problem == "must be between 1 and 65535");
  CHECK(f.transport->requests().empty());
}

TEST_CASE("nested request objects are validated field by field", "[validation]") {
  Fixture f;
  AddSecurityGroupRuleAction a;
  a.securityGroupUuid = "sg";
  SecurityGroupRuleAO rule;
  rule.type = "Sideways";
  rule.protocol = "TCP";
  a.rules = {rule};
  auto r = a.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().violations.at(0).field == "rules[0].type");
}

TEST_CASE("202 -> 202 -> 200: polls the rewritten location until done", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(202, kAccepted);
  f.transport->reply(200, kVip);
  auto r = vipAction().call(f.client);
  REQUIRE(r.ok());
  CHECK(r->inventory->uuid == "0666c81cc10147cabd991b41e6e65ffd");
  const auto reqs = f.transport->requests();
  REQUIRE(reqs.size() == 3);
  // The location named an unreachable address: the poll goes to the configured endpoint.
  CHECK(reqs[1].url == "http://localhost:8080/zstack/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3");
  CHECK(reqs[1].method == HttpMethod::Get);
  CHECK(*findHeader(reqs[1].headers, "Authorization") == "OAuth 5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d");
  // Intervals start short (20 ms, then 30 ms) instead of the official SDKs' fixed second.
  CHECK(f.clock->elapsed() == 50ms);
}

TEST_CASE("202 -> 503: the API error keeps its cause chain and the job UUID", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(503, R"({"error":{"code":"SYS.1006","description":"An operation failed","details":"no free ip",
    "cost":"12ms","opaque":{"k":1},"cause":{"code":"L3.1001","description":"IP range exhausted","cause":{"code":"DB.1"}}}})");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  const Error& e = r.error();
  CHECK(e.kind == ErrorKind::Api);
  CHECK(e.httpStatus == 503);
  CHECK(e.action == "CreateVip");
  REQUIRE(e.api);
  CHECK(e.api->code == "SYS.1006");
  CHECK(e.api->details == "no free ip");
  CHECK(e.api->cost.asString() == "12ms");
  CHECK(e.api->opaque.find("k")->asInt() == 1);
  const auto chain = e.api->chain();
  REQUIRE(chain.size() == 3);
  CHECK(chain[1]->code == "L3.1001");
  CHECK(chain[2]->code == "DB.1");
  CHECK(e.jobUuid == *findHeader(f.transport->requests().at(0).headers, "X-Job-UUID"));
  CHECK(e.describe().find("caused by [L3.1001: IP range exhausted]") != std::string::npos);
}

TEST_CASE("404 on poll is a distinct job-expired error", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(404, "not found");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::JobExpired);
  CHECK(r.error().httpStatus == 404);
}

TEST_CASE("the deadline is wall time and ends an endless job", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, R"({"location":"http://x/zstack/v1/api-jobs/j1"})");
  auto a = vipAction();
  a.timeout = 10s;
  auto r = a.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::PollTimeout);
  CHECK(f.clock->elapsed() == 10s);
  // Backed off to the 1 s cap: far fewer polls than 10 s / 20 ms.
  CHECK(f.transport->requests().size() < 25);
}

TEST_CASE("the default deadline is 3 hours and apiTimeout shortens it", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, R"({"location":"http://x/zstack/v1/api-jobs/j1"})");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(f.clock->elapsed() == 3h);

  Fixture g;
  g.transport->reply(202, R"({"location":"http://x/zstack/v1/api-jobs/j1","apiTimeout":60000.0})");
  auto r2 = vipAction().call(g.client);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().kind == ErrorKind::PollTimeout);
  CHECK(g.clock->elapsed() == 66s);  // apiTimeout + 10 % grace
}

TEST_CASE("a transport failure while polling is retried until success", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->fail("Connection reset by peer");
  f.transport->reply(502, "bad gateway");
  f.transport->reply(200, kVip);
  auto r = vipAction().call(f.client);
  REQUIRE(r.ok());
  CHECK(f.transport->requests().size() == 4);
}

TEST_CASE("transport failure on the call itself is a transport error", "[call]") {
  Fixture f;
  f.transport->fail("Could not connect to server");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transport);
  CHECK(r.error().message == "Could not connect to server");
}

TEST_CASE("unexpected statuses keep the body; 4xx while polling is fatal", "[call]") {
  Fixture f;
  f.transport->reply(400, "missing param l3NetworkUuid");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::HttpStatus);
  CHECK(r.error().httpStatus == 400);
  CHECK(r.error().body == "missing param l3NetworkUuid");
}

TEST_CASE("bad replies are decode errors, never crashes", "[call][decode]") {
  const char* bodies[] = {"{\"inventory\":", "not json", R"({"inventory":{"uuid":5}})", R"({"inventory":[1]})",
                          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"};
  for (const char* body : bodies) {
    Fixture f;
    f.transport->reply(200, body);
    auto r = vipAction().call(f.client);
    INFO(body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Decode);
    CHECK(r.error().body == body);
  }
  Fixture g;
  g.transport->reply(200, R"({"inventory":{"uuid":5}})");
  auto r = vipAction().call(g.client);
  CHECK(r.error().message.find("inventory.uuid: expected a string, got a number") != std::string::npos);
  Fixture h;
  h.transport->reply(202, "{}");
  auto r2 = vipAction().call(h.client);
  CHECK(r2.error().kind == ErrorKind::Decode);
}

TEST_CASE("no credentials is a usage error before anything is sent", "[call]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) { cfg.sessionId.clear(); });
  auto r = vipAction().call(c);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Usage);
  CHECK(f.transport->requests().empty());
  // The action's own sessionId works without client credentials.
  f.transport->reply(200, kVip);
  auto a = vipAction();
  a.sessionId = "s2";
  REQUIRE(a.call(c).ok());
  CHECK(*findHeader(f.transport->requests().at(0).headers, "Authorization") == "OAuth s2");
}

TEST_CASE("access-key auth signs METHOD, Date and /v1 path in the configured zone", "[call][auth]") {
  Fixture f;
  f.clock->setWall(std::chrono::system_clock::from_time_t(1796033100));  // 2026-11-30 10:05:00 UTC
  auto c = f.make([](ClientConfig& cfg) {
    cfg.sessionId.clear();
    cfg.accessKey = AccessKey{"AKID", "secret123"};
    cfg.dateZone = DateZone{std::chrono::hours(8), "CST"};
  });
  f.transport->reply(200, R"({"inventories":[]})");
  QueryVipAction q;
  q.where("name=x");
  REQUIRE(q.call(c).ok());
  const auto req = f.transport->requests().at(0);
  CHECK(*findHeader(req.headers, "Date") == "Mon, 30 Nov 2026 18:05:00 CST");
  // base64(HMAC-SHA1("secret123", "GET\nMon, 30 Nov 2026 18:05:00 CST\n/v1/vips")), computed independently.
  CHECK(*findHeader(req.headers, "Authorization") == "ZStack AKID:p238d30gs3G6FUPtomsi77bhY5c=");
}

TEST_CASE("webhook mode: X-Web-Hook sent, the callback completes the call", "[call][webhook]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) { cfg.webhookUrl = "http://me:9000/hook"; });
  // The 'server' delivers the callback as soon as it accepts the job.
  f.transport->push([hooks = c.webhooks()](const HttpRequest& r) -> TransportResult {
    CHECK(*findHeader(r.headers, "X-Web-Hook") == "http://me:9000/hook");
    Headers h{{"X-Job-UUID", *findHeader(r.headers, "X-Job-UUID")}, {"X-Job-Success", "true"}};
    CHECK(hooks.deliver(h, kVip));
    return HttpResponse{202, {}, kAccepted};
  });
  auto r = vipAction().call(c);
  REQUIRE(r.ok());
  CHECK(r->inventory->name == "vip1");
  CHECK(f.transport->requests().size() == 1);  // no poll at all
  CHECK(c.webhooks().pending() == 0);
  CHECK_FALSE(c.webhooks().deliver({{"X-Job-UUID", "unknown"}}, "{}"));
}

TEST_CASE("webhook failure delivers the ErrorCode", "[call][webhook]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) { cfg.webhookUrl = "http://me/hook"; });
  f.transport->push([hooks = c.webhooks()](const HttpRequest& r) -> TransportResult {
    hooks.deliver({{"X-Job-UUID", *findHeader(r.headers, "X-Job-UUID")}, {"X-Job-Success", "false"}},
                         R"({"error":{"code":"SYS.1001","description":"boom"}})");
    return HttpResponse{202, {}, kAccepted};
  });
  auto r = vipAction().call(c);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Api);
  CHECK(r.error().api->code == "SYS.1001");
}

TEST_CASE("webhook lost: the slow fallback poll still finishes the call", "[call][webhook]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) { cfg.webhookUrl = "http://me/hook"; });
  f.transport->reply(202, kAccepted);
  f.transport->reply(200, kVip);
  auto r = vipAction().call(c);
  REQUIRE(r.ok());
  CHECK(f.clock->elapsed() == 30s);  // PollOptions::webhookFallback
  CHECK(f.transport->requests().size() == 2);
  CHECK(c.webhooks().pending() == 0);
}

TEST_CASE("async: future and callback forms, on a bounded engine", "[call][async]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(200, kVip);
  auto fut = vipAction().callAsync(f.client);
  auto r = fut.get();
  REQUIRE(r.ok());
  CHECK(r->inventory->name == "vip1");

  std::promise<std::string> got;
  vipAction().callAsync(f.client, [&](Result<InventoryReply<VipInventory>> res) {
    got.set_value(res.ok() ? res->inventory->uuid : res.error().describe());
  });
  CHECK(got.get_future().get() == "0666c81cc10147cabd991b41e6e65ffd");

  CreateVipAction bad;  // validation errors arrive the same way
  auto e = bad.callAsync(f.client).get();
  CHECK(e.error().kind == ErrorKind::Validation);
}

TEST_CASE("async: many concurrent polled calls all complete", "[call][async]") {
  Fixture f;
  std::atomic<int> n{0};
  f.transport->push([&](const HttpRequest& r) -> TransportResult {
    if (r.method == HttpMethod::Post) return HttpResponse{202, {}, kAccepted};
    return (++n % 3) ? HttpResponse{202, {}, kAccepted} : HttpResponse{200, {}, kVip};
  });
  std::vector<std::future<Result<InventoryReply<VipInventory>>>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(vipAction().callAsync(f.client));
  int ok = 0;
  for (auto& fu : futures) ok += fu.get().ok();
  CHECK(ok == 200);
}

TEST_CASE("async webhook completion", "[call][async][webhook]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) {
    cfg.webhookUrl = "http://me/hook";
    cfg.clock = nullptr;  // real time: the 30 s fallback poll must not come first
  });
  std::promise<std::string> job;
  f.transport->push([&](const HttpRequest& r) -> TransportResult {
    if (r.method == HttpMethod::Post) job.set_value(*findHeader(r.headers, "X-Job-UUID"));
    return HttpResponse{202, {}, kAccepted};
  });
  auto fut = vipAction().callAsync(c);
  const std::string id = job.get_future().get();
  while (c.webhooks().pending() == 0) std::this_thread::sleep_for(1ms);
  CHECK(c.webhooks().deliver({{"X-Job-UUID", id}, {"X-Job-Success", "true"}}, kVip));
  auto r = fut.get();
  REQUIRE(r.ok());
  CHECK(r->inventory->ip == "192.168.0.1");
}

TEST_CASE("cancellation ends a call; client shutdown cancels pending async calls", "[call][cancel]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  auto a = vipAction();
  a.cancel.cancel();
  auto r = a.call(f.client);
  CHECK(r.error().kind == ErrorKind::Cancelled);
  CHECK(f.transport->requests().empty());

  auto transport = std::make_shared<FakeTransport>();
  transport->reply(202, kAccepted);
  std::future<Result<InventoryReply<VipInventory>>> fut;
  {
    ClientConfig cfg;
    cfg.transport = transport;
    cfg.sessionId = "s";
    cfg.poll.initialInterval = 1h;  // real clock: the poll would be an hour away
    Client c(cfg);
    fut = vipAction().callAsync(c);
    while (transport->requests().empty()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(5ms);
  }
  auto r2 = fut.get();
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("exceptions for users who prefer them", "[result]") {
  Fixture f;
  f.transport->reply(503, R"({"error":{"code":"SYS.1001","description":"denied"}})");
  ChangeVipStateAction a;
  a.uuid = "u";
  a.stateEvent = "enable";
  auto r = a.call(f.client);
  CHECK_THROWS_AS(r.throwIfError(), Exception);
  try {
    (void)r.value();
  } catch (const Exception& e) {
    CHECK(e.error().api->code == "SYS.1001");
    CHECK(std::string(e.what()).find("SYS.1001") != std::string::npos);
  }
}

TEST_CASE("logs never show passwords, session ids, secrets or Authorization", "[log]") {
  std::vector<std::string> lines;
  std::mutex m;
  log::setSink([&](log::Level, std::string_view s) {
    std::lock_guard<std::mutex> l(m);
    lines.emplace_back(s);
  });
  log::setLevel(log::Level::Trace);
  Fixture f;
  f.transport->reply(200, R"({"inventory":{"uuid":"sess-9f3a","accountUuid":"acc"}})");
  LogInByAccountAction login;
  login.accountName = "admin";
  login.password = "hunter2";
  auto r = login.call(f.client);
  REQUIRE(r.ok());
  const auto body = f.transport->requests().at(0).body;
  CHECK(body.find("hunter2") == std::string::npos);
  CHECK(body == std::string(R"({"logInByAccount":{"accountName":"admin","password":")") +
                    "6b97ed68d14eb3f1aa959ce5d49c7dc612e1eb1dafd73b1e705847483fd6a6c809f2ceb4e8df6ff9984c6298ff0285cace6614bf8daa9f0070101b6c89899e22" +
                    "\"}}");
  LogOutAction logout;
  logout.sessionUuid = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
  f.transport->reply(200, "{}");
  REQUIRE(logout.call(f.client).ok());
  f.transport->reply(503, R"({"error":{"code":"ID.1001","description":"x"}})");
  (void)vipAction().call(f.client);
  log::setSink(nullptr);
  REQUIRE(lines.size() >= 3);
  for (const auto& l : lines) {
    INFO(l);
    CHECK(l.find("hunter2") == std::string::npos);
    CHECK(l.find("5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d") == std::string::npos);
    CHECK(l.find("OAuth") == std::string::npos);
  }
  bool sawRedactedLogout = false;
  for (const auto& l : lines) sawRedactedLogout |= l.find("/v1/accounts/sessions/***") != std::string::npos;
  CHECK(sawRedactedLogout);
}

TEST_CASE("Session logs in, sets the client session, and logs out on scope exit", "[session]") {
  Fixture f;
  auto c = f.make([](ClientConfig& cfg) { cfg.sessionId.clear(); });
  f.transport->reply(200, R"({"inventory":{"uuid":"abc123","accountUuid":"acc","expiredDate":"Jan 1, 2017 11:31:06 AM"}})");
  f.transport->reply(200, "{}");
  {
    auto s = Session::open(c, "admin", "password");
    REQUIRE(s.ok());
    CHECK(s->uuid() == "abc123");
    CHECK(c.session() == "abc123");
    CHECK(s->inventory().expiredDate->hour == 11);
  }
  const auto reqs = f.transport->requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].method == HttpMethod::Put);
  CHECK(reqs[0].url == "http://localhost:8080/zstack/v1/accounts/login");
  CHECK(findHeader(reqs[0].headers, "Authorization") == nullptr);
  CHECK(reqs[1].method == HttpMethod::Delete);
  CHECK(reqs[1].url == "http://localhost:8080/zstack/v1/accounts/sessions/abc123");
  CHECK_FALSE(c.hasSession());

  Fixture g;
  g.transport->reply(503, R"({"error":{"code":"ID.1001","description":"wrong password"}})");
  auto bad = Session::open(g.client, "admin", "nope");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().api->code == "ID.1001");

  Fixture h;  // a login reply without a session is an error, not an empty session
  h.transport->reply(200, R"({"inventory":{}})");
  auto empty = logIn(h.client, "admin", "pw");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().kind == ErrorKind::Decode);
}

TEST_CASE("polls are aimed at the API's usual job duration once it is known", "[call][poll]") {
  Fixture f;
  // Every job finishes 1 s after it is accepted (fake time).
  Clock::time_point acceptedAt{}, lastPoll{};
  std::chrono::milliseconds lastStep{0};  // between the final two polls
  f.transport->push([&](const HttpRequest& r) -> TransportResult {
    const auto now = f.clock->now();
    if (r.method == HttpMethod::Post) {
      acceptedAt = lastPoll = now;
      return HttpResponse{202, {}, kAccepted};
    }
    lastStep = std::chrono::duration_cast<std::chrono::milliseconds>(now - lastPoll);
    lastPoll = now;
    if (now - acceptedAt < 1s) return HttpResponse{202, {}, kAccepted};
    return HttpResponse{200, {}, kVip};
  });
  REQUIRE(vipAction().call(f.client).ok());
  const auto firstPolls = f.transport->requests().size() - 1;
  CHECK(firstPolls >= 8);  // blind backoff: 20 ms, 30 ms, ... capped at 1 s
  int polls[3];
  std::chrono::milliseconds late[3], step[3];
  for (int i = 0; i < 3; ++i) {
    const auto before = f.transport->requests().size();
    REQUIRE(vipAction().call(f.client).ok());
    polls[i] = static_cast<int>(f.transport->requests().size() - before - 1);
    late[i] = std::chrono::duration_cast<std::chrono::milliseconds>(f.clock->now() - acceptedAt) - 1000ms;
    step[i] = lastStep;
  }
  for (int i = 1; i < 3; ++i) {
    INFO("call " << i << ": " << polls[i] << " polls, " << late[i].count() << " ms late, last step "
                 << step[i].count() << " ms");
    CHECK(polls[i] <= 4);
    CHECK(step[i] <= 8ms);  // the short step: 1/128 of the job's duration
    CHECK(late[i] <= step[i]);
  }
}

namespace {

// A job server in fake time: every job finishes 1 s after its POST. Async polls of the jobs
// named in `hold` are kept unanswered (those calls stay waiting, as in a burst) until release().
class JobTransport final : public Transport {
 public:
  explicit JobTransport(std::shared_ptr<FakeClock> clock) : clock_(std::move(clock)) {}

  TransportResult send(const HttpRequest& r) override {
    std::lock_guard<std::mutex> l(m_);
    return answer(r);
  }
  void sendAsync(HttpRequest r, Callback done) override {
    TransportResult result;
    {
      std::lock_guard<std::mutex> l(m_);
      if (r.method == HttpMethod::Get && holdPolls_) {
        held_.emplace_back(std::move(r), std::move(done));
        return;
      }
      result = answer(r);
    }
    done(std::move(result));
  }
  // Later replies to POSTs say the request was sent `ago` before they were read.
  void replyReadLate(std::chrono::milliseconds ago) {
    std::lock_guard<std::mutex> l(m_);
    readLate_ = ago;
  }
  void holdAsyncPolls(bool on) {
    std::lock_guard<std::mutex> l(m_);
    holdPolls_ = on;
  }
  std::size_t held() const {
    std::lock_guard<std::mutex> l(m_);
    return held_.size();
  }
  void release() {  // answers the held polls (their jobs are long done)
    std::vector<std::pair<HttpRequest, Callback>> held;
    {
      std::lock_guard<std::mutex> l(m_);
      held.swap(held_);
      holdPolls_ = false;
    }
    for (auto& [r, done] : held) done(send(r));
  }
  // Polls of the last job, and how late its result was seen (the last poll after the finish).
  int lastPolls() const {
    std::lock_guard<std::mutex> l(m_);
    return lastPolls_;
  }
  std::chrono::milliseconds lastLate() const {
    std::lock_guard<std::mutex> l(m_);
    return lastLate_;
  }

 private:
  TransportResult answer(const HttpRequest& r) {
    const auto now = clock_->now();
    if (r.method == HttpMethod::Post) {
      const std::string job = *findHeader(r.headers, "X-Job-UUID");
      // Read late: the job started `readLate_` before the client reads this reply.
      doneAt_[job] = now - readLate_ + 1s;
      lastJob_ = job;
      lastPolls_ = 0;
      HttpResponse res{202, {}, R"({"location":"http://h/zstack/v1/api-jobs/)" + job + "\"}"};
      if (readLate_.count() > 0) res.sentAt = std::chrono::steady_clock::now() - readLate_;
      return res;
    }
    const std::string job = r.url.substr(r.url.rfind('/') + 1);
    if (job == lastJob_) ++lastPolls_;
    if (now < doneAt_.at(job)) return HttpResponse{202, {}, R"({"location":"x/v1/api-jobs/)" + job + "\"}"};
    if (job == lastJob_) lastLate_ = std::chrono::duration_cast<std::chrono::milliseconds>(now - doneAt_.at(job));
    return HttpResponse{200, {}, kVip};
  }

  std::shared_ptr<FakeClock> clock_;
  mutable std::mutex m_;
  std::map<std::string, Clock::time_point> doneAt_;
  std::string lastJob_;
  int lastPolls_ = 0;
  std::chrono::milliseconds lastLate_{0}, readLate_{0};
  bool holdPolls_ = false;
  std::vector<std::pair<HttpRequest, Callback>> held_;
};

struct JobFixture {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<JobTransport> transport = std::make_shared<JobTransport>(clock);
  Client client = [this] {
    ClientConfig c;
    c.transport = transport;
    c.clock = clock;
    c.sessionId = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
    return Client(c);
  }();
  void learn() {  // a few calls, so the client knows this API's jobs take about 1 s
    for (int i = 0; i < 4; ++i) REQUIRE(vipAction().call(client).ok());
  }
};

}  // namespace

TEST_CASE("a job is dated from when its request was sent, not from when the reply was read", "[call][poll]") {
  JobFixture f;
  f.learn();
  // The client's thread was busy: the 202 is read 300 ms after the request went out, and the
  // job, started then, finishes 700 ms after the read.
  f.transport->replyReadLate(300ms);
  REQUIRE(vipAction().call(f.client).ok());
  INFO(f.transport->lastPolls() << " polls, " << f.transport->lastLate().count() << " ms late");
  CHECK(f.transport->lastLate() <= 8ms);  // dated from the read, the first poll came ~300 ms late
  CHECK(f.transport->lastPolls() <= 3);
}

TEST_CASE("with many calls waiting, first polls are aimed just after the expected finish", "[call][poll]") {
  JobFixture f;
  f.learn();
  for (int i = 0; i < 4; ++i) {  // before the crowd: aimed a step early, the job is seen running
    REQUIRE(vipAction().call(f.client).ok());
    CHECK(f.transport->lastPolls() >= 2);
  }

  // 40 async calls wait for their jobs (their polls are held unanswered).
  f.transport->holdAsyncPolls(true);
  std::atomic<int> finished{0};
  for (int i = 0; i < 40; ++i)
    vipAction().callAsync(f.client, [&](CreateVipAction::ResultType r) {
      CHECK(r.ok());
      ++finished;
    });
  for (int i = 0; i < 2000 && f.transport->held() < 40; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(f.transport->held() == 40);

  // Meanwhile, calls aimed just after the finish take one poll each and are late by half a step
  // at most; one call in 32 still aims early (two polls) and keeps the estimate checked. The
  // estimate does not drift down from calls whose single poll found the job done.
  int single = 0;
  for (int i = 0; i < 32; ++i) {
    REQUIRE(vipAction().call(f.client).ok());
    INFO("call " << i << ": " << f.transport->lastPolls() << " polls, " << f.transport->lastLate().count() << " ms late");
    if (f.transport->lastPolls() == 1) {
      ++single;
      CHECK(f.transport->lastLate() <= 5ms);
    }
  }
  CHECK(single >= 30);
  CHECK(single < 32);

  f.transport->release();
  for (int i = 0; i < 2000 && finished < 40; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(finished == 40);
  REQUIRE(vipAction().call(f.client).ok());  // the crowd is gone: aimed early again
  CHECK(f.transport->lastPolls() >= 2);
}

TEST_CASE("a garbled 200 poll result is fetched again, twice at most", "[call][poll]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(200, R"({"inventory":{"uuid":"0666c81c)");
  f.transport->reply(200, kVip);
  auto r = vipAction().call(f.client);
  REQUIRE(r.ok());
  CHECK(r->inventory->name == "vip1");

  Fixture g;
  g.transport->reply(202, kAccepted);
  g.transport->reply(200, R"({"inventory":{"uuid":5}})");
  auto bad = vipAction().call(g.client);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Decode);
  CHECK(g.transport->requests().size() == 4);  // the call and three polls
}

TEST_CASE("large reply bodies are given back for reuse once decoded", "[call][buffers]") {
  using namespace zstack::util;
  while (takeBuffer(kPooledBufferMin).capacity() >= kPooledBufferMin) {
  }  // start from an empty pool
  SECTION("the pool keeps what is worth keeping, and only that") {
    std::string small(1000, 'x');
    giveBack(std::move(small));
    CHECK(takeBuffer(kPooledBufferMin).capacity() < kPooledBufferMin);
    std::string huge;
    huge.reserve(9u << 20);
    giveBack(std::move(huge));
    CHECK(takeBuffer(kPooledBufferMin).capacity() < kPooledBufferMin);
    std::string mid;
    mid.reserve(200000);
    const char* storage = mid.data();
    giveBack(std::move(mid));
    CHECK(takeBuffer(300000).capacity() < kPooledBufferMin);  // too small for that
    std::string got = takeBuffer(100000);
    CHECK(got.data() == storage);
    CHECK(got.empty());
    CHECK(takeBuffer(100000).capacity() < kPooledBufferMin);  // handed out once
  }
  SECTION("a decoded 200 reply's body goes back to the pool") {
    Fixture f;
    std::string reply = R"({"inventories":[{"uuid":"u1","name":")" + std::string(100000, 'n') + R"("}]})";
    f.transport->reply(200, reply);
    QueryVipAction q;
    auto r = q.call(f.client);
    REQUIRE(r.ok());
    CHECK(r->inventories.at(0).name.size() == 100000);
    CHECK(takeBuffer(kPooledBufferMin).capacity() >= reply.size());
  }
}
