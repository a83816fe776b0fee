#include "core/call_flow.hpp"

#include "codec/codec.hpp"
#include "core/client_core.hpp"
#include "core/request.hpp"
#include "util/buffer_pool.hpp"
#include "util/crypto.hpp"
#include "util/utf8.hpp"
#include "zstack/log.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <strings.h>

namespace zstack::detail {
namespace {

using namespace std::chrono;

// "Mon, 23 Nov 2026 18:05:00 CST": the server compares the wall-clock fields, so they are
// written in the configured zone.
std::string accessKeyDate(system_clock::time_point now, const DateZone& zone) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = system_clock::to_time_t(now + zone.utcOffset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %s", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone.name.c_str());
  return buf;
}

bool retryablePollStatus(int status) { return status == 500 || status == 502 || status == 504; }

void replaceAll(std::string& s, std::string_view secret) {
  for (std::size_t at = s.find(secret); at != std::string::npos; at = s.find(secret, at + 3)) s.replace(at, secret.size(), "***");
}

void redact(Json& j, std::string_view secret) {
  if (j.isString()) {
    if (j.asString().find(secret) != std::string::npos) {
      std::string s = j.asString();
      replaceAll(s, secret);
      j = Json(std::move(s));
    }
  } else if (j.isArray()) {
    for (auto& x : j.asArray()) redact(x, secret);
  } else if (j.isObject()) {
    for (auto& kv : j.asObject()) redact(kv.second, secret);
  }
}

void redact(ErrorCode& c, std::string_view secret, int depth = 0) {
  if (depth > 64) return;
  for (std::string* s : {&c.code, &c.description, &c.details, &c.elaboration, &c.location}) replaceAll(*s, secret);
  redact(c.cost, secret);
  redact(c.opaque, secret);
  if (c.cause) redact(*c.cause, secret, depth + 1);
  for (auto& x : c.causes) redact(x, secret, depth + 1);
}

// A server may echo what it was sent (a session uuid, a password) in an error: the error keeps
// none of it. Short values are left alone: "***" for every "a" would say more than it hides.
void redact(Error& e, std::string_view secret) {
  if (secret.size() < 6) return;
  replaceAll(e.message, secret);
  replaceAll(e.body, secret);
  if (e.api) redact(*e.api, secret);
  for (auto& v : e.violations) replaceAll(v.problem, secret);
}

// The call's location rules: a 202's location names /v1/api-jobs/<id>; only that part is kept
// and polled under the configured endpoint, so credentials never go anywhere else. Empty when
// the location is not such a URL.
std::string jobPathOf(std::string_view location) {
  constexpr std::string_view kJobs = "/v1/api-jobs/";
  const auto scheme = location.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view name = location.substr(0, scheme);
    const bool web = (name.size() == 4 && strncasecmp(name.data(), "http", 4) == 0) ||
                     (name.size() == 5 && strncasecmp(name.data(), "https", 5) == 0);
    if (!web) return {};
  } else if (location.empty() || location.front() != '/') {
    return {};
  }
  const auto at = location.find(kJobs);
  if (at == std::string_view::npos) return {};
  const std::string_view id = location.substr(at + kJobs.size());
  if (id.empty() || id.size() > 128) return {};
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return {};
  return std::string(location.substr(at));
}

// From this many calls waiting for jobs at once, first polls are aimed just after the expected
// finish; one in kProbeEvery of them still aims just before.
constexpr int kCrowd = 32;
constexpr unsigned kProbeEvery = 32;

}  // namespace

std::string keptBody(std::string_view body) {
  if (body.size() <= kKeptBody) return utf8::sanitized(body);
  std::size_t cut = kKeptBody;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return utf8::sanitized(std::string_view(body).substr(0, cut)) + "\n[... " + std::to_string(body.size() - cut) +
         " more bytes; " + std::to_string(body.size()) + " in all]";
}

// When the request behind `r` was sent, on the client's clock. The transport stamps it on the
// steady clock; the time since then is taken off the client clock's now(), so a fake clock in
// tests stays consistent. A transport that does not stamp: `otherwise`.
Clock::time_point CallFlow::sentTime(const HttpResponse& r, Clock::time_point otherwise) const {
  if (r.sentAt == std::chrono::steady_clock::time_point{}) return otherwise;
  const auto now = core_.clock->now();
  const auto ago = std::chrono::steady_clock::now() - r.sentAt;
  return ago > std::chrono::steady_clock::duration::zero() ? now - ago : now;
}

template <class F>
void CallFlow::forEachSecret(F&& f) const {
  if (!sessionId_.empty()) f(sessionId_);
  if (const auto& key = core_.credentials()->accessKey) f(key->secret);
  std::string text;
  for (const auto& field : spec_.params().fields) {
    if (!(field.flags & schema::kSecret) || !codec::scalarText(field.type(), field.in(action_), text) || text.empty()) continue;
    f(text);
    if (field.flags & schema::kSha512) f(crypto::sha512Hex(text));
  }
}

// What one exchange may take: the rest of the call's deadline, and requestTimeout at most.
std::chrono::milliseconds CallFlow::exchangeBudget() const {
  auto left = ceil<milliseconds>(deadline_ - core_.clock->now());
  if (left < 1ms) left = 1ms;
  const auto cap = core_.config.requestTimeout;
  return cap > 0ms && cap < left ? cap : left;
}

CallFlow::CallFlow(const ClientCore& core, const ActionSpec& spec, const void* action, void* reply, std::optional<Resume> resume)
    : core_(core), spec_(spec), action_(action), reply_(reply), base_(spec.cbase(action)), resume_(resume) {}

// ID.1001 (session expired or unknown) is raised by ZStack's API interceptors before the API's
// handler runs: nothing was executed, so the call may be sent again, a POST too (under a new
// X-Job-UUID: the server refuses a reused one). Only that code at the top of the error counts: a
// nested ID.1001 under another error may come from an API that did run part of its work. A
// transport failure, a 5xx without it or any other error is never resent.
bool CallFlow::renewable() const {
  return !resume_ && core_.config.renewSession && spec_.needSession && !base_->sessionId && !sessionId_.empty() && error_ &&
         error_->kind == ErrorKind::Api && error_->api && error_->api->code == "ID.1001";
}

CallFlow::Step CallFlow::failRenewal(const Error& why) {
  Error e;
  e.kind = ErrorKind::SessionRenewal;
  e.httpStatus = why.httpStatus;
  e.api = why.api;
  e.body = why.body;
  e.message = "the session expired (ID.1001) and could not be renewed: ";
  if (!why.action.empty()) e.message += why.action + " " + toString(why.kind) + " error: ";
  e.message += why.message;
  e.message += "; the call was not sent again";
  error_.reset();
  return finish(std::move(e));
}

CallFlow::~CallFlow() { stopAwaiting(); }

void CallFlow::stopAwaiting() {
  if (!awaiting_) return;
  awaiting_ = false;
  core_.jobAwaited(-1);
}

CallFlow::Step CallFlow::finish(Error e) {
  stopAwaiting();
  e.action = spec_.name;
  if (e.jobUuid.empty()) e.jobUuid = jobUuid_;
  e.body = keptBody(e.body);
  forEachSecret([&e](std::string_view secret) { redact(e, secret); });
  if (log::enabled(log::Level::Debug)) log::write(log::Level::Debug, e.describe());
  error_ = std::move(e);
  return Step::Done;
}

CallFlow::Step CallFlow::cancel() {
  Error e;
  e.kind = ErrorKind::Cancelled;
  e.message = "the call was cancelled";
  return finish(std::move(e));
}

CallFlow::Step CallFlow::start() {
  if (base_->cancel.cancelled()) return cancel();
  if (auto invalid = core::validate(spec_, action_)) return finish(std::move(*invalid));

  auto usage = [this](std::string message) {
    Error e;
    e.kind = ErrorKind::Usage;
    e.message = std::move(message);
    return finish(std::move(e));
  };
  if (base_->timeout && base_->timeout->count() <= 0) return usage("the call's timeout must be positive");
  auto creds = core_.credentials();
  sessionId_ = base_->sessionId.value_or(creds->session);
  if (spec_.needSession && sessionId_.empty() && !creds->accessKey)
    return usage("no credentials: log in (Session::open; zscli --user, or LogInByAccount), or set a session (zscli --session, "
                 "ZSTACK_SESSION) or an access key (zscli --access-key) on the client or the action");
  // Values that become header text: CR/LF in them would add headers of the caller's making.
  if (!validHeaderValue(sessionId_)) return usage("the session id holds a line break or NUL");
  if (creds->accessKey && !validHeaderValue(creds->accessKey->id)) return usage("the access key id holds a line break or NUL");
  if (!validHeaderValue(core_.config.webhookUrl)) return usage("ClientConfig::webhookUrl holds a line break or NUL");
  if (!validHeaderValue(core_.config.userAgent)) return usage("ClientConfig::userAgent holds a line break or NUL");

  core::Wire wire;
  try {
    wire = core::buildWire(spec_, action_, log::enabled(log::Level::Debug));
  } catch (const std::length_error&) {
    return usage("a parameter is too large to send");
  }
  jobUuid_ = crypto::newJobUuid();

  request_.method = spec_.method;
  request_.url.reserve(core_.baseUrl.size() + wire.path.size() + wire.query.size() + 1);
  request_.url = core_.baseUrl;
  request_.url += wire.path;
  if (!wire.query.empty()) {
    request_.url += '?';
    request_.url += wire.query;
  }
  request_.headers.reserve(6);
  if (!wire.body.empty()) request_.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
  request_.headers.emplace_back("X-Job-UUID", jobUuid_);
  if (spec_.needPoll && !core_.config.webhookUrl.empty()) {
    webhook_ = true;
    request_.headers.emplace_back("X-Web-Hook", core_.config.webhookUrl);
  }
  if (spec_.needSession) authorize(request_, wire.path);
  request_.body = std::move(wire.body);

  if (resume_) {
    start_ = resume_->start;
    deadline_ = resume_->deadline;
    if (core_.clock->now() >= deadline_) {
      Error e;
      e.kind = ErrorKind::SessionRenewal;
      e.message = "the session expired (ID.1001) and was renewed, but the call's timeout of " +
                  std::to_string(duration_cast<milliseconds>(deadline_ - start_).count()) +
                  " ms ran out before it could be sent again";
      return finish(std::move(e));
    }
  } else {
    start_ = core_.clock->now();
    deadline_ = start_ + base_->timeout.value_or(core_.config.poll.deadline);
  }
  request_.timeout = exchangeBudget();
  if (log::enabled(log::Level::Debug))
    log::write(log::Level::Debug, spec_.name + " " + toString(spec_.method) + " " + wire.logPath + " job=" + jobUuid_ +
                                      (resume_ ? " (again, after renewing the session)" : ""));
  return Step::Send;
}

void CallFlow::authorize(HttpRequest& req, const std::string& signPath) const {
  if (!sessionId_.empty()) {
    req.headers.emplace_back("Authorization", "OAuth " + sessionId_);
    return;
  }
  const auto creds = core_.credentials();
  if (!creds->accessKey) return;
  const std::string date = accessKeyDate(core_.clock->wallNow(), core_.config.dateZone);
  const std::string toSign = std::string(toString(req.method)) + "\n" + date + "\n" + signPath;
  req.headers.emplace_back("Date", date);
  req.headers.emplace_back("Authorization",
                           "ZStack " + creds->accessKey->id + ":" + crypto::hmacSha1Base64(creds->accessKey->secret, toSign));
}

CallFlow::Step CallFlow::succeed(const std::string& body, bool mayRefetch) {
  const std::string_view text = body.empty() ? std::string_view("{}") : std::string_view(body);
  if (auto problem = codec::decode(spec_.reply(), text, reply_)) {
    if (mayRefetch) {
      ++badResults_;
      spec_.reply().clear(reply_);  // nothing of the garbled reply survives
      lastProblem_ = "unreadable result: " + *problem;
      return waitNext();
    }
    Error e;
    e.kind = ErrorKind::Decode;
    e.httpStatus = 200;
    e.message = "the reply is not a " + spec_.reply().name + ": " + *problem;
    e.body = body;  // finish() keeps a bounded part
    return finish(std::move(e));
  }
  stopAwaiting();
  if (log::enabled(log::Level::Debug))
    log::write(log::Level::Debug, spec_.name + " done job=" + jobUuid_ + " polls=" + std::to_string(polls_));
  return Step::Done;
}

CallFlow::Step CallFlow::failStatus(const HttpResponse& r) {
  Error e;
  e.httpStatus = r.status;
  e.api = codec::decodeErrorBody(r.body);
  if (r.status == 503) {
    e.kind = ErrorKind::Api;
    e.message = e.api ? "the API failed" : "the API failed (no ErrorCode in the reply)";
    if (e.api && e.api->code == "ID.1001")
      e.message += resume_ ? ": the session expired or is not valid, even the one just renewed"
                           : ": the session expired or is not valid; log in again (Session::open, zscli LogInByAccount)";
  } else {
    e.kind = ErrorKind::HttpStatus;
    e.message = "unexpected HTTP status " + std::to_string(r.status);
    if (r.status == 404 && !polling_)
      e.message += " (no such path: is the endpoint's context path right? ZStack's REST API is under /zstack/v1; "
                   "the legacy /zstack/api endpoint is not it)";
  }
  if (!e.api || r.status != 503) e.body = r.body;
  return finish(std::move(e));
}

CallFlow::Step CallFlow::waitNext() {
  const auto now = core_.clock->now();
  if (now >= deadline_) {
    Error e;
    e.kind = ErrorKind::PollTimeout;
    e.message = "the job did not finish within " + std::to_string(duration_cast<milliseconds>(deadline_ - start_).count()) +
                " ms (" + std::to_string(polls_) + " polls" + (lastProblem_.empty() ? "" : "; last poll: " + lastProblem_) + ")";
    return finish(std::move(e));
  }
  const auto& p = core_.config.poll;
  const auto step = webhook_ ? p.webhookFallback : interval_;
  wakeAt_ = std::min(deadline_, now + step);
  if (aimedSteps_ > 0) --aimedSteps_;  // near the expected finish: keep the short step
  else if (!webhook_)
    interval_ = std::min<milliseconds>(p.maxInterval, duration_cast<milliseconds>(interval_ * std::max(1.0, p.backoff)));
  return Step::Wait;
}

CallFlow::Step CallFlow::onResponse(TransportResult&& result) {
  if (base_->cancel.cancelled()) return cancel();
  if (auto* failure = std::get_if<TransportFailure>(&result)) {
    if (polling_) {  // a poll is a GET: try again until the deadline
      lastProblem_ = failure->message;
      return waitNext();
    }
    Error e;
    e.kind = ErrorKind::Transport;
    e.message = failure->message;
    // libcurl checks its timer against a time it took a moment earlier: allow it 20 ms.
    if (core_.clock->now() + 20ms >= deadline_)
      e.message = "no reply within the call's timeout of " + std::to_string(duration_cast<milliseconds>(deadline_ - start_).count()) +
                  " ms (" + failure->message + ")";
    if (failure->maybeDelivered) {
      e.outcomeUnknown = true;
      if (spec_.needPoll) e.message += "; the job may be running: poll or query it before repeating the call";
    }
    return finish(std::move(e));
  }
  auto& r = std::get<HttpResponse>(result);
  if (polling_) pollSentAt_ = sentTime(r, pollSentAt_);  // else: when it was handed over
  if (r.status == 200) {
    // A job result is kept by the server and polls are idempotent GETs: a garbled 200 (a proxy
    // cutting the body short) is fetched again, twice at most, before it counts as an error.
    const Step step = succeed(r.body, polling_ && badResults_ < 2);
    util::giveBack(std::move(r.body));  // decoded: the next large reply can land in it
    if (polling_ && step == Step::Done && !error_) learnDuration(pendingAt_, pollSentAt_);
    return step;
  }
  if (polling_) {
    if (r.status == 202) {
      pendingAt_ = pollSentAt_;
      lastProblem_.clear();
      return waitNext();
    }
    if (r.status == 404) {
      Error e;
      e.kind = ErrorKind::JobExpired;
      e.httpStatus = 404;
      e.message = "the server does not know the job (expired or never started)";
      e.body = r.body;
      return finish(std::move(e));
    }
    if (retryablePollStatus(r.status)) {
      lastProblem_ = "HTTP " + std::to_string(r.status);
      return waitNext();
    }
    return failStatus(r);
  }
  if (r.status != 202) return failStatus(r);

  // 202: the job runs; find out where to poll.
  auto unusable = [&](const char* why) {
    Error e;
    e.kind = ErrorKind::Decode;
    e.httpStatus = 202;
    e.message = why;
    e.body = r.body;
    return finish(std::move(e));
  };
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("location") || !doc["location"].IsString())
    return unusable("a 202 reply without a poll location");
  const std::string_view location(doc["location"].GetString(), doc["location"].GetStringLength());
  // The location may name an address we cannot reach (NAT), or one we must not send credentials
  // to: only its job part is kept, under the configured endpoint.
  pollPath_ = jobPathOf(location);
  if (pollPath_.empty()) return unusable("the 202 location is not an http(s) URL of a job (/v1/api-jobs/<id>); it is not polled");
  pollUrl_ = core_.baseUrl + pollPath_;
  if (doc.HasMember("apiTimeout") && doc["apiTimeout"].IsNumber()) {
    // The server gives up on the job after apiTimeout; waiting much longer than that is pointless.
    // Compared as a double: a huge or non-finite value must not overflow the clock's arithmetic.
    const double apiMs = doc["apiTimeout"].GetDouble();
    const double leftMs = duration<double, std::milli>(deadline_ - start_).count();
    if (std::isfinite(apiMs) && apiMs > 0 && apiMs + std::max(5000.0, apiMs / 10) < leftMs) {
      const auto apiTimeout = milliseconds(static_cast<std::int64_t>(apiMs));
      deadline_ = start_ + apiTimeout + std::max<milliseconds>(5s, apiTimeout / 10);
    }
  }
  polling_ = true;
  acceptedAt_ = pendingAt_ = sentTime(r, core_.clock->now());  // the job started after this
  interval_ = core_.config.poll.initialInterval;
  if (!webhook_) {
    // Aim at the moment this API's jobs usually finish, then poll in short steps (1/128 of the
    // estimate): a 1 s job is seen within ~8 ms in 1-3 polls instead of ~9.
    //  - Few calls waiting: aim one step before the expected finish; the polls around it keep
    //    the estimate exact.
    //  - Many waiting (a burst): every extra poll queues behind the others on the client's CPU
    //    and costs the server too, so aim half a step after it (one poll per job, a few ms
    //    late), while one call in kProbeEvery still aims before and keeps checking the estimate.
    // Webhook calls poll rarely, so they do not count in the crowd.
    awaiting_ = true;
    core_.jobAwaited(+1);
    const auto estimate = duration_cast<milliseconds>(core_.jobEstimate(spec_));
    if (estimate > interval_) {
      interval_ = std::max<milliseconds>(2ms, estimate / 128);
      aimedAfter_ = core_.awaitedJobs() >= kCrowd && core_.nextAimTurn() % kProbeEvery != 0;
      const auto first = aimedAfter_ ? estimate + std::max<milliseconds>(1ms, interval_ / 2)
                                     : std::max<milliseconds>(core_.config.poll.initialInterval, estimate - interval_);
      aimedSteps_ = 10;  // short steps cover the estimate + 8 %, then the usual backoff resumes
      wakeAt_ = std::min(deadline_, acceptedAt_ + first);
      return Step::Wait;
    }
  }
  return waitNext();
}

CallFlow::Step CallFlow::onWake() {
  if (base_->cancel.cancelled()) return cancel();
  if (core_.clock->now() >= deadline_) return waitNext();  // reports the timeout
  request_ = HttpRequest{};
  request_.method = HttpMethod::Get;
  request_.url = pollUrl_;
  request_.timeout = exchangeBudget();
  if (spec_.needSession) authorize(request_, pollPath_);
  ++polls_;
  pollSentAt_ = core_.clock->now();
  return Step::Send;
}

void CallFlow::learnDuration(Clock::time_point runningAt, Clock::time_point doneBy) {
  // The job finished after `runningAt` (its last 202) and by `doneBy`. A narrow bracket gives
  // the time; from a wide one keep the lower bound, or, with none, aim two steps earlier: the
  // next call's first poll then sees the job running and its short steps bracket the finish.
  const auto lower = runningAt - acceptedAt_;
  const auto upper = doneBy - acceptedAt_;
  if (aimedAfter_ && lower <= std::chrono::steady_clock::duration::zero()) return;  // done when expected: nothing new
  std::chrono::steady_clock::duration observed;
  if (lower <= std::chrono::steady_clock::duration::zero()) observed = upper - std::max<std::chrono::steady_clock::duration>(2ms, upper / 32);
  else if (upper - lower > upper / 10) observed = lower;
  else observed = lower + (upper - lower) / 2;
  core_.recordJobDuration(spec_, duration_cast<microseconds>(observed));
}

CallFlow::Step CallFlow::onWebhook(WebhookRegistry::Delivery&& d) {
  if (d.success) {
    if (polling_) learnDuration(core_.clock->now(), core_.clock->now());
    return succeed(d.body);
  }
  Error e;
  e.kind = ErrorKind::Api;
  e.api = codec::decodeErrorBody(d.body);
  e.message = "the API failed (reported by webhook)";
  if (!e.api) e.body = d.body;
  return finish(std::move(e));
}

}  // namespace zstack::detail
