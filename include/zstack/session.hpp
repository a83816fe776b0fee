#pragma once
/// \file
/// Sessions: log in with an account name and plaintext password (sent as its SHA-512 hex), make
/// the session the client's default, and log out when done.
///
/// \code
/// auto s = zstack::Session::open(client, "admin", "password");
/// if (!s) return report(s.error());
/// ... every call on `client` now carries the session ...
/// // s logs out when it goes out of scope (or call s->close()).
/// \endcode
///
/// Renewal: with ClientConfig::renewSession on, logIn() and Session::open() also keep the account
/// name and the password's SHA-512 hex in the client (never the plaintext; wiped when the login
/// ends), and a call that fails because the session expired (ID.1001) logs in again once, at the
/// configured endpoint, and is sent once more with the new session, within its own deadline;
/// concurrent calls share one re-login. A failed re-login is ErrorKind::SessionRenewal.
/// logOut(), Session::close(), Client::setSession() and clearCredentials() end the renewal.
///
/// \code
/// zstack::ClientConfig cfg;
/// cfg.endpoint = ...;
/// cfg.renewSession = true;
/// zstack::Client client(cfg);
/// auto s = zstack::Session::open(client, "admin", password);  // calls now survive an expiry
/// \endcode

#include "zstack/actions/session.hpp"
#include "zstack/client.hpp"
#include "zstack/result.hpp"

#include <string>

namespace zstack {

/// Logs in (LogInByAccount; the plaintext `password` is sent as its SHA-512 hex) and sets the
/// session on the client (and, with ClientConfig::renewSession, keeps the login for renewal).
Result<SessionInventory> logIn(const Client& client, const std::string& accountName, const std::string& password);
/// Logs out the client's session (a renewed one, if it was renewed) and clears it from the
/// client, ending any renewal; success when it has none.
Status logOut(const Client& client);

/// RAII: one logged-in session, logged out on destruction. Movable, not copyable.
class Session {
 public:
  /// Logs in as logIn() does (the session becomes the client's), and logs out at scope exit.
  static Result<Session> open(Client client, const std::string& accountName, const std::string& password);

  Session(Session&& o) noexcept;  ///< Takes over `o`'s session; `o` then logs nothing out.
  Session& operator=(Session&& o) noexcept;  ///< Logs out this session, then takes over `o`'s.
  Session(const Session&) = delete;  ///< Not copyable.
  Session& operator=(const Session&) = delete;  ///< Not copyable.
  ~Session();  ///< Logs out, unless close() already did (errors are ignored).

  /// The session as the server returned it.
  const SessionInventory& inventory() const { return inventory_; }
  /// The session UUID this object opened (a secret: do not log it). After a renewal
  /// (ClientConfig::renewSession) the client carries a newer one (client.session()); close()
  /// logs out both.
  const std::string& uuid() const { return inventory_.uuid; }
  /// Logs out now; the destructor then does nothing. Errors are returned, not thrown.
  Status close();

 private:
  Session(Client client, SessionInventory inv) : client_(std::move(client)), inventory_(std::move(inv)), open_(true) {}
  Client client_;
  SessionInventory inventory_;
  bool open_ = false;
};

}  // namespace zstack
