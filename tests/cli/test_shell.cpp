// zscli's interactive shell (zscli with no action, on a terminal), driven through a
// pseudo-terminal: Tab completion of actions, parameters and valid values, commands run with
// the startup options and the saved session, a history file (0600) that never holds a line
// giving a password, and that history read back by the next shell. Plus the text helpers.

#include "admin_support.hpp"

#include <algorithm>
#include <shell_text.hpp>

#include <pty.h>
#include <strings.h>
#include <termios.h>

using namespace clitest;

namespace {

// zscli on the slave side of a pseudo-terminal (its controlling terminal), with exactly `env`.
class PtyRun {
 public:
  PtyRun(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> argvStore{ZSCLI_PATH};
    argvStore.insert(argvStore.end(), args.begin(), args.end());
    std::vector<char*> argvPtrs, envPtrs;
    for (auto& a : argvStore) argvPtrs.push_back(const_cast<char*>(a.c_str()));
    argvPtrs.push_back(nullptr);
    std::vector<std::string> envStore = env;
    for (auto& e : envStore) envPtrs.push_back(const_cast<char*>(e.c_str()));
    envPtrs.push_back(nullptr);
    winsize ws{};
    ws.ws_row = 40;
    ws.ws_col = 200;
    pid_ = forkpty(&fd_, nullptr, nullptr, &ws);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      execve(ZSCLI_PATH, argvPtrs.data(), envPtrs.data());
      _exit(127);
    }
  }
  ~PtyRun() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);  // our own child, by pid
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  void send(const std::string& s) {
    for (char c : s) {  // one key at a time, as typed
      (void)!write(fd_, &c, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  // Reads until `needle` is in what was read after `from`; false at the time limit or the end.
  bool waitFor(const std::string& needle, std::size_t from = 0, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (screen.find(needle, from) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) return screen.find(needle, from) != std::string::npos;  // EIO: the child is gone
      screen.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  // The exit code, or -1 if it did not exit in time.
  int wait(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      waitFor("\x01never\x01", 0, std::chrono::milliseconds(50));  // drain output
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (std::chrono::steady_clock::now() > deadline) return -1;
    }
  }
  std::string screen;

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
};

}  // namespace

TEST_CASE("completeWord: actions, parameters, valid values, query fields", "[cli][shell]") {
  using V = std::vector<std::string>;
  CHECK(zscli::completeWord("", "queryvip") == V{"QueryVip"});  // unique in the whole catalog
  const V vi = zscli::completeWord("", "QueryVi");  // QueryVip, QueryVirtualRouterVm, ...
  CHECK(std::find(vi.begin(), vi.end(), "QueryVip") != vi.end());
  for (const auto& n : vi) CHECK(n.rfind("QueryVi", 0) == 0);
  CHECK(zscli::completeWord("", "changevips") == V{"ChangeVipState"});  // case-insensitive
  CHECK(zscli::completeWord("", "exi") == V{"exit"});
  const V ex = zscli::completeWord("", "ex");  // the shell's exit, then ExecuteGuestVmScript, ExportImage...
  REQUIRE_FALSE(ex.empty());
  CHECK(ex.front() == "exit");
  for (const auto& n : ex) CHECK(strncasecmp(n.c_str(), "ex", 2) == 0);
  CHECK(zscli::completeWord("CreateVip ", "l3") == V{"l3NetworkUuid="});
  CHECK(zscli::completeWord("ChangeVipState uuid=x ", "stateEvent=d") == V{"stateEvent=disable"});
  CHECK(zscli::completeWord("ChangeVipState ", "stateEvent=") == V{"stateEvent=enable", "stateEvent=disable"});
  const V q = zscli::completeWord("QueryVip ", "sta");
  CHECK(q == V{"state=", "start="});  // a field of VipInventory (a condition's name), and start=
  CHECK(zscli::completeWord("QueryVip ", "sortDirection=d") == V{"sortDirection=desc"});
  CHECK(zscli::completeWord("QueryVip ", "lim") == V{"limit="});
  CHECK(zscli::completeWord("NoSuchAction ", "x").empty());
}

TEST_CASE("keepInHistory and splitLine: no line that gives a secret a value", "[cli][shell]") {
  using V = std::vector<std::string>;
  CHECK(zscli::keepInHistory(V{"QueryVip", "name=x"}));
  CHECK(zscli::keepInHistory(V{"LogInByAccount", "accountName=admin", "password=-"}));
  CHECK_FALSE(zscli::keepInHistory(V{"LogInByAccount", "accountName=admin", "password=hunter2"}));
  CHECK_FALSE(zscli::keepInHistory(V{"LogInByAcount", "password=hunter2"}));  // a typo'd action too
  CHECK_FALSE(zscli::keepInHistory(V{"--password", "x", "QueryVip"}));
  CHECK_FALSE(zscli::keepInHistory(V{"LogOut", "sessionUuid=abc"}));  // a secret parameter
  CHECK_FALSE(zscli::keepInHistory(V{}));
  CHECK(zscli::splitLine("a 'b c' \"d\\\"e\" f\\ g") == std::optional<V>(V{"a", "b c", "d\"e", "f g"}));
  std::string why;
  CHECK_FALSE(zscli::splitLine("a 'b", &why));
  CHECK(why == "unterminated ' quote");
}

#ifdef ZSCLI_HAVE_SHELL
TEST_CASE("zscli with no action on a terminal is a shell: completion, the saved session, history", "[cli][shell]") {
  const char* kPw = "Sh3ll-Pw-Secret";
  zstack::sim::Options o = simOptions();
  o.adminPassword = kPw;
  zstack::sim::Simulator sim(o);
  sim.start();
  zstack::Client admin = sdkClient(sim.endpoint());
  sdkLogIn(admin, kPw);
  const std::string vip =
      str(at(sdkCall(admin, "CreateVip", {{"name", "shell-vip"}, {"l3NetworkUuid", sim.seed().publicL3Uuid}}), "inventory"), "uuid");
  TempDir home;
  const std::vector<std::string> env = {"HOME=" + home.path, "TERM=vt100"};
  const std::string history = home / ".zstack/zscli/history";

  {
    PtyRun sh({"--endpoint", sim.endpoint()}, env);
    REQUIRE(sh.waitFor("zscli> "));
    std::size_t mark = sh.screen.size();
    sh.send(std::string("LogInByAccount accountName=admin password=") + kPw + "\r");
    REQUIRE(sh.waitFor("\"inventory\"", mark));
    REQUIRE(sh.waitFor("zscli> ", mark));
    CHECK(exists(home / ".zstack/zscli/session"));

    // the action name completed by Tab: "queryvip" is unique in any catalog (the documented 75
    // or all 1,887) and alone is not an action's spelling
    mark = sh.screen.size();
    sh.send("queryvip\t");
    sh.send("name=shell-vip\r");
    INFO(sh.screen);
    REQUIRE(sh.waitFor("\"inventories\"", mark));
    CHECK(sh.waitFor(vip, mark));
    REQUIRE(sh.waitFor("zscli> ", mark + 1));

    // a parameter name, then its valid value
    mark = sh.screen.size();
    sh.send("ChangeVipState uuid=" + vip + " stateEv\t");
    sh.send("dis\t");
    sh.send("\r");
    REQUIRE(sh.waitFor("\"Disabled\"", mark));
    REQUIRE(sh.waitFor("zscli> ", mark + 1));

    // an error does not end the shell
    mark = sh.screen.size();
    sh.send("CreatVip name=x\r");
    REQUIRE(sh.waitFor("did you mean CreateVip?", mark));
    REQUIRE(sh.waitFor("zscli> ", mark + 1));

    sh.send("exit\r");
    CHECK(sh.wait() == 0);
  }
  auto state = sdkCall(admin, "QueryVip", {{"q", Json(Json::Array{Json("uuid=" + vip)})}});
  CHECK(str(at(state, "inventories").asArray().at(0), "state") == "Disabled");

  REQUIRE(exists(history));
  CHECK(modeOf(history) == 0600);
  const std::string lines = slurp(history);
  CHECK(lines.find(kPw) == std::string::npos);
  CHECK(lines.find("LogInByAccount") == std::string::npos);
  CHECK(lines.find("QueryVip name=shell-vip\n") != std::string::npos);
  CHECK(lines.find("ChangeVipState uuid=" + vip + " stateEvent=disable") != std::string::npos);
  CHECK(lines.substr(lines.size() - 5) == "exit\n");

  // the next shell reads the history: Ctrl-P brings back "exit", Enter runs it
  {
    PtyRun sh({"--endpoint", sim.endpoint()}, env);
    REQUIRE(sh.waitFor("zscli> "));
    sh.send("\x10\r");
    CHECK(sh.wait(std::chrono::seconds(10)) == 0);
  }
}

#endif  // ZSCLI_HAVE_SHELL

TEST_CASE("zscli with no action and no terminal is still a usage error", "[cli][shell]") {
  const Run r = runZscli({"--endpoint", "http://127.0.0.1:1/zstack"});
  INFO(r.describe());
  CHECK(r.exitCode == 2);
  CHECK(r.err.find("no action given") != std::string::npos);
}
