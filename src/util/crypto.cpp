#include "util/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <pthread.h>
#include <sys/random.h>

#include <cerrno>

#include <atomic>
#include <cstring>
#include <stdexcept>

namespace zstack::crypto {
namespace {
std::string hex(const unsigned char* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}
}  // namespace

std::string sha512Hex(std::string_view data) {
  unsigned char md[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex(md, sizeof md);
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string hmacSha1Base64(std::string_view key, std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), md, &len);
  return base64(std::string_view(reinterpret_cast<const char*>(md), len));
}

// Each thread draws random bytes for 32 job ids at once: one system call instead of 32. A forked
// child must not reuse its parent's buffered bytes: fork bumps a generation that invalidates them.
namespace {
std::atomic<unsigned> forkGeneration{0};

struct RandomPool {
  unsigned char bytes[32 * 16];
  std::size_t used = sizeof bytes;
  unsigned generation = 0;

  // The kernel's CSPRNG, not OpenSSL's: RAND_bytes gives each thread a DRBG that OpenSSL frees
  // from a thread-exit hook, and LSan found it leaked (1 run in 3 under load) when an engine
  // thread that a callback had stopped ended as the process exited.
  void fill() {
    std::size_t got = 0;
    while (got < sizeof bytes) {
      const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
      else if (errno != EINTR) throw std::runtime_error("getrandom failed");
    }
  }

  void take(unsigned char* out, std::size_t n) {
    const unsigned gen = forkGeneration.load(std::memory_order_relaxed);
    if (used + n > sizeof bytes || generation != gen) {
      fill();
      used = 0;
      generation = gen;
    }
    std::memcpy(out, bytes + used, n);
    std::memset(bytes + used, 0, n);  // a job id's bytes are handed out once and not kept
    used += n;
  }
};
}  // namespace

std::string newJobUuid() {
  static const int registered = pthread_atfork(nullptr, nullptr, [] { forkGeneration.fetch_add(1); });
  (void)registered;
  thread_local RandomPool pool;
  unsigned char b[16];
  pool.take(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return hex(b, sizeof b);
}

void wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

}  // namespace zstack::crypto
