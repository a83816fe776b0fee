#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::FaultAction;
using zstack::sim::FaultRule;
using zstack::sim::Simulator;

namespace {
FaultRule rule(FaultAction a, const std::string& pathPrefix = "/zstack/v1/vips", int times = 1) {
  FaultRule r;
  r.action = a;
  r.pathPrefix = pathPrefix;
  r.times = times;
  return r;
}

struct Hook {
  httplib::Server svr;
  std::thread th;
  int port = 0;
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> hits;
  Hook() {
    svr.Post("/h", [this](const httplib::Request&, httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu);
      hits.push_back(std::chrono::steady_clock::now());
    });
    port = svr.bind_to_any_port("127.0.0.1");
    th = std::thread([this] { svr.listen_after_bind(); });
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Hook() {
    svr.stop();
    th.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/h"; }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return hits.size();
  }
};
}  // namespace

TEST_CASE("fault: fixed status reply", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  FaultRule r = rule(FaultAction::Status);
  r.status = 500;
  r.body = "boom";
  r.contentType = "text/plain";
  sim.faults().add(r);
  Resp a = c.raw("GET", "vips", "", c.authHeaders());
  CHECK(a.status == 500);
  CHECK(a.body == "boom");
  CHECK(c.raw("GET", "vips", "", c.authHeaders()).status == 200);  // times=1 consumed
  // default body for an error status is a ZStack ErrorCode; method filter
  FaultRule s = rule(FaultAction::Status, "/zstack/v1/", 2);
  s.method = "post";
  sim.faults().add(s);
  CHECK(c.raw("GET", "vips", "", c.authHeaders()).status == 200);
  Resp p = c.raw("POST", "security-groups", "{}", c.authHeaders());
  CHECK(p.status == 503);
  CHECK(p.errCode() == "SYS.1000");
  CHECK(c.raw("POST", "security-groups", "{}", c.authHeaders()).status == 503);
  CHECK(sim.faults().size() == 0);
}

TEST_CASE("fault: delay", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  FaultRule d = rule(FaultAction::Delay);
  d.delay = std::chrono::milliseconds(300);
  sim.faults().add(d);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(c.raw("GET", "vips", "", c.authHeaders()).status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(290));
}

TEST_CASE("fault: connection closed mid-reply and without reply", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  sim.faults().add(rule(FaultAction::CloseMidReply));
  Resp a = c.raw("GET", "vips", "", c.authHeaders());
  CHECK(a.status == 0);
  CHECK(a.error != httplib::Error::Success);

  sim.faults().add(rule(FaultAction::CloseNoReply));
  Resp b = c.raw("GET", "vips", "", c.authHeaders());
  CHECK(b.status == 0);
  CHECK(b.error != httplib::Error::Success);
  CHECK(c.raw("GET", "vips", "", c.authHeaders()).status == 200);

  // a raw socket sees the short body: Content-Length larger than what arrives
  sim.faults().add(rule(FaultAction::CloseMidReply));
  httplib::Client cli("127.0.0.1", sim.port());
  std::string got;
  std::size_t declared = 0;
  auto res = cli.Get("/zstack/v1/vips", c.authHeaders(),
                     [&](const httplib::Response& resp) {
                       declared = std::stoul(resp.get_header_value("Content-Length"));
                       return true;
                     },
                     [&](const char* data, std::size_t n) {
                       got.append(data, n);
                       return true;
                     });
  CHECK(!res);
  CHECK(declared > 0);
  CHECK(got.size() < declared);
}

TEST_CASE("fault: truncated and invalid JSON bodies", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  const std::string full = c.raw("GET", "vips/x/usedports?protocol=tcp", "", c.authHeaders()).body;
  sim.faults().add(rule(FaultAction::TruncateBody));
  Resp t = c.raw("GET", "vips/x/usedports?protocol=tcp", "", c.authHeaders());
  CHECK(t.status == 503);
  CHECK(!t.jsonOk);
  CHECK(full.rfind(t.body, 0) == 0);
  CHECK(t.body.size() < full.size());

  FaultRule ij = rule(FaultAction::InvalidJson, "/zstack/v1/api-jobs/");
  sim.faults().add(ij);
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})), c.authHeaders());
  REQUIRE(r.status == 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  Resp p = c.poll(r.json.getString("location"));
  CHECK(p.status == 200);
  CHECK(!p.jsonOk);
  CHECK(c.poll(r.json.getString("location")).jsonOk);
}

TEST_CASE("fault: polls can fail too", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  FaultRule f = rule(FaultAction::Status, "", 1);
  f.pathContains = "/api-jobs/";
  f.status = 502;
  sim.faults().add(f);
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})), c.authHeaders());
  REQUIRE(r.status == 202);
  CHECK(c.poll(r.json.getString("location")).status == 502);
  CHECK(c.pollUntilDone(r.json.getString("location")).status == 200);
}

TEST_CASE("fault: expire job", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  // on the API call: its job is expired at once
  sim.faults().add(rule(FaultAction::ExpireJob, "/zstack/v1/security-groups"));
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})), c.authHeaders());
  REQUIRE(r.status == 202);
  CHECK(c.poll(r.json.getString("location")).status == 404);
  // on a poll: that job disappears
  Resp r2 = c.raw("POST", "security-groups", wrap("params", obj({{"name", "y"}})), c.authHeaders());
  REQUIRE(r2.status == 202);
  sim.faults().add(rule(FaultAction::ExpireJob, "/zstack/v1/api-jobs/"));
  CHECK(c.poll(r2.json.getString("location")).status == 404);
}

TEST_CASE("fault: webhooks dropped and delayed", "[faults][webhook]") {
  Hook hook;
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  sim.faults().add(rule(FaultAction::DropWebhook, "/zstack/v1/security-groups"));
  Resp r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})), c.authHeaders({{"X-Web-Hook", hook.url()}}));
  REQUIRE(r.status == 202);
  CHECK(c.pollUntilDone(r.json.getString("location")).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(hook.count() == 0);

  FaultRule d = rule(FaultAction::DelayWebhook, "/zstack/v1/security-groups");
  d.delay = std::chrono::milliseconds(300);
  sim.faults().add(d);
  auto t0 = std::chrono::steady_clock::now();
  r = c.raw("POST", "security-groups", wrap("params", obj({{"name", "y"}})), c.authHeaders({{"X-Web-Hook", hook.url()}}));
  REQUIRE(r.status == 202);
  for (int i = 0; i < 400 && hook.count() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(hook.count() == 1);
  std::lock_guard<std::mutex> lock(hook.mu);
  CHECK(hook.hits[0] - t0 >= std::chrono::milliseconds(300));
}

TEST_CASE("fault admin endpoint over HTTP", "[faults]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  c.login();
  Resp add = c.raw("POST", "/sim/faults",
                   "{\"action\":\"status\",\"method\":\"GET\",\"pathPrefix\":\"/zstack/v1/eips\",\"times\":-1,"
                   "\"status\":418,\"body\":{\"error\":{\"code\":\"SYS.9999\"}}}");
  REQUIRE(add.status == 200);
  CHECK(!add.json.getString("id").empty());
  CHECK(c.raw("GET", "eips", "", c.authHeaders()).status == 418);
  Resp teapot = c.raw("GET", "eips", "", c.authHeaders());
  CHECK(teapot.status == 418);
  CHECK(teapot.errCode() == "SYS.9999");
  Resp list = c.raw("GET", "/sim/faults");
  REQUIRE(list.json.find("faults")->size() == 1);
  CHECK(list.json.find("faults")->items()[0].getString("action") == "status");
  CHECK(c.raw("DELETE", "/sim/faults").status == 200);
  CHECK(c.raw("GET", "eips", "", c.authHeaders()).status == 200);
  // several rules at once, delete by id
  Resp many = c.raw("POST", "/sim/faults",
                    "{\"rules\":[{\"action\":\"delay\",\"delayMs\":10,\"path\":\"/eips\"},"
                    "{\"action\":\"closeNoReply\",\"path\":\"/never\"}]}");
  REQUIRE(many.json.find("ids")->size() == 2);
  CHECK(c.raw("DELETE", "/sim/faults/" + many.json.find("ids")->items()[1].str()).status == 200);
  CHECK(sim.faults().size() == 1);
  // bad rules
  CHECK(c.raw("POST", "/sim/faults", "{\"action\":\"explode\"}").status == 400);
  CHECK(c.raw("POST", "/sim/faults", "{\"action\":\"delay\",\"delayMs\":\"soon\"}").status == 400);
  CHECK(c.raw("POST", "/sim/faults", "not json").status == 400);
  // other admin endpoints
  CHECK(c.raw("GET", "/sim/health").status == 200);
  Resp seed = c.raw("GET", "/sim/seed");
  CHECK(seed.json.getString("publicL3Uuid") == sim.seed().publicL3Uuid);
  REQUIRE(c.call("POST", "security-groups", wrap("params", obj({{"name", "tmp"}}))).status == 200);
  CHECK(c.raw("POST", "/sim/reset").status == 200);
  c.login();
  CHECK(c.call("GET", "security-groups?count=true").json.find("total")->asInt() == 0);
  CHECK(sim.requestCount() > 10);
}
