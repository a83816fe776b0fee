#include "session_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace zscli {
namespace {

std::string parentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p with mode 0700 for the directories it makes; existing ones are left as they are.
bool makeDirs(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  if (errno != ENOENT) return false;
  const std::string parent = parentOf(dir);
  if (parent != dir && !makeDirs(parent)) return false;
  return mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST;
}

bool readAll(int fd, std::string& out) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > 64 * 1024) return false;  // not a session file
  }
}

bool writeAll(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

bool uuidLike(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

std::optional<std::string> sessionFilePath(const Getenv& getenv) {
  auto env = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv ? getenv(name) : nullptr;
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  if (auto p = env("ZSCLI_SESSION_FILE")) return p;
  if (auto x = env("XDG_CONFIG_HOME"); x && (*x)[0] == '/') return *x + "/zscli/session";
  if (auto h = env("HOME"); h && (*h)[0] == '/') return *h + "/.zstack/zscli/session";
  return std::nullopt;
}

std::optional<SavedSession> loadSession(const std::string& path, std::string* problem) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno != ENOENT && problem) *problem = std::string("cannot read the session file (") + std::strerror(errno) + ")";
    return std::nullopt;
  }
  struct stat st {};
  std::string text;
  const bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && readAll(fd, text);
  ::close(fd);
  if (!ok) {
    if (problem) *problem = "the session file is not a readable regular file";
    return std::nullopt;
  }
  SavedSession s;
  const auto nl = text.find('\n');
  s.uuid = text.substr(0, nl);
  if (nl != std::string::npos) {
    const auto nl2 = text.find('\n', nl + 1);
    s.endpoint = text.substr(nl + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl - 1);
  }
  if (!s.uuid.empty() && s.uuid.back() == '\r') s.uuid.pop_back();
  if (!s.endpoint.empty() && s.endpoint.back() == '\r') s.endpoint.pop_back();
  if (!uuidLike(s.uuid)) {
    if (problem && !text.empty()) *problem = "the session file does not hold a session uuid";
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> saveSession(const std::string& path, const SavedSession& s) {
  const std::string dir = parentOf(path);
  if (!makeDirs(dir)) return std::string("cannot make the directory of the session file (") + std::strerror(errno) + ")";
  std::string tmp = path + ".XXXXXX";
  const int fd = mkstemp(tmp.data());  // 0600
  if (fd < 0) return std::string("cannot write the session file (") + std::strerror(errno) + ")";
  const bool ok = fchmod(fd, 0600) == 0 && writeAll(fd, s.uuid + "\n" + s.endpoint + "\n") && fsync(fd) == 0;
  const int savedErrno = errno;
  if (::close(fd) != 0 || !ok || rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = ok ? errno : savedErrno;
    unlink(tmp.c_str());
    return std::string("cannot write the session file (") + std::strerror(e) + ")";
  }
  return std::nullopt;
}

bool makePrivateDirs(const std::string& dir) { return makeDirs(dir); }

void removeSession(const std::string& path, const std::string& uuid) {
  auto s = loadSession(path);
  if (s && s->uuid == uuid) unlink(path.c_str());
}

}  // namespace zscli
