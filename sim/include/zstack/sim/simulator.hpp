// zstack-sim: an in-memory ZStack management-node simulator for the network
// services REST API (ZStack 3.x wire protocol). See sim/README.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zstack::sim {

struct AccessKey {
  std::string id, secret;
};

struct Options {
  std::string bindAddress = "127.0.0.1";
  int port = 8080;                                            // 0 = pick a free port
  std::chrono::milliseconds jobDelay{0};                      // async job completes after this
  std::chrono::milliseconds jobExpiry{std::chrono::hours(3)}; // finished jobs purged (poll -> 404)
  std::chrono::milliseconds sessionTimeout{std::chrono::hours(2)};
  std::string adminName = "admin", adminPassword = "password";  // password sent as SHA-512 hex
  std::vector<AccessKey> accessKeys;                          // accepted access keys
  std::string seedFile;                                       // JSON seed; empty = built-in seed
  std::string seedJson;                                       // the seed itself; wins over seedFile
  long apiTimeoutMs = 3600000;                                // "apiTimeout" in 202 replies
  std::string advertisedHost;  // host[:port] used in job locations; empty = request Host header
  int serverThreads = 256;     // max HTTP worker threads (one per open connection, started on demand)
};

struct SeedInfo {
  std::string zoneUuid, publicL3Uuid, privateL3Uuid;
  std::string publicL3Cidr, privateL3Cidr;     // e.g. "172.20.0.0/16", "192.168.100.0/24"
  std::vector<std::string> vmUuids, vmNicUuids;  // NICs on the private L3, in seed order
  std::vector<std::string> providerUuids;        // network-service providers
  std::vector<std::string> iam2VirtualIdUuids, firewallRuleUuids;
  std::string adminAccountUuid;
};

enum class FaultAction {
  Status,         // answer `status` with `body`/`contentType` without executing the request
  Delay,          // sleep `delay` before handling the request normally
  CloseMidReply,  // handle normally, send headers with the full Content-Length, half the body, close
  CloseNoReply,   // close the connection without any reply (request not executed)
  TruncateBody,   // handle normally, send only the first half of the body (consistent Content-Length)
  InvalidJson,    // handle normally, replace the body by invalid JSON (status kept)
  DropWebhook,    // the job created by a matching request never calls its webhook
  DelayWebhook,   // the webhook of a matching request's job is sent `delay` later
  ExpireJob,      // matching API call: its job is expired at once; matching poll: that job expires
};

struct FaultRule {
  FaultAction action = FaultAction::Status;
  std::string method;        // "" = any (case-insensitive)
  std::string pathPrefix;    // "" = any; compared with the request path (e.g. "/zstack/v1/vips")
  std::string pathContains;  // "" = any; substring of the request path
  int times = 1;             // number of matching requests affected; <= 0 = until cleared
  int status = 503;
  std::string body;          // Status: reply body ("" = a generated ZStack ErrorCode for >=400)
  std::string contentType = "application/json;charset=UTF-8";
  std::chrono::milliseconds delay{0};
  std::string id;            // assigned by Faults::add
};

class Faults {
 public:
  std::string add(FaultRule rule);  // returns the rule id
  bool remove(const std::string& id);
  void clear();
  std::vector<FaultRule> list() const;
  std::size_t size() const;

  // Internal: consume up to one (or all, for Delay) matching rules of the given actions.
  std::vector<FaultRule> take(const std::string& method, const std::string& path,
                              const std::vector<FaultAction>& actions, bool all);

 private:
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
  unsigned long next_ = 1;
};

const char* faultActionName(FaultAction a);

// cpp-httplib listens with a backlog of 5: a burst of new connections (an SDK starting 64 at
// once) loses SYNs and waits a second for each retransmit. Raises the backlog of this process's
// socket listening on `localPort` (Linux). The simulator does it for itself.
void raiseListenBacklog(int localPort, int backlog = 1024);
bool faultActionFromName(const std::string& name, FaultAction& out);

class Simulator {
 public:
  explicit Simulator(Options options = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void start();  // binds and serves on a background thread; throws std::runtime_error on failure
  void stop();   // idempotent
  int port() const;
  std::string endpoint() const;  // "http://127.0.0.1:PORT/zstack"
  const SeedInfo& seed() const;
  Faults& faults();
  std::size_t requestCount() const;
  // Login requests (LogInByAccount, whatever their outcome) received so far; not reset by reset().
  std::size_t loginCount() const;
  // Every open session expires now: its next use answers ID.1001, as Options::sessionTimeout
  // would later. Sessions opened afterwards are unaffected.
  void expireSessions();
  const Options& options() const;
  void reset();  // drops all state, sessions and jobs and reloads the seed
  // The names a seed's "collections" member can fill: the specific handlers' own ("vip", ...) and
  // one per inventory type the catalog's actions answer with ("ClusterInventory", ...).
  std::vector<std::string> collections() const;
  // The actions with specific or modelled behaviour (the documented network services, a VM's
  // life cycle, login/logout), sorted; every other action of the catalog is served generically.
  static std::vector<std::string> specificActions();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace zstack::sim
