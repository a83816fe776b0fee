// Route table and handler context for the simulated ZStack APIs.
#pragma once

#include <chrono>
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
  // When the call's job completes (now for sync APIs): modelled state changes show their
  // transitional state (Starting, Stopping...) until then.
  std::chrono::system_clock::time_point completeAt{};

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
  bool generic = false;  // served from its description (generic.cpp), not by a specific handler
  std::function<Json(Ctx&)> handler;
  int literals = 0;
  void setPath(const std::string& path);  // "vips/{uuid}/actions" (a leading '/' is fine)
};

std::vector<Route> buildRoutes();
// "a/b//c/" -> {"a", "b", "c"}: a URL path or route template in segments.
std::vector<std::string> splitPath(const std::string& path);
// A path segment of a route: a literal, "{var}", or a variable inside literal text
// ("access-point{dataCenterUuid}": an upstream path that lacks a slash, matched as RestServer's
// template matcher does). Binds the variable into `vars` when given.
bool segmentMatches(const std::string& pattern, const std::string& segment,
                    std::map<std::string, std::string>* vars = nullptr);
void defineCollections(State& st);
// Generic behaviour (generic.cpp): a route for every catalog action without a specific one, and
// a collection for every inventory type the catalog's actions reply with.
void addGenericRoutes(std::vector<Route>& routes);
void defineGenericCollections(State& st);
// Actions with modelled behaviour (vm.cpp), run after their description's validation.
using Model = std::function<Json(Ctx&)>;
const std::map<std::string, Model>& modelledActions();
// Hidden members of a stored VM in a transition; the VM collection's view applies and strips them.
inline constexpr const char* kTransientState = "__simTransientState";
inline constexpr const char* kTransientUntil = "__simTransientUntil";
// A free IP of an L3 network's ranges and the range it came from (apis.cpp).
std::pair<std::string, Json> allocateNicIp(State& st, const std::string& l3);
// The collection holding resources of an inventory type (the specific handlers' own for the
// types they model, e.g. VmInstanceInventory -> "vmInstance"; else the type's name).
std::string collectionOf(const std::string& type);
// Loads seed JSON (format in sim/README.md); throws std::runtime_error on bad seed.
void loadSeed(State& st, const Json& seed, SeedInfo& info);
std::string builtinSeedJson();

}  // namespace zstack::sim
