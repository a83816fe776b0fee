#include "transport/curl_transport.hpp"

#include "util/buffer_pool.hpp"

#include <curl/curl.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace zstack::transport {
namespace {

// A Content-Length above this is not trusted for an up-front reservation.
constexpr std::size_t kMaxBodyReserve = std::size_t{64} << 20;
// Response header lines kept at most (libcurl bounds each line, not their number).
constexpr std::size_t kMaxHeaderBytes = std::size_t{1} << 20;
// Idle easy handles kept when maxConnections is 0 (= no connection limit).
constexpr std::size_t kDefaultIdleHandles = 64;

constexpr const char* kShutDown = "transport shut down";
// The loop's longest sleep when idle; submissions and curl's own timers wake it earlier.
constexpr int kIdleWaitMs = 10000;

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransportFailure failure(int code, std::string message) {
  return TransportFailure{code, std::move(message)};
}

// curl's generic text for the code plus the handle's detail line. Neither ever contains request
// headers or bodies.
TransportFailure curlFailure(CURLcode rc, const char* detail) {
  std::string msg = curl_easy_strerror(rc);
  std::string_view d = detail ? std::string_view(detail) : std::string_view();
  while (!d.empty() && (d.back() == '\n' || d.back() == '\r')) d.remove_suffix(1);
  if (!d.empty() && d != msg) {
    msg += ": ";
    msg += d;
  }
  return failure(rc, std::move(msg));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

long clampMs(std::chrono::milliseconds ms) {
  const auto c = ms.count();
  if (c <= 0) return 0;
  return c > LONG_MAX ? LONG_MAX : static_cast<long>(c);
}

// ---------------------------------------------------------------------------------------------
// State shared by the sync pool and the async loop: options and the CURLSH (DNS + TLS sessions).

class Shared {
 public:
  explicit Shared(const CurlOptions& opts) : options(opts) {
    share = curl_share_init();
    if (!share) return;
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    // Not CURL_LOCK_DATA_CONNECT: a shared connection cache is not thread-safe (libcurl known
    // bug "A shared connection cache is not thread-safe").
  }
  ~Shared() {
    if (share) curl_share_cleanup(share);
  }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  const CurlOptions options;
  CURLSH* share = nullptr;

 private:
  static std::size_t slot(curl_lock_data d) {
    const auto i = static_cast<std::size_t>(d);
    return i < CURL_LOCK_DATA_LAST ? i : 0;
  }
  static void lock(CURL*, curl_lock_data d, curl_lock_access, void* self) {
    static_cast<Shared*>(self)->locks_[slot(d)].lock();
  }
  static void unlock(CURL*, curl_lock_data d, void* self) {
    static_cast<Shared*>(self)->locks_[slot(d)].unlock();
  }
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks_;
};

// ---------------------------------------------------------------------------------------------
// One easy handle with its error buffer. Options that never change are set once here; the
// per-request ones are set by prepare() before every transfer (no curl_easy_reset, which would
// free and re-copy the constant strings each time).

struct Easy {
  CURL* h = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  Easy() = default;
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;
  ~Easy() {
    if (h) curl_easy_cleanup(h);
  }
};
using EasyPtr = std::unique_ptr<Easy>;

struct Exchange;
size_t onBody(char* data, size_t size, size_t n, void* user) noexcept;
size_t onHeader(char* data, size_t size, size_t n, void* user) noexcept;
int onRequestReady(void* user, char*, char*, int, int) noexcept;

// Creates and configures a handle; on failure returns null and sets `fail`.
EasyPtr newEasy(const Shared& shared, TransportFailure& fail) {
  auto e = std::make_unique<Easy>();
  e->h = curl_easy_init();
  if (!e->h) {
    fail = failure(CURLE_FAILED_INIT, "curl_easy_init failed");
    return nullptr;
  }
  const CurlOptions& o = shared.options;
  CURL* h = e->h;
  CURLcode rc = CURLE_OK;
  auto set = [&rc](CURLcode r) {
    if (rc == CURLE_OK) rc = r;
  };
  set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, e->error));
  set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L));
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  set(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"));
#else
  set(curl_easy_setopt(h, CURLOPT_PROTOCOLS, long{CURLPROTO_HTTP | CURLPROTO_HTTPS}));
#endif
  set(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L));
  set(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
  set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, clampMs(o.connectTimeout)));
  set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o.tls.verifyPeer ? 1L : 0L));
  set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o.tls.verifyHost ? 2L : 0L));
  if (!o.tls.caFile.empty()) set(curl_easy_setopt(h, CURLOPT_CAINFO, o.tls.caFile.c_str()));
  if (!o.tls.caPath.empty()) set(curl_easy_setopt(h, CURLOPT_CAPATH, o.tls.caPath.c_str()));
  if (!o.proxy.empty()) set(curl_easy_setopt(h, CURLOPT_PROXY, o.proxy.c_str()));
  if (!o.userAgent.empty()) {
    if (!validHeaderValue(o.userAgent)) {  // CR/LF would inject headers into every request
      fail = failure(CURLE_BAD_FUNCTION_ARGUMENT, "invalid character in the User-Agent");
      return nullptr;
    }
    set(curl_easy_setopt(h, CURLOPT_USERAGENT, o.userAgent.c_str()));
  }
  set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &onBody));
  set(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &onHeader));
#if LIBCURL_VERSION_NUM >= 0x075000  // 7.80.0
  set(curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &onRequestReady));
#endif
  if (shared.share) set(curl_easy_setopt(h, CURLOPT_SHARE, shared.share));
  if (rc != CURLE_OK) {
    fail = curlFailure(rc, e->error);
    return nullptr;
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Per-request state: the response being filled in and the request's header list.

struct Exchange {
  HttpResponse response;
  std::size_t maxBody = 0;      // 0 = no limit
  std::size_t headerBytes = 0;  // response header lines so far
  bool tooLarge = false;        // the body (or its announced length) went over maxBody
  bool idempotent = true;       // a GET: libcurl may resend it on a fresh connection
  int sends = 0;                // how often libcurl was about to send the request
  // The request's header list, built here rather than with curl_slist_append (two allocations
  // and a walk to the end per header): the lines sit in one buffer, the nodes in one vector.
  // libcurl only reads the list.
  std::string headerLines;
  std::vector<curl_slist> headerNodes;
  curl_slist* headers() { return headerNodes.empty() ? nullptr : headerNodes.data(); }
  Exchange() = default;
  Exchange(const Exchange&) = delete;  // the nodes point into headerLines
  Exchange& operator=(const Exchange&) = delete;
};

size_t onBody(char* data, size_t size, size_t n, void* user) noexcept {
  const size_t len = size * n;
  auto& ex = *static_cast<Exchange*>(user);
  if (ex.maxBody && len > ex.maxBody - std::min(ex.maxBody, ex.response.body.size())) {
    ex.tooLarge = true;
    return 0;  // CURLE_WRITE_ERROR
  }
  try {
    ex.response.body.append(data, len);
  } catch (...) {
    return 0;  // CURLE_WRITE_ERROR
  }
  return len;
}

// libcurl is about to send the request (connection ready): the time the job may start from.
// A second call for the same exchange is libcurl resending after a reused connection died; for
// anything but a GET the server may already have the first copy, so that send is refused.
int onRequestReady(void* user, char*, char*, int, int) noexcept {
  auto& ex = *static_cast<Exchange*>(user);
  if (++ex.sends > 1 && !ex.idempotent) return 1;  // CURL_PREREQFUNC_ABORT
  ex.response.sentAt = std::chrono::steady_clock::now();
  return 0;  // CURL_PREREQFUNC_OK
}

size_t onHeader(char* data, size_t size, size_t n, void* user) noexcept {
  const size_t len = size * n;
  auto& ex = *static_cast<Exchange*>(user);
  auto& resp = ex.response;
  if ((ex.headerBytes += len) > kMaxHeaderBytes) {
    ex.tooLarge = true;
    return 0;
  }
  try {
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return len;  // end of a header block
    if (line.size() >= 5 && line.compare(0, 5, "HTTP/") == 0) {
      // A new response starts (after 1xx or a proxy's CONNECT reply): keep only the last block.
      resp.headers.clear();
      resp.body.clear();
      ex.headerBytes = len;
      return len;
    }
    if (line.front() == ' ' || line.front() == '\t') {  // obsolete line folding
      const auto more = trim(line);
      if (!resp.headers.empty() && !more.empty()) {
        auto& v = resp.headers.back().second;
        if (!v.empty()) v += ' ';
        v.append(more);
      }
      return len;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return len;  // not a header: ignore
    const auto name = trim(line.substr(0, colon));
    const auto value = trim(line.substr(colon + 1));
    resp.headers.emplace_back(std::string(name), std::string(value));
    if (iequals(name, "Content-Length")) {
      std::size_t cl = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), cl);
      const bool number = ec == std::errc() && p == value.data() + value.size();
      if ((number && ex.maxBody && cl > ex.maxBody) || ec == std::errc::result_out_of_range) {
        ex.tooLarge = true;  // refused before a byte of the body arrives
        return 0;
      }
      if (number && cl <= kMaxBodyReserve) {
        if (resp.body.empty() && resp.body.capacity() < cl) {
          std::string spare = util::takeBuffer(cl);
          if (spare.capacity() >= cl) resp.body.swap(spare);
        }
        resp.body.reserve(cl);
      }
    }
  } catch (...) {
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  return len;
}

bool validHeaderName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c == ':' || c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\0') return false;
  return true;
}

// Sets every per-request option. `request` and `ex` must outlive the transfer.
CURLcode prepare(Easy& e, const HttpRequest& request, Exchange& ex, const CurlOptions& o,
                 TransportFailure& fail) {
  CURL* h = e.h;
  e.error[0] = '\0';
  ex.maxBody = o.maxReplyBytes;
  ex.idempotent = request.method == HttpMethod::Get;

  const bool hasBody = request.method == HttpMethod::Post || request.method == HttpMethod::Put ||
                       (request.method == HttpMethod::Delete && !request.body.empty());

  // Headers. A value-less header is sent as "Name;" (curl would drop "Name:"). CR/LF would let a
  // value inject headers, so such requests are refused (the message never echoes the value).
  bool hasExpect = false, hasContentType = false;
  std::string& lines = ex.headerLines;
  std::size_t count = 0;
  for (const auto& [name, value] : request.headers) {
    if (!validHeaderName(name)) {
      fail = failure(CURLE_BAD_FUNCTION_ARGUMENT, "invalid request header name");
      return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    if (!validHeaderValue(value)) {
      fail = failure(CURLE_BAD_FUNCTION_ARGUMENT,
                     "invalid character in the value of request header " + name);
      return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    hasExpect = hasExpect || iequals(name, "Expect");
    hasContentType = hasContentType || iequals(name, "Content-Type");
    count += name.size() + value.size() + 3;  // ": " and the terminating NUL
  }
  try {
    lines.clear();
    lines.reserve(count + 24);  // + "Expect:" and "Content-Type:"
    auto line = [&lines](std::string_view name, std::string_view sep, std::string_view value) {
      lines.append(name).append(sep).append(value) += '\0';
    };
    for (const auto& [name, value] : request.headers) value.empty() ? line(name, ";", {}) : line(name, ": ", value);
    // No "Expect: 100-continue" round trip; no default form Content-Type for bodies.
    if (!hasExpect) line("Expect:", {}, {});
    if (hasBody && !hasContentType) line("Content-Type:", {}, {});
    ex.headerNodes.clear();
    ex.headerNodes.reserve(request.headers.size() + 2);
    for (std::size_t at = 0; at < lines.size(); at = lines.find('\0', at) + 1)
      ex.headerNodes.push_back(curl_slist{lines.data() + at, nullptr});
  } catch (const std::bad_alloc&) {
    fail = failure(CURLE_OUT_OF_MEMORY, "out of memory building request headers");
    return CURLE_OUT_OF_MEMORY;
  }
  for (std::size_t i = 0; i + 1 < ex.headerNodes.size(); ++i) ex.headerNodes[i].next = &ex.headerNodes[i + 1];

  const auto timeout = request.timeout.count() > 0 ? request.timeout : o.requestTimeout;
  CURLcode rc = CURLE_OK;
  auto set = [&rc](CURLcode r) {
    if (rc == CURLE_OK) rc = r;
  };
  set(curl_easy_setopt(h, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, ex.headers()));
  set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, clampMs(timeout)));
  set(curl_easy_setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(&ex)));
  set(curl_easy_setopt(h, CURLOPT_HEADERDATA, static_cast<void*>(&ex)));
#if LIBCURL_VERSION_NUM >= 0x075000
  set(curl_easy_setopt(h, CURLOPT_PREREQDATA, static_cast<void*>(&ex)));
#endif
  if (hasBody) {
    // Size first: POSTFIELDS then points at the body without copying. An empty body still sends
    // "Content-Length: 0".
    set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size())));
    set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data()));
  } else {
    // Drop any body pointer left from the previous request, then switch back to GET.
    set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1)));
    set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr)));
    set(curl_easy_setopt(h, CURLOPT_HTTPGET, 1L));
  }
  const char* custom = nullptr;
  if (request.method == HttpMethod::Put) custom = "PUT";
  if (request.method == HttpMethod::Delete) custom = "DELETE";
  set(curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom));
  if (rc != CURLE_OK) fail = curlFailure(rc, e.error);
  return rc;
}

// The setup mistake a failure most likely comes from, and what to do about it.
const char* hintFor(CURLcode rc, std::string_view detail, bool https) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: return "check the endpoint's host name";
    case CURLE_COULDNT_CONNECT:
      return "nothing is listening there: is the management node up, and are the endpoint's host and port right "
             "(ZStack's REST API listens on 8080 by default)?";
    case CURLE_GOT_NOTHING:
      return https ? "the server closed the connection without a reply"
                   : "the server closed the connection without a reply: is this an https port? try https:// in the endpoint";
    case CURLE_SSL_CONNECT_ERROR:
      return detail.find("wrong version number") != std::string_view::npos
                 ? "the server did not answer TLS: is this an http port? try http:// in the endpoint"
                 : nullptr;
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's certificate is not trusted here: give its CA with ClientConfig::tls.caFile or caPath "
             "(zscli --ca-file/--ca-path), or, for a test setup only, turn verification off (tls.verifyPeer and "
             "verifyHost false; zscli --insecure)";
    default: return nullptr;
  }
}

TransportResult finish(Easy& e, Exchange& ex, const CurlOptions& o, CURLcode rc) {
  if (rc != CURLE_OK) {
    if (ex.tooLarge)
      return failure(kReplyTooLarge, "the reply is larger than the limit of " + std::to_string(o.maxReplyBytes) +
                                         " bytes (ClientConfig::maxReplySize), or its headers than " +
                                         std::to_string(kMaxHeaderBytes));
    TransportFailure f = curlFailure(rc, e.error);
    if (ex.sends > 1 && !ex.idempotent) {
      f.message = "the connection closed after the request was sent and before any reply: the server may have "
                  "received it (not sent again)";
      f.maybeDelivered = true;
    }
    char* url = nullptr;
    curl_easy_getinfo(e.h, CURLINFO_EFFECTIVE_URL, &url);
    if (const char* hint = hintFor(rc, e.error, url && std::strncmp(url, "https:", 6) == 0)) {
      f.message += " (";
      f.message += hint;
      f.message += ')';
    }
    return f;
  }
  long status = 0;
  curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &status);
  ex.response.status = static_cast<int>(status);
  return std::move(ex.response);
}

// Runs a callback, swallowing what it throws. (Not named "invoke": with a std::function argument,
// ADL would pick std::invoke, which has no try/catch.)
void deliver(Transport::Callback& done, TransportResult result) noexcept {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (...) {
    // A throwing callback must not take the transport's thread down with it.
  }
}

// ---------------------------------------------------------------------------------------------
// The async engine: one thread, one multi handle.

struct Transfer {
  Transfer(HttpRequest r, Transport::Callback d) : request(std::move(r)), done(std::move(d)) {}
  HttpRequest request;
  Transport::Callback done;
  Exchange exchange;
  EasyPtr easy;
  std::size_t slot = 0;  // index in Engine::active_
};
using TransferPtr = std::unique_ptr<Transfer>;

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  explicit Engine(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
    multi_ = curl_multi_init();
    if (!multi_) return;
    const long cap =
        static_cast<long>(std::min<std::size_t>(shared_->options.maxConnections, LONG_MAX));
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, cap);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, cap);
    if (cap > 0) curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, cap);
    idleCap_ = cap > 0 ? static_cast<std::size_t>(cap) : kDefaultIdleHandles;
  }

  ~Engine() {
    // Every transfer was removed by run(); idle handles go before the multi and the share.
    idle_.clear();
    if (multi_) curl_multi_cleanup(multi_);
  }

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void submit(TransferPtr t) {
    bool wake = false;
    int code = CURLE_ABORTED_BY_CALLBACK;
    const char* why = kShutDown;
    {
      std::lock_guard<std::mutex> lk(mutex_);
      if (!multi_) {
        code = CURLE_FAILED_INIT;
        why = "curl_multi_init failed";
      } else if (!stopping_) {
        if (!started_) {
          try {
            thread_ = std::thread([self = shared_from_this()] {
              pthread_setname_np(pthread_self(), "zstack-curl");  // visible in top/gdb and counted by the benchmarks
              self->run();
            });
            started_ = true;
          } catch (const std::exception&) {
            code = CURLE_FAILED_INIT;
            why = "could not start the transport thread";
          }
        }
        if (started_) {
          wake = queue_.empty();
          queue_.push_back(std::move(t));
        }
      }
    }
    if (t) {  // not queued: complete inline
      deliver(t->done, failure(code, why));
      return;
    }
    if (wake) curl_multi_wakeup(multi_);
  }

  // Called once, from the transport's destructor (never concurrently with submit()).
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mutex_);
      stopping_ = true;
    }
    if (multi_) curl_multi_wakeup(multi_);
    if (thread_.joinable()) {
      if (thread_.get_id() == std::this_thread::get_id())
        thread_.detach();  // the last reference was dropped inside a callback; run() ends soon
      else
        thread_.join();
    }
  }

 private:
  void run() {
    std::vector<TransferPtr> incoming;
    for (;;) {
      {
        std::lock_guard<std::mutex> lk(mutex_);
        if (stopping_) break;
        incoming.swap(queue_);
      }
      for (auto& t : incoming) start(std::move(t));
      incoming.clear();

      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL* h = m->easy_handle;
        const CURLcode rc = m->data.result;  // copy: m dies with curl_multi_remove_handle
        complete(h, rc);
      }
      // Waits for socket activity, curl's next timer or curl_multi_wakeup(), whichever is first.
      if (curl_multi_poll(multi_, nullptr, 0, kIdleWaitMs, nullptr) != CURLM_OK)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // never spin on a failure
    }
    shutdown();
  }

  void start(TransferPtr t) {
    TransportFailure fail;
    EasyPtr easy = takeEasy(fail);
    if (!easy) {
      deliver(t->done, std::move(fail));
      return;
    }
    if (prepare(*easy, t->request, t->exchange, shared_->options, fail) != CURLE_OK) {
      recycle(std::move(easy));
      deliver(t->done, std::move(fail));
      return;
    }
    curl_easy_setopt(easy->h, CURLOPT_PRIVATE, static_cast<void*>(t.get()));
    const CURLMcode mc = curl_multi_add_handle(multi_, easy->h);
    if (mc != CURLM_OK) {
      recycle(std::move(easy));
      deliver(t->done, failure(CURLE_FAILED_INIT, curl_multi_strerror(mc)));
      return;
    }
    t->easy = std::move(easy);
    t->slot = active_.size();
    active_.push_back(std::move(t));
  }

  TransferPtr release(Transfer* raw) {
    const std::size_t i = raw->slot;
    TransferPtr t = std::move(active_[i]);
    if (i + 1 != active_.size()) {
      active_[i] = std::move(active_.back());
      active_[i]->slot = i;
    }
    active_.pop_back();
    return t;
  }

  void complete(CURL* h, CURLcode rc) {
    char* priv = nullptr;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
    curl_multi_remove_handle(multi_, h);
    TransferPtr t = release(reinterpret_cast<Transfer*>(priv));
    TransportResult result = finish(*t->easy, t->exchange, shared_->options, rc);
    recycle(std::move(t->easy));
    Transport::Callback done = std::move(t->done);
    t.reset();  // frees the request and its header list before the callback runs
    deliver(done, std::move(result));
  }

  void shutdown() {
    std::vector<TransferPtr> aborted = std::move(active_);
    active_.clear();
    for (auto& t : aborted) {
      curl_multi_remove_handle(multi_, t->easy->h);
      recycle(std::move(t->easy));
    }
    std::vector<TransferPtr> queued;
    {
      std::lock_guard<std::mutex> lk(mutex_);
      queued.swap(queue_);
    }
    for (auto* list : {&aborted, &queued})
      for (auto& t : *list) {
        Transport::Callback done = std::move(t->done);
        t.reset();
        deliver(done, failure(CURLE_ABORTED_BY_CALLBACK, kShutDown));
      }
  }

  EasyPtr takeEasy(TransportFailure& fail) {
    if (!idle_.empty()) {
      EasyPtr e = std::move(idle_.back());
      idle_.pop_back();
      return e;
    }
    return newEasy(*shared_, fail);
  }

  void recycle(EasyPtr e) {
    if (e && idle_.size() < idleCap_) idle_.push_back(std::move(e));
  }

  // Declaration order matters for destruction: the share outlives every easy handle.
  std::shared_ptr<Shared> shared_;
  CURLM* multi_ = nullptr;
  std::size_t idleCap_ = kDefaultIdleHandles;

  std::mutex mutex_;  // guards queue_, stopping_, started_, thread_ (assignment)
  std::vector<TransferPtr> queue_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread thread_;

  // Loop thread only.
  std::vector<TransferPtr> active_;
  std::vector<EasyPtr> idle_;
};

// ---------------------------------------------------------------------------------------------

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const CurlOptions& options)
      : shared_(std::make_shared<Shared>(options)),
        idleCap_(options.maxConnections > 0 ? options.maxConnections : kDefaultIdleHandles) {}

  ~CurlTransport() override {
    if (engine_) engine_->stop();
    // Pooled sync handles are destroyed with idle_, before shared_ releases the share.
  }

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  TransportResult send(const HttpRequest& request) override {
    TransportFailure fail;
    EasyPtr easy = acquire(fail);
    if (!easy) return fail;
    Exchange ex;
    TransportResult result = [&]() -> TransportResult {
      if (prepare(*easy, request, ex, shared_->options, fail) != CURLE_OK) return std::move(fail);
      return finish(*easy, ex, shared_->options, curl_easy_perform(easy->h));
    }();
    release(std::move(easy));
    return result;
  }

  void sendAsync(HttpRequest request, Callback done) override {
    std::call_once(engineOnce_, [this] { engine_ = std::make_shared<Engine>(shared_); });
    engine_->submit(std::make_unique<Transfer>(std::move(request), std::move(done)));
  }

 private:
  EasyPtr acquire(TransportFailure& fail) {
    {
      std::lock_guard<std::mutex> lk(poolMutex_);
      if (!idle_.empty()) {
        EasyPtr e = std::move(idle_.back());
        idle_.pop_back();
        return e;
      }
    }
    return newEasy(*shared_, fail);  // outside the lock
  }

  void release(EasyPtr e) {
    {
      std::lock_guard<std::mutex> lk(poolMutex_);
      if (idle_.size() < idleCap_) {
        idle_.push_back(std::move(e));
        return;
      }
    }
    // e (and its connection) is closed here, outside the lock
  }

  std::shared_ptr<Shared> shared_;
  std::size_t idleCap_;
  std::mutex poolMutex_;
  std::vector<EasyPtr> idle_;  // LIFO: the most recently used handle (warmest connection) first
  std::once_flag engineOnce_;
  std::shared_ptr<Engine> engine_;
};

}  // namespace

std::shared_ptr<Transport> makeCurlTransport(const CurlOptions& options) {
  globalInit();
  return std::make_shared<CurlTransport>(options);
}

}  // namespace zstack::transport
