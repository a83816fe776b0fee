// In-memory resource store, error helpers, request context and the generic
// query engine shared by all API handlers.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "json.hpp"

namespace zstack::sim {

// A failure that becomes an HTTP reply. 503 carries {"error": ErrorCode};
// 400 (plain text: details) is for requests RestServer itself refuses.
struct ApiError {
  int status = 503;
  Json error;  // ErrorCode object
};

Json errorCode(const std::string& code, const std::string& description, const std::string& details,
               Json cause = Json());
// A failed parameter validation (missing mandatory parameter, invalid value):
// ZStack's ApiParamValidator interceptor reports these as 503 SYS.1007 while
// processing the message (async APIs: through the job).
[[noreturn]] void throwBadRequest(const std::string& details);
// RestServer's own 400 (wrong JSON type of a field, unparsable query string):
// given before the message is sent, as plain text.
[[noreturn]] void throwRest400(const std::string& details);
// SYS.1007 "One or more API argument is invalid" (not found, bad value, conflict)
[[noreturn]] void throwInvalidArg(const std::string& details);
// SYS.1006 "An operation failed" wrapping a cause (resource in use, conflicts...)
[[noreturn]] void throwOperationFailure(const std::string& details, const std::string& causeCode,
                                        const std::string& causeDetails);

using ViewFn = std::function<Json(const Json&)>;
// (record, field, out): true when `field` is a joined list of `record`, its records put in `out`.
using JoinFn = std::function<bool(const Json&, const std::string&, std::vector<const Json*>&)>;
struct QueryHooks {
  ViewFn view;
  JoinFn join;
};

struct Collection {
  std::string name;                  // internal name, e.g. "vip"
  std::string voName;                // "VipVO", used in messages
  std::vector<std::string> fields;   // queryable top-level fields (empty = no validation)
  std::vector<std::string> order;    // insertion order of uuids
  std::unordered_map<std::string, Json> items;
  std::string keyField = "uuid";     // field used as primary key
  std::function<Json(const Json&)> view;  // derived fields for replies/queries (optional)
  // For queries (optional): the view and join functions of one query, which may share an index
  // built once for it (a VM's NICs) instead of scanning another collection per record; and the
  // top-level fields the view derives (empty: any may be), so conditions on others need no view.
  std::function<QueryHooks()> queryHooks;
  std::vector<std::string> derived;

  Json* get(const std::string& uuid);
  void put(Json record);  // insert or replace (keeps position)
  bool remove(const std::string& uuid);
  std::vector<Json*> all();  // in insertion order
};

class State {
 public:
  Collection& col(const std::string& name);
  bool has(const std::string& name) const { return cols_.count(name) > 0; }
  std::vector<std::string> names() const;
  Collection& define(const std::string& name, const std::string& voName,
                     std::vector<std::string> fields);
  Json& mustGet(const std::string& colName, const std::string& uuid);  // throws SYS.1007
  Json* find(const std::string& colName, const std::string& uuid);
  Json viewOf(const std::string& colName, const Json& record);
  Json viewOf(const std::string& colName, const std::string& uuid);
  std::vector<Json*> where(const std::string& colName, const std::function<bool(const Json&)>& pred);
  void clearData();

 private:
  std::map<std::string, Collection> cols_;
};

using QueryParams = std::multimap<std::string, std::string>;

// Runs a ZStack query (q/condition, limit, start, count, replyWithCount, sort,
// fields) over the views of a collection. A non-empty keyField adds the
// implicit condition keyField == keyValue (GET <path>/{uuid}).
Json runQuery(State& st, const std::string& colName, const QueryParams& query,
              const std::string& keyField = "", const std::string& keyValue = "");
// Applies the same engine to an already-built list of inventories (queryRefs: without copying
// them; only the page returned is copied).
Json queryRefs(const std::vector<const Json*>& items, const std::vector<std::string>& knownFields,
               const QueryParams& query, const std::string& keyField = "", const std::string& keyValue = "",
               const ViewFn& view = {}, const std::vector<std::string>& derived = {}, const JoinFn& join = {});
// The same over owned inventories.
Json queryList(std::vector<Json> items, const std::vector<std::string>& knownFields,
               const QueryParams& query, const std::string& keyField = "",
               const std::string& keyValue = "");

}  // namespace zstack::sim
