#include "zstack/timestamp.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace zstack {
namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A tiny cursor over the text; every reader returns false on mismatch, never reads past the end.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  void spaces() {  // ASCII spaces and the narrow no-break space (U+202F) newer JVMs put before AM/PM
    for (;;) {
      if (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      else if (s.substr(i, 3) == "\xE2\x80\xAF" || s.substr(i, 2) == "\xC2\xA0") i += (s[i + 1] == '\x80') ? 3 : 2;
      else return;
    }
  }
  bool number(int& out, int maxDigits) {
    int n = 0, v = 0;
    while (i < s.size() && n < maxDigits && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0'), ++n;
    out = v;
    return n > 0;
  }
  bool lit(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  bool end() const { return i == s.size(); }
};

// Days since 1970-01-01 of a civil date and back (proleptic Gregorian), in 64-bit arithmetic
// (H. Hinnant's algorithms).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

bool valid(const Timestamp& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
         t.minute < 60 && t.second >= 0 && t.second < 61;
}

std::optional<Timestamp> parseGson(std::string_view text) {
  Cursor c{text};
  c.spaces();
  Timestamp t;
  if (c.s.size() < c.i + 3) return std::nullopt;
  t.month = 0;
  const char* m3 = c.s.data() + c.i;
  for (int m = 0; m < 12 && !t.month; ++m)
    if (m3[0] == kMonths[m][0] && m3[1] == kMonths[m][1] && m3[2] == kMonths[m][2]) t.month = m + 1;
  if (!t.month) return std::nullopt;
  c.i += 3;
  c.spaces();
  if (!c.number(t.day, 2) || !c.lit(',')) return std::nullopt;
  c.spaces();
  if (!c.number(t.year, 4)) return std::nullopt;
  c.lit(',');
  c.spaces();
  int h = 0;
  if (!c.number(h, 2) || !c.lit(':') || !c.number(t.minute, 2) || !c.lit(':') || !c.number(t.second, 2)) return std::nullopt;
  c.spaces();
  if (c.i + 2 > c.s.size() || c.s[c.i + 1] != 'M') return std::nullopt;
  if (c.s[c.i] == 'A') t.hour = (h == 12) ? 0 : h;
  else if (c.s[c.i] == 'P') t.hour = (h == 12) ? 12 : h + 12;
  else return std::nullopt;
  if (h < 1 || h > 12) return std::nullopt;
  c.i += 2;
  c.spaces();
  if (!c.end() || !valid(t)) return std::nullopt;
  return t;
}

std::optional<Timestamp> parseIso(std::string_view text) {
  Cursor c{text};
  Timestamp t;
  if (!c.number(t.year, 4) || !c.lit('-') || !c.number(t.month, 2) || !c.lit('-') || !c.number(t.day, 2)) return std::nullopt;
  if (!(c.lit('T') || c.lit(' '))) return std::nullopt;
  if (!c.number(t.hour, 2) || !c.lit(':') || !c.number(t.minute, 2) || !c.lit(':') || !c.number(t.second, 2)) return std::nullopt;
  if (c.lit('.')) {
    int frac = 0;
    c.number(frac, 9);
  }
  c.lit('Z');
  if (!c.end() || !valid(t)) return std::nullopt;
  return t;
}

}  // namespace

std::optional<Timestamp> Timestamp::parse(std::string_view text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) return parseIso(text);
  return parseGson(text);
}

Timestamp Timestamp::fromUtc(std::chrono::system_clock::time_point tp) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return Timestamp{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

Timestamp Timestamp::fromEpochMillis(std::int64_t ms) {
  std::int64_t secs = ms / 1000;
  if (ms % 1000 < 0) --secs;  // floor: -1 ms is 23:59:59 the day before
  std::int64_t days = secs / 86400;
  std::int64_t rest = secs % 86400;
  if (rest < 0) rest += 86400, --days;
  std::int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);  // |y| < 300 million: fits an int
  return Timestamp{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d), static_cast<int>(rest / 3600),
                   static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

std::string Timestamp::toString() const {
  char buf[48];
  const int h12 = hour % 12 == 0 ? 12 : hour % 12;
  const char* mon = (month >= 1 && month <= 12) ? kMonths[month - 1] : "Jan";
  std::snprintf(buf, sizeof buf, "%s %d, %d %d:%02d:%02d %s", mon, day, year, h12, minute, second, hour < 12 ? "AM" : "PM");
  return buf;
}

std::string Timestamp::toIso() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second);
  return buf;
}

std::chrono::system_clock::time_point Timestamp::asUtc() const {
  using Clock = std::chrono::system_clock;
  const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const double secs = static_cast<double>(days) * 86400.0 + hour * 3600.0 + minute * 60.0 + second;
  constexpr double kMax = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count());
  if (secs >= kMax) return Clock::time_point::max();
  if (secs <= -kMax) return Clock::time_point::min();
  return Clock::time_point(std::chrono::seconds(days * 86400 + hour * 3600 + minute * 60 + second));
}

}  // namespace zstack
