#include "zstack/error.hpp"
#include "zstack/replies.hpp"
#include "zstack/result.hpp"

namespace zstack {

ErrorCode::ErrorCode() = default;
ErrorCode::ErrorCode(const ErrorCode&) = default;
ErrorCode::ErrorCode(ErrorCode&&) noexcept = default;
ErrorCode& ErrorCode::operator=(const ErrorCode&) = default;
ErrorCode& ErrorCode::operator=(ErrorCode&&) noexcept = default;
ErrorCode::~ErrorCode() = default;

Error::Error() = default;
Error::Error(const Error&) = default;
Error::Error(Error&&) noexcept = default;
Error& Error::operator=(const Error&) = default;
Error& Error::operator=(Error&&) noexcept = default;
Error::~Error() = default;

const schema::TypeDesc& ErrorCode::describe() {
  using Self = ErrorCode;
  static const schema::TypeDesc d = schema::object<Self>(
      "ErrorCode", {ZS_F(code), ZS_F(description), ZS_F(details), ZS_F(elaboration), ZS_F(location), ZS_F(cost),
                    ZS_F(opaque), ZS_F(cause), ZS_F(causes)});
  return d;
}

std::vector<const ErrorCode*> ErrorCode::chain() const {
  std::vector<const ErrorCode*> out;
  for (const ErrorCode* e = this; e && out.size() < 64; e = e->cause.get()) out.push_back(e);
  return out;
}

const schema::TypeDesc& Done::describe() {
  static const schema::TypeDesc d = schema::object<Done>("Done", {});
  return d;
}

const schema::TypeDesc& EmptyReply::describe() {
  static const schema::TypeDesc d = schema::object<EmptyReply>("EmptyReply", {});
  return d;
}

const char* toString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation: return "validation";
    case ErrorKind::Transport: return "transport";
    case ErrorKind::HttpStatus: return "http-status";
    case ErrorKind::Api: return "api";
    case ErrorKind::PollTimeout: return "poll-timeout";
    case ErrorKind::JobExpired: return "job-expired";
    case ErrorKind::Decode: return "decode";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::SessionRenewal: return "session-renewal";
  }
  return "unknown";
}

namespace {
Json codeJson(const ErrorCode& e) {
  Json j = Json::Object{};
  if (!e.code.empty()) j["code"] = e.code;
  if (!e.description.empty()) j["description"] = e.description;
  if (!e.details.empty()) j["details"] = e.details;
  if (!e.elaboration.empty()) j["elaboration"] = e.elaboration;
  if (!e.location.empty()) j["location"] = e.location;
  if (!e.cost.isNull()) j["cost"] = e.cost;
  if (!e.opaque.isNull()) j["opaque"] = e.opaque;
  if (e.cause) j["cause"] = codeJson(*e.cause);
  if (!e.causes.empty()) {
    Json::Array a;
    for (const auto& c : e.causes) a.push_back(codeJson(c));
    j["causes"] = Json(std::move(a));
  }
  return j;
}
}  // namespace

std::string Error::describe() const {
  std::string s = action.empty() ? "" : action + ": ";
  s += toString(kind);
  s += " error";
  if (httpStatus) s += " (HTTP " + std::to_string(httpStatus) + ")";
  if (!message.empty()) s += ": " + message;
  if (api) {
    for (const ErrorCode* e : api->chain()) {
      s += e == &*api ? " [" : " <- caused by [";
      s += e->code;
      if (!e->description.empty()) s += ": " + e->description;
      if (!e->details.empty()) s += " (" + e->details + ")";
      s += "]";
    }
  }
  for (const auto& v : violations) s += "; " + v.field + " " + v.problem;
  if (!jobUuid.empty()) s += " [job " + jobUuid + "]";
  return s;
}

Json Error::toJson() const {
  Json j = Json::Object{};
  j["kind"] = toString(kind);
  if (!action.empty()) j["action"] = action;
  j["message"] = message;
  if (httpStatus) j["httpStatus"] = httpStatus;
  if (!jobUuid.empty()) j["jobUuid"] = jobUuid;
  if (outcomeUnknown) j["outcomeUnknown"] = true;
  if (api) j["error"] = codeJson(*api);
  if (!violations.empty()) {
    Json::Array a;
    for (const auto& v : violations) a.push_back(Json::Object{{"field", v.field}, {"problem", v.problem}});
    j["violations"] = Json(std::move(a));
  }
  if (!body.empty()) j["body"] = body;
  return j;
}

}  // namespace zstack
