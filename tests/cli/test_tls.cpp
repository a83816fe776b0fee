// zscli over https: --ca-file, --ca-path, the CA environment variables, --insecure, against a
// loopback cpp-httplib SSLServer whose self-signed certificate is made when the test runs.

#include "cli_harness.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
#include <httplib.h>
#endif

using namespace clitest;
using zstack::Json;

#ifdef CPPHTTPLIB_OPENSSL_SUPPORT

namespace {

// A scratch directory with a self-signed certificate for 127.0.0.1 (cert.pem, key.pem), a
// hashed CA directory holding it (cadir/), and an unrelated certificate (other.pem).
struct Certs {
  std::string dir;
  Certs() {
    char name[] = "/tmp/zscli-tls-XXXXXX";
    if (!mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
    dir = name;
    const std::string req =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost ";
    sh(req + "-keyout " + dir + "/key.pem -out " + dir + "/cert.pem");
    sh(req + "-keyout " + dir + "/other-key.pem -out " + dir + "/other.pem");
    sh("mkdir " + dir + "/cadir && cp " + dir + "/cert.pem " + dir + "/cadir/ && openssl rehash " + dir + "/cadir");
  }
  ~Certs() { (void)std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string cert() const { return dir + "/cert.pem"; }
  std::string key() const { return dir + "/key.pem"; }
  std::string other() const { return dir + "/other.pem"; }
  std::string caDir() const { return dir + "/cadir"; }

 private:
  static void sh(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
  }
};

// An https server on 127.0.0.1 answering every GET with an empty QueryVip reply.
struct HttpsServer {
  httplib::SSLServer svr;
  std::thread thread;
  int port = 0;
  HttpsServer(const Certs& c) : svr(c.cert().c_str(), c.key().c_str()) {
    if (!svr.is_valid()) throw std::runtime_error("SSLServer not valid");
    svr.Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"inventories":[],"total":0})", "application/json;charset=UTF-8");
    });
    port = svr.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { svr.listen_after_bind(); });
  }
  ~HttpsServer() {
    svr.stop();
    thread.join();
  }
  std::string endpoint() const { return "https://127.0.0.1:" + std::to_string(port) + "/zstack"; }
};

Run query(const HttpsServer& s, std::vector<std::string> extra, const std::vector<std::string>& env = {}) {
  std::vector<std::string> args{"--endpoint", s.endpoint(), "--session", "0123456789abcdef0123456789abcdef"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("QueryVip");
  return runZscli(args, env);
}

void expectOk(const Run& run) {
  INFO(run.describe());
  CHECK(run.exitCode == 0);
  auto out = run.outJson();
  REQUIRE(out);
  CHECK(num(*out, "total") == 0.0);
}

void expectError(const Run& run, int code, const std::string& kind, const std::string& messageHas = "") {
  INFO(run.describe());
  CHECK(run.exitCode == code);
  CHECK(run.out.empty());
  auto e = run.errJson();
  REQUIRE(e);
  CHECK(str(*e, "kind") == kind);
  if (!messageHas.empty()) CHECK_THAT(str(*e, "message"), Catch::Contains(messageHas));
}

}  // namespace

TEST_CASE("https: --ca-file and --ca-path verify a self-signed server, --insecure skips it", "[cli][tls]") {
  Certs certs;
  HttpsServer server(certs);

  SECTION("the system store does not know the certificate: transport error, exit 3, naming the fixes") {
    expectError(query(server, {}), 3, "transport", "zscli --ca-file/--ca-path");
    expectError(query(server, {}), 3, "transport", "zscli --insecure");
  }
  SECTION("--ca-file with the certificate") { expectOk(query(server, {"--ca-file", certs.cert()})); }
  SECTION("--ca-path with a hashed directory holding it") { expectOk(query(server, {"--ca-path", certs.caDir()})); }
  SECTION("--ca-file with another certificate: exit 3") {
    expectError(query(server, {"--ca-file", certs.other()}), 3, "transport");
  }
  SECTION("--insecure") { expectOk(query(server, {"--insecure"})); }
  SECTION("a missing CA file or directory: usage error naming the option, nothing sent") {
    expectError(query(server, {"--ca-file", certs.dir + "/missing.pem"}), 2, "usage", "--ca-file");
    expectError(query(server, {"--ca-file", certs.caDir()}), 2, "usage", "--ca-file");
    expectError(query(server, {"--ca-path", certs.dir + "/missing"}), 2, "usage", "--ca-path");
    expectError(query(server, {"--ca-path", certs.cert()}), 2, "usage", "--ca-path");
  }
}

TEST_CASE("https: CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR when no CA option is given", "[cli][tls][env]") {
  Certs certs;
  HttpsServer server(certs);

  SECTION("SSL_CERT_FILE") { expectOk(query(server, {}, {"SSL_CERT_FILE=" + certs.cert()})); }
  SECTION("CURL_CA_BUNDLE") { expectOk(query(server, {}, {"CURL_CA_BUNDLE=" + certs.cert()})); }
  SECTION("SSL_CERT_DIR") { expectOk(query(server, {}, {"SSL_CERT_DIR=" + certs.caDir()})); }
  SECTION("CURL_CA_BUNDLE comes before SSL_CERT_FILE") {
    expectOk(query(server, {}, {"CURL_CA_BUNDLE=" + certs.cert(), "SSL_CERT_FILE=" + certs.other()}));
    expectError(query(server, {}, {"CURL_CA_BUNDLE=" + certs.other(), "SSL_CERT_FILE=" + certs.cert()}), 3, "transport");
  }
  SECTION("an option overrides the variables") {
    expectError(query(server, {"--ca-file", certs.other()}, {"SSL_CERT_FILE=" + certs.cert()}), 3, "transport");
    expectOk(query(server, {"--ca-file", certs.cert()}, {"SSL_CERT_DIR=" + certs.dir + "/missing"}));
  }
  SECTION("a variable naming a missing file: usage error naming the variable") {
    expectError(query(server, {}, {"SSL_CERT_FILE=" + certs.dir + "/missing.pem"}), 2, "usage", "SSL_CERT_FILE");
    expectError(query(server, {}, {"SSL_CERT_DIR=" + certs.dir + "/missing"}), 2, "usage", "SSL_CERT_DIR");
  }
  SECTION("--insecure ignores the variables") {
    expectOk(query(server, {"--insecure"}, {"SSL_CERT_FILE=" + certs.dir + "/missing.pem"}));
  }
}

#else

TEST_CASE("https tests need cpp-httplib with OpenSSL support", "[cli][tls]") {
  FAIL("cpp-httplib was built without CPPHTTPLIB_OPENSSL_SUPPORT: the zscli TLS tests cannot run");
}

#endif
