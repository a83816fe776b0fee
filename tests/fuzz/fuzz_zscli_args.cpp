// libFuzzer: zscli's argument parsing (cli/args.hpp). The input is split at NUL bytes into
// argv strings (argv[0] = "zscli"); parseArgs must never crash, and neither must the steps
// zscli runs next without I/O of its own: applyEnvironment (no variables set; it may stat a
// named CA file or directory, never read it) and makeConfig. resolvePasswords is left out: it
// reads --password-file, which may name a FIFO or /dev/stdin.
//
// Oracle: a usage error never quotes an argument that holds anything but name characters
// (arguments may hold passwords). Checked for arguments with a character no fixed message text
// uses (control or non-ASCII bytes, @#$%^&*|`\), so a message containing one whole is an echo.

#include "args.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

bool marked(const std::string& s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return true;
    for (const char* m = "@#$%^&*|`\\"; *m; ++m)
      if (c == *m) return true;
  }
  return false;
}

void checkNoEcho(const std::vector<std::string>& argv, const zstack::Error& e) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 4 || !marked(a)) continue;
    if (e.message.find(a) != std::string::npos) {
      std::fprintf(stderr, "usage error quotes argument %zu whole: %s\n", i, e.message.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> argv{"zscli"};
  std::string cur;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      argv.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  if (!cur.empty() || size == 0 || data[size - 1] != 0) argv.push_back(std::move(cur));

  auto parsed = zscli::parseArgs(argv);
  if (auto* e = std::get_if<zstack::Error>(&parsed)) {
    checkNoEcho(argv, *e);
    return 0;
  }
  auto& cmd = std::get<zscli::Command>(parsed);
  if (cmd.kind != zscli::Command::Kind::Call) return 0;
  const zscli::Getenv noEnv = [](const char*) -> const char* { return nullptr; };
  if (auto err = zscli::applyEnvironment(cmd, noEnv)) {
    checkNoEcho(argv, *err);
    return 0;
  }
  auto config = zscli::makeConfig(cmd);
  if (auto* e = std::get_if<zstack::Error>(&config)) checkNoEcho(argv, *e);
  return 0;
}
