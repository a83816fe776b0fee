#include <ctime>

#include <catch2/catch.hpp>

#include "sim_client.hpp"

using namespace simtest;
using zstack::sim::Simulator;

TEST_CASE("login, session use and logout", "[auth]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);

  Json body = Json::object();
  body["logInByAccount"]["accountName"] = "admin";
  body["logInByAccount"]["password"] = zstack::sim::sha512Hex("password");
  Resp r = c.raw("PUT", "accounts/login", body.dump());
  REQUIRE(r.status == 200);
  const Json& inv = r.inv();
  const std::string sid = inv.getString("uuid");
  CHECK(zstack::sim::isJobUuid(sid));
  CHECK(inv.getString("accountUuid") == sim.seed().adminAccountUuid);
  CHECK(!inv.getString("userUuid").empty());
  CHECK(inv.getString("createDate").find(", 20") != std::string::npos);
  CHECK(!inv.getString("expiredDate").empty());

  const httplib::Headers auth{{"Authorization", "OAuth " + sid}};
  CHECK(c.raw("GET", "vips", "", auth).status == 200);

  // the manual's spelling is accepted too; the password check is case-insensitive hex
  Json alt = Json::object();
  alt["loginByAccount"]["accountName"] = "admin";
  std::string upper = zstack::sim::sha512Hex("password");
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  alt["loginByAccount"]["password"] = upper;
  CHECK(c.raw("PUT", "accounts/login", alt.dump()).status == 200);

  // logout needs no session and answers 200 {}
  Resp out = c.raw("DELETE", "accounts/sessions/" + sid);
  CHECK(out.status == 200);
  CHECK(out.body == "{}");
  Resp after = c.raw("GET", "vips", "", auth);
  CHECK(after.status == 503);
  CHECK(after.errCode() == "ID.1001");
}

TEST_CASE("authentication refusals", "[auth]") {
  Simulator sim(testOptions());
  sim.start();
  SimClient c(sim);
  Json body = Json::object();
  body["logInByAccount"]["accountName"] = "admin";
  body["logInByAccount"]["password"] = zstack::sim::sha512Hex("wrong");
  Resp r = c.raw("PUT", "accounts/login", body.dump());
  CHECK(r.status == 503);
  CHECK(r.errCode() == "ID.1000");
  body["logInByAccount"]["password"] = "password";  // plain text is not accepted
  CHECK(c.raw("PUT", "accounts/login", body.dump()).status == 503);
  // missing password: parameter validation, 503 SYS.1007 (login is a sync API)
  Resp noPw = c.raw("PUT", "accounts/login", "{\"logInByAccount\":{\"accountName\":\"admin\"}}");
  CHECK(noPw.status == 503);
  CHECK(noPw.errCode() == "SYS.1007");

  Resp none = c.raw("GET", "vips");
  CHECK(none.status == 401);
  CHECK(none.errCode() == "ID.1000");
  CHECK(c.raw("POST", "vips", "{}").status == 401);
  CHECK(c.raw("GET", "vips", "", {{"Authorization", "Basic abc"}}).status == 401);
  Resp bad = c.raw("GET", "vips", "", {{"Authorization", "OAuth " + zstack::sim::newUuid()}});
  CHECK(bad.status == 503);
  CHECK(bad.errCode() == "ID.1001");
  // async API with a bad session: accepted (202), the job fails with 503 ID.1001 and changes nothing
  Resp badAsync = c.raw("POST", "security-groups", wrap("params", obj({{"name", "x"}})),
                        {{"Authorization", "OAuth " + zstack::sim::newUuid()}});
  REQUIRE(badAsync.status == 202);
  Resp failed = c.pollUntilDone(badAsync.json.getString("location"));
  CHECK(failed.status == 503);
  CHECK(failed.errCode() == "ID.1001");
  CHECK(c.call("GET", "security-groups?q=name=x").json.find("inventories")->size() == 0);
  // job polls need no auth
  CHECK(c.raw("GET", "api-jobs/" + zstack::sim::newUuid()).status == 404);
}

TEST_CASE("sessions expire", "[auth]") {
  auto opt = testOptions();
  opt.sessionTimeout = std::chrono::milliseconds(100);
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  REQUIRE(!c.login().empty());
  CHECK(c.raw("GET", "vips", "", c.authHeaders()).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  Resp r = c.raw("GET", "vips", "", c.authHeaders());
  CHECK(r.status == 503);
  CHECK(r.errCode() == "ID.1001");
}

namespace {
std::string dateAt(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %Z", &tm);
  return buf;
}
httplib::Headers signedHeaders(const std::string& method, const std::string& path, const std::string& id,
                               const std::string& secret, std::time_t when, const std::string& zone = "") {
  std::string date = dateAt(when);
  if (!zone.empty()) date = date.substr(0, date.rfind(' ') + 1) + zone;
  const std::string sig = zstack::sim::hmacSha1Base64(secret, method + "\n" + date + "\n" + path);
  return {{"Authorization", "ZStack " + id + ":" + sig}, {"Date", date}};
}
}  // namespace

TEST_CASE("access-key signatures", "[auth]") {
  auto opt = testOptions();
  opt.accessKeys.push_back({"AKID1", "s3cr3t"});
  Simulator sim(opt);
  sim.start();
  SimClient c(sim);
  const std::time_t now = std::time(nullptr);
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now)).status == 200);
  // query strings are not signed
  CHECK(c.raw("GET", "vips?limit=1", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now)).status == 200);
  // the zone name is ignored
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now, "CST")).status == 200);
  // async call signed with PUT/POST
  Resp a = c.raw("POST", "security-groups", wrap("params", obj({{"name", "ak"}})),
                 signedHeaders("POST", "/v1/security-groups", "AKID1", "s3cr3t", now));
  CHECK(a.status == 202);
  // wrong secret, wrong path, unknown key
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "nope", now)).status == 401);
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/eips", "AKID1", "s3cr3t", now)).status == 401);
  CHECK(c.raw("GET", "vips", "", signedHeaders("POST", "/v1/vips", "AKID1", "s3cr3t", now)).status == 401);
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID2", "s3cr3t", now)).status == 401);
  // skew: 10 minutes is fine, 20 minutes is not
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now - 600)).status == 200);
  Resp skew = c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now + 1200));
  CHECK(skew.status == 403);
  CHECK(skew.body.find("requestTimeTooSkewed") != std::string::npos);
  CHECK(c.raw("GET", "vips", "", signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now - 1200)).status == 403);
  // missing / malformed Date
  httplib::Headers noDate = signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now);
  noDate.erase("Date");
  CHECK(c.raw("GET", "vips", "", noDate).status == 401);
  httplib::Headers badDate = signedHeaders("GET", "/v1/vips", "AKID1", "s3cr3t", now);
  badDate.erase("Date");
  badDate.emplace("Date", "yesterday");
  CHECK(c.raw("GET", "vips", "", badDate).status == 401);
}
