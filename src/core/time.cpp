// RFC 3339 and Go duration parsing/formatting, written by hand because no Debian C++ library
// speaks Go's duration grammar, and std::chrono::parse is not in GCC 12's libstdc++.
#include "core/time.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace nm {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += (m <= 2);
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int daysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<TimePoint> parseRfc3339(std::string_view s, int32_t* offsetSec) {
  int Y, M, D, h, mi, se;
  if (s.size() < 20) return std::nullopt;
  if (!digits(s, 0, 4, Y) || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, se))
    return std::nullopt;
  if (M < 1 || M > 12 || D < 1 || D > daysInMonth(Y, M) || h > 23 || mi > 59 || se > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) {
        nanos += (s[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (Y == 1 && M == 1 && D == 1 && h == 0 && mi == 0 && se == 0 && nanos == 0 && offset == 0)
    return kZeroTime;
  int64_t days = daysFromCivil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
  // Outside ±292 years of 1970 nanoseconds overflow; clamp to the representable range.
  if (secs > 9223372035LL || secs < -9223372035LL) return std::nullopt;
  if (offsetSec) *offsetSec = static_cast<int32_t>(offset);
  return TimePoint(Duration(secs * 1000000000LL + nanos));
}

void appendRfc3339(std::string& out, TimePoint t, int32_t offsetSec) {
  if (t == kZeroTime) {
    out += "0001-01-01T00:00:00Z";
    return;
  }
  int64_t ns = t.time_since_epoch().count();
  int64_t secs = ns / 1000000000LL;
  int64_t frac = ns % 1000000000LL;
  if (frac < 0) {
    frac += 1000000000LL;
    secs -= 1;
  }
  secs += offsetSec;  // the wall clock where the time was written
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>((rem / 60) % 60), static_cast<long long>(rem % 60));
  out.append(buf, static_cast<size_t>(n));
  if (frac != 0) {
    char f[11];
    std::snprintf(f, sizeof f, ".%09lld", static_cast<long long>(frac));
    size_t len = 10;
    while (f[len - 1] == '0') --len;
    out.append(f, len);
  }
  if (offsetSec == 0) {
    out += 'Z';
    return;
  }
  const int32_t a = offsetSec < 0 ? -offsetSec : offsetSec;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offsetSec < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  out += buf;
}

std::string formatRfc3339(TimePoint t, int32_t offsetSec) {
  std::string s;
  appendRfc3339(s, t, offsetSec);
  return s;
}

std::optional<Duration> parseGoDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    ++i;
  }
  if (s.substr(i) == "0") return Duration(0);
  if (i == s.size()) return std::nullopt;
  long double total = 0;
  while (i < s.size()) {
    size_t start = i;
    long double v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    bool sawInt = i > start;
    long double frac = 0, scale = 1;
    bool sawFrac = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac = frac * 10 + (s[i++] - '0');
        scale *= 10;
        sawFrac = true;
      }
    }
    if (!sawInt && !sawFrac) return std::nullopt;
    size_t ustart = i;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.') ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    long double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3;
    else if (unit == "ms")
      mult = 1e6;
    else if (unit == "s")
      mult = 1e9;
    else if (unit == "m")
      mult = 60e9;
    else if (unit == "h")
      mult = 3600e9;
    else
      return std::nullopt;
    total += (v + frac / scale) * mult;
    if (total > 9.2e18L) return std::nullopt;
  }
  auto ns = static_cast<int64_t>(std::llround(static_cast<double>(total)));
  return Duration(neg ? -ns : ns);
}

std::string formatGoDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  char buf[64];
  if (u < 1000000000ULL) {
    // Sub-second: ns, µs or ms with a fraction.
    const char* unit;
    uint64_t div;
    if (u < 1000) {
      unit = "ns";
      div = 1;
    } else if (u < 1000000) {
      unit = "\xC2\xB5s";
      div = 1000;
    } else {
      unit = "ms";
      div = 1000000;
    }
    std::string s = std::to_string(u / div);
    uint64_t rem = u % div;
    if (rem) {
      std::string f = std::to_string(rem + div).substr(1);
      while (!f.empty() && f.back() == '0') f.pop_back();
      s += "." + f;
    }
    return sign + s + unit;
  }
  uint64_t secs = u / 1000000000ULL, frac = u % 1000000000ULL;
  uint64_t h = secs / 3600, m = (secs / 60) % 60, s = secs % 60;
  std::string out = sign;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(s));
  out += buf;
  if (frac) {
    std::string f = std::to_string(frac + 1000000000ULL).substr(1);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  out += "s";
  return out;
}

}  // namespace nm
