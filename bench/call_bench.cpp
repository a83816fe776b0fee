// End-to-end benchmarks against loopback servers started in this process.
//
//  sync   N QueryVip calls through the SDK vs a raw libcurl loop (one reused easy handle, the
//         same headers, a RapidJSON DOM parse of the same reply): client CPU and wall per call.
//  async  1000 creates in flight against a job server whose jobs finish D ms after acceptance:
//         latency from job completion to the result in the caller (median, p99), polls per job,
//         SDK threads, peak memory; then the same in webhook mode.
//
// usage: bench_calls [--quick | --sync | --async | --profile sdk|raw [1|1000]]
//        --quick: a short smoke run for CI; --sync, --async: that table only;
//        --profile: one side's QueryVip loop (1 or 1000 inventories) for 5 s, to profile

#include "bench_data.hpp"

#include <zstack/sim/simulator.hpp>
#include <zstack/zstack.hpp>

#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

double threadCpuUs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}
double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

long statusKb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  return 0;
}

// The SDK's threads (it names them zstack-engine / zstack-curl): how many, and the CPU time they
// have used so far (schedstat: nanoseconds on a CPU).
struct SdkThreads {
  int count = 0;
  double cpuMs = 0;
};
SdkThreads sdkThreads() {
  SdkThreads t;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      const std::string dir = std::string("/proc/self/task/") + e->d_name;
      std::ifstream comm(dir + "/comm");
      std::string name;
      std::getline(comm, name);
      if (name.rfind("zstack-", 0) != 0) continue;
      ++t.count;
      std::ifstream sched(dir + "/schedstat");
      double ns = 0;
      if (sched >> ns) t.cpuMs += ns / 1e6;
    }
    closedir(d);
  }
  return t;
}

// With two or more CPUs the client side (this thread, and the SDK threads it starts) runs on
// CPU 0 and the loopback servers on CPU 1, as if the server were another machine. Left to the
// scheduler, the two sometimes share a CPU and sometimes not, which moves the per-call cost by
// up to 1.5x between runs and makes the SDK/raw ratio meaningless.
bool pinning() { return std::thread::hardware_concurrency() >= 2; }
void pinTo(int cpu) {
  if (!pinning()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}
constexpr int kClientCpu = 0, kServerCpu = 1;

struct Server {
  httplib::Server http;
  std::thread thread;
  int port = 0;
  void start() {
    // A kept-alive connection holds a worker until it closes: more workers than the SDK's 64
    // async connections plus its sync ones, or a connection waits out the keep-alive timeout.
    http.new_task_queue = [] { return new httplib::ThreadPool(256); };
    http.set_tcp_nodelay(true);  // no Nagle/delayed-ACK stalls on small replies
    http.set_keep_alive_max_count(1000000);  // httplib closes after 5 requests by default
    port = http.bind_to_any_port("127.0.0.1");
    zstack::sim::raiseListenBacklog(port);
    thread = std::thread([this] {
      pinTo(kServerCpu);  // the worker threads it starts inherit this
      http.listen_after_bind();
    });
    while (!http.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Server() {
    http.stop();
    if (thread.joinable()) thread.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port) + "/zstack"; }
};

// ---- sync: SDK vs raw libcurl + RapidJSON --------------------------------------------------

size_t collect(char* p, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

struct SyncFigures {
  double sdkCpu, sdkWall, rawCpu, rawWall;
};

// The same QueryVip through the SDK and through a raw libcurl + RapidJSON DOM loop.
class SyncSides {
 public:
  SyncSides(const std::string& base, int inventories)
      : inventories_(inventories), client_(config(base)), url_(base + "/v1/vips?q=name%7E%3Dvip%25&limit=" +
                                                                std::to_string(inventories)) {
    query_.where("name~=vip%");
    query_.limit = inventories;
    headers_ = curl_slist_append(headers_, "Authorization: OAuth 5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d");
    headers_ = curl_slist_append(headers_, "X-Job-UUID: 8d2f0c1e4b5a4c6d9e8f7a6b5c4d3e2f");
    headers_ = curl_slist_append(headers_, "User-Agent: zstack-sdk-cpp/0.1");
    headers_ = curl_slist_append(headers_, "Expect:");
    curl_easy_setopt(raw_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(raw_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(raw_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(raw_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(raw_, CURLOPT_NOSIGNAL, 1L);
  }
  ~SyncSides() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(raw_);
  }
  void sdkCall() {
    auto r = query_.call(client_);
    if (!r || static_cast<int>(r->inventories.size()) != inventories_) {
      std::fprintf(stderr, "sdk call failed: %s\n", r ? "wrong size" : r.error().describe().c_str());
      std::exit(1);
    }
  }
  void rawCall() {
    body_.clear();
    if (curl_easy_perform(raw_) != CURLE_OK) std::exit(1);
    rapidjson::Document doc;
    doc.Parse(body_.data(), body_.size());
    if (doc.HasParseError() || static_cast<int>(doc["inventories"].Size()) != inventories_) std::exit(1);
  }

 private:
  static zstack::ClientConfig config(const std::string& base) {
    zstack::ClientConfig cfg;
    cfg.endpoint = *zstack::Endpoint::parse(base);
    cfg.sessionId = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
    return cfg;
  }
  int inventories_;
  zstack::Client client_;
  zstack::QueryVipAction query_;
  std::string url_;
  CURL* raw_ = curl_easy_init();
  curl_slist* headers_ = nullptr;
  std::string body_;
};

SyncFigures syncBench(const std::string& base, int inventories, int calls) {
  SyncFigures f{};
  SyncSides sides(base, inventories);
  for (int i = 0; i < calls / 10 + 5; ++i) sides.sdkCall(), sides.rawCall();  // warm up both
  // Interleave rounds so machine noise hits both sides alike.
  for (int round = 0; round < 4; ++round) {
    auto c0 = threadCpuUs();
    auto w0 = Clock::now();
    for (int i = 0; i < calls / 4; ++i) sides.rawCall();
    f.rawCpu += threadCpuUs() - c0;
    f.rawWall += us(Clock::now() - w0);
    c0 = threadCpuUs();
    w0 = Clock::now();
    for (int i = 0; i < calls / 4; ++i) sides.sdkCall();
    f.sdkCpu += threadCpuUs() - c0;
    f.sdkWall += us(Clock::now() - w0);
  }
  const double n = (calls / 4) * 4;
  f.rawCpu /= n, f.rawWall /= n, f.sdkCpu /= n, f.sdkWall /= n;
  return f;
}

// One side only, for 5 s: something to point perf, strace or callgrind at.
void profileLoop(const std::string& base, bool raw, int inventories) {
  SyncSides sides(base, inventories);
  const auto end = Clock::now() + 5s;
  long calls = 0;
  const auto c0 = threadCpuUs();
  rusage r0{}, r1{};
  getrusage(RUSAGE_THREAD, &r0);
  while (Clock::now() < end) raw ? sides.rawCall() : sides.sdkCall(), ++calls;
  getrusage(RUSAGE_THREAD, &r1);
  auto tvUs = [](const timeval& a, const timeval& b) { return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_usec - a.tv_usec); };
  std::printf("%s: %ld calls, %.1f us CPU per call (user %.1f, kernel %.1f), %.1f page faults per call\n", raw ? "raw" : "sdk",
              calls, (threadCpuUs() - c0) / calls, tvUs(r0.ru_utime, r1.ru_utime) / calls, tvUs(r0.ru_stime, r1.ru_stime) / calls,
              double(r1.ru_minflt - r0.ru_minflt) / calls);
}

// ---- async: a job server that knows when every job finishes --------------------------------

struct JobServer {
  Server server;
  std::chrono::milliseconds delay;
  std::mutex m;
  std::map<std::string, Clock::time_point> doneAt;  // job uuid -> completion time
  std::map<std::string, Clock::time_point> servedAt;  // job uuid -> its result was served
  std::atomic<long> polls{0};
  // webhook mode: a thread sleeps until the next job completes (on the server's CPU; polling it
  // every 200 us cost the server a tenth of its CPU and its lock)
  std::string webhookUrl;
  std::deque<std::pair<Clock::time_point, std::string>> pendingHooks;  // in completion order
  std::condition_variable hookDue;
  std::thread hookThread;
  bool stop = false;

  explicit JobServer(std::chrono::milliseconds d) : delay(d) {
    server.http.Post("/zstack/v1/vips", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string job = req.get_header_value("X-Job-UUID");
      const auto done = Clock::now() + delay;
      {
        std::lock_guard<std::mutex> l(m);
        doneAt[job] = done;
        const std::string hook = req.get_header_value("X-Web-Hook");
        if (!hook.empty()) webhookUrl = hook, pendingHooks.emplace_back(done, job);
      }
      hookDue.notify_one();
      res.status = 202;
      res.set_content(R"({"location":"http://127.0.0.1:)" + std::to_string(server.port) + "/zstack/v1/api-jobs/" + job +
                          R"(","apiTimeout":3600000})",
                      "application/json");
    });
    server.http.Get(R"(/zstack/v1/api-jobs/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
      ++polls;
      const std::string job = req.matches[1];
      Clock::time_point done;
      {
        std::lock_guard<std::mutex> l(m);
        done = doneAt.at(job);
      }
      if (Clock::now() < done) {
        res.status = 202;
        res.set_content(R"({"location":"x/v1/api-jobs/)" + job + "\"}", "application/json");
      } else {
        {
          std::lock_guard<std::mutex> l(m);
          servedAt.emplace(job, Clock::now());  // the first poll that found the job done
        }
        res.set_content(R"({"inventory":{"uuid":")" + job + R"(","name":")" + job + R"(","ip":"172.20.0.9"}})", "application/json");
      }
    });
    server.start();
    hookThread = std::thread([this] {  // delivers webhooks at their jobs' completion times
      pinTo(kServerCpu);
      std::unique_ptr<httplib::Client> client;
      std::unique_lock<std::mutex> l(m);
      while (!stop) {
        if (pendingHooks.empty()) {
          hookDue.wait(l);
          continue;
        }
        if (Clock::now() < pendingHooks.front().first) {
          hookDue.wait_until(l, pendingHooks.front().first);
          continue;
        }
        const std::string job = std::move(pendingHooks.front().second);
        pendingHooks.pop_front();
        const auto slash = webhookUrl.find('/', 7);
        if (!client) client = std::make_unique<httplib::Client>(webhookUrl.substr(0, slash));
        const std::string path = webhookUrl.substr(slash);
        l.unlock();
        client->Post(path.c_str(), {{"X-Job-UUID", job}, {"X-Job-Success", "true"}},
                     R"({"inventory":{"uuid":")" + job + R"(","name":")" + job + R"("}})", "application/json");
        l.lock();
      }
    });
  }
  ~JobServer() {
    {
      std::lock_guard<std::mutex> l(m);
      stop = true;
    }
    hookDue.notify_all();
    hookThread.join();
  }
};

struct AsyncFigures {
  double medianMs, p99Ms, pollsPerJob, wallMs;
  double waitMs, replyMs;  // polling: the median split into done -> result served, served -> caller
  int sdkThreads;
  double sdkCpuUsPerCall;  // the SDK threads' CPU, per call (the caller's own thread not included)
  long peakRssDeltaKb;
  int failures;
};

AsyncFigures asyncBench(std::chrono::milliseconds delay, int calls, bool webhook) {
  JobServer jobs(delay);
  Server receiver;  // webhook receiver
  std::mutex m;
  std::map<std::string, Clock::time_point> hookArrived;
  std::optional<zstack::Client> client;
  zstack::ClientConfig cfg;
  cfg.endpoint = *zstack::Endpoint::parse(jobs.server.base());
  cfg.sessionId = "5e2d7bd0e0d24e4c9ab3b8bd1b2f5b6d";
  if (webhook) {
    receiver.http.Post("/hook", [&](const httplib::Request& req, httplib::Response&) {
      {
        std::lock_guard<std::mutex> l(m);
        hookArrived[req.get_header_value("X-Job-UUID")] = Clock::now();
      }
      client->webhooks().deliver(zstack::Headers(req.headers.begin(), req.headers.end()), req.body);
    });
    receiver.start();
    cfg.webhookUrl = "http://127.0.0.1:" + std::to_string(receiver.port) + "/hook";
  }
  client.emplace(cfg);
  const long rssBefore = statusKb("VmRSS:");

  // A few calls first so the SDK has seen this API's job duration, as a long-running program has.
  for (int i = 0; i < 6; ++i) {
    zstack::CreateVipAction a;
    a.name = "warm";
    a.l3NetworkUuid = "l3";
    (void)a.call(*client);
  }
  const long pollsBefore = jobs.polls;
  const double cpuBefore = sdkThreads().cpuMs;

  std::vector<std::pair<std::string, Clock::time_point>> results;
  results.reserve(calls);
  std::promise<void> all;
  std::atomic<int> left{calls}, failures{0};
  int maxThreads = 0;
  const auto t0 = Clock::now();
  for (int i = 0; i < calls; ++i) {
    zstack::CreateVipAction a;
    a.name = "vip-" + std::to_string(i);
    a.l3NetworkUuid = "l3";
    a.callAsync(*client, [&](zstack::CreateVipAction::ResultType r) {
      const auto now = Clock::now();
      {
        std::lock_guard<std::mutex> l(m);
        if (r) results.emplace_back(r->inventory->uuid, now);
        else ++failures;
      }
      if (--left == 0) all.set_value();
    });
  }
  maxThreads = sdkThreads().count;
  all.get_future().wait();
  const auto wall = Clock::now() - t0;
  const SdkThreads after = sdkThreads();
  maxThreads = std::max(maxThreads, after.count);

  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto median = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  };
  std::vector<double> lat, wait, reply;
  for (const auto& [job, at] : results) {
    std::lock_guard<std::mutex> l(m);
    lat.push_back(ms(at - (webhook ? hookArrived.at(job) : jobs.doneAt.at(job))));
    if (!webhook) {
      wait.push_back(ms(jobs.servedAt.at(job) - jobs.doneAt.at(job)));
      reply.push_back(ms(at - jobs.servedAt.at(job)));
    }
  }
  AsyncFigures f{};
  f.medianMs = median(lat);
  f.waitMs = median(wait);
  f.replyMs = median(reply);
  f.p99Ms = lat.empty() ? 0 : lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  f.pollsPerJob = double(jobs.polls - pollsBefore) / calls;
  f.wallMs = std::chrono::duration<double, std::milli>(wall).count();
  f.sdkThreads = maxThreads;
  f.peakRssDeltaKb = statusKb("VmHWM:") - rssBefore;
  f.failures = failures;
  f.sdkCpuUsPerCall = (after.cpuMs - cpuBefore) * 1000 / calls;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool syncOnly = argc > 1 && std::strcmp(argv[1], "--sync") == 0;
  const bool asyncOnly = argc > 1 && std::strcmp(argv[1], "--async") == 0;
  // --profile sdk|raw: only that side's 1-inventory loop, for perf/strace/callgrind
  const char* profile = argc > 2 && std::strcmp(argv[1], "--profile") == 0 ? argv[2] : nullptr;
  signal(SIGPIPE, SIG_IGN);
  pinTo(kClientCpu);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string one = "{\"inventories\":[" + bench::vipJson(0) + "]}";
  const std::string thousand = bench::queryVipReply(1000);
  Server server;
  server.http.Get("/zstack/v1/vips", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_param_value("limit") == "1000" ? thousand : one, "application/json;charset=UTF-8");
  });
  server.start();

  if (profile) {
    profileLoop(server.base(), std::strcmp(profile, "raw") == 0, argc > 3 && std::strcmp(argv[3], "1000") == 0 ? 1000 : 1);
    return 0;
  }
  if (!asyncOnly) std::printf("%-44s %12s %12s %8s\n", "sync QueryVip (client thread CPU / wall)", "SDK", "raw curl", "ratio");
  for (int n : {1, 1000}) {
    if (asyncOnly) break;
    const int calls = quick ? 40 : (n == 1 ? 4000 : 400);
    auto f = syncBench(server.base(), n, calls);
    std::printf("%-44s %9.1f us %9.1f us %7.2fx\n", (std::to_string(n) + " inventory: CPU per call").c_str(), f.sdkCpu,
                f.rawCpu, f.sdkCpu / f.rawCpu);
    std::printf("%-44s %9.1f us %9.1f us %7.2fx\n", (std::to_string(n) + " inventory: wall per call").c_str(), f.sdkWall,
                f.rawWall, f.sdkWall / f.rawWall);
  }

  if (syncOnly) return 0;
  std::printf("\n%-30s %8s %8s %17s %10s %9s %8s %11s %10s %6s\n", "async creates in flight", "median", "p99",
              "(wait + reply)", "polls/job", "wall", "threads", "SDK CPU", "peak RSS+", "fails");
  const int calls = quick ? 50 : 1000;
  struct Mode {
    const char* name;
    std::chrono::milliseconds delay;
    bool webhook;
  };
  std::vector<Mode> modes = {{"polling, 100 ms jobs", 100ms, false},
                             {"polling, 1 s jobs", 1000ms, false},
                             {"webhook, 100 ms jobs", 100ms, true},
                             {"webhook, 1 s jobs", 1000ms, true}};
  if (quick) modes.resize(3);
  int failures = 0;
  for (const auto& mode : modes) {
    auto f = asyncBench(mode.delay, calls, mode.webhook);
    failures += f.failures;
    char split[32] = "";
    if (!mode.webhook) std::snprintf(split, sizeof split, "(%.1f + %.1f)", f.waitMs, f.replyMs);
    std::printf("%-30s %5.1f ms %5.1f ms %17s %10.2f %6.0f ms %8d %6.0f us/call %7ld KB %6d\n",
                (std::to_string(calls) + " x " + mode.name).c_str(), f.medianMs, f.p99Ms, split, f.pollsPerJob, f.wallMs,
                f.sdkThreads, f.sdkCpuUsPerCall, f.peakRssDeltaKb, f.failures);
  }
  std::printf("(latency: job completion -> result in the caller; webhook rows: callback arrival -> result;\n"
              " wait + reply: medians of job completion -> result served to a poll, and served -> caller;\n"
              " SDK CPU: CPU time of the SDK's own threads per call, the caller's thread not included)\n");
  return failures ? 1 : 0;
}
