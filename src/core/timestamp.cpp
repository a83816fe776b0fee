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
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace zstack
