// Builds against the installed headers and library (CMake or pkg-config; static or shared):
// the catalog, one validation, and a paging loop (query.hpp's forEachPage template calls
// zstack::detail::PageGuard, which a shared libzstack must therefore export).
#include <zstack/zstack.hpp>

#include <cstdio>

int main() {
  zstack::CreateVipAction a;  // name and l3NetworkUuid missing: rejected before any I/O
  zstack::ClientConfig cfg;
  cfg.sessionId = "s";
  const zstack::Client client(cfg);
  auto r = a.call(client);
  const bool validated = !r.ok() && r.error().kind == zstack::ErrorKind::Validation;
  const bool cataloged = zstack::catalog::find("CreateVip") != nullptr && !zstack::catalog::all().empty();

  // Nothing listens on port 1: the first page fails with a transport error, at once.
  zstack::ClientConfig dead;
  dead.endpoint = zstack::Endpoint::parse("http://127.0.0.1:1/zstack").value();
  dead.sessionId = "s";
  dead.connectTimeout = std::chrono::seconds(2);
  auto err = zstack::forEachPage(zstack::QueryVipAction{}, zstack::Client(dead), 10,
                                 [](const std::vector<zstack::VipInventory>&) { return true; });
  const bool paged = err.has_value() && err->kind == zstack::ErrorKind::Transport;

  const bool ok = validated && cataloged && paged;
  std::printf("consumer: %s (%zu actions; validation %d, catalog %d, paging %d)\n", ok ? "ok" : "FAILED",
              zstack::catalog::all().size(), validated, cataloged, paged);
  return ok ? 0 : 1;
}
