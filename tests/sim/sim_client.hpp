// Minimal raw-HTTP client used by the simulator tests.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "json.hpp"
#include "util.hpp"
#include "zstack/sim/simulator.hpp"

namespace simtest {

using zstack::sim::Json;

struct Resp {
  int status = 0;  // 0 = transport error
  std::string body;
  Json json;
  bool jsonOk = false;
  httplib::Headers headers;
  httplib::Error error = httplib::Error::Success;

  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
  const Json& inv() const { return *json.find("inventory"); }
  const Json& invs() const { return *json.find("inventories"); }
  std::string errCode() const {
    const Json* e = json.find("error");
    return e ? e->getString("code") : "";
  }
};

inline zstack::sim::Options testOptions() {
  zstack::sim::Options o;
  o.port = 0;
  o.jobDelay = std::chrono::milliseconds(20);
  return o;
}

class SimClient {
 public:
  explicit SimClient(zstack::sim::Simulator& sim) : sim_(sim), cli_("127.0.0.1", sim.port()) {
    cli_.set_connection_timeout(2);
    cli_.set_read_timeout(5);
    cli_.set_keep_alive(false);
  }

  httplib::Client& http() { return cli_; }

  // path: absolute ("/zstack/...", "/sim/...") or relative to /zstack/v1/
  Resp raw(const std::string& method, const std::string& path, const std::string& body = "",
           httplib::Headers headers = {}) {
    const std::string p = path[0] == '/' ? path : "/zstack/v1/" + path;
    httplib::Result r = [&]() {
      const char* ct = "application/json;charset=UTF-8";
      if (method == "GET") return cli_.Get(p.c_str(), headers);
      if (method == "POST") return cli_.Post(p.c_str(), headers, body, ct);
      if (method == "PUT") return cli_.Put(p.c_str(), headers, body, ct);
      if (method == "DELETE") return cli_.Delete(p.c_str(), headers, body, ct);
      return cli_.Patch(p.c_str(), headers, body, ct);
    }();
    Resp out;
    if (!r) {
      out.error = r.error();
      return out;
    }
    out.status = r->status;
    out.body = r->body;
    out.headers = r->headers;
    std::string err;
    out.jsonOk = Json::parse(r->body, out.json, err);
    return out;
  }

  std::string login(const std::string& user = "admin", const std::string& pw = "password") {
    Json body = Json::object();
    body["logInByAccount"]["accountName"] = user;
    body["logInByAccount"]["password"] = zstack::sim::sha512Hex(pw);
    Resp r = raw("PUT", "accounts/login", body.dump());
    if (r.status != 200) return "";
    session_ = r.inv().getString("uuid");
    return session_;
  }

  httplib::Headers authHeaders(httplib::Headers extra = {}) {
    if (session_.empty()) login();
    extra.emplace("Authorization", "OAuth " + session_);
    return extra;
  }

  // Authenticated call; 202 replies are polled until done.
  Resp call(const std::string& method, const std::string& path, const std::string& body = "",
            httplib::Headers extra = {}) {
    Resp r = raw(method, path, body, authHeaders(std::move(extra)));
    if (r.status != 202) return r;
    return pollUntilDone(r.json.getString("location"));
  }

  Resp poll(const std::string& location) { return raw("GET", pathOf(location)); }

  Resp pollUntilDone(const std::string& location) {
    for (int i = 0; i < 500; ++i) {
      Resp r = poll(location);
      if (r.status != 202) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Resp{};
  }

  static std::string pathOf(const std::string& location) {
    auto p = location.find("/zstack/");
    return p == std::string::npos ? location : location.substr(p);
  }

  const std::string& session() const { return session_; }

 private:
  zstack::sim::Simulator& sim_;
  httplib::Client cli_;
  std::string session_;
};

// {"<key>": params}
inline std::string wrap(const std::string& key, const Json& params) {
  Json b = Json::object();
  b[key] = params;
  return b.dump();
}

inline Json obj(std::initializer_list<std::pair<const char*, Json>> kv) {
  Json o = Json::object();
  for (const auto& [k, v] : kv) o[k] = v;
  return o;
}

}  // namespace simtest
