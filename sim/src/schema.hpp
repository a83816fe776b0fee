// The `schema` member of ZStack replies: JSON paths of nested objects mapped to
// the management node's (server-side) class names, as RestServer adds it.
#pragma once

#include <string>

#include "json.hpp"

namespace zstack::sim {

// True for the Query* APIs, whose replies always carry a schema.
bool isQueryApi(const std::string& api);
// Builds the schema of a successful reply body of `api` (an object such as
// {"inventory": {...}} or {"inventories": [...], "total": N}).
Json buildSchema(const std::string& api, const Json& body);

}  // namespace zstack::sim
