#include "store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <optional>
#include <unordered_map>

#include "util.hpp"

namespace zstack::sim {

Json errorCode(const std::string& code, const std::string& description, const std::string& details,
               Json cause) {
  Json e = Json::object();
  e["code"] = code;
  e["description"] = description;
  e["details"] = details;
  if (!cause.isNull()) e["cause"] = std::move(cause);
  return e;
}

void throwBadRequest(const std::string& details) {
  throw ApiError{503, errorCode("SYS.1007", "One or more API argument is invalid", details)};
}

void throwRest400(const std::string& details) {
  throw ApiError{400, errorCode("SYS.1007", "One or more API argument is invalid", details)};
}

void throwInvalidArg(const std::string& details) {
  throw ApiError{503, errorCode("SYS.1007", "One or more API argument is invalid", details)};
}

void throwOperationFailure(const std::string& details, const std::string& causeCode,
                           const std::string& causeDetails) {
  Json cause = errorCode(causeCode,
                         causeCode.rfind("SYS.1007", 0) == 0 ? "One or more API argument is invalid"
                                                              : "An operation failed",
                         causeDetails);
  throw ApiError{503, errorCode("SYS.1006", "An operation failed", details, std::move(cause))};
}

// ---------------------------------------------------------------- Collection

Json* Collection::get(const std::string& uuid) {
  auto it = items.find(uuid);
  return it == items.end() ? nullptr : &it->second;
}

void Collection::put(Json record) {
  std::string key = record.getString(keyField);
  if (key.empty()) {
    key = newUuid();
    record[keyField] = key;
  }
  auto it = items.find(key);
  if (it == items.end()) order.push_back(key);
  items[key] = std::move(record);
}

bool Collection::remove(const std::string& uuid) {
  if (items.erase(uuid) == 0) return false;
  order.erase(std::remove(order.begin(), order.end(), uuid), order.end());
  return true;
}

std::vector<Json*> Collection::all() {
  std::vector<Json*> out;
  out.reserve(order.size());
  for (const auto& k : order) {
    auto it = items.find(k);
    if (it != items.end()) out.push_back(&it->second);
  }
  return out;
}

// --------------------------------------------------------------------- State

Collection& State::col(const std::string& name) {
  auto it = cols_.find(name);
  if (it == cols_.end()) throw ApiError{500, errorCode("SYS.1000", "internal error", "no collection " + name)};
  return it->second;
}

std::vector<std::string> State::names() const {
  std::vector<std::string> out;
  for (const auto& kv : cols_) out.push_back(kv.first);
  return out;
}

Collection& State::define(const std::string& name, const std::string& voName,
                          std::vector<std::string> fields) {
  Collection& c = cols_[name];
  c.name = name;
  c.voName = voName;
  c.fields = std::move(fields);
  return c;
}

Json* State::find(const std::string& colName, const std::string& uuid) {
  return col(colName).get(uuid);
}

Json& State::mustGet(const std::string& colName, const std::string& uuid) {
  Collection& c = col(colName);
  Json* j = c.get(uuid);
  if (!j)
    throwInvalidArg("invalid value[" + uuid + "] of field[uuid]: the resource[uuid:" + uuid +
                    ", type:" + c.voName + "] is not found");
  return *j;
}

Json State::viewOf(const std::string& colName, const Json& record) {
  Collection& c = col(colName);
  return c.view ? c.view(record) : record;
}

Json State::viewOf(const std::string& colName, const std::string& uuid) {
  return viewOf(colName, mustGet(colName, uuid));
}

std::vector<Json*> State::where(const std::string& colName,
                                const std::function<bool(const Json&)>& pred) {
  std::vector<Json*> out;
  for (Json* j : col(colName).all())
    if (pred(*j)) out.push_back(j);
  return out;
}

void State::clearData() {
  for (auto& kv : cols_) {
    kv.second.items.clear();
    kv.second.order.clear();
  }
}

// -------------------------------------------------------------- query engine

namespace {

struct Cond {
  std::vector<std::string> path;
  std::string op;
  std::string value;
  std::optional<double> number;                // value as a number, when it is one
  std::vector<std::string> values;             // ?= / !?=: the listed values
  std::vector<std::optional<double>> numbers;  // and those as numbers
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::optional<double> asNumber(const std::string& s);

Cond parseCond(const std::string& s) {
  static const char* ops[] = {"!=", ">=", "<=", "!?=", "!~=", "~=", "?=", "=", ">", "<"};
  for (const char* op : ops) {
    auto pos = s.find(op);
    if (pos == std::string::npos) continue;
    if (pos == 0) throwRest400("invalid query condition[" + s + "]: empty field name");
    Cond c;
    c.path = split(s.substr(0, pos), '.');
    for (const auto& seg : c.path)
      if (seg.empty()) throwRest400("invalid query condition[" + s + "]: bad field name");
    c.op = op;
    c.value = s.substr(pos + std::char_traits<char>::length(op));
    c.number = asNumber(c.value);
    if (c.op == "?=" || c.op == "!?=")
      for (const auto& v : split(c.value, ',')) {
        c.values.push_back(v);
        c.numbers.push_back(asNumber(v));
      }
    return c;
  }
  throwRest400("invalid query condition[" + s + "]: no operator found");
}

void collect(const Json& v, const std::vector<std::string>& path, std::size_t i,
             std::vector<const Json*>& out) {
  if (v.isArray()) {
    for (const auto& e : v.items()) collect(e, path, i, out);
    return;
  }
  if (i == path.size()) {
    out.push_back(&v);
    return;
  }
  if (!v.isObject()) return;
  const Json* c = v.find(path[i]);
  if (c) collect(*c, path, i + 1, out);
}

std::optional<double> asNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const char* b = s.c_str();
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(b, &end);
  if (errno != 0 || end != b + s.size()) return std::nullopt;
  return d;
}

// <0, 0, >0 ; numeric when both are numbers (rv: `value` as a number, parsed once by the caller)
int compareText(const Json& leaf, const std::string& value, const std::optional<double>& rv) {
  std::optional<double> lv;
  if (leaf.isNumber()) lv = leaf.asDouble();
  else if (leaf.isString() && rv) lv = asNumber(leaf.str());
  if (lv && rv) return *lv < *rv ? -1 : (*lv > *rv ? 1 : 0);
  if (leaf.isString()) return leaf.str().compare(value) < 0 ? -1 : (leaf.str() == value ? 0 : 1);
  const std::string l = leaf.scalarText();
  return l < value ? -1 : (l > value ? 1 : 0);
}


bool likeMatch(const std::string& s, std::size_t si, const std::string& p, std::size_t pi) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '%') {
      for (std::size_t k = si; k <= s.size(); ++k)
        if (likeMatch(s, k, p, pi + 1)) return true;
      return false;
    }
    if (si >= s.size()) return false;
    if (c != '_' && c != s[si]) return false;
    ++si;
    ++pi;
  }
  return si == s.size();
}

bool leafMatches(const Json& leaf, const Cond& c) {
  const std::string& op = c.op;
  if (op == "=") return compareText(leaf, c.value, c.number) == 0;
  if (op == "!=") return compareText(leaf, c.value, c.number) != 0;
  if (op == ">") return compareText(leaf, c.value, c.number) > 0;
  if (op == "<") return compareText(leaf, c.value, c.number) < 0;
  if (op == ">=") return compareText(leaf, c.value, c.number) >= 0;
  if (op == "<=") return compareText(leaf, c.value, c.number) <= 0;
  if (op == "?=" || op == "!?=") {
    bool in = false;
    for (std::size_t i = 0; i < c.values.size() && !in; ++i)
      if (compareText(leaf, c.values[i], c.numbers[i]) == 0) in = true;
    return op == "?=" ? in : !in;
  }
  if (op == "~=") return likeMatch(leaf.scalarText(), 0, c.value, 0);
  if (op == "!~=") return !likeMatch(leaf.scalarText(), 0, c.value, 0);
  return false;
}

bool matchesLeaves(const std::vector<const Json*>& leaves, const Cond& c) {
  bool anyNonNull = false;
  for (const Json* l : leaves)
    if (!l->isNull()) anyNonNull = true;
  if (c.value == "null" && (c.op == "=" || c.op == "!=")) return c.op == "=" ? !anyNonNull : anyNonNull;
  for (const Json* l : leaves) {
    if (l->isNull() || l->isObject()) continue;
    if (leafMatches(*l, c)) return true;
  }
  return false;
}

bool matches(const Json& inv, const Cond& c) {
  if (c.path.size() == 1 && inv.isObject()) {  // the common case, without collecting leaves
    const Json* v = inv.find(c.path[0]);
    if (!v || !v->isArray()) {
      const bool nonNull = v && !v->isNull();
      if (c.value == "null" && (c.op == "=" || c.op == "!=")) return c.op == "=" ? !nonNull : nonNull;
      return nonNull && !v->isObject() && leafMatches(*v, c);
    }
  }
  std::vector<const Json*> leaves;
  collect(inv, c.path, 0, leaves);
  return matchesLeaves(leaves, c);
}

const Json* firstLeaf(const Json& inv, const std::vector<std::string>& path) {
  std::vector<const Json*> leaves;
  collect(inv, path, 0, leaves);
  for (const Json* l : leaves)
    if (!l->isNull()) return l;
  return nullptr;
}


long parseLong(const std::string& name, const std::string& v) {
  auto n = asNumber(v);
  if (!n || *n < 0 || *n != static_cast<double>(static_cast<long>(*n)))
    throwRest400("invalid value[" + v + "] of parameter[" + name + "]");
  return static_cast<long>(*n);
}

bool parseBool(const std::string& name, const std::string& v) {
  (void)name;
  return iequals(v, "true");  // like Java's Boolean.parseBoolean: anything else is false
}

}  // namespace

namespace {

// Views of stored records made on demand: a condition on a stored field reads the record
// itself; one on a field the view derives (`derived`; all fields when that is empty) reads the
// view, made once per record and only for records that get that far.
class LazyViews {
 public:
  LazyViews(const ViewFn& fn, const std::vector<std::string>& derived) : fn_(fn), derived_(derived) {}
  const Json& of(const Json* record) {
    if (!fn_) return *record;
    auto it = made_.find(record);
    if (it != made_.end()) return *it->second;
    views_.push_back(fn_(*record));
    made_[record] = &views_.back();
    return views_.back();
  }
  const Json& forField(const Json* record, const std::string& field) {
    if (!fn_ || (!derived_.empty() && std::find(derived_.begin(), derived_.end(), field) == derived_.end()))
      return *record;
    return of(record);
  }

 private:
  const ViewFn& fn_;
  const std::vector<std::string>& derived_;
  std::deque<Json> views_;
  std::unordered_map<const Json*, const Json*> made_;
};

}  // namespace

Json queryRefs(const std::vector<const Json*>& items, const std::vector<std::string>& knownFields,
               const QueryParams& query, const std::string& keyField, const std::string& keyValue,
               const ViewFn& view, const std::vector<std::string>& derived, const JoinFn& join) {
  LazyViews lazy(view, derived);
  std::vector<const Json*> joined, leaves;
  // A condition on a joined list (a VM's vmNics) reads the joined records in place, not a view.
  auto test = [&](const Json* inv, const Cond& c) {
    joined.clear();
    if (join && join(*inv, c.path[0], joined)) {
      leaves.clear();
      for (const Json* e : joined) collect(*e, c.path, 1, leaves);
      return matchesLeaves(leaves, c);
    }
    return matches(lazy.forField(inv, c.path[0]), c);
  };
  std::vector<Cond> conds;
  auto addCond = [&](const std::string& s) {
    if (s.empty()) return;
    Cond c = parseCond(s);
    if (!knownFields.empty() &&
        std::find(knownFields.begin(), knownFields.end(), c.path[0]) == knownFields.end())
      throwInvalidArg("condition[" + s + "]: the query target has no field[" + c.path[0] + "]");
    conds.push_back(std::move(c));
  };
  if (!keyField.empty()) conds.push_back(Cond{{keyField}, "=", keyValue});
  long limit = 1000, start = 0;
  bool countOnly = false, withCount = false;
  std::vector<std::string> fields;
  std::string sortField, sortDir = "asc";
  for (const auto& [k, v] : query) {
    if (k == "q" || k == "condition" || k == "q[]" || k == "conditions") addCond(v);
    else if (k == "limit") limit = parseLong(k, v);
    else if (k == "start") start = parseLong(k, v);
    else if (k == "count") countOnly = parseBool(k, v);
    else if (k == "replyWithCount") withCount = parseBool(k, v);
    else if (k == "fields") {
      for (const auto& f : split(v, ','))
        if (!f.empty()) fields.push_back(f);
    } else if (k == "sort") {
      if (v.empty()) continue;
      if (v[0] == '+' || v[0] == ' ') sortField = v.substr(1), sortDir = "asc";
      else if (v[0] == '-') sortField = v.substr(1), sortDir = "desc";
      else sortField = v, sortDir = "asc";
    } else if (k == "sortBy") sortField = v;
    else if (k == "sortDirection") {
      if (!iequals(v, "asc") && !iequals(v, "desc"))
        throwBadRequest("invalid sortDirection[" + v + "], must be asc or desc");
      sortDir = toLower(v);
    }
  }
  for (const auto& f : fields)
    if (!knownFields.empty() && std::find(knownFields.begin(), knownFields.end(), f) == knownFields.end())
      throwInvalidArg("fields: the query target has no field[" + f + "]");
  if (!sortField.empty() && !knownFields.empty() &&
      std::find(knownFields.begin(), knownFields.end(), split(sortField, '.')[0]) == knownFields.end())
    throwInvalidArg("sort: the query target has no field[" + sortField + "]");

  std::vector<const Json*> hits;  // the page is copied, not the matches
  for (const Json* inv : items) {
    bool ok = true;
    for (const auto& c : conds)
      if (!test(inv, c)) {
        ok = false;
        break;
      }
    if (ok) hits.push_back(inv);
  }
  const long total = static_cast<long>(hits.size());
  Json reply = Json::object();
  if (countOnly) {
    reply["total"] = total;
    return reply;
  }
  if (!sortField.empty()) {
    auto path = split(sortField, '.');
    const bool desc = sortDir == "desc";
    // Keys once per hit, not per comparison (same order as compareJson).
    struct Key {
      const Json* hit;
      const Json* leaf;
      std::optional<double> number;
    };
    std::vector<Key> keys;
    keys.reserve(hits.size());
    for (const Json* h : hits) {
      const Json* l = firstLeaf(lazy.forField(h, path[0]), path);
      std::optional<double> n;
      if (l && l->isNumber()) n = l->asDouble();
      else if (l && l->isString()) n = asNumber(l->str());
      keys.push_back({h, l, n});
    }
    std::stable_sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
      int c;
      if (!a.leaf || !b.leaf) c = !a.leaf && !b.leaf ? 0 : (!a.leaf ? -1 : 1);
      else if (a.number && b.number) c = *a.number < *b.number ? -1 : (*a.number > *b.number ? 1 : 0);
      else c = compareText(*a.leaf, b.leaf->scalarText(), std::nullopt);
      return desc ? c > 0 : c < 0;
    });
    for (std::size_t i = 0; i < keys.size(); ++i) hits[i] = keys[i].hit;
  }
  Json out = Json::array();
  for (long i = start; i < total && i < start + limit; ++i) {
    const Json& inv = lazy.of(hits[static_cast<std::size_t>(i)]);
    if (fields.empty()) {
      out.push(inv);
    } else {
      Json p = Json::object();
      for (const auto& f : fields)
        if (const Json* v = inv.find(f)) p[f] = *v;
      out.push(std::move(p));
    }
  }
  reply["inventories"] = std::move(out);
  if (withCount) reply["total"] = total;
  return reply;
}

Json queryList(std::vector<Json> items, const std::vector<std::string>& knownFields,
               const QueryParams& query, const std::string& keyField, const std::string& keyValue) {
  std::vector<const Json*> refs;
  refs.reserve(items.size());
  for (const Json& j : items) refs.push_back(&j);
  return queryRefs(refs, knownFields, query, keyField, keyValue);
}

Json runQuery(State& st, const std::string& colName, const QueryParams& query,
              const std::string& keyField, const std::string& keyValue) {
  Collection& c = st.col(colName);
  const auto all = c.all();
  QueryHooks h = c.queryHooks ? c.queryHooks() : QueryHooks{c.view, {}};
  return queryRefs(std::vector<const Json*>(all.begin(), all.end()), c.fields, query, keyField, keyValue, h.view,
                   c.derived, h.join);
}

}  // namespace zstack::sim
