#include "zstack/session.hpp"

#include "core/client_core.hpp"
#include "util/crypto.hpp"

namespace zstack {

Result<SessionInventory> logIn(const Client& client, const std::string& accountName, const std::string& password) {
  LogInByAccountAction login;
  login.accountName = accountName;
  login.password = password;
  auto r = login.call(client);
  if (!r) return std::move(r.error());
  if (!r->inventory || r->inventory->uuid.empty()) {
    Error e;
    e.kind = ErrorKind::Decode;
    e.action = "LogInByAccount";
    e.message = "the login reply carries no session uuid";
    return e;
  }
  client.setSession(r->inventory->uuid);
  // ClientConfig::renewSession: keep what a re-login needs, the password only as the SHA-512 hex
  // the server is sent anyway (the plaintext, which may open other doors, is not kept).
  if (client.config().renewSession)
    detail::ClientAccess::core(client)->rememberLogin(accountName, crypto::sha512Hex(password), r->inventory->uuid);
  return std::move(*r->inventory);
}

Status logOut(const Client& client) {
  const std::string session = client.session();
  if (session.empty()) return Done{};
  LogOutAction logout;
  logout.sessionUuid = session;
  auto r = logout.call(client);
  if (client.session() == session) client.setSession("");
  if (!r) return std::move(r.error());
  return Done{};
}

Result<Session> Session::open(Client client, const std::string& accountName, const std::string& password) {
  auto r = logIn(client, accountName, password);
  if (!r) return std::move(r.error());
  return Session(std::move(client), std::move(*r));
}

Session::Session(Session&& o) noexcept : client_(o.client_), inventory_(std::move(o.inventory_)), open_(o.open_) { o.open_ = false; }

Session& Session::operator=(Session&& o) noexcept {
  if (this != &o) {
    (void)close();
    client_ = o.client_;
    inventory_ = std::move(o.inventory_);
    open_ = o.open_;
    o.open_ = false;
  }
  return *this;
}

Session::~Session() { (void)close(); }

Status Session::close() {
  if (!open_) return Done{};
  open_ = false;
  // With ClientConfig::renewSession the client may hold a renewal of this session by now: that
  // one is logged out too (the first is expired, but logging it out costs nothing).
  const std::string renewed = detail::ClientAccess::core(client_)->endLogin(inventory_.uuid);
  LogOutAction logout;
  logout.sessionUuid = inventory_.uuid;
  auto r = logout.call(client_);
  if (client_.session() == inventory_.uuid) client_.setSession("");
  if (!renewed.empty()) {
    LogOutAction second;
    second.sessionUuid = renewed;
    auto r2 = second.call(client_);
    if (client_.session() == renewed) client_.setSession("");
    if (r && !r2) return std::move(r2.error());
  }
  if (!r) return std::move(r.error());
  return Done{};
}

}  // namespace zstack
