// Go time layouts (time.Format's std chunks), time.Time.String() and tz's zone conversion (via
// core/time_zone, cctz): written from Go's documented layout tokens, not from its source.
#include "render/go_time.h"

#include <array>
#include <chrono>
#include <cstring>

#include "core/time_zone.h"

namespace nm::render {

namespace {

constexpr int64_t kZeroUnix = -62135596800;  // 0001-01-01T00:00:00Z

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

struct Civil {
  int year;
  int month;  // 1..12
  int day;
  int hour, minute, second;
  int weekday;  // 0 = Sunday
  int yday;     // 1..366
};

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

Civil civil(const GoTime& t) {
  using namespace std::chrono;
  const int64_t local = t.unixSec + t.offset;
  const int64_t days = floorDiv(local, 86400);
  const int64_t secs = local - days * 86400;
  const sys_days sd{std::chrono::days(days)};
  const year_month_day ymd{sd};
  Civil c{};
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(weekday(sd).c_encoding());
  const sys_days jan1{ymd.year() / January / 1};
  c.yday = static_cast<int>((sd - jan1).count()) + 1;
  return c;
}

void appendInt(std::string& out, int64_t v, int width, char pad = '0') {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += pad;
  out += digits;
}

bool startsWith(std::string_view s, size_t i, std::string_view p) {
  return s.substr(i, p.size()) == p;
}

void appendZone(std::string& out, int offset, bool z, bool colon, bool minutes, bool seconds) {
  if (z && offset == 0) {
    out += 'Z';
    return;
  }
  int zone = offset / 60;
  int abs = offset;
  if (zone < 0) {
    out += '-';
    zone = -zone;
    abs = -abs;
  } else {
    out += '+';
  }
  appendInt(out, zone / 60, 2);
  if (minutes) {
    if (colon) out += ':';
    appendInt(out, zone % 60, 2);
  }
  if (seconds) {
    if (colon) out += ':';
    appendInt(out, abs % 60, 2);
  }
}

void appendFraction(std::string& out, int32_t nanos, char sep, int digits, bool trim) {
  std::string f = std::to_string(1000000000 + nanos).substr(1, static_cast<size_t>(digits));
  if (trim) {
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (f.empty()) return;
  }
  out += sep;
  out += f;
}

}  // namespace

GoTime GoTime::fromTimePoint(TimePoint t, int32_t offsetSec) {
  GoTime g;
  if (t == kZeroTime) {
    g.unixSec = kZeroUnix;
    return g;
  }
  const int64_t ns = t.time_since_epoch().count();
  g.unixSec = floorDiv(ns, 1000000000);
  g.nanos = static_cast<int32_t>(ns - g.unixSec * 1000000000);
  if (offsetSec != 0) {
    g.offset = offsetSec;
    ZoneAt local = zoneAt(localZone(), g.unixSec);
    g.zone = local.offset == offsetSec ? std::move(local.abbr) : std::string();
  }
  return g;
}

GoTime GoTime::inLocal(TimePoint t) {
  GoTime g = fromTimePoint(t);
  if (g.isZero()) return g;
  ZoneAt local = zoneAt(localZone(), g.unixSec);
  g.offset = local.offset;
  g.zone = std::move(local.abbr);
  return g;
}

bool GoTime::isZero() const {
  return unixSec == kZeroUnix && nanos == 0;
}

TimePoint GoTime::toTimePoint() const {
  if (isZero()) return kZeroTime;
  return TimePoint(Duration(unixSec * 1000000000 + nanos));
}

std::string goFormatTime(const GoTime& t, std::string_view layout) {
  const Civil c = civil(t);
  std::string out;
  size_t i = 0;
  while (i < layout.size()) {
    const char ch = layout[i];
    auto lit = [&](size_t n) {
      out.append(layout.substr(i, n));
      i += n;
    };
    switch (ch) {
      case 'J':
        if (startsWith(layout, i, "January")) {
          out += kMonths[static_cast<size_t>(c.month - 1)];
          i += 7;
          continue;
        }
        if (startsWith(layout, i, "Jan")) {
          out.append(kMonths[static_cast<size_t>(c.month - 1)], 3);
          i += 3;
          continue;
        }
        break;
      case 'M':
        if (startsWith(layout, i, "Monday")) {
          out += kDays[static_cast<size_t>(c.weekday)];
          i += 6;
          continue;
        }
        if (startsWith(layout, i, "Mon")) {
          out.append(kDays[static_cast<size_t>(c.weekday)], 3);
          i += 3;
          continue;
        }
        if (startsWith(layout, i, "MST")) {
          if (!t.zone.empty()) {
            out += t.zone;
          } else {
            appendZone(out, t.offset, false, false, true, false);
          }
          i += 3;
          continue;
        }
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          switch (layout[i + 1]) {
            case '1':
              appendInt(out, c.month, 2);
              break;
            case '2':
              appendInt(out, c.day, 2);
              break;
            case '3':
              appendInt(out, c.hour % 12 == 0 ? 12 : c.hour % 12, 2);
              break;
            case '4':
              appendInt(out, c.minute, 2);
              break;
            case '5':
              appendInt(out, c.second, 2);
              break;
            case '6':
              appendInt(out, c.year % 100, 2);
              break;
          }
          i += 2;
          continue;
        }
        if (startsWith(layout, i, "002")) {
          appendInt(out, c.yday, 3);
          i += 3;
          continue;
        }
        break;
      case '1':
        if (startsWith(layout, i, "15")) {
          appendInt(out, c.hour, 2);
          i += 2;
        } else {
          appendInt(out, c.month, 0);
          i += 1;
        }
        continue;
      case '2':
        if (startsWith(layout, i, "2006")) {
          appendInt(out, c.year, 4);
          i += 4;
        } else {
          appendInt(out, c.day, 0);
          i += 1;
        }
        continue;
      case '_':
        if (startsWith(layout, i, "_2")) {
          if (startsWith(layout, i, "_2006")) {
            out += '_';
            appendInt(out, c.year, 4);
            i += 5;
            continue;
          }
          appendInt(out, c.day, 2, ' ');
          i += 2;
          continue;
        }
        if (startsWith(layout, i, "__2")) {
          appendInt(out, c.yday, 3, ' ');
          i += 3;
          continue;
        }
        break;
      case '3':
        appendInt(out, c.hour % 12 == 0 ? 12 : c.hour % 12, 0);
        ++i;
        continue;
      case '4':
        appendInt(out, c.minute, 0);
        ++i;
        continue;
      case '5':
        appendInt(out, c.second, 0);
        ++i;
        continue;
      case 'P':
        if (startsWith(layout, i, "PM")) {
          out += c.hour >= 12 ? "PM" : "AM";
          i += 2;
          continue;
        }
        break;
      case 'p':
        if (startsWith(layout, i, "pm")) {
          out += c.hour >= 12 ? "pm" : "am";
          i += 2;
          continue;
        }
        break;
      case '-':
      case 'Z': {
        const bool z = ch == 'Z';
        struct Tok {
          const char* s;
          bool colon, minutes, seconds;
        };
        static constexpr Tok toks[] = {{"070000", false, true, true},
                                       {"07:00:00", true, true, true},
                                       {"0700", false, true, false},
                                       {"07:00", true, true, false},
                                       {"07", false, false, false}};
        bool done = false;
        for (const auto& tk : toks) {
          if (startsWith(layout, i + 1, tk.s)) {
            appendZone(out, t.offset, z, tk.colon, tk.minutes, tk.seconds);
            i += 1 + std::strlen(tk.s);
            done = true;
            break;
          }
        }
        if (done) continue;
        break;
      }
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          const char d = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == d) ++j;
          const bool digitAfter = j < layout.size() && layout[j] >= '0' && layout[j] <= '9';
          if (!digitAfter) {
            const int n = static_cast<int>(std::min<size_t>(j - i - 1, 9));
            appendFraction(out, t.nanos, ch, n, d == '9');
            i = j;
            continue;
          }
        }
        break;
      default:
        break;
    }
    lit(1);
  }
  return out;
}

std::string goTimeString(const GoTime& t) {
  return goFormatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

std::optional<GoTime> goTimeIn(const GoTime& t, std::string_view name, std::string& err) {
  auto zone = loadLocation(name, err);
  if (!zone) return std::nullopt;
  ZoneAt at = zoneAt(*zone, t.unixSec);
  GoTime r = t;
  r.offset = at.offset;
  r.zone = std::move(at.abbr);
  return r;
}

}  // namespace nm::render
