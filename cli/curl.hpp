#pragma once
// zscli --curl: the request the SDK would send, as a curl command line, with no secret in it.
//
// The request is not rebuilt here: zscli runs the SDK's own call path with a CaptureTransport
// (ClientConfig::transport), so method, URL (percent-encoding included), headers and body are
// what the SDK puts on the wire. Secrets are placeholders when the request is built (see
// Secret) and become shell variables in the command; an access-key signature is computed by
// the script from $ZSTACK_ACCESS_KEY_SECRET (openssl) at the time it runs.

#include <zstack/zstack.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zscli {

// Stands in for the network: keeps the first request, answers every send with a failure.
class CaptureTransport : public zstack::Transport {
 public:
  zstack::TransportResult send(const zstack::HttpRequest& request) override;
  std::optional<zstack::HttpRequest> captured() const;

 private:
  mutable std::mutex mu_;
  std::optional<zstack::HttpRequest> first_;
};

// A text that stands in the request for a secret, and the shell variable that replaces it.
struct Secret {
  std::string placeholder;  // letters and digits only, so percent-encoding leaves it alone
  std::string variable;     // "ZSTACK_SESSION_ID"
  std::string note;         // what to put in it, one line
};

struct CurlOptions {
  std::string action;
  bool needPoll = false;
  std::string baseUrl;                     // the endpoint's base URL, to find the signed path
  std::optional<std::string> accessKeyId;  // access-key auth: the signature is computed by the script
  std::string dateFormatZone;              // the Date header's zone name ("GMT", "CST")
  int utcOffsetMinutes = 0;
  std::string userAgent;                   // ClientConfig::userAgent, which libcurl sends
  bool insecure = false;
  std::string caFile, caPath;
};

// A single-quoted shell word for `text`, with each placeholder spliced in as "${VARIABLE}".
std::string shellWord(const std::string& text, const std::vector<Secret>& secrets);

// The whole script: comment lines naming the variables, the signature lines for access keys,
// and the curl command.
std::string renderCurl(const zstack::HttpRequest& request, const std::vector<Secret>& secrets, const CurlOptions& o);

// "privateKey" -> "PRIVATE_KEY"
std::string envName(const std::string& field);

}  // namespace zscli
