// What a hostile server or a careless caller must not be able to do to the call path: each case
// here failed (or crashed) before its fix. Fake transport and clock: nothing waits for real.

#include "codec/codec.hpp"
#include "support/fakes.hpp"
#include "util/crypto.hpp"
#include "util/utf8.hpp"
#include "zstack/actions.hpp"
#include "zstack/log.hpp"
#include "zstack/query.hpp"
#include "zstack/session.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace zstack;
using namespace zstack::testing;
using namespace std::chrono_literals;

namespace {

const char* const kSession = kTestSession;

const char* kVip = R"({"inventory":{"uuid":"0666c81cc10147cabd991b41e6e65ffd","name":"vip1"}})";

CreateVipAction vipAction() {
  CreateVipAction a;
  a.name = "vip1";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  return a;
}

std::string accepted(const std::string& location, const std::string& apiTimeout = "60000") {
  return R"({"location":")" + location + R"(","apiTimeout":)" + apiTimeout + "}";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every exchange of a call is bounded by what is left of the call's deadline", "[hardening][deadline]") {
  Fixture f;
  f.transport->push([&](const HttpRequest&) -> TransportResult {
    f.clock->sleepUntil(f.clock->now() + 1500ms);  // the POST took 1.5 s
    return HttpResponse{202, {}, kAccepted};
  });
  f.transport->push([&](const HttpRequest&) -> TransportResult {
    f.clock->sleepUntil(f.clock->now() + 1000ms);
    return HttpResponse{202, {}, ""};
  });
  f.transport->reply(200, kVip);
  auto a = vipAction();
  a.timeout = 5s;
  REQUIRE(a.call(f.client).ok());
  const auto reqs = f.transport->requests();
  REQUIRE(reqs.size() >= 3);
  CHECK(reqs[0].timeout == 5000ms);  // the whole budget (requestTimeout is 60 s)
  auto sentAt = 1500ms;
  for (std::size_t i = 1; i < reqs.size(); ++i) {
    CHECK(reqs[i].timeout.count() > 0);
    CHECK(reqs[i].timeout <= 5000ms - sentAt);  // never past the call's deadline
    sentAt += 1000ms;
  }

  // requestTimeout still caps one exchange when the deadline is far.
  Fixture g;
  Client capped = g.make([](ClientConfig& c) { c.requestTimeout = 2s; });
  g.transport->reply(200, kVip);
  auto b = vipAction();
  b.timeout = 1h;
  REQUIRE(b.call(capped).ok());
  CHECK(g.transport->requests().at(0).timeout == 2000ms);
}

TEST_CASE("a request that runs into the call's deadline says so; a non-positive timeout is a usage error", "[hardening][deadline]") {
  Fixture f;
  f.transport->push([&](const HttpRequest& r) -> TransportResult {
    f.clock->sleepUntil(f.clock->now() + r.timeout);
    return TransportFailure{28, "Timeout was reached"};
  });
  QueryVipAction q;
  q.timeout = 300ms;
  auto r = q.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transport);
  CHECK(contains(r.error().message, "no reply within the call's timeout of 300 ms"));

  for (auto t : {0ms, -5ms}) {
    Fixture g;
    g.transport->reply(200, kVip);
    auto a = vipAction();
    a.timeout = t;
    auto e = a.call(g.client);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().kind == ErrorKind::Usage);
    CHECK(g.transport->requests().empty());
  }
}

TEST_CASE("202 locations: only /v1/api-jobs/<id> is polled, always at the configured endpoint", "[hardening][location]") {
  SECTION("foreign or malformed locations fail at once, with nothing sent there") {
    for (const char* location : {"http://evil.example/steal", "file:///etc/passwd", "file:///x/v1/api-jobs/abc",
                                 "gopher://h/v1/api-jobs/abc", "http://h/v1/api-jobs/", "http://h/v1/api-jobs/a?b=c",
                                 "http://h/v1/api-jobs/a/../../x", "http://h/v1/api-jobs/a#f", "v1/api-jobs/abc", ""}) {
      Fixture f;
      f.transport->reply(202, accepted(location));
      auto r = vipAction().call(f.client);
      INFO(location);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().kind == ErrorKind::Decode);
      CHECK(f.transport->requests().size() == 1);  // no poll went anywhere
    }
  }
  SECTION("another host's job URL is polled under the endpoint (NAT), with the credentials kept here") {
    for (const char* location : {"http://10.9.9.9:8080/zstack/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3",
                                 "https://other.example/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3",
                                 "/zstack/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3"}) {
      Fixture f;
      f.transport->reply(202, accepted(location));
      f.transport->reply(200, kVip);
      REQUIRE(vipAction().call(f.client).ok());
      const auto reqs = f.transport->requests();
      REQUIRE(reqs.size() == 2);
      CHECK(reqs[1].url == "http://localhost:8080/zstack/v1/api-jobs/967a26b7431c49c0b1d50d709ef1aef3");
    }
  }
}

TEST_CASE("a huge, negative or absurd apiTimeout never shortens the call or overflows the clock", "[hardening][arith]") {
  for (const char* apiTimeout : {"1e13", "1e300", "-5", "0", "9223372036854775807", "1.7976931348623157e308"}) {
    Fixture f;
    f.transport->reply(202, accepted("http://h/zstack/v1/api-jobs/abc", apiTimeout));
    f.transport->reply(202, "");
    f.transport->reply(202, "");
    f.transport->reply(200, kVip);
    auto r = vipAction().call(f.client);
    INFO(apiTimeout);
    CHECK(r.ok());
  }
  // A sane apiTimeout still bounds the wait: 2 s + 5 s grace.
  Fixture f;
  f.transport->reply(202, accepted("http://h/zstack/v1/api-jobs/abc", "2000"));
  f.transport->reply(202, "");
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::PollTimeout);
  CHECK(f.clock->elapsed() <= 7000ms);
}

TEST_CASE("epoch-millisecond timestamps decode over the whole int64 range", "[hardening][arith]") {
  struct Case {
    const char* ms;
    Timestamp expected;
  } cases[] = {
      {"0", {1970, 1, 1, 0, 0, 0}},
      {"-1", {1969, 12, 31, 23, 59, 59}},
      {"1496870416000", {2017, 6, 7, 21, 20, 16}},
      {"253402300799000", {9999, 12, 31, 23, 59, 59}},
      {"9223372036854775807", {292278994, 8, 17, 7, 12, 55}},
      {"-9223372036854775808", {-292275055, 5, 16, 16, 47, 4}},
  };
  for (const auto& c : cases) {
    InventoryReply<VipInventory> r;
    const std::string body = std::string(R"({"inventory":{"createDate":)") + c.ms + "}}";
    REQUIRE_FALSE(codec::decode(schema::typeOf<InventoryReply<VipInventory>>(), body, &r));
    INFO(c.ms);
    REQUIRE(r.inventory->createDate);
    CHECK(*r.inventory->createDate == c.expected);
  }
  // Past system_clock's range, asUtc() saturates instead of wrapping.
  CHECK(Timestamp{3000, 1, 1, 0, 0, 0}.asUtc() == std::chrono::system_clock::time_point::max());
  CHECK(Timestamp{1000, 1, 1, 0, 0, 0}.asUtc() == std::chrono::system_clock::time_point::min());
  CHECK(Timestamp{2017, 6, 7, 21, 20, 16}.asUtc().time_since_epoch() == std::chrono::seconds(1496870416));
}

TEST_CASE("paging ends: a server that ignores start, an offset past INT32_MAX", "[hardening][paging]") {
  SECTION("the same full page twice is an error, and the repeat is not handed over") {
    Fixture f;
    f.transport->reply(200, R"({"inventories":[{"uuid":"a"},{"uuid":"b"}]})");  // forever
    QueryVipAction q;
    int pages = 0;
    auto err = forEachPage(q, f.client, 2, [&](std::vector<VipInventory>&) { return ++pages, true; });
    REQUIRE(err);
    CHECK(err->kind == ErrorKind::Decode);
    CHECK(contains(err->message, "repeats the previous one"));
    CHECK(pages == 1);
    CHECK(f.transport->requests().size() == 2);
    CHECK_FALSE(queryAll(q, f.client, 2).ok());
  }
  SECTION("a full page then an empty one is the normal end") {
    Fixture f;
    f.transport->reply(200, R"({"inventories":[{"uuid":"a"},{"uuid":"b"}]})");
    f.transport->reply(200, R"({"inventories":[]})");
    auto all = queryAll(QueryVipAction{}, f.client, 2);
    REQUIRE(all.ok());
    CHECK(all->size() == 2);
  }
  SECTION("start would overflow int32") {
    Fixture f;
    std::atomic<int> n{0};
    f.transport->push([&](const HttpRequest&) -> TransportResult {
      const auto i = std::to_string(n++);
      return HttpResponse{200, {}, R"({"inventories":[{"uuid":"a)" + i + R"("},{"uuid":"b)" + i + R"("}]})"};
    });
    QueryVipAction q;
    q.start = std::numeric_limits<std::int32_t>::max() - 3;
    auto err = forEachPage(q, f.client, 2, [](std::vector<VipInventory>&) { return true; });
    REQUIRE(err);
    CHECK(contains(err->message, "would pass"));
    CHECK(n == 2);
  }
}

TEST_CASE("the last Client may be released inside an async callback", "[hardening][lifetime]") {
  auto transport = std::make_shared<FakeTransport>();
  transport->reply(200, kVip);
  ClientConfig c;
  c.transport = transport;
  c.sessionId = kSession;
  auto holder = std::make_shared<std::optional<Client>>(Client(c));
  std::promise<bool> released;
  vipAction().callAsync(**holder, [holder, &released](Result<InventoryReply<VipInventory>> r) {
    holder->reset();  // the only strong reference to the client: destroyed on the engine thread
    released.set_value(r.ok());
  });
  auto done = released.get_future();
  REQUIRE(done.wait_for(10s) == std::future_status::ready);
  CHECK(done.get());
  CHECK_FALSE(holder->has_value());

  // Also with calls still pending: they end as Cancelled, nothing crashes.
  auto slow = std::make_shared<FakeTransport>();
  slow->reply(202, kAccepted);
  slow->reply(202, "");
  c.transport = slow;
  auto holder2 = std::make_shared<std::optional<Client>>(Client(c));
  std::promise<void> first;
  std::atomic<int> cancelled{0};
  auto a = vipAction();
  a.callAsync(**holder2, [&](Result<InventoryReply<VipInventory>> r) {
    if (!r.ok() && r.error().kind == ErrorKind::Cancelled) ++cancelled;
  });
  QueryVipAction q;  // its first reply is a 202 without a location: a decode error, at once
  q.callAsync(**holder2, [holder2, &first](Result<QueryReply<VipInventory>>) {
    holder2->reset();
    first.set_value();
  });
  REQUIRE(first.get_future().wait_for(10s) == std::future_status::ready);
  CHECK(cancelled == 1);
}

TEST_CASE("header values from the caller are checked before anything is sent", "[hardening][headers]") {
  auto expectUsage = [](Client client, const std::shared_ptr<FakeTransport>& t, const char* what) {
    auto r = vipAction().call(client);
    INFO(what);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Usage);
    CHECK(t->requests().empty());
  };
  {
    Fixture f;
    expectUsage(f.make([](ClientConfig& c) { c.userAgent = "x\r\nX-Evil: 1"; }), f.transport, "user agent");
  }
  {
    Fixture f;
    expectUsage(f.make([](ClientConfig& c) { c.sessionId = "abc\nX-Evil: 1"; }), f.transport, "session");
  }
  {
    Fixture f;
    expectUsage(f.make([](ClientConfig& c) {
                  c.sessionId.clear();
                  c.accessKey = AccessKey{"id\r\n", "secret"};
                }),
                f.transport, "access key id");
  }
  {
    Fixture f;
    expectUsage(f.make([](ClientConfig& c) { c.webhookUrl = std::string("http://h/\0x", 10); }), f.transport, "webhook");
  }
}

TEST_CASE("secrets the server echoes never reach describe(), toJson(), the body or the log", "[hardening][secrets]") {
  std::vector<std::string> logged;
  std::mutex m;
  log::setSink([&](log::Level, std::string_view s) {
    std::lock_guard<std::mutex> l(m);
    logged.emplace_back(s);
  });
  log::setLevel(log::Level::Debug);
  struct Reset {
    ~Reset() { log::setSink(nullptr); log::setLevel(log::Level::Info); }
  } reset;

  Fixture f;
  const std::string echo = std::string(R"({"error":{"code":"ID.1001","description":"session )") + kSession +
                           R"( expired","details":"Authorization: OAuth )" + kSession +
                           R"(","opaque":{"s":")" + kSession + R"("},"cause":{"code":"X","details":")" + kSession + R"("}}})";
  f.transport->reply(503, echo);
  auto r = vipAction().call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Api);
  CHECK(r.error().api->code == "ID.1001");
  CHECK_FALSE(contains(r.error().describe(), kSession));
  CHECK_FALSE(contains(r.error().toJson().dump(), kSession));
  CHECK(contains(r.error().describe(), "session *** expired"));

  Fixture h;
  h.transport->reply(400, std::string("bad session ") + kSession);
  auto b = vipAction().call(h.client);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().kind == ErrorKind::HttpStatus);
  CHECK(b.error().body == "bad session ***");

  // A login password, as given and as sent (its SHA-512), is redacted too.
  Fixture g;
  Client noSession = g.make([](ClientConfig& c) { c.sessionId.clear(); });
  const std::string hashed = crypto::sha512Hex("hunter2secret");
  g.transport->reply(503, R"({"error":{"code":"ID.1000","details":"wrong password hunter2secret / )" + hashed + R"("}})");
  auto l = logIn(noSession, "admin", "hunter2secret");
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().api->code == "ID.1000");
  CHECK_FALSE(contains(l.error().describe(), "hunter2secret"));
  CHECK_FALSE(contains(l.error().describe(), hashed));

  std::lock_guard<std::mutex> lock(m);
  REQUIRE_FALSE(logged.empty());
  for (const auto& line : logged) {
    CHECK_FALSE(contains(line, kSession));
    CHECK_FALSE(contains(line, "hunter2secret"));
  }
}

TEST_CASE("an unexpected body is kept in part, valid UTF-8, with its size", "[hardening][body]") {
  Fixture f;
  std::string huge(1 << 20, 'x');
  huge[10] = '\xff';
  f.transport->reply(500, huge);
  auto r = QueryVipAction{}.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().body.size() < 70 * 1024);
  CHECK(contains(r.error().body, std::to_string(huge.size()) + " in all"));
  CHECK(contains(r.error().body, "xxx\xEF\xBF\xBDxxx"));
  CHECK(utf8::validPrefix(r.error().body) == r.error().body.size());
  CHECK(utf8::validPrefix(r.error().toJson().pretty()) == r.error().toJson().pretty().size());
}

TEST_CASE("invalid UTF-8 in a reply is replaced, so every decoded string is valid", "[hardening][utf8]") {
  InventoryReply<VipInventory> r;
  REQUIRE_FALSE(codec::decode(schema::typeOf<InventoryReply<VipInventory>>(),
                              "{\"inventory\":{\"name\":\"a\xff\xfe b\xc3\xa9\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf\"}}", &r));
  CHECK(r.inventory->name == "a\xEF\xBF\xBD\xEF\xBF\xBD b\xc3\xa9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  auto j = Json::parse("[\"\xe2\x82\"]");
  REQUIRE(j);
  CHECK(j->asArray().at(0).asString() == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(utf8::sanitized("ok \xe4\xb8\xad\xf0\x9f\x98\x80") == "ok \xe4\xb8\xad\xf0\x9f\x98\x80");  // valid text untouched
}

TEST_CASE("a job whose result has no inventory succeeds with the inventory empty", "[hardening][reply]") {
  Fixture f;
  f.transport->reply(202, kAccepted);
  f.transport->reply(200, "{}");
  AttachEipAction a;
  a.eipUuid = "e";
  a.vmNicUuid = "n";
  auto r = a.call(f.client);
  REQUIRE(r.ok());
  CHECK_FALSE(r->inventory.has_value());
}

TEST_CASE("Endpoint::parse takes scheme://host[:port][/path] and nothing libcurl could read otherwise", "[hardening][endpoint]") {
  for (const char* bad : {"http://evil.com#@good.com/zstack", "http://a@b/zstack", "http://user:pw@h:8080/zstack",
                          "http://h:80:81/zstack", "http://h:8080x/zstack", "http://h:99999", "http://h:/zstack",
                          "http://h/zstack?x=1", "http://h/zstack#frag", "http://h\\evil.com/", "http://h h/", "http://h%2f/",
                          "http://[::1/zstack", "http://[]/", "http://[::1]x/", "http:///zstack", "ftp://h/", "http://h/za%20b",
                          "http://h\r\n/", "http://h:0/"}) {
    std::string why;
    INFO(bad);
    CHECK_FALSE(Endpoint::parse(bad, &why));
    CHECK_FALSE(why.empty());
  }
  std::string why;
  REQUIRE_FALSE(Endpoint::parse("http://admin:secret@h/zstack", &why));
  CHECK_FALSE(contains(why, "secret"));  // user info is never quoted back

  struct Good {
    const char* text;
    const char* host;
    int port;
    const char* path;
  } goods[] = {{"http://h", "h", 80, ""},
               {"https://zstack.example.com:8443/zstack/", "zstack.example.com", 8443, "zstack"},
               {"HTTP://10.0.0.5:8080/zstack", "10.0.0.5", 8080, "zstack"},
               {"http://[::1]:8080/zstack", "[::1]", 8080, "zstack"},
               {"http://h/a/b", "h", 80, "a/b"}};
  for (const auto& g : goods) {
    auto e = Endpoint::parse(g.text);
    INFO(g.text);
    REQUIRE(e);
    CHECK(e->host == g.host);
    CHECK(e->port == g.port);
    CHECK(e->contextPath == g.path);
    auto again = Endpoint::parse(e->baseUrl());
    REQUIRE(again);
    CHECK(again->baseUrl() == e->baseUrl());
  }
}

TEST_CASE("strings too long for the JSON writer are refused, not overflowed", "[hardening][writer]") {
  Json big(std::string((std::size_t{512} << 20) + 1, 'a'));
  CHECK_THROWS_AS(big.dump(), std::length_error);
  Fixture f;
  f.transport->reply(200, kVip);
  auto a = vipAction();
  a.systemTags.push_back(big.asString());
  auto r = a.call(f.client);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Usage);
  CHECK(f.transport->requests().empty());
}
