#pragma once
// A loopback HTTP server that misbehaves on purpose: each connection's requests go to a script
// that may hold the reply, trickle it, never end it, or drop the connection. Loopback only,
// bounded in time: every script loop checks stopping() and the server stops in its destructor.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zstack::hostile {

struct Request {
  std::string method, target, head, body;
  std::string header(const std::string& name) const {  // case-insensitive, first match
    std::string lower = head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = "\r\n" + name + ":";
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find(key);
    if (at == std::string::npos) return {};
    const auto from = at + key.size();
    const auto end = head.find("\r\n", from);
    std::string v = head.substr(from, end - from);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  }
};

class Server;

// What a script uses to answer on its connection.
class Conn {
 public:
  Conn(Server& s, int fd) : server_(s), fd_(fd) {}
  bool send(const std::string& data);  // false once the peer is gone or the server stops
  void close() { closed_ = true; }     // drop the connection after this script returns
  bool stopping() const;
  // Sleeps up to `d`, waking early when the server stops; false if it stopped.
  bool pause(std::chrono::milliseconds d);
  bool closed() const { return closed_; }

 private:
  Server& server_;
  int fd_;
  bool closed_ = false;
};

using Script = std::function<void(const Request&, Conn&)>;

class Server {
 public:
  // `atConnect`: run the script once as soon as a connection opens, before reading anything
  // (for peers that do not speak HTTP, e.g. a TLS client hello).
  explicit Server(Script script, bool atConnect = false) : script_(std::move(script)), atConnect_(atConnect) {
    std::signal(SIGPIPE, SIG_IGN);
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~Server() {
    stopping_ = true;
    ::shutdown(listen_, SHUT_RDWR);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> l(m_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(listen_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string endpoint() const { return url("/zstack"); }
  bool stopping() const { return stopping_; }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::vector<Request> seen() const {
    std::lock_guard<std::mutex> l(m_);
    return seen_;
  }

 private:
  void acceptLoop() {
    for (;;) {
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) return;
      if (stopping_) {
        ::close(fd);
        return;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ++connections_;
      std::lock_guard<std::mutex> l(m_);
      fds_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads requests (head + Content-Length body) until the peer goes or the script closes.
  void serve(int fd) {
    std::string buf;
    Conn conn(*this, fd);
    if (atConnect_) {
      script_(Request{}, conn);
      conn.close();
    }
    while (!stopping_ && !conn.closed()) {
      Request r;
      if (!readRequest(fd, buf, r)) break;
      ++requests_;
      {
        std::lock_guard<std::mutex> l(m_);
        seen_.push_back(r);
      }
      script_(r, conn);
    }
    std::lock_guard<std::mutex> l(m_);  // unlisted before close: the number may be reused
    for (auto it = fds_.begin(); it != fds_.end(); ++it)
      if (*it == fd) {
        fds_.erase(it);
        break;
      }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }

  bool readMore(int fd, std::string& buf) {
    char chunk[16384];
    for (;;) {
      if (stopping_) return false;
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 50);
      if (ready == 0) continue;
      if (ready < 0) return false;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
  }

  bool readRequest(int fd, std::string& buf, Request& r) {
    std::size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos)
      if (!readMore(fd, buf)) return false;
    r.head = buf.substr(0, end + 2);
    buf.erase(0, end + 4);
    const auto sp = r.head.find(' ');
    r.method = r.head.substr(0, sp);
    r.target = r.head.substr(sp + 1, r.head.find(' ', sp + 1) - sp - 1);
    const std::string cl = r.header("Content-Length");
    const std::size_t want = cl.empty() ? 0 : std::stoul(cl);
    while (buf.size() < want)
      if (!readMore(fd, buf)) return false;
    r.body = buf.substr(0, want);
    buf.erase(0, want);
    return true;
  }

  friend class Conn;
  Script script_;
  bool atConnect_ = false;
  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0}, connections_{0};
  std::thread acceptor_;
  mutable std::mutex m_;
  std::vector<int> fds_;
  std::vector<std::thread> workers_;
  std::vector<Request> seen_;
};

inline bool Conn::stopping() const { return server_.stopping(); }

inline bool Conn::send(const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    if (server_.stopping()) return false;
    const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

inline bool Conn::pause(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (server_.stopping()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A complete response with a Content-Length.
inline std::string response(int status, const std::string& body, const std::string& extraHeaders = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

}  // namespace zstack::hostile
