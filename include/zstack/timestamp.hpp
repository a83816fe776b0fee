#pragma once
/// \file
/// ZStack timestamps travel as gson's default text, "Jun 7, 2017 9:20:16 PM": the management
/// node's wall clock with no zone. Timestamp keeps those fields exactly, so nothing is lost by
/// guessing a zone; asUtc() is there for users who know the server runs on UTC.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zstack {

/// A ZStack timestamp: the management node's wall-clock fields, with no zone (gson's default
/// text, "Jun 7, 2017 9:20:16 PM").
struct Timestamp {
  int year = 1970;  ///< The year.
  int month = 1;    ///< 1-12.
  int day = 1;      ///< 1-31.
  int hour = 0;     ///< 0-23 (24-hour clock).
  int minute = 0;   ///< 0-59.
  int second = 0;   ///< 0-59.

  /// Accepts gson's "MMM d, yyyy h:mm:ss a" (also with a comma after the year, as newer JVMs
  /// write it) and ISO-8601 "yyyy-mm-ddThh:mm:ss". std::nullopt when the text is neither.
  static std::optional<Timestamp> parse(std::string_view text);
  /// The UTC fields of `tp` (whole seconds).
  static Timestamp fromUtc(std::chrono::system_clock::time_point tp);
  /// Milliseconds since 1970 UTC, over the whole int64 range (no clock arithmetic to overflow).
  static Timestamp fromEpochMillis(std::int64_t ms);

  /// The gson form, "Jun 7, 2017 9:20:16 PM".
  std::string toString() const;
  /// ISO-8601 without a zone, "2017-06-07T21:20:16".
  std::string toIso() const;
  /// The fields read as UTC; saturates at the clock's range (system_clock ends in year 2262).
  std::chrono::system_clock::time_point asUtc() const;

  /// All six fields equal.
  friend bool operator==(const Timestamp& a, const Timestamp& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour &&
           a.minute == b.minute && a.second == b.second;
  }
  /// Not operator==.
  friend bool operator!=(const Timestamp& a, const Timestamp& b) { return !(a == b); }
};

}  // namespace zstack
