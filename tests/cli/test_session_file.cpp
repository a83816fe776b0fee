// zscli's saved session: LogInByAccount writes it (0600, directories 0700, atomically), later
// commands without credentials use it on its endpoint, LogOut without arguments ends it and
// removes the file, an expired one is reported with what to do. The uuid is never printed by
// any of it.

#include "admin_support.hpp"

#include <session_file.hpp>

#include <dirent.h>

#include <map>

using namespace clitest;

namespace {

const char* kPw = "S3ss10n-Pw";

zstack::sim::Options opts() {
  auto o = simOptions();
  o.adminPassword = kPw;
  return o;
}

std::vector<std::string> listDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
    closedir(d);
  }
  return names;
}

bool sessionValid(const zstack::sim::Simulator& sim, const std::string& session) {
  zstack::catalog::DynamicAction q(*zstack::catalog::find("QueryVip"));
  q.common().sessionId = session;
  return static_cast<bool>(q.call(sdkClient(sim.endpoint())));
}

// zscli LogInByAccount with the given environment; the session uuid it printed (asked for with
// --show-session).
std::string logIn(const zstack::sim::Simulator& sim, const std::vector<std::string>& env) {
  const Run r = runZscli({"--endpoint", sim.endpoint(), "--show-session", "LogInByAccount", "accountName=admin", "password=-"},
                         [&] {
                           auto e = env;
                           e.push_back(std::string("ZSTACK_PASSWORD=") + kPw);
                           return e;
                         }());
  INFO(r.describe());
  REQUIRE(r.exitCode == 0);
  CHECK(r.err.empty());
  auto out = r.outJson();
  REQUIRE(out);
  return str(at(*out, "inventory"), "uuid");
}

}  // namespace

TEST_CASE("session file path: ZSCLI_SESSION_FILE, then XDG_CONFIG_HOME, then HOME", "[cli][session]") {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  CHECK(zscli::sessionFilePath(env({{"HOME", "/h"}})) == "/h/.zstack/zscli/session");
  CHECK(zscli::sessionFilePath(env({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}})) == "/x/zscli/session");
  CHECK(zscli::sessionFilePath(env({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}, {"ZSCLI_SESSION_FILE", "/f/s"}})) == "/f/s");
  CHECK(zscli::sessionFilePath(env({{"XDG_CONFIG_HOME", "relative"}, {"HOME", "/h"}})) == "/h/.zstack/zscli/session");
  CHECK_FALSE(zscli::sessionFilePath(env({})));
}

TEST_CASE("LogInByAccount saves the session under HOME; later commands use it; LogOut ends it", "[cli][session]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  TempDir home;
  const std::vector<std::string> env = {"HOME=" + home.path};
  const std::string file = home / ".zstack/zscli/session";

  // without --show-session the reply shows that the login worked, but not the session
  const Run hidden = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", std::string("password=") + kPw}, env);
  INFO(hidden.describe());
  REQUIRE(hidden.exitCode == 0);
  CHECK(hidden.err.empty());
  CHECK(str(at(*hidden.outJson(), "inventory"), "uuid") == "***");
  CHECK(str(at(*hidden.outJson(), "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
  const std::string hiddenUuid = firstLine(slurp(file));
  CHECK(hiddenUuid.size() == 32);
  CHECK(hidden.out.find(hiddenUuid) == std::string::npos);
  CHECK(sessionValid(sim, hiddenUuid));

  const std::string uuid = logIn(sim, env);
  REQUIRE(exists(file));
  CHECK(modeOf(file) == 0600);
  CHECK(modeOf(home / ".zstack/zscli") == 0700);
  CHECK(modeOf(home / ".zstack") == 0700);
  CHECK(firstLine(slurp(file)) == uuid);
  CHECK(slurp(file) == uuid + "\n" + sim.endpoint() + "\n");
  CHECK(listDir(home / ".zstack/zscli") == std::vector<std::string>{"session"});  // no temporary file left

  // no --session, no --endpoint: the saved session, on the endpoint it was opened on
  zstack::Client admin = sdkClient(sim.endpoint());
  sdkLogIn(admin, kPw);
  sdkCall(admin, "CreateVip", {{"name", "saved-vip"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}});
  const Run q = runZscli({"QueryVip", "name=saved-vip"}, env);
  INFO(q.describe());
  REQUIRE(q.exitCode == 0);
  CHECK(arraySize(*q.outJson(), "inventories") == 1);
  CHECK(q.out.find(uuid) == std::string::npos);
  CHECK(q.err.find(uuid) == std::string::npos);

  SECTION("an explicit --session wins over the saved one") {
    const Run bad = runZscli({"--endpoint", sim.endpoint(), "--session", "0123456789abcdef0123456789abcdef", "QueryVip"}, env);
    INFO(bad.describe());
    CHECK(bad.exitCode == 1);
    CHECK(exists(file));  // not the saved session's failure: the file stays
  }
  SECTION("another endpoint: the saved session is not sent there") {
    RecordingProxy proxy(sim.port());
    const std::string other = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/zstack";
    const Run r = runZscli({"--endpoint", other, "QueryVip"}, env);
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("no credentials") != std::string::npos);
    CHECK(r.err.find("is for " + sim.endpoint()) != std::string::npos);
    CHECK(proxy.sent().find(uuid) == std::string::npos);
  }
  SECTION("LogOut with no arguments logs the saved session out and removes the file") {
    const Run out = runZscli({"LogOut"}, env);
    INFO(out.describe());
    CHECK(out.exitCode == 0);
    CHECK(out.out.find(uuid) == std::string::npos);
    CHECK(out.err.find(uuid) == std::string::npos);
    CHECK_FALSE(exists(file));
    CHECK_FALSE(sessionValid(sim, uuid));
    // and now there is nothing to log out
    const Run again = runZscli({"LogOut"}, env);
    INFO(again.describe());
    CHECK(again.exitCode == 2);
    CHECK(again.err.find("LogOut needs sessionUuid=UUID or a session saved by LogInByAccount") != std::string::npos);
    // nor credentials for other actions
    const Run none = runZscli({"--endpoint", sim.endpoint(), "QueryVip"}, env);
    CHECK(none.exitCode == 2);
    CHECK(none.err.find("no credentials") != std::string::npos);
  }
  SECTION("LogOut sessionUuid=<the saved one> removes the file too") {
    const Run out = runZscli({"--endpoint", sim.endpoint(), "LogOut", "sessionUuid=" + uuid}, env);
    INFO(out.describe());
    CHECK(out.exitCode == 0);
    CHECK_FALSE(exists(file));
  }
  SECTION("a new login replaces the saved session atomically") {
    const std::string second = logIn(sim, env);
    CHECK(second != uuid);
    CHECK(firstLine(slurp(file)) == second);
    CHECK(modeOf(file) == 0600);
    CHECK(listDir(home / ".zstack/zscli") == std::vector<std::string>{"session"});
  }
}

TEST_CASE("an expired saved session: a clear error to log in again, the file removed, no uuid shown", "[cli][session]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  TempDir dir;
  const std::string file = dir / "deep/er/session";
  const std::vector<std::string> env = {"ZSCLI_SESSION_FILE=" + file, "HOME=" + (dir / "home")};
  // without --show-session the reply shows that the login worked, but not the session
  const Run hidden = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", std::string("password=") + kPw}, env);
  INFO(hidden.describe());
  REQUIRE(hidden.exitCode == 0);
  CHECK(hidden.err.empty());
  CHECK(str(at(*hidden.outJson(), "inventory"), "uuid") == "***");
  CHECK(str(at(*hidden.outJson(), "inventory"), "accountUuid") == sim.seed().adminAccountUuid);
  const std::string hiddenUuid = firstLine(slurp(file));
  CHECK(hiddenUuid.size() == 32);
  CHECK(hidden.out.find(hiddenUuid) == std::string::npos);
  CHECK(sessionValid(sim, hiddenUuid));

  const std::string uuid = logIn(sim, env);
  REQUIRE(exists(file));
  CHECK(modeOf(file) == 0600);
  CHECK(modeOf(dir / "deep/er") == 0700);
  CHECK_FALSE(exists(dir / "home/.zstack"));  // ZSCLI_SESSION_FILE wins

  // the session ends behind zscli's back
  zstack::Client other = sdkClient(sim.endpoint());
  other.setSession(uuid);
  REQUIRE(zstack::logOut(other));

  const Run r = runZscli({"QueryVip"}, env);
  INFO(r.describe());
  CHECK(r.exitCode == 1);
  auto err = r.errJson();
  REQUIRE(err);
  CHECK(str(*err, "message").find("the saved session (" + file + ") has expired or was logged out: log in again") == 0);
  CHECK(r.err.find("LogInByAccount") != std::string::npos);
  CHECK(r.err.find(uuid) == std::string::npos);
  CHECK(r.out.find(uuid) == std::string::npos);
  CHECK_FALSE(exists(file));
}

TEST_CASE("XDG_CONFIG_HOME holds the session file when set; a file that cannot be written is reported", "[cli][session]") {
  zstack::sim::Simulator sim(opts());
  sim.start();
  TempDir dir;
  {
    const std::string uuid = logIn(sim, {"XDG_CONFIG_HOME=" + (dir / "xdg"), "HOME=" + (dir / "home")});
    CHECK(firstLine(slurp(dir / "xdg/zscli/session")) == uuid);
    CHECK(modeOf(dir / "xdg/zscli/session") == 0600);
    CHECK_FALSE(exists(dir / "home"));
  }
  {
    spit(dir / "plain", "a file, not a directory");
    const Run r = runZscli({"--endpoint", sim.endpoint(), "LogInByAccount", "accountName=admin", std::string("password=") + kPw},
                           {"ZSCLI_SESSION_FILE=" + (dir / "plain/session")});
    INFO(r.describe());
    CHECK(r.exitCode == 0);  // the login worked; only saving failed
    CHECK(r.err.find("zscli: the session was not saved: cannot make the directory of the session file") == 0);
    // neither saved nor shown: zscli says how to see it
    CHECK(str(at(*r.outJson(), "inventory"), "uuid") == "***");
    CHECK(r.err.find("--show-session prints it") != std::string::npos);
    const Run shown = runZscli({"--endpoint", sim.endpoint(), "--show-session", "LogInByAccount", "accountName=admin",
                                std::string("password=") + kPw},
                               {"ZSCLI_SESSION_FILE=" + (dir / "plain/session")});
    INFO(shown.describe());
    const std::string uuid = str(at(*shown.outJson(), "inventory"), "uuid");
    CHECK(uuid.size() == 32);
    CHECK(shown.err.find(uuid) == std::string::npos);
    CHECK(shown.err.find("--show-session prints it") == std::string::npos);
  }
}

TEST_CASE("saveSession/loadSession round trip; a foreign file is not taken for a session", "[cli][session]") {
  TempDir dir;
  const std::string file = dir / "s";
  REQUIRE_FALSE(zscli::saveSession(file, {"abc123", "http://h:8080/zstack"}));
  auto s = zscli::loadSession(file);
  REQUIRE(s);
  CHECK(s->uuid == "abc123");
  CHECK(s->endpoint == "http://h:8080/zstack");
  zscli::removeSession(file, "other");  // not the saved one: kept
  CHECK(exists(file));
  zscli::removeSession(file, "abc123");
  CHECK_FALSE(exists(file));

  spit(file, "not a session uuid\n");
  std::string problem;
  CHECK_FALSE(zscli::loadSession(file, &problem));
  CHECK(problem == "the session file does not hold a session uuid");
}
