// Builds against the installed headers and library; checks the catalog and one validation.
#include <zstack/zstack.hpp>

#include <cstdio>

int main() {
  zstack::CreateVipAction a;  // name and l3NetworkUuid missing: rejected before any I/O
  zstack::ClientConfig cfg;
  cfg.sessionId = "s";
  auto r = a.call(zstack::Client(cfg));
  const bool ok = !r.ok() && r.error().kind == zstack::ErrorKind::Validation && zstack::catalog::all().size() >= 1887;
  std::printf("consumer: %s (%zu actions)\n", ok ? "ok" : "FAILED", zstack::catalog::all().size());
  return ok ? 0 : 1;
}
