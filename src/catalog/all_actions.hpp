#pragma once

#include "zstack/action.hpp"

#include <cstddef>

namespace zstack::detail {
// Every generated action by name, sorted (src/generated/catalog_index.cpp). A spec is built on
// first use, so looking one action up does not build the other 1,886.
struct CatalogEntry {
  const char* name;
  const ActionSpec& (*spec)();
};
extern const CatalogEntry kCatalog[];
extern const std::size_t kCatalogSize;
}  // namespace zstack::detail
