// Route table and handler context for the simulated ZStack APIs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json.hpp"
#include "store.hpp"
#include "zstack/sim/simulator.hpp"

namespace zstack::sim {

// Parameters of one API call: path variables plus either the body wrapper
// content (POST/PUT) or the query string (GET/DELETE, as strings / string arrays).
struct Ctx {
  State& st;
  std::map<std::string, std::string> vars;
  const QueryParams& query;
  Json params = Json::object();
  Json systemTags = Json::array();
  Json userTags = Json::array();
  std::string method;

  const std::string& var(const std::string& name) const;
  bool has(const std::string& name) const;
  std::string str(const std::string& name) const;  // required non-empty string
  std::optional<std::string> optStr(const std::string& name) const;
  std::optional<long long> optInt(const std::string& name) const;
  long long integer(const std::string& name) const;  // required
  std::optional<bool> optBool(const std::string& name) const;
  std::vector<std::string> list(const std::string& name, bool required) const;
  bool enforcing() const;  // deleteMode=Enforcing
};

enum class RouteKind { Sync, Async, Login, Logout };

struct Route {
  std::string api;
  std::string method;
  std::vector<std::string> segs;      // after /v1/, "{x}" for variables
  std::vector<std::string> bodyKeys;  // POST/PUT wrapper keys; empty = no body expected
  RouteKind kind = RouteKind::Async;
  bool needSession = true;
  std::function<Json(Ctx&)> handler;
  int literals = 0;
};

std::vector<Route> buildRoutes();
void defineCollections(State& st);
// Loads seed JSON (format in sim/README.md); throws std::runtime_error on bad seed.
void loadSeed(State& st, const Json& seed, SeedInfo& info);
std::string builtinSeedJson();

}  // namespace zstack::sim
