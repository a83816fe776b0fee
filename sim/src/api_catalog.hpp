// The API descriptions the simulator serves generically: every action of the SDK's catalog, read
// from the document tools/sim_catalog.py embeds (sim/src/generated/api_catalog.cpp). The same
// api/ facts the SDK is generated from; no SDK code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json.hpp"
#include "../../src/util/java_regex.hpp"  // zstack::sim::jregex: see java_regex.cpp
#include <memory>

namespace zstack::sim {

std::string apiCatalogJson();  // generated

struct ParamDesc {
  std::string name;
  std::string type;  // model type: String Integer Long Double Boolean Timestamp Json List<T> Map<String,T> or a type
  bool inPath = false;
  bool required = false;
  bool nonEmpty = false;
  std::vector<std::string> validValues;
  std::optional<long long> maxLength, minLength;
  std::optional<std::pair<double, double>> range;
  std::string regex;  // validRegexValues ("": none), as ApiMessageParamValidator applies it
  std::shared_ptr<const jregex::Program> pattern;  // compiled regex; null when none or it does not compile
  Json defaultValue;  // null: none
};

struct ApiDesc {
  std::string name, method, path, bodyKey;
  bool sendsBody = false, needSession = true, async = false, isQuery = false;
  std::string replyKind;  // inventory, inventories, empty, custom
  std::string replyType;  // type name ("" for empty; "Json" when unknown)
  std::vector<ParamDesc> params;
  const ParamDesc* param(const std::string& n) const;
};

struct TypeInfo {
  std::string name, base, serverClass;
  std::vector<std::pair<std::string, std::string>> fields;  // own and inherited, base first
  std::vector<std::string> subtypes;                        // every type deriving from this one
  const std::string* fieldType(const std::string& f) const;
  bool isInventory() const;  // has a uuid field
};

class ApiCatalog {
 public:
  static const ApiCatalog& get();  // parsed once, thread-safe
  const std::vector<ApiDesc>& actions() const { return actions_; }
  const ApiDesc* action(const std::string& name) const;
  const TypeInfo* type(const std::string& name) const;

 private:
  ApiCatalog();
  std::vector<ApiDesc> actions_;
  std::map<std::string, std::size_t> byName_;
  std::map<std::string, TypeInfo> types_;
};

// Model-type helpers.
bool isListType(const std::string& t);
bool isMapType(const std::string& t);
std::string elementType(const std::string& t);  // of List<T> / Map<String,T>

}  // namespace zstack::sim
