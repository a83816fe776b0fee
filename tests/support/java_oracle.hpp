#pragma once
// tests/data/java_regex_oracle.json (tools/java_regex_oracle.py): real Java's
// Matcher.matches() verdicts, read once. Header-only, for the unit tests.
#include "zstack/json.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace zstack::testing {

struct OraclePattern {
  std::string pattern;
  std::string source;  // "upstream" or "extra"
  bool javaCompiles = false;
  bool unsupportedHere = false;
  std::vector<std::pair<std::string, bool>> cases;  // (input, Java's verdict)
};

inline const std::vector<OraclePattern>& javaOracle() {
  static const std::vector<OraclePattern> all = [] {
    std::ifstream f(ZSTACK_TEST_DATA_DIR "/java_regex_oracle.json", std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    auto doc = Json::parse(ss.str());
    if (!doc || !doc->find("patterns")) throw std::runtime_error("cannot read tests/data/java_regex_oracle.json");
    std::vector<OraclePattern> out;
    for (const Json& p : doc->find("patterns")->asArray()) {
      OraclePattern o;
      o.pattern = p.find("pattern")->asString();
      o.source = p.find("source")->asString();
      o.javaCompiles = p.find("javaCompiles")->asBool();
      o.unsupportedHere = p.find("unsupportedHere")->asBool();
      if (const Json* cs = p.find("cases"))
        for (const Json& c : cs->asArray()) o.cases.emplace_back(c.asArray()[0].asString(), c.asArray()[1].asBool());
      out.push_back(std::move(o));
    }
    return out;
  }();
  return all;
}

// The oracle entry of `pattern`, or nullptr.
inline const OraclePattern* oracleFor(const std::string& pattern) {
  for (const auto& o : javaOracle())
    if (o.pattern == pattern) return &o;
  return nullptr;
}

}  // namespace zstack::testing
