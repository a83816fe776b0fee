#include "curl.hpp"

#include <strings.h>

#include <cstdio>

namespace zscli {
namespace {

std::string singleQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// ZStack's Date: "Mon, 23 Nov 2026 18:05:00 CST", in the zone the SDK was configured with. The
// POSIX TZ for an offset east of UTC has the opposite sign ("ZST-08:00" is UTC+8).
std::string dateCommand(const CurlOptions& o) {
  const int off = o.utcOffsetMinutes;
  const int a = off < 0 ? -off : off;
  char tz[32];
  std::snprintf(tz, sizeof tz, "ZST%c%02d:%02d", off > 0 ? '-' : '+', a / 60, a % 60);
  std::string zone;
  for (char c : o.dateFormatZone) zone += c == '%' ? std::string("%%") : std::string(1, c);
  return "LC_ALL=C TZ=" + singleQuoted(tz) + " date " + singleQuoted("+%a, %d %b %Y %H:%M:%S " + zone);
}

}  // namespace

zstack::TransportResult CaptureTransport::send(const zstack::HttpRequest& request) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!first_) first_ = request;
  }
  zstack::TransportFailure f;
  f.code = -1;
  f.message = "not sent (--curl)";
  return f;
}

std::optional<zstack::HttpRequest> CaptureTransport::captured() const {
  std::lock_guard<std::mutex> l(mu_);
  return first_;
}

std::string envName(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0) out += '_';
      out += c;
    } else if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if (c >= '0' && c <= '9') {
      out += c;
    } else {
      out += '_';
    }
  }
  return out;
}

std::string shellWord(const std::string& text, const std::vector<Secret>& secrets) {
  std::string out;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out += singleQuoted(literal);
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const Secret* hit = nullptr;
    for (const auto& s : secrets)
      if (!s.placeholder.empty() && text.compare(i, s.placeholder.size(), s.placeholder) == 0) {
        hit = &s;
        break;
      }
    if (hit) {
      flush();
      out += "\"${" + hit->variable + "}\"";
      i += hit->placeholder.size();
    } else {
      literal += text[i++];
    }
  }
  flush();
  return out.empty() ? "''" : out;
}

std::string renderCurl(const zstack::HttpRequest& req, const std::vector<Secret>& secrets, const CurlOptions& o) {
  std::string s = "# zscli --curl: the request zscli would send for " + o.action + " (nothing was sent).\n";
  std::vector<const Secret*> used;
  auto appears = [&](const Secret& sec) {
    if (req.url.find(sec.placeholder) != std::string::npos || req.body.find(sec.placeholder) != std::string::npos) return true;
    for (const auto& h : req.headers)
      if (h.second.find(sec.placeholder) != std::string::npos) return true;
    return false;
  };
  for (const auto& sec : secrets)
    if (appears(sec)) used.push_back(&sec);
  if (!used.empty() || o.accessKeyId) {
    s += "# Secrets are not written here; the command reads them from environment variables:\n";
    for (const auto* sec : used) s += "#   " + sec->variable + ": " + sec->note + "\n";
    if (o.accessKeyId) s += "#   ZSTACK_ACCESS_KEY_SECRET: the secret of access key " + *o.accessKeyId + " (signs the request with openssl)\n";
  }
  s += "# X-Job-UUID is the id the SDK chose for this request: give each run a new one (32 hex digits).\n";
  if (o.needPoll)
    s += "# " + o.action + " is an async API: the reply is 202 with a \"location\" URL; GET it with the same\n"
         "# headers until the status is not 202 (zscli does this for you).\n";

  zstack::Headers headers = req.headers;
  std::vector<Secret> subs = secrets;
  if (o.accessKeyId) {
    std::string path = req.url.compare(0, o.baseUrl.size(), o.baseUrl) == 0 ? req.url.substr(o.baseUrl.size()) : req.url;
    if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
    s += "ZSTACK_DATE=$(" + dateCommand(o) + ")\n";
    s += "ZSTACK_SIGNATURE=$(printf '%s\\n%s\\n%s' " + std::string(zstack::toString(req.method)) + " \"$ZSTACK_DATE\" " +
         shellWord(path, secrets) + " | openssl dgst -sha1 -hmac \"$ZSTACK_ACCESS_KEY_SECRET\" -binary | base64)\n";
    const std::string datePh = "ZSCLI0DATE0PLACEHOLDER0", sigPh = "ZSCLI0SIGNATURE0PLACEHOLDER0";
    for (auto& [name, value] : headers) {
      if (strcasecmp(name.c_str(), "Date") == 0) value = datePh;
      if (strcasecmp(name.c_str(), "Authorization") == 0) value = "ZStack " + *o.accessKeyId + ":" + sigPh;
    }
    subs.push_back({datePh, "ZSTACK_DATE", ""});
    subs.push_back({sigPh, "ZSTACK_SIGNATURE", ""});
  }

  const bool hasBody = req.method == zstack::HttpMethod::Post || req.method == zstack::HttpMethod::Put ||
                       (req.method == zstack::HttpMethod::Delete && !req.body.empty());
  s += "curl -sS -X " + std::string(zstack::toString(req.method)) + " " + shellWord(req.url, secrets);
  const bool https = req.url.rfind("https:", 0) == 0;  // the TLS options matter only there
  if (https && o.insecure) s += " \\\n  --insecure";
  if (https && !o.caFile.empty()) s += " \\\n  --cacert " + singleQuoted(o.caFile);
  if (https && !o.caPath.empty()) s += " \\\n  --capath " + singleQuoted(o.caPath);
  if (!o.userAgent.empty()) s += " \\\n  -A " + singleQuoted(o.userAgent);
  bool contentType = false, expect = false;
  for (const auto& [name, value] : headers) {
    contentType = contentType || strcasecmp(name.c_str(), "Content-Type") == 0;
    expect = expect || strcasecmp(name.c_str(), "Expect") == 0;
    s += " \\\n  -H " + shellWord(value.empty() ? name + ";" : name + ": " + value, subs);
  }
  // What the SDK's libcurl transport also does: no "Expect: 100-continue", no form Content-Type.
  if (!expect) s += " \\\n  -H 'Expect:'";
  if (hasBody && !contentType) s += " \\\n  -H 'Content-Type:'";
  if (hasBody) s += " \\\n  --data-raw " + shellWord(req.body, secrets);
  return s + "\n";
}

}  // namespace zscli
