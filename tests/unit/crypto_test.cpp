#include "util/crypto.hpp"
#include "util/url.hpp"
#include "zstack/config.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

using namespace zstack;

TEST_CASE("SHA-512 hex matches the known vectors", "[crypto]") {
  CHECK(crypto::sha512Hex("abc") ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  // The manual's login sample: the hash ZStack expects for the password "password".
  CHECK(crypto::sha512Hex("password") ==
        "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86");
}

TEST_CASE("HMAC-SHA1 base64 matches RFC 2202", "[crypto]") {
  CHECK(crypto::hmacSha1Base64("key", "The quick brown fox jumps over the lazy dog") == "3nybhbi3iqa8ino29wqQcBydtNk=");
  CHECK(crypto::hmacSha1Base64("Jefe", "what do ya want for nothing?") == "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

TEST_CASE("job UUIDs are 32 lowercase hex chars, v4, and fresh", "[crypto]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto u = crypto::newJobUuid();
    REQUIRE(u.size() == 32);
    CHECK(u.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(u[12] == '4');
    seen.insert(u);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("job UUIDs stay fresh across threads and in a forked child", "[crypto]") {
  // Random bytes are buffered per thread; neither another thread nor a forked child may
  // hand out the bytes this thread has buffered.
  std::vector<std::string> ids(400);
  std::thread other([&] {
    for (int i = 0; i < 200; ++i) ids[200 + i] = crypto::newJobUuid();
  });
  for (int i = 0; i < 200; ++i) ids[i] = crypto::newJobUuid();
  other.join();
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());

  (void)crypto::newJobUuid();  // this thread now holds buffered bytes
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string mine = crypto::newJobUuid();
    _exit(write(fds[1], mine.data(), mine.size()) == 32 ? 0 : 1);
  }
  close(fds[1]);
  char buf[32];
  const ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(n == 32);
  CHECK(std::string(buf, 32) != crypto::newJobUuid());
}

TEST_CASE("percent-encoding keeps only unreserved characters", "[url]") {
  CHECK(url::encode("10.0.0.0/24") == "10.0.0.0%2F24");
  CHECK(url::encode("a b&c=d?e#f") == "a%20b%26c%3Dd%3Fe%23f");
  CHECK(url::encode("Az09-._~") == "Az09-._~");
  CHECK(url::encode("\xE4\xB8\xAD") == "%E4%B8%AD");
}

TEST_CASE("endpoints parse with defaults and reject nonsense", "[url]") {
  auto e = Endpoint::parse("https://zs.example.com/zstack/");
  REQUIRE(e);
  CHECK(e->scheme == "https");
  CHECK(e->port == 443);
  CHECK(e->contextPath == "zstack");
  CHECK(e->baseUrl() == "https://zs.example.com:443/zstack");
  auto v6 = Endpoint::parse("http://[::1]:8080");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->contextPath.empty());
  std::string why;
  CHECK_FALSE(Endpoint::parse("ftp://x", &why));
  CHECK(why.find("http or https") != std::string::npos);
  CHECK_FALSE(Endpoint::parse("http://host:99999/zstack"));
  CHECK_FALSE(Endpoint::parse("http://host:80x"));
  CHECK_FALSE(Endpoint::parse("localhost:8080"));
  CHECK(Endpoint{}.baseUrl() == "http://localhost:8080/zstack");
}
