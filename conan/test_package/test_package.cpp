// Links the packaged SDK and makes one call that needs no server: a validation error.
#include <zstack/zstack.hpp>

#include <cstdio>

int main() {
  zstack::CreateVipAction a;  // name and l3NetworkUuid missing: rejected before any I/O
  zstack::ClientConfig cfg;
  cfg.sessionId = "s";
  auto r = a.call(zstack::Client(cfg));
  const bool ok = !r.ok() && r.error().kind == zstack::ErrorKind::Validation;
  std::printf("zstack-sdk-cpp test_package: %s (%zu actions)\n", ok ? "ok" : "FAILED", zstack::catalog::all().size());
  return ok ? 0 : 1;
}
