// Shared helpers for the zscli end-to-end tests: run zscli as a child process (posix_spawn with
// pipes, explicit environment), an embedded simulator, SDK calls through the catalog for setup,
// and a small recording TCP proxy (to see what zscli puts on the wire).
#pragma once

#include <catch2/catch.hpp>

#include <zstack/sim/simulator.hpp>
#include <zstack/zstack.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifndef ZSCLI_PATH
#error "ZSCLI_PATH must be defined to the zscli executable"
#endif

namespace clitest {

using zstack::Json;

// ---------------------------------------------------------------------------------------------
// Running zscli

struct Run {
  int exitCode = -1;  // -1: killed (hung) or did not exit normally
  std::string out, err;
  std::vector<std::string> argv;

  std::optional<Json> outJson() const { return Json::parse(out); }
  std::optional<Json> errJson() const { return Json::parse(err); }
  std::string describe() const {
    std::string s = "zscli";
    for (const auto& a : argv) s += " '" + a + "'";
    s += "\nexit " + std::to_string(exitCode) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    return s;
  }
};

// How the child is set up beyond argv and env.
struct SpawnOptions {
  std::string stdinPath = "/dev/null";  // opened read-write (a pty slave works: see newSession)
  bool newSession = false;              // setsid() first, so a tty opened as stdin becomes its /dev/tty
  bool stdoutClosed = false;            // stdout is a pipe nobody reads (its read end is closed)
};

// Runs zscli with exactly `env` as its environment (nothing inherited from this process), with
// SIGPIPE at its default action whatever this process does with it.
inline Run runZscliWith(const std::vector<std::string>& args, const std::vector<std::string>& env,
                        const SpawnOptions& so, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  Run r;
  r.argv = args;
  int outPipe[2], errPipe[2];
  if (pipe2(outPipe, O_CLOEXEC) != 0 || pipe2(errPipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (so.stdoutClosed) {
    close(outPipe[0]);
    outPipe[0] = -1;
  }

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, so.stdinPath.c_str(), so.stdinPath == "/dev/null" ? O_RDONLY : O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&fa, outPipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, errPipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGDEF;
  if (so.newSession) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);

  std::vector<std::string> argvStore;
  argvStore.push_back(ZSCLI_PATH);
  argvStore.insert(argvStore.end(), args.begin(), args.end());
  std::vector<char*> argvPtrs, envPtrs;
  for (auto& a : argvStore) argvPtrs.push_back(const_cast<char*>(a.c_str()));
  argvPtrs.push_back(nullptr);
  std::vector<std::string> envStore = env;
  for (auto& e : envStore) envPtrs.push_back(const_cast<char*>(e.c_str()));
  envPtrs.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawn(&pid, ZSCLI_PATH, &fa, &attr, argvPtrs.data(), envPtrs.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(outPipe[1]);
  close(errPipe[1]);
  if (rc != 0) {
    if (outPipe[0] >= 0) close(outPipe[0]);
    close(errPipe[0]);
    throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
  }

  const auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open = outPipe[0] >= 0 ? 2 : 1;
  bool killed = false;
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);  // our own child, by pid
      killed = true;
      break;
    }
    const int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      const ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[k]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!killed && WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
  if (!killed && WIFSIGNALED(status)) r.err += "\n[killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  return r;
}

inline Run runZscli(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  return runZscliWith(args, env, SpawnOptions{}, limit);
}

// ---------------------------------------------------------------------------------------------
// Simulator and SDK

inline zstack::sim::Options simOptions(std::chrono::milliseconds jobDelay = std::chrono::milliseconds(5)) {
  zstack::sim::Options o;
  o.port = 0;
  o.jobDelay = jobDelay;
  o.serverThreads = 32;
  return o;
}

inline zstack::Client sdkClient(const std::string& endpoint) {
  zstack::ClientConfig cfg;
  std::string why;
  auto ep = zstack::Endpoint::parse(endpoint, &why);
  if (!ep) throw std::runtime_error("bad endpoint " + endpoint + ": " + why);
  cfg.endpoint = *ep;
  return zstack::Client(cfg);
}

// Logs the client in as the simulator's admin; returns the session uuid.
inline std::string sdkLogIn(const zstack::Client& client, const std::string& password = "password") {
  auto s = zstack::logIn(client, "admin", password);
  if (!s) throw std::runtime_error("SDK login failed: " + s.error().describe());
  return s->uuid;
}

// Calls any action through the catalog with JSON params; throws on failure (setup helper).
inline Json sdkCall(const zstack::Client& client, const std::string& name, const Json::Object& params) {
  const zstack::ActionSpec* spec = zstack::catalog::find(name);
  if (!spec) throw std::runtime_error("unknown action " + name);
  zstack::catalog::DynamicAction a(*spec);
  for (const auto& [k, v] : params)
    if (auto err = a.set(k, v)) throw std::runtime_error("SDK setup " + name + " set " + k + ": " + err->describe());
  auto r = a.call(client);
  if (!r) throw std::runtime_error("SDK setup " + name + " failed: " + r.error().describe());
  return std::move(*r);
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

inline const Json& at(const Json& j, const std::string& key) {
  static const Json kNull;
  const Json* p = j.find(key);
  return p ? *p : kNull;
}
inline std::string str(const Json& j, const std::string& key) {
  const Json& v = at(j, key);
  return v.isString() ? v.asString() : std::string();
}
inline std::optional<double> num(const Json& j, const std::string& key) {
  const Json& v = at(j, key);
  if (!v.isNumber()) return std::nullopt;
  return v.asDouble();
}
inline std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> k;
  if (j.isObject())
    for (const auto& [name, _] : j.asObject()) k.push_back(name);
  return k;
}
inline std::size_t arraySize(const Json& j, const std::string& key) {
  const Json& v = at(j, key);
  return v.isArray() ? v.asArray().size() : 0;
}
// Whether any element of the array j[key] has element[field] == value.
inline bool anyHas(const Json& j, const std::string& key, const std::string& field, const std::string& value) {
  const Json& v = at(j, key);
  if (!v.isArray()) return false;
  for (const auto& e : v.asArray())
    if (str(e, field) == value) return true;
  return false;
}
inline bool containsString(const Json& arr, const std::string& value) {
  if (!arr.isArray()) return false;
  for (const auto& e : arr.asArray())
    if (e.isString() && e.asString() == value) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// A recording TCP proxy: forwards 127.0.0.1:port() to 127.0.0.1:target and keeps every byte the
// client sent, to check what zscli puts on the wire.

class RecordingProxy {
 public:
  explicit RecordingProxy(int targetPort) : target_(targetPort) {
    listen_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 16) != 0)
      throw std::runtime_error("proxy bind failed");
    socklen_t len = sizeof a;
    getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~RecordingProxy() {
    stop_ = true;
    shutdown(listen_, SHUT_RDWR);
    close(listen_);
    acceptor_.join();
    for (auto& t : workers_) t.join();
  }
  int port() const { return port_; }
  std::string sent() const {
    std::lock_guard<std::mutex> l(mu_);
    return sent_;
  }

 private:
  void acceptLoop() {
    while (!stop_) {
      pollfd p{listen_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int c = accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      workers_.emplace_back([this, c] { pump(c); });
    }
  }
  void pump(int client) {
    const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(target_));
    if (connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(server);
      close(client);
      return;
    }
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    bool done = false;
    while (!done && !stop_) {
      if (poll(fds, 2, 50) <= 0) continue;
      for (int k = 0; k < 2 && !done; ++k) {
        if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[16384];
        const ssize_t n = read(fds[k].fd, buf, sizeof buf);
        if (n <= 0) {
          done = true;
          break;
        }
        if (k == 0) {
          std::lock_guard<std::mutex> l(mu_);
          sent_.append(buf, static_cast<std::size_t>(n));
        }
        const int to = k == 0 ? server : client;
        ssize_t off = 0;
        while (off < n) {
          const ssize_t w = send(to, buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
          if (w <= 0) {
            done = true;
            break;
          }
          off += w;
        }
      }
    }
    close(server);
    close(client);
  }

  int target_;
  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  mutable std::mutex mu_;
  std::string sent_;
};

// A local port with nothing listening on it (bound, then closed).
inline int closedPort() {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// A test fixture: a running simulator, an SDK client logged in as admin, and zscli runners.
struct SimFixture {
  zstack::sim::Simulator sim;
  zstack::Client client;
  std::string session;

  explicit SimFixture(zstack::sim::Options o = simOptions()) : sim(o), client(zstack::ClientConfig{}) {
    sim.start();
    client = sdkClient(sim.endpoint());
    session = sdkLogIn(client);
  }
  // zscli --endpoint <sim> --session <session> args...
  Run cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const {
    std::vector<std::string> all = {"--endpoint", sim.endpoint(), "--session", session};
    all.insert(all.end(), args.begin(), args.end());
    return runZscli(all, env);
  }
  Json sdk(const std::string& name, const Json::Object& params) const { return sdkCall(client, name, params); }
};

}  // namespace clitest
