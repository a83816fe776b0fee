// Helpers for the tests of zscli's admin features: a temporary directory, file modes, and a
// shell script run with exactly the given environment (for --curl's output).
#pragma once

#include "cli_harness.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace clitest {

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    char tpl[] = "/tmp/zscli-test-XXXXXX";
    if (!mkdtemp(tpl)) throw std::runtime_error("mkdtemp failed");
    path = tpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

inline bool exists(const std::string& p) {
  struct stat st {};
  return lstat(p.c_str(), &st) == 0;
}
inline unsigned modeOf(const std::string& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}
inline std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
inline void spit(const std::string& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}
inline std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

struct ScriptRun {
  int exitCode = -1;
  std::string out, err, script;
  std::string describe() const { return "script:\n" + script + "\nexit " + std::to_string(exitCode) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err; }
};

// Runs `script` with bash, with only PATH and `env` ("NAME=value", exported) in its environment.
inline ScriptRun runScript(const std::string& script, const std::vector<std::pair<std::string, std::string>>& env) {
  TempDir dir;
  std::string prelude;
  for (const auto& [k, v] : env) {
    std::string q = "'";
    for (char c : v) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    prelude += "export " + k + "=" + q + "'\n";
  }
  spit(dir / "run.sh", prelude + script);
  const std::string cmd = "env -i PATH=/usr/bin:/bin bash " + (dir / "run.sh") + " >" + (dir / "out") + " 2>" + (dir / "err");
  const int rc = std::system(cmd.c_str());
  ScriptRun r;
  r.script = script;
  r.exitCode = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  return r;
}

}  // namespace clitest
