// Helpers shared by the simulator: ids, timestamps, crypto, IPv4 arithmetic.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace zstack::sim {

std::string newUuid();                       // 32 lowercase hex chars
bool isJobUuid(const std::string& s);        // 32 lowercase hex chars
std::string toLower(std::string s);
bool iequals(const std::string& a, const std::string& b);

// gson default format in local time: "Jun 7, 2017 9:20:16 PM"
std::string gsonDate(std::chrono::system_clock::time_point tp);
std::string gsonNow();

std::string sha512Hex(const std::string& data);
std::string hmacSha1Base64(const std::string& key, const std::string& msg);

// Parses "EEE, dd MMM yyyy HH:mm:ss zzz" (zone ignored) into seconds of the
// wall-clock fields interpreted as UTC; nullopt when malformed.
std::optional<long long> parseHttpDateFields(const std::string& s);
// Current local wall-clock fields interpreted as UTC (same scale as above).
long long localWallClockSeconds();
// Formats a time point as "EEE, dd MMM yyyy HH:mm:ss zzz" in local time.
std::string httpDateLocal(std::chrono::system_clock::time_point tp);

std::optional<std::uint32_t> parseIpv4(const std::string& s);
std::string formatIpv4(std::uint32_t ip);
// "10.0.0.0/24" -> (network, prefix)
bool parseCidr(const std::string& s, std::uint32_t& net, int& prefix);

}  // namespace zstack::sim
