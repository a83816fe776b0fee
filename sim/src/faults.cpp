#include <algorithm>

#include "util.hpp"
#include "zstack/sim/simulator.hpp"

namespace zstack::sim {

namespace {
struct ActionName {
  FaultAction action;
  const char* name;
};
const ActionName kNames[] = {
    {FaultAction::Status, "status"},           {FaultAction::Delay, "delay"},
    {FaultAction::CloseMidReply, "closeMidReply"}, {FaultAction::CloseNoReply, "closeNoReply"},
    {FaultAction::TruncateBody, "truncateBody"}, {FaultAction::InvalidJson, "invalidJson"},
    {FaultAction::DropWebhook, "dropWebhook"}, {FaultAction::DelayWebhook, "delayWebhook"},
    {FaultAction::ExpireJob, "expireJob"},
};
}  // namespace

const char* faultActionName(FaultAction a) {
  for (const auto& n : kNames)
    if (n.action == a) return n.name;
  return "unknown";
}

bool faultActionFromName(const std::string& name, FaultAction& out) {
  for (const auto& n : kNames)
    if (iequals(n.name, name)) {
      out = n.action;
      return true;
    }
  return false;
}

std::string Faults::add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rule.id = "fault-" + std::to_string(next_++);
  rules_.push_back(rule);
  return rule.id;
}

bool Faults::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::remove_if(rules_.begin(), rules_.end(), [&](const FaultRule& r) { return r.id == id; });
  const bool found = it != rules_.end();
  rules_.erase(it, rules_.end());
  return found;
}

void Faults::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

std::vector<FaultRule> Faults::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

std::size_t Faults::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_.size();
}

std::vector<FaultRule> Faults::take(const std::string& method, const std::string& path,
                                    const std::vector<FaultAction>& actions, bool all) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FaultRule> out;
  for (auto it = rules_.begin(); it != rules_.end();) {
    const FaultRule& r = *it;
    const bool kind = std::find(actions.begin(), actions.end(), r.action) != actions.end();
    const bool match = kind && (r.method.empty() || iequals(r.method, method)) &&
                       (r.pathPrefix.empty() || path.rfind(r.pathPrefix, 0) == 0) &&
                       (r.pathContains.empty() || path.find(r.pathContains) != std::string::npos);
    if (!match) {
      ++it;
      continue;
    }
    out.push_back(r);
    if (it->times > 0 && --it->times == 0) it = rules_.erase(it);
    else ++it;
    if (!all) break;
  }
  return out;
}

}  // namespace zstack::sim
