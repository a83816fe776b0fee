#pragma once
// The 75 actions of the network-services manual (api/actions/*.json): the ones whose wire the
// golden samples, the simulator and the zscli recipes cover. The catalog holds every action.

#include "zstack/catalog.hpp"

#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

namespace zstack::testing {

inline std::vector<const ActionSpec*> documentedSpecs() {
  std::vector<std::string> names;
  const std::string dir = std::string(ZSTACK_API_DIR) + "/actions";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0) names.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  std::vector<const ActionSpec*> out;
  for (const auto& n : names)
    if (const ActionSpec* s = catalog::find(n)) out.push_back(s);
  return out;
}

}  // namespace zstack::testing
