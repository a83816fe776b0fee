#include <atomic>
#include <mutex>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

namespace {
std::string createVip(SimClient& c, const std::string& l3, const std::string& name = "vip") {
  Resp r = c.call("POST", "vips", wrap("params", obj({{"name", name}, {"l3NetworkUuid", l3}})));
  REQUIRE(r.status == 200);
  return r.inv().getString("uuid");
}
}  // namespace

TEST_CASE("unknown path, wrong method and bad bodies", "[protocol]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  CHECK(c.raw("GET", "no-such-thing", "", c.authHeaders()).status == 404);
  CHECK(c.raw("GET", "/other/v1/vips", "", c.authHeaders()).status == 404);
  Resp r = c.raw("DELETE", "vips", "", c.authHeaders());
  CHECK(r.status == 405);
  CHECK(r.header("Allow").find("POST") != std::string::npos);
  CHECK(c.raw("POST", "security-groups/rules/x", "{}", c.authHeaders()).status == 405);
  // unknown body key on a URL shared by several APIs: RestServer's 400, plain text
  r = c.raw("PUT", "vips/abc/actions", wrap("noSuchAction", Json::object()), c.authHeaders());
  CHECK(r.status == 400);
  CHECK(r.header("Content-Type").find("text/plain") == 0);
  CHECK(r.body.find("action mapping") != std::string::npos);
  // malformed JSON: gson's exception escapes RestServer.handle(): 500, plain text
  CHECK(c.raw("POST", "vips", "{\"params\": {", c.authHeaders()).status == 500);
  CHECK(c.raw("POST", "vips", "[1,2]", c.authHeaders()).status == 500);
  CHECK(c.raw("POST", "vips", std::string(100000, '['), c.authHeaders()).status == 500);
  // wrong JSON types: RestServer's TypeVerifier, 400 at once
  CHECK(c.raw("POST", "vips", wrap("params", obj({{"name", 5}, {"l3NetworkUuid", "x"}})), c.authHeaders()).status == 400);
  CHECK(c.raw("POST", "vips", "{\"params\": 7}", c.authHeaders()).status == 400);
  CHECK(c.raw("POST", "vips", "{\"params\": {\"name\":\"a\"}, \"systemTags\": \"x\"}", c.authHeaders()).status == 400);
  // missing parameters / invalid values: the API interceptors, 202 then the job fails 503 SYS.1007
  for (const std::string& b : {std::string(), wrap("params", obj({{"name", "n"}}))}) {
    Resp a = c.raw("POST", "vips", b, c.authHeaders());
    REQUIRE(a.status == 202);
    Resp done = c.pollUntilDone(a.json.getString("location"));
    CHECK(done.status == 503);
    CHECK(done.errCode() == "SYS.1007");
  }
  Resp bogus = c.call("PUT", "vips/x/actions", wrap("changeVipState", obj({{"stateEvent", "bogus"}})));
  CHECK(bogus.status == 503);
  CHECK(bogus.errCode() == "SYS.1007");
  CHECK(c.raw("POST", "vips", std::string("{\"params\":{\"name\":\"\xff\xfe\"}}"), c.authHeaders()).status != 0);
  CHECK(c.raw("GET", "vips?limit=-1", "", c.authHeaders()).status == 400);
  CHECK(c.raw("GET", "vips?q=%ZZ", "", c.authHeaders()).status == 400);
  // two wrapper keys: RestServer takes one of the matching APIs (here on an unknown VIP)
  CHECK(c.call("PUT", "vips/x/actions", "{\"updateVip\":{},\"changeVipState\":{}}").status == 503);
}

TEST_CASE("X-Job-UUID validation", "[protocol]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string l3 = sim.seed().publicL3Uuid;
  const std::string body = wrap("params", obj({{"name", "v"}, {"l3NetworkUuid", l3}}));
  CHECK(c.raw("POST", "vips", body, c.authHeaders({{"X-Job-UUID", "ABCDEF"}})).status == 400);
  // RestServer only checks the length (32)
  Resp odd = c.raw("POST", "vips", body, c.authHeaders({{"X-Job-UUID", "ABCDEF"}}));
  CHECK(odd.header("Content-Type").find("text/plain") == 0);
  CHECK(c.raw("POST", "vips", body, c.authHeaders({{"X-Job-UUID", "0123456789ABCDEF0123456789ABCDEF"}})).status == 202);
  CHECK(c.raw("POST", "vips", wrap("params", obj({{"name", "v2"}, {"l3NetworkUuid", l3}})),
              c.authHeaders({{"X-Job-UUID", "0123456789abcdef-0123456789abcde"}})).status == 202);
  // queries ignore the header altogether
  CHECK(c.raw("GET", "vips", "", c.authHeaders({{"X-Job-UUID", "bad"}})).status == 200);
  const std::string job = zstack::sim::newUuid();
  Resp r = c.raw("POST", "vips", body, c.authHeaders({{"X-Job-UUID", job}}));
  REQUIRE(r.status == 202);
  CHECK(r.json.getString("location").find("/zstack/v1/api-jobs/" + job) != std::string::npos);
  CHECK(r.json.find("apiTimeout")->asInt() == 3600000);
  // reuse is refused
  Resp again = c.raw("POST", "vips", body, c.authHeaders({{"X-Job-UUID", job}}));
  CHECK(again.status == 400);
  CHECK(c.raw("DELETE", "vips/x", "", c.authHeaders({{"X-Job-UUID", job}})).status == 400);
  // GETs may carry any well-formed job uuid, even a used one
  CHECK(c.raw("GET", "vips", "", c.authHeaders({{"X-Job-UUID", job}})).status == 200);
  // without the header the server generates one
  Resp gen = c.raw("POST", "vips", wrap("params", obj({{"name", "w"}, {"l3NetworkUuid", l3}})), c.authHeaders());
  REQUIRE(gen.status == 202);
  const std::string loc = gen.json.getString("location");
  CHECK(zstack::sim::isJobUuid(loc.substr(loc.rfind('/') + 1)));
}

TEST_CASE("async job lifecycle: 202, poll 202, 200", "[protocol]") {
  auto opt = testOptions();
  opt.jobDelay = std::chrono::milliseconds(150);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  Resp r = c.raw("POST", "vips", wrap("params", obj({{"name", "v"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}})),
                 c.authHeaders());
  REQUIRE(r.status == 202);
  REQUIRE(r.header("Content-Type").find("application/json") == 0);
  const std::string loc = r.json.getString("location");
  CHECK(loc.rfind("http://127.0.0.1:" + std::to_string(sim.port()) + "/zstack/v1/api-jobs/", 0) == 0);
  Resp p = c.poll(loc);
  CHECK(p.status == 202);
  // a running job's poll is an empty ApiResponse: {} (no location, no apiTimeout)
  CHECK(p.body == "{}");
  CHECK(p.json.isObject());
  CHECK(p.json.members().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  p = c.poll(loc);
  REQUIRE(p.status == 200);
  CHECK(p.inv().getString("name") == "v");
  CHECK(p.inv().getString("ip") == "172.20.0.10");
  // polls need no auth and can be repeated
  CHECK(c.poll(loc).status == 200);
  CHECK(c.raw("GET", "api-jobs/" + zstack::sim::newUuid()).status == 404);
  CHECK(c.raw("POST", "api-jobs/" + zstack::sim::newUuid(), "{}").status == 405);
}

TEST_CASE("advertised host in job locations", "[protocol]") {
  auto opt = testOptions();
  opt.advertisedHost = "10.0.0.1:8080";
  opt.apiTimeoutMs = 60000;
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})), c.authHeaders());
  REQUIRE(r.status == 202);
  CHECK(r.json.getString("location").rfind("http://10.0.0.1:8080/zstack/v1/api-jobs/", 0) == 0);
  CHECK(r.json.find("apiTimeout")->asInt() == 60000);
  // a client rewriting the location to the real endpoint can poll it
  CHECK(c.pollUntilDone(r.json.getString("location")).status == 200);
}

TEST_CASE("failed async job polls 503 with a nested cause", "[protocol]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp r = c.call("PUT", "vips/" + zstack::sim::newUuid() + "/actions", wrap("updateVip", obj({{"name", "x"}})));
  CHECK(r.status == 503);
  CHECK(r.errCode() == "SYS.1007");
  const std::string vip = createVip(c, sim.seed().publicL3Uuid);
  REQUIRE(c.call("POST", "eips", wrap("params", obj({{"name", "e"}, {"vipUuid", vip}}))).status == 200);
  r = c.call("DELETE", "vips/" + vip);
  REQUIRE(r.status == 503);
  const Json& err = *r.json.find("error");
  CHECK(err.getString("code") == "SYS.1006");
  CHECK(!err.getString("description").empty());
  CHECK(!err.getString("details").empty());
  REQUIRE(err.find("cause"));
  CHECK(err.find("cause")->getString("code") == "SYS.1007");
  // sync API failure: 503 directly
  Resp g = c.call("GET", "vips/" + zstack::sim::newUuid() + "/usedports?protocol=tcp");
  CHECK(g.status == 503);
  CHECK(g.errCode() == "SYS.1007");
}

TEST_CASE("finished jobs expire", "[protocol]") {
  auto opt = testOptions();
  opt.jobDelay = std::chrono::milliseconds(0);
  opt.jobExpiry = std::chrono::milliseconds(100);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "sg"}})), c.authHeaders());
  REQUIRE(r.status == 202);
  CHECK(c.poll(r.json.getString("location")).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(c.poll(r.json.getString("location")).status == 404);
}

namespace {
struct HookServer {
  httplib::Server svr;
  std::thread th;
  int port = 0;
  std::mutex mu;
  struct Hit {
    std::string job, success, body;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Hit> hits;
  HookServer() {
    svr.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      hits.push_back({req.get_header_value("X-Job-UUID"), req.get_header_value("X-Job-Success"), req.body,
                      std::chrono::steady_clock::now()});
      res.status = 200;
    });
    port = svr.bind_to_any_port("127.0.0.1");
    th = std::thread([this] { svr.listen_after_bind(); });
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HookServer() {
    svr.stop();
    th.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return hits.size();
  }
  bool waitFor(std::size_t n, int ms) {
    for (int i = 0; i < ms / 5; ++i) {
      if (count() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return count() >= n;
  }
};
}  // namespace

TEST_CASE("webhook delivery", "[protocol][webhook]") {
  HookServer hook;
  auto opt = testOptions();
  opt.jobDelay = std::chrono::milliseconds(30);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string job = zstack::sim::newUuid();
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "hooked"}})),
                 c.authHeaders({{"X-Job-UUID", job}, {"X-Web-Hook", hook.url()}}));
  REQUIRE(r.status == 202);
  REQUIRE(hook.waitFor(1, 3000));
  {
    std::lock_guard<std::mutex> lock(hook.mu);
    CHECK(hook.hits[0].job == job);
    CHECK(hook.hits[0].success == "true");
    Json body;
    std::string err;
    REQUIRE(Json::parse(hook.hits[0].body, body, err));
    CHECK(body.find("inventory")->getString("name") == "hooked");
  }
  // polling still works
  CHECK(c.poll(r.json.getString("location")).status == 200);
  // failure webhook
  Resp f = c.raw("DELETE", "security-groups/" + zstack::sim::newUuid(), "",
                 c.authHeaders({{"X-Web-Hook", hook.url()}}));
  REQUIRE(f.status == 202);
  REQUIRE(hook.waitFor(2, 3000));
  std::lock_guard<std::mutex> lock(hook.mu);
  CHECK(hook.hits[1].success == "false");
  CHECK(hook.hits[1].body.find("\"error\"") != std::string::npos);
}

TEST_CASE("tags beside and inside the wrapper, body-less POSTs", "[protocol]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp r = c.call("POST", "security-groups",
                  "{\"params\":{\"name\":\"a\",\"systemTags\":[\"x::y\"],\"userTags\":[]},\"systemTags\":[],\"userTags\":[\"u\"]}");
  REQUIRE(r.status == 200);
  const std::string sg = r.inv().getString("uuid");
  // AttachSecurityGroupToL3Network has no body at all
  r = c.call("POST", "security-groups/" + sg + "/l3-networks/" + sim.seed().privateL3Uuid);
  REQUIRE(r.status == 200);
  CHECK(r.inv().find("attachedL3NetworkUuids")->items().at(0).str() == sim.seed().privateL3Uuid);
}

TEST_CASE("several simulators on port 0 in parallel", "[protocol]") {
  std::vector<std::unique_ptr<Simulator>> sims;
  for (int i = 0; i < 3; ++i) {
    sims.push_back(std::make_unique<Simulator>(testOptions()));
    sims.back()->start();
  }
  std::set<int> ports;
  for (auto& s : sims) ports.insert(s->port());
  CHECK(ports.size() == 3);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (auto& s : sims)
    threads.emplace_back([&ok, sp = s.get()] {
      SimClient c(*sp);
      if (!c.login().empty() && c.call("GET", "vips").status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 3);
  for (auto& s : sims) s->stop();
  sims.clear();
  // stop is idempotent and a never-started simulator is destroyed cleanly
  Simulator idle(testOptions());
  idle.stop();
  idle.stop();
}

TEST_CASE("stop does not wait for idle keep-alive connections", "[protocol]") {
  auto sim = std::make_unique<Simulator>(testOptions());
  sim->start();
  httplib::Client keep("127.0.0.1", sim->port());
  keep.set_keep_alive(true);
  REQUIRE(keep.Get("/sim/health"));
  const auto t0 = std::chrono::steady_clock::now();
  sim.reset();  // destructor stops
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1000));
}

TEST_CASE("binding a busy port fails", "[protocol]") {
  Simulator a(testOptions());
  a.start();
  auto opt = testOptions();
  opt.port = a.port();
  Simulator b(opt);
  CHECK_THROWS_AS(b.start(), std::runtime_error);
}
