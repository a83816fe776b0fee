// HTTP front end of the simulator: routing, auth, async jobs, webhooks and
// fault injection on top of cpp-httplib.
#include "zstack/sim/simulator.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <httplib.h>

#include "api.hpp"
#include "json.hpp"
#include "schema.hpp"
#include "store.hpp"
#include "timer_queue.hpp"
#include "util.hpp"

namespace zstack::sim {

namespace {

using Clock = std::chrono::steady_clock;
const char* kJsonType = "application/json;charset=UTF-8";
const char* kAdminAccountUuid = "36c27e8ff05c4780bf6d2fa65700f22e";  // ZStack's fixed admin account uuid

struct Reply {
  int status = 200;
  std::string body;
  std::string contentType = kJsonType;
  std::vector<std::pair<std::string, std::string>> headers;
};

Reply jsonReply(int status, const Json& body) { return Reply{status, body.dump(true), kJsonType, {}}; }
Reply errorReply(int status, Json error) {
  Json b = Json::object();
  b["error"] = std::move(error);
  return jsonReply(status, b);
}
Reply textReply(int status, const std::string& text) { return Reply{status, text, "text/plain;charset=UTF-8", {}}; }

std::string percentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Parses the raw query string: the key ends at the first '=', the value keeps
// any further '=' (conditions like q=name=vm1 are often sent unencoded).
QueryParams parseQuery(const std::string& target) {
  QueryParams out;
  const auto q = target.find('?');
  if (q == std::string::npos) return out;
  std::string part;
  const std::string qs = target.substr(q + 1);
  for (std::size_t i = 0; i <= qs.size(); ++i) {
    if (i == qs.size() || qs[i] == '&') {
      if (!part.empty()) {
        const auto eq = part.find('=');
        if (eq == std::string::npos) out.emplace(percentDecode(part), "");
        else out.emplace(percentDecode(part.substr(0, eq)), percentDecode(part.substr(eq + 1)));
      }
      part.clear();
    } else {
      part += qs[i];
    }
  }
  return out;
}

int portOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Calls fn(fd, peerPort) for every socket of this process bound to localPort (peerPort is -1
// for one without a peer, such as the listening socket) until fn returns false.
template <class Fn>
void forEachSocketOn(int localPort, Fn fn) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::atoi(e.path().filename().c_str());
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0 || portOf(local) != localPort) continue;
    const int peerPort = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) == 0 ? portOf(peer) : -1;
    if (!fn(fd, peerPort)) return;
  }
}

// Finds the server-side socket of this request and shuts it down, so that the
// client sees the connection closed without any reply.
void shutdownClientSocket(const httplib::Request& req, int localPort) {
  forEachSocketOn(localPort, [&](int fd, int peerPort) {
    if (peerPort != req.remote_port) return true;
    ::shutdown(fd, SHUT_RDWR);
    return false;
  });
}

// Shuts down every accepted connection of the server listening on localPort so
// that worker threads blocked in keep-alive waits return at once on stop().
void shutdownServerConnections(int localPort) {
  forEachSocketOn(localPort, [](int fd, int peerPort) {
    if (peerPort >= 0) ::shutdown(fd, SHUT_RDWR);
    return true;
  });
}

}  // namespace

void raiseListenBacklog(int localPort, int backlog) {
  forEachSocketOn(localPort, [backlog](int fd, int) {
    int listening = 0;
    socklen_t optLen = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optLen) == 0 && listening)
      ::listen(fd, backlog);  // a second listen() only changes the backlog
    return true;
  });
}

namespace {

// httplib serves one connection per worker thread for the connection's whole
// keep-alive life, so a fixed pool starves when a client opens many
// connections. This pool starts threads on demand (up to a cap) whenever queued
// connections outnumber idle workers; workers live until shutdown.
class ElasticPool : public httplib::TaskQueue {
 public:
  explicit ElasticPool(std::size_t maxThreads) : max_(maxThreads) {}
  ~ElasticPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_) threads_.emplace_back([this] { work(); });
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ && threads_.empty()) return;
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ++idle_;
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // stopping and drained
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn();
    }
  }

  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stop_ = false;
};

struct Session {
  Clock::time_point expires;
};

struct Job {
  Clock::time_point completeAt, expireAt;
  std::string api;
  int status = 200;  // of the result: 200 / 503
  Json body;         // result body, without schema
  bool expired = false;
};

// ZStack's RestServer adds a schema when the request carries X-JSON-Schema
// (any value; header names are case-insensitive) and always for query APIs.
bool wantsSchema(const httplib::Request& req, const std::string& api) {
  return req.has_header("X-JSON-Schema") || isQueryApi(api);
}

Json withSchema(Json body, const std::string& api) {
  if (body.isObject()) body["schema"] = buildSchema(api, body);
  return body;
}

Json faultToJson(const FaultRule& r) {
  Json j = Json::object();
  j["id"] = r.id;
  j["action"] = faultActionName(r.action);
  j["method"] = r.method;
  j["pathPrefix"] = r.pathPrefix;
  j["pathContains"] = r.pathContains;
  j["times"] = r.times;
  j["status"] = r.status;
  j["body"] = r.body;
  j["contentType"] = r.contentType;
  j["delayMs"] = static_cast<long long>(r.delay.count());
  return j;
}

}  // namespace

struct Simulator::Impl {
  Options opt;
  SeedInfo seedInfo;
  Faults faults;
  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> logins{0};  // LogInByAccount requests that reached the handler
  httplib::Server svr;
  std::thread thread;
  int boundPort = -1;
  bool started = false;

  std::mutex stateMu;
  State state;
  std::vector<Route> routes;
  // Routes by segment count and first segment ("*" when it is a variable): ~1,900 routes, so a
  // request compares its path against a handful instead of all of them.
  std::unordered_map<std::string, std::vector<const Route*>> routeIndex;
  static std::string routeKey(std::size_t n, const std::string& first) { return std::to_string(n) + "/" + first; }

  std::mutex authMu;
  std::map<std::string, Session> sessions;

  std::mutex jobMu;
  std::map<std::string, Job> jobs;
  std::set<std::string> usedJobUuids;
  Clock::time_point lastSweep = Clock::now();

  TimerQueue webhooks;

  std::mutex stopMu;
  std::condition_variable stopCv;
  bool stopping = false;

  explicit Impl(Options o) : opt(std::move(o)) {
    defineCollections(state);
    routes = buildRoutes();
    for (const auto& r : routes)
      routeIndex[routeKey(r.segs.size(), r.segs.empty() || r.segs[0].find('{') != std::string::npos ? "*" : r.segs[0])].push_back(&r);
    loadSeedData();
  }

  void loadSeedData() {
    std::string text;
    if (!opt.seedJson.empty()) {
      text = opt.seedJson;
    } else if (opt.seedFile.empty()) {
      text = builtinSeedJson();
    } else {
      std::ifstream in(opt.seedFile);
      if (!in) throw std::runtime_error("cannot read seed file " + opt.seedFile);
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    Json seed;
    std::string err;
    if (!Json::parse(text, seed, err)) throw std::runtime_error("seed is not valid JSON: " + err);
    state.clearData();
    loadSeed(state, seed, seedInfo);
  }

  void sleepInterruptible(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(stopMu);
    stopCv.wait_for(lock, d, [this] { return stopping; });
  }

  // ------------------------------------------------------------ dispatch

  void handle(const httplib::Request& req, httplib::Response& res) {
    ++requests;
    const std::string& path = req.path;
    Reply r;
    if (path == "/sim" || path.rfind("/sim/", 0) == 0) {
      r = admin(req);
      send(res, r);
      return;
    }
    std::chrono::milliseconds delay{0};
    for (const auto& f : faults.take(req.method, path, {FaultAction::Delay}, true)) delay += f.delay;
    if (delay.count() > 0) sleepInterruptible(delay);
    auto rf = faults.take(req.method, path,
                          {FaultAction::Status, FaultAction::CloseMidReply, FaultAction::CloseNoReply,
                           FaultAction::TruncateBody, FaultAction::InvalidJson},
                          false);
    const FaultRule* fault = rf.empty() ? nullptr : &rf[0];
    if (fault && fault->action == FaultAction::Status) {
      Reply fr{fault->status, fault->body, fault->contentType, {}};
      if (fr.body.empty() && fault->status >= 400)
        fr.body = errorReply(fault->status, errorCode("SYS.1000", "An internal error happened in system",
                                                      "injected fault", errorCode("SYS.1001", "injected", "cause of the injected fault")))
                      .body;
      send(res, fr);
      return;
    }
    if (fault && fault->action == FaultAction::CloseNoReply) {
      shutdownClientSocket(req, boundPort);
      res.status = 500;
      return;
    }
    try {
      r = handleZStack(req);
    } catch (const ApiError& e) {
      r = errorReply(e.status, e.error);
    } catch (const std::exception& e) {
      r = errorReply(500, errorCode("SYS.1000", "An internal error happened in system", e.what()));
    }
    if (fault && fault->action == FaultAction::TruncateBody) r.body = r.body.substr(0, r.body.size() / 2);
    if (fault && fault->action == FaultAction::InvalidJson) r.body = "{\"inventory\": {\"uuid\": nope,]]";
    if (fault && fault->action == FaultAction::CloseMidReply) {
      res.status = r.status;
      for (const auto& [k, v] : r.headers) res.set_header(k, v);
      auto body = std::make_shared<std::string>(r.body.empty() ? std::string("{}") : r.body);
      const std::size_t half = body->size() / 2;
      res.set_content_provider(body->size(), r.contentType,
                               [body, half](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset == 0 && half > 0) {
                                   sink.write(body->data(), half);
                                   return true;
                                 }
                                 return false;  // abort: connection closed short of Content-Length
                               });
      return;
    }
    send(res, r);
  }

  static void send(httplib::Response& res, const Reply& r) {
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_content(r.body, r.contentType);
  }

  std::string hostOf(const httplib::Request& req) const {
    if (!opt.advertisedHost.empty()) return opt.advertisedHost;
    std::string h = req.get_header_value("Host");
    if (!h.empty()) return h;
    return opt.bindAddress + ":" + std::to_string(boundPort);
  }

  Reply handleZStack(const httplib::Request& req) {
    const std::string& path = req.path;
    const std::string prefix = "/zstack/v1/";
    if (path.rfind(prefix, 0) != 0) return textReply(404, "no API found for " + req.method + " " + path);
    const bool hasJobHeader = req.has_header("X-Job-UUID");
    const std::string jobHeader = req.get_header_value("X-Job-UUID");
    const auto segs = splitPath(path.substr(prefix.size()));
    const QueryParams query = parseQuery(req.target);
    if (segs.size() == 2 && segs[0] == "api-jobs") {
      if (req.method != "GET") return textReply(405, "method " + req.method + " not allowed on " + path);
      return poll(req, segs[1]);
    }

    // Route matching: path (404), method (405), then body key.
    std::vector<const Route*> byPath;
    for (const std::string& first : {segs.empty() ? std::string("*") : segs[0], std::string("*")}) {
      auto bucket = routeIndex.find(routeKey(segs.size(), first));
      if (bucket == routeIndex.end()) continue;
      for (const Route* r : bucket->second) {
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i)
          if (!segmentMatches(r->segs[i], segs[i])) ok = false;
        if (ok) byPath.push_back(r);
      }
      if (first == "*") break;
    }
    if (byPath.empty()) return textReply(404, "no API found for " + req.method + " " + path);
    int best = -1;
    std::set<std::string> allowed;
    for (const Route* r : byPath) {
      allowed.insert(r->method);
      if (r->method == req.method) best = std::max(best, r->literals);
    }
    if (best < 0) {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Reply rep = textReply(405, "method " + req.method + " not allowed on " + path + "; allowed: " + allow);
      rep.headers.emplace_back("Allow", allow);
      return rep;
    }
    std::vector<const Route*> group;
    for (const Route* r : byPath)
      if (r->method == req.method && r->literals == best) group.push_back(r);

    // A bad or expired session is found by ZStack's API interceptors while the
    // message is processed: sync APIs answer 503 at once, async ones are first
    // accepted (202) and the job then fails with that 503.
    std::optional<Reply> sessionError;
    if (group[0]->kind != RouteKind::Login && group[0]->kind != RouteKind::Logout && group[0]->needSession) {
      if (auto denied = checkAuth(req)) {
        if (denied->status == 503 && group[0]->kind == RouteKind::Async) sessionError = std::move(denied);
        else return *denied;
      }
    }

    Json params = Json::object(), systemTags = Json::array(), userTags = Json::array();
    const Route* route = nullptr;
    // RestServer's own 400s (RestException) carry a plain-text message, not an ErrorCode.
    auto badRequest = [](const std::string& msg) { return textReply(400, msg); };
    auto mergeTags = [&](const Json& holder) -> std::string {
      for (const char* k : {"systemTags", "userTags"}) {
        const Json* t = holder.find(k);
        if (!t || t->isNull()) continue;
        if (!t->isArray()) return std::string(k) + " must be a list of strings";
        for (const auto& e : t->items()) {
          if (!e.isString()) return std::string(k) + " must be a list of strings";
          (std::string(k) == "systemTags" ? systemTags : userTags).push(e);
        }
      }
      return "";
    };
    if (req.method == "POST" || req.method == "PUT") {
      Json body = Json::object();
      if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
        std::string err;
        // RestServer lets gson's exception escape: 500 with its message as text.
        if (!Json::parse(req.body, body, err)) return textReply(500, "the body is not valid JSON: " + err);
        if (!body.isObject()) return textReply(500, "the body must be a JSON object");
      }
      if (auto e = mergeTags(body); !e.empty()) return badRequest(e);
      std::vector<std::string> keys;
      for (const auto& m : body.members())
        if (m.first != "systemTags" && m.first != "userTags") keys.push_back(m.first);
      for (const Route* r : group)
        if (r->bodyKeys.empty()) route = r;  // body-less API: any wrapper is ignored
      if (!route) {
        // The route whose body key is present; an API alone on its URL takes
        // its key's value or, without it, no parameters (the mandatory-parameter
        // check then fails like any validation: 503 SYS.1007).
        std::string key;
        bool keyFound = false;  // the key may be "" (BatchSyncVolumeSize sends {"": {...}})
        for (const Route* r : group)
          for (const auto& k : r->bodyKeys)
            if (!route && body.find(k)) {
              route = r;
              key = k;
              keyFound = true;
            }
        if (!route && group.size() > 1)
          return badRequest("the body doesn't contain action mapping to the URL[" + path + "]");
        if (!route) route = group[0];
        const Json* innerp = keyFound ? body.find(key) : nullptr;
        if (innerp && innerp->isObject()) params = *innerp;
        else if (innerp && !innerp->isNull()) return badRequest("the value of body key[" + key + "] must be a JSON object");
        if (auto e = mergeTags(params); !e.empty()) return badRequest(e);
        params.erase("systemTags");
        params.erase("userTags");
      }
    } else {
      route = group[0];
      for (const auto& [k, v] : query) {
        if (k == "systemTags" || k == "userTags") {
          (k == "systemTags" ? systemTags : userTags).push(v);
          continue;
        }
        Json* existing = params.find(k);
        if (!existing) params[k] = v;
        else if (existing->isArray()) existing->push(v);
        else {
          Json a = Json::array();
          a.push(*existing);
          a.push(v);
          *existing = std::move(a);
        }
      }
    }

    std::map<std::string, std::string> vars;
    for (std::size_t i = 0; i < segs.size(); ++i)
      segmentMatches(route->segs[i], segs[i], &vars);

    // RestServer checks X-Job-UUID and X-API-Timeout for every API but the queries.
    if (!isQueryApi(route->api)) {
      if (hasJobHeader && jobHeader.size() != 32)
        return badRequest("Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
      if (req.has_header("X-API-Timeout") && !apiTimeoutHeader(req))
        return textReply(500, "For input string: \"" + req.get_header_value("X-API-Timeout") + "\"");
    }
    std::string jobUuid = jobHeader;
    if (req.method != "GET") {
      std::lock_guard<std::mutex> lock(jobMu);
      if (hasJobHeader) {
        if (!usedJobUuids.insert(jobHeader).second)
          return badRequest("Duplicate job uuid[" + jobHeader + "]");
      } else {
        do jobUuid = newUuid();
        while (!usedJobUuids.insert(jobUuid).second);
      }
    }

    Ctx ctx{state, vars, query, params, systemTags, userTags, req.method};
    ctx.completeAt = std::chrono::system_clock::now() +
                     (route->kind == RouteKind::Async ? opt.jobDelay : std::chrono::milliseconds(0));
    if (route->kind == RouteKind::Login) {
      logins.fetch_add(1);
      Reply lr = login(ctx);
      Json b;
      std::string perr;
      if (lr.status == 200 && wantsSchema(req, route->api) && Json::parse(lr.body, b, perr))
        lr = jsonReply(200, withSchema(std::move(b), route->api));
      return lr;
    }
    if (route->kind == RouteKind::Logout) {
      std::lock_guard<std::mutex> lock(authMu);
      sessions.erase(ctx.var("sessionUuid"));
      return jsonReply(200, Json::object());
    }

    if (sessionError) {
      Json errBody;
      std::string perr;
      Json::parse(sessionError->body, errBody, perr);
      return createJob(req, jobUuid, route->api, 503, std::move(errBody));
    }
    Json body;
    int status = 200;
    try {
      std::lock_guard<std::mutex> lock(stateMu);
      body = route->handler(ctx);
    } catch (const ApiError& e) {
      if (e.status == 400) return textReply(400, e.error.getString("details"));
      if (route->kind == RouteKind::Sync) return errorReply(e.status, e.error);
      status = e.status;
      body = Json::object();
      body["error"] = e.error;
    }
    if (route->kind == RouteKind::Sync) return jsonReply(200, wantsSchema(req, route->api) ? withSchema(body, route->api) : body);
    return createJob(req, jobUuid, route->api, status, std::move(body));
  }

  // ------------------------------------------------------------------ jobs

  Reply createJob(const httplib::Request& req, const std::string& jobUuid, const std::string& api, int status,
                  Json body) {
    Json accepted = Json::object();
    accepted["location"] = "http://" + hostOf(req) + "/zstack/v1/api-jobs/" + jobUuid;
    accepted["apiTimeout"] = static_cast<long long>(apiTimeoutOf(req));
    Job job;
    const auto now = Clock::now();
    job.completeAt = now + opt.jobDelay;
    job.expireAt = job.completeAt + opt.jobExpiry;
    job.api = api;
    job.status = status;
    job.body = body;
    bool dropHook = false;
    std::chrono::milliseconds hookDelay{0};
    for (const auto& f : faults.take(req.method, req.path,
                                     {FaultAction::DropWebhook, FaultAction::DelayWebhook, FaultAction::ExpireJob}, true)) {
      if (f.action == FaultAction::DropWebhook) dropHook = true;
      if (f.action == FaultAction::DelayWebhook) hookDelay += f.delay;
      if (f.action == FaultAction::ExpireJob) job.expired = true;
    }
    {
      std::lock_guard<std::mutex> lock(jobMu);
      if (now - lastSweep > std::chrono::seconds(1)) {
        for (auto it = jobs.begin(); it != jobs.end();)
          it = it->second.expireAt <= now ? jobs.erase(it) : std::next(it);
        lastSweep = now;
      }
      jobs[jobUuid] = job;
    }
    const std::string hook = req.get_header_value("X-Web-Hook");
    if (!hook.empty() && !dropHook) {
      // ZStack renders the webhook body with the headers of the original call.
      const bool success = status == 200;
      const std::string text = (success && wantsSchema(req, api) ? withSchema(body, api) : body).dump(true);
      webhooks.schedule(job.completeAt + hookDelay, [hook, jobUuid, success, text] {
        deliverWebhook(hook, jobUuid, success, text);
      });
    }
    return jsonReply(202, accepted);
  }

  // X-API-Timeout in seconds; nullopt when absent or not a number.
  static std::optional<long long> apiTimeoutHeader(const httplib::Request& req) {
    const std::string v = req.get_header_value("X-API-Timeout");
    if (v.empty()) return std::nullopt;
    std::size_t pos = 0;
    try {
      const long long n = std::stoll(v, &pos);
      if (pos == v.size() && n >= 0 && n < 9000000000000LL) return n;
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }

  // The 202 apiTimeout is the message timeout: X-API-Timeout (seconds) in ms when sent.
  long long apiTimeoutOf(const httplib::Request& req) const {
    if (auto s = apiTimeoutHeader(req)) return *s * 1000;
    return opt.apiTimeoutMs;
  }

  static void deliverWebhook(const std::string& url, const std::string& jobUuid, bool success,
                             const std::string& body) {
    auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos) return;
    auto pathStart = url.find('/', schemeEnd + 3);
    const std::string base = pathStart == std::string::npos ? url : url.substr(0, pathStart);
    const std::string path = pathStart == std::string::npos ? "/" : url.substr(pathStart);
    try {
      httplib::Client cli(base);
      if (!cli.is_valid()) return;
      cli.set_connection_timeout(2);
      cli.set_read_timeout(2);
      cli.set_write_timeout(2);
      httplib::Headers headers{{"X-Job-UUID", jobUuid}, {"X-Job-Success", success ? "true" : "false"}};
      cli.Post(path.c_str(), headers, body, kJsonType);
    } catch (...) {
    }
  }

  Reply poll(const httplib::Request& req, const std::string& jobUuid) {
    const bool expireNow = !faults.take(req.method, req.path, {FaultAction::ExpireJob}, false).empty();
    std::lock_guard<std::mutex> lock(jobMu);
    auto it = jobs.find(jobUuid);
    if (it == jobs.end()) return textReply(404, "no job[uuid:" + jobUuid + "] found");
    const auto now = Clock::now();
    if (expireNow || it->second.expired || now >= it->second.expireAt) {
      jobs.erase(it);
      return textReply(404, "no job[uuid:" + jobUuid + "] found");
    }
    // A running job answers 202 with an empty ApiResponse ({}), no location/apiTimeout.
    if (now < it->second.completeAt) return jsonReply(202, Json::object());
    const Job& job = it->second;
    if (job.status == 200 && wantsSchema(req, job.api)) return jsonReply(200, withSchema(job.body, job.api));
    return jsonReply(job.status, job.body);
  }

  // ------------------------------------------------------------------ auth

  std::optional<Reply> checkAuth(const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    auto unauthorized = [](const std::string& details) {
      return errorReply(401, errorCode("ID.1000", "Authentication error", details));
    };
    if (auth.empty()) return unauthorized("missing header[Authorization]");
    if (auth.rfind("OAuth ", 0) == 0) {
      std::string sid = auth.substr(6);
      while (!sid.empty() && sid.front() == ' ') sid.erase(sid.begin());
      while (!sid.empty() && sid.back() == ' ') sid.pop_back();
      std::lock_guard<std::mutex> lock(authMu);
      auto it = sessions.find(sid);
      if (it == sessions.end())
        return errorReply(503, errorCode("ID.1001", "Session expired",
                                         "Session expired or does not exist[uuid:" + sid + "]"));
      if (Clock::now() >= it->second.expires) {
        sessions.erase(it);
        return errorReply(503, errorCode("ID.1001", "Session expired", "Session[uuid:" + sid + "] expired"));
      }
      return std::nullopt;
    }
    if (auth.rfind("ZStack ", 0) == 0) {
      const std::string cred = auth.substr(7);
      const auto colon = cred.find(':');
      if (colon == std::string::npos) return unauthorized("malformed access key Authorization header");
      const std::string id = cred.substr(0, colon), sig = cred.substr(colon + 1);
      const AccessKey* key = nullptr;
      for (const auto& k : opt.accessKeys)
        if (k.id == id) key = &k;
      if (!key) return unauthorized("unknown access key id[" + id + "]");
      const std::string date = req.get_header_value("Date");
      if (date.empty()) return unauthorized("missing header[Date] for access key authentication");
      auto when = parseHttpDateFields(date);
      if (!when) return unauthorized("malformed Date header[" + date + "]");
      const long long skew = *when - localWallClockSeconds();
      if (skew > 900 || skew < -900)
        return errorReply(403, errorCode("ID.1003", "requestTimeTooSkewed",
                                         "requestTimeTooSkewed: the Date header[" + date +
                                             "] differs from the server time by " + std::to_string(skew) +
                                             " seconds (allowed: 900)"));
      std::string raw = req.target;
      if (auto q = raw.find('?'); q != std::string::npos) raw = raw.substr(0, q);
      for (const std::string& p : {req.path, raw}) {
        if (p.rfind("/zstack/", 0) != 0) continue;
        const std::string msg = req.method + "\n" + date + "\n" + p.substr(7);
        if (hmacSha1Base64(key->secret, msg) == sig) return std::nullopt;
      }
      return unauthorized("access key signature mismatch");
    }
    return unauthorized("unsupported Authorization scheme; use 'OAuth <session>' or 'ZStack <id>:<signature>'");
  }

  Reply login(Ctx& c) {
    std::string name, pw;
    try {
      name = c.str("accountName");
      pw = c.str("password");
    } catch (const ApiError& e) {
      return errorReply(e.status, e.error);
    }
    if (name != opt.adminName || toLower(pw) != sha512Hex(opt.adminPassword))
      return errorReply(503, errorCode("ID.1000", "Authentication error",
                                       "Incorrect account name or password", errorCode("ID.1000", "Authentication error",
                                                                                       "account[" + name + "] login failed")));
    const std::string uuid = newUuid();
    const auto sysNow = std::chrono::system_clock::now();
    {
      std::lock_guard<std::mutex> lock(authMu);
      sessions[uuid] = Session{Clock::now() + opt.sessionTimeout};
    }
    Json inv = Json::object();
    inv["uuid"] = uuid;
    inv["accountUuid"] = kAdminAccountUuid;
    inv["userUuid"] = kAdminAccountUuid;
    inv["expiredDate"] = gsonDate(sysNow + std::chrono::duration_cast<std::chrono::system_clock::duration>(opt.sessionTimeout));
    inv["createDate"] = gsonDate(sysNow);
    Json reply = Json::object();
    reply["inventory"] = std::move(inv);
    return jsonReply(200, reply);
  }

  // ----------------------------------------------------------------- admin

  Reply admin(const httplib::Request& req) {
    const auto segs = splitPath(req.path);  // "sim", ...
    if (segs.size() == 2 && segs[1] == "faults") {
      if (req.method == "GET") {
        Json list = Json::array();
        for (const auto& f : faults.list()) list.push(faultToJson(f));
        Json r = Json::object();
        r["faults"] = std::move(list);
        return jsonReply(200, r);
      }
      if (req.method == "DELETE") {
        faults.clear();
        return jsonReply(200, Json::object());
      }
      if (req.method == "POST") {
        Json body;
        std::string err;
        if (!Json::parse(req.body, body, err) || !body.isObject())
          return textReply(400, "fault rule must be a JSON object: " + err);
        std::vector<Json> items;
        if (const Json* many = body.find("rules"); many && many->isArray()) items = many->items();
        else items.push_back(body);
        Json ids = Json::array();
        std::vector<FaultRule> parsed;
        for (const auto& j : items) {
          FaultRule rule;
          std::string e = parseFault(j, rule);
          if (!e.empty()) return textReply(400, e);
          parsed.push_back(rule);
        }
        for (auto& rule : parsed) ids.push(faults.add(rule));
        Json r = Json::object();
        r["id"] = ids.size() ? ids.items()[0] : Json();
        r["ids"] = std::move(ids);
        return jsonReply(200, r);
      }
      return textReply(405, "use GET, POST or DELETE on /sim/faults");
    }
    if (segs.size() == 3 && segs[1] == "faults" && req.method == "DELETE")
      return faults.remove(segs[2]) ? jsonReply(200, Json::object()) : textReply(404, "no fault " + segs[2]);
    if (segs.size() == 2 && segs[1] == "reset" && req.method == "POST") {
      resetAll();
      return jsonReply(200, Json::object());
    }
    if (segs.size() == 2 && segs[1] == "health" && req.method == "GET") {
      Json r = Json::object();
      r["status"] = "ok";
      r["requests"] = static_cast<long long>(requests.load());
      return jsonReply(200, r);
    }
    if (segs.size() == 2 && segs[1] == "seed" && req.method == "GET") {
      std::lock_guard<std::mutex> lock(stateMu);
      Json r = Json::object();
      r["zoneUuid"] = seedInfo.zoneUuid;
      r["publicL3Uuid"] = seedInfo.publicL3Uuid;
      r["privateL3Uuid"] = seedInfo.privateL3Uuid;
      r["publicL3Cidr"] = seedInfo.publicL3Cidr;
      r["privateL3Cidr"] = seedInfo.privateL3Cidr;
      r["vmUuids"] = Json::stringArray(seedInfo.vmUuids);
      r["vmNicUuids"] = Json::stringArray(seedInfo.vmNicUuids);
      r["providerUuids"] = Json::stringArray(seedInfo.providerUuids);
      r["iam2VirtualIdUuids"] = Json::stringArray(seedInfo.iam2VirtualIdUuids);
      r["firewallRuleUuids"] = Json::stringArray(seedInfo.firewallRuleUuids);
      r["adminAccountUuid"] = seedInfo.adminAccountUuid;
      return jsonReply(200, r);
    }
    return textReply(404, "unknown simulator admin endpoint " + req.method + " " + req.path);
  }

  static std::string parseFault(const Json& j, FaultRule& rule) {
    if (!j.isObject()) return "fault rule must be a JSON object";
    const std::string action = j.getString("action");
    if (!faultActionFromName(action, rule.action))
      return "unknown or missing fault action[" + action +
             "]; use status, delay, closeMidReply, closeNoReply, truncateBody, invalidJson, dropWebhook, "
             "delayWebhook or expireJob";
    auto str = [&](const char* k, std::string& out) -> bool {
      const Json* v = j.find(k);
      if (!v || v->isNull()) return true;
      if (!v->isString()) return false;
      out = v->str();
      return true;
    };
    auto num = [&](const char* k, long long& out) -> bool {
      const Json* v = j.find(k);
      if (!v || v->isNull()) return true;
      if (!v->isNumber()) return false;
      out = v->asInt();
      return true;
    };
    long long times = 1, status = 503, delayMs = 0;
    if (!str("method", rule.method) || !str("pathPrefix", rule.pathPrefix) ||
        !str("pathContains", rule.pathContains) || !str("path", rule.pathContains) ||
        !str("contentType", rule.contentType) || !num("times", times) || !num("status", status) ||
        !num("delayMs", delayMs))
      return "fault rule field has a wrong type";
    if (const Json* b = j.find("body"); b && !b->isNull()) rule.body = b->isString() ? b->str() : b->dump();
    if (status < 100 || status > 599) return "status must be in [100, 599]";
    if (delayMs < 0) return "delayMs must not be negative";
    rule.times = static_cast<int>(times);
    rule.status = static_cast<int>(status);
    rule.delay = std::chrono::milliseconds(delayMs);
    return "";
  }

  void resetAll() {
    {
      std::lock_guard<std::mutex> lock(stateMu);
      loadSeedData();
    }
    {
      std::lock_guard<std::mutex> lock(authMu);
      sessions.clear();
    }
    {
      std::lock_guard<std::mutex> lock(jobMu);
      jobs.clear();
    }
    faults.clear();
  }
};

Simulator::Simulator(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Simulator::~Simulator() { stop(); }

void Simulator::start() {
  Impl& d = *impl_;
  if (d.started) return;
  const int threads = d.opt.serverThreads > 0 ? d.opt.serverThreads : 256;
  d.svr.new_task_queue = [threads] { return new ElasticPool(static_cast<std::size_t>(threads)); };
  auto h = [&d](const httplib::Request& req, httplib::Response& res) { d.handle(req, res); };
  d.svr.Get(".*", h);
  d.svr.Post(".*", h);
  d.svr.Put(".*", h);
  d.svr.Delete(".*", h);
  d.svr.Patch(".*", h);
  d.svr.Options(".*", h);
  d.svr.set_keep_alive_max_count(1000);
  // httplib's default also sets SO_REUSEPORT, which would let two simulators share a port.
  d.svr.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  d.svr.set_keep_alive_timeout(5);
  d.svr.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms to every kept-alive reply
  if (d.opt.port == 0) {
    d.boundPort = d.svr.bind_to_any_port(d.opt.bindAddress);
  } else if (d.svr.bind_to_port(d.opt.bindAddress, d.opt.port)) {
    d.boundPort = d.opt.port;
  }
  if (d.boundPort <= 0)
    throw std::runtime_error("zstack-sim: cannot bind " + d.opt.bindAddress + ":" + std::to_string(d.opt.port));
  raiseListenBacklog(d.boundPort);
  d.webhooks.start();
  d.thread = std::thread([&d] { d.svr.listen_after_bind(); });
  for (int i = 0; i < 5000 && !d.svr.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  d.started = true;
}

void Simulator::stop() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lock(d.stopMu);
    d.stopping = true;
  }
  d.stopCv.notify_all();
  if (d.thread.joinable()) {
    d.svr.stop();
    shutdownServerConnections(d.boundPort);
    d.thread.join();
  }
  d.webhooks.stop();
}

int Simulator::port() const { return impl_->boundPort; }

std::string Simulator::endpoint() const {
  const std::string host = impl_->opt.bindAddress == "0.0.0.0" ? "127.0.0.1" : impl_->opt.bindAddress;
  return "http://" + host + ":" + std::to_string(impl_->boundPort) + "/zstack";
}

const SeedInfo& Simulator::seed() const { return impl_->seedInfo; }
Faults& Simulator::faults() { return impl_->faults; }
std::size_t Simulator::requestCount() const { return impl_->requests.load(); }
std::size_t Simulator::loginCount() const { return impl_->logins.load(); }

void Simulator::expireSessions() {
  std::lock_guard<std::mutex> lock(impl_->authMu);
  const auto now = Clock::now();
  for (auto& s : impl_->sessions) s.second.expires = now;
}
const Options& Simulator::options() const { return impl_->opt; }
void Simulator::reset() { impl_->resetAll(); }
std::vector<std::string> Simulator::specificActions() {
  std::set<std::string> names;
  for (const auto& r : buildRoutes())
    if (!r.generic) names.insert(r.api);
  return {names.begin(), names.end()};
}
std::vector<std::string> Simulator::collections() const {
  std::lock_guard<std::mutex> lock(impl_->stateMu);
  return impl_->state.names();
}

}  // namespace zstack::sim
