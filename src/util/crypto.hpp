#pragma once
// The few primitives the protocol needs, from OpenSSL.

#include <string>
#include <string_view>

namespace zstack::crypto {

std::string sha512Hex(std::string_view data);                                  // lowercase hex
std::string hmacSha1Base64(std::string_view key, std::string_view message);   // access-key signature
std::string base64(std::string_view data);
// 32 lowercase hex chars of a random (v4) UUID from OpenSSL's CSPRNG: a fresh X-Job-UUID.
std::string newJobUuid();
// Overwrites the string's characters with zeros (OPENSSL_cleanse, not optimised away) and empties
// it: for a secret that is no longer needed.
void wipe(std::string& secret);

}  // namespace zstack::crypto
