// Cron parsing and evaluation with robfig/cron v3 ParseStandard semantics: field bitsets, the
// dom/dow star rule, descriptors and @every. Schedules are searched in their zone's wall-clock
// time (cctz: the process's TZ, or the zone of a TZ=/CRON_TZ= prefix).
#include "core/cron.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/time_zone.h"

namespace nm {

namespace {

// Set on a field written as `*` or `?` (or `*/1`): the dom/dow rule looks at it.
constexpr uint64_t kStarBit = 1ULL << 63;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // lowercase names for min..min+count-1, or nullptr
  int nameCount;
};

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDowNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0},       {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0}, {"month", 1, 12, kMonthNames, 12},
    {"day-of-week", 0, 6, kDowNames, 7},
};

uint64_t bitRange(int lo, int hi, int step) {
  uint64_t bits = 0;
  for (int i = lo; i <= hi; i += step) bits |= 1ULL << i;
  return bits;
}

std::string fieldError(const FieldSpec& f, std::string_view expr, const std::string& why) {
  return std::string(f.name) + " field \"" + std::string(expr) + "\": " + why;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

bool parseUint(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

bool iequals(std::string_view a, const char* b) {
  size_t i = 0;
  for (; i < a.size() && b[i]; ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return i == a.size() && !b[i];
}

// A number or (for month/dow) a case-insensitive name.
bool parseValue(const FieldSpec& f, std::string_view s, int& out, std::string& why) {
  for (int i = 0; i < f.nameCount; ++i) {
    if (iequals(s, f.names[i])) {
      out = f.min + i;
      return true;
    }
  }
  if (!parseUint(s, out)) {
    // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict on the chained operator+.
    why.assign(1, '"');
    why.append(s);
    why.append("\" is not a number");
    if (f.names) why.append(" or name");
    return false;
  }
  return true;
}

// One comma-separated part: `*`, `?`, `a`, `a-b`, each optionally `/step`.
bool parseRange(const FieldSpec& f, std::string_view part, uint64_t& bits, std::string& why) {
  auto rangeAndStep = split(part, '/');
  if (rangeAndStep.size() > 2) {
    why = "too many slashes";
    return false;
  }
  auto lowHigh = split(rangeAndStep[0], '-');
  if (lowHigh.size() > 2) {
    why = "too many hyphens";
    return false;
  }
  int lo = 0, hi = 0, step = 1;
  uint64_t extra = 0;
  bool single = lowHigh.size() == 1;
  if (lowHigh[0] == "*" || lowHigh[0] == "?") {
    if (!single) {
      why = "a range cannot start with *";
      return false;
    }
    lo = f.min;
    hi = f.max;
    extra = kStarBit;
  } else {
    if (!parseValue(f, lowHigh[0], lo, why)) return false;
    hi = lo;
    if (!single && !parseValue(f, lowHigh[1], hi, why)) return false;
  }
  if (rangeAndStep.size() == 2) {
    if (!parseUint(rangeAndStep[1], step) || step <= 0) {
      why = "step \"" + std::string(rangeAndStep[1]) + "\" must be a positive number";
      return false;
    }
    if (single && extra == 0) hi = f.max;  // "a/n" means "a-max/n"
    if (step > 1) extra = 0;
  }
  std::string bounds = std::to_string(f.min) + "-" + std::to_string(f.max);
  if (lo < f.min || lo > f.max || hi < f.min || hi > f.max) {
    why = "value out of range " + bounds;
    return false;
  }
  if (lo > hi) {
    why = "range start " + std::to_string(lo) + " is after its end " + std::to_string(hi);
    return false;
  }
  bits |= bitRange(lo, hi, step) | extra;
  return true;
}

bool parseField(const FieldSpec& f, std::string_view expr, uint64_t& bits, std::string& error) {
  bits = 0;
  for (std::string_view part : split(expr, ',')) {
    std::string why;
    if (part.empty()) why = "empty list element";
    if (!why.empty() || !parseRange(f, part, bits, why)) {
      error = fieldError(f, expr, why);
      return false;
    }
  }
  return true;
}

// Wall-clock minute in the schedule's zone.
struct Wall {
  int year, month, day, hour, minute;  // month 1-12
};

int daysIn(int year, int month) {
  using namespace std::chrono;
  return static_cast<int>(static_cast<unsigned>(
      (std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} / last).day()));
}

int weekdayOf(int year, int month, int day) {
  using namespace std::chrono;
  sys_days d{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
             std::chrono::day{static_cast<unsigned>(day)}};
  return static_cast<int>(weekday{d}.c_encoding());
}

void nextDay(Wall& w) {
  w.hour = 0;
  w.minute = 0;
  if (++w.day > daysIn(w.year, w.month)) {
    w.day = 1;
    if (++w.month > 12) {
      w.month = 1;
      ++w.year;
    }
  }
}

class SpecSchedule final : public CronSchedule {
 public:
  SpecSchedule(uint64_t minute, uint64_t hour, uint64_t dom, uint64_t month, uint64_t dow,
               cctz::time_zone zone)
      : minute_(minute), hour_(hour), dom_(dom), month_(month), dow_(dow), zone_(zone) {}

  TimePoint next(TimePoint t) const override {
    if (t == kZeroTime) return kZeroTime;
    const auto cs = cctz::convert(std::chrono::floor<cctz::seconds>(t), zone_);
    Wall w{static_cast<int>(cs.year()), cs.month(), cs.day(), cs.hour(), cs.minute()};
    const int yearLimit = w.year + 5;
    advanceMinute(w);  // strictly after t's wall minute
    while (w.year <= yearLimit) {
      if (!(month_ & (1ULL << w.month))) {
        w.day = 1;
        w.hour = 0;
        w.minute = 0;
        if (++w.month > 12) {
          w.month = 1;
          ++w.year;
        }
        continue;
      }
      if (!dayMatches(w)) {
        nextDay(w);
        continue;
      }
      if (!(hour_ & (1ULL << w.hour))) {
        w.minute = 0;
        if (++w.hour > 23) nextDay(w);
        continue;
      }
      if (!(minute_ & (1ULL << w.minute))) {
        advanceMinute(w);
        continue;
      }
      if (auto tp = toInstant(w); tp && *tp > t) return *tp;
      advanceMinute(w);
    }
    return kZeroTime;
  }

 private:
  static void advanceMinute(Wall& w) {
    if (++w.minute > 59) {
      w.minute = 0;
      if (++w.hour > 23) nextDay(w);
    }
  }

  bool dayMatches(const Wall& w) const {
    bool domMatch = dom_ & (1ULL << w.day);
    bool dowMatch = dow_ & (1ULL << weekdayOf(w.year, w.month, w.day));
    if ((dom_ & kStarBit) || (dow_ & kStarBit)) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }

  // The earliest instant showing wall time w; nullopt when w does not exist (a DST gap).
  std::optional<TimePoint> toInstant(const Wall& w) const {
    const auto found = zone_.lookup(cctz::civil_second(w.year, w.month, w.day, w.hour, w.minute));
    if (found.kind == cctz::time_zone::civil_lookup::SKIPPED) return std::nullopt;
    return TimePoint(found.pre.time_since_epoch());  // pre: the first of a repeated wall time
  }

  uint64_t minute_, hour_, dom_, month_, dow_;
  cctz::time_zone zone_;
};

class EverySchedule final : public CronSchedule {
 public:
  explicit EverySchedule(Duration d) : delay_(d) {}
  TimePoint next(TimePoint t) const override {
    if (t == kZeroTime) return kZeroTime;
    auto sub = t - std::chrono::floor<std::chrono::seconds>(t);
    return t + delay_ - sub;
  }

 private:
  Duration delay_;
};

std::shared_ptr<const CronSchedule> fail(std::string& error, std::string msg) {
  error = std::move(msg);
  return nullptr;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// The schedule part of a spec (after any zone prefix), evaluated in `zone`.
std::shared_ptr<const CronSchedule> parseInZone(std::string_view spec, const cctz::time_zone& zone,
                                                std::string& error) {
  if (spec.starts_with("@")) {
    static const struct {
      const char* name;
      const char* expansion;
    } kDescriptors[] = {{"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
                        {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
                        {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
                        {"@hourly", "0 * * * *"}};
    for (const auto& d : kDescriptors) {
      if (spec == d.name) {
        return parseInZone(d.expansion, zone, error);
      }
    }
    constexpr std::string_view kEvery = "@every ";
    if (spec.starts_with(kEvery)) {
      std::string_view text = trim(spec.substr(kEvery.size()));
      auto d = parseGoDuration(text);
      if (!d) return fail(error, "@every: invalid duration \"" + std::string(text) + "\"");
      // robfig Every(): at least one second, truncated to whole seconds.
      Duration delay = *d < std::chrono::seconds(1) ? Duration(std::chrono::seconds(1)) : *d;
      delay -= delay % std::chrono::seconds(1);
      return std::make_shared<EverySchedule>(delay);
    }
    return fail(error, "unrecognized descriptor \"" + std::string(spec) + "\"");
  }
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < spec.size()) {
    size_t b = spec.find_first_not_of(" \t", i);
    if (b == std::string_view::npos) break;
    size_t e = spec.find_first_of(" \t", b);
    if (e == std::string_view::npos) e = spec.size();
    fields.push_back(spec.substr(b, e - b));
    i = e;
  }
  if (fields.size() != 5)
    return fail(error,
                "expected exactly 5 fields (minute hour day-of-month month day-of-week), "
                "found " +
                    std::to_string(fields.size()) + " in \"" + std::string(spec) + "\"");
  uint64_t bits[5];
  for (int f = 0; f < 5; ++f) {
    if (!parseField(kFields[f], fields[static_cast<size_t>(f)], bits[f], error)) return nullptr;
  }
  return std::make_shared<SpecSchedule>(bits[0], bits[1], bits[2], bits[3], bits[4], zone);
}

}  // namespace

std::shared_ptr<const CronSchedule> parseCron(std::string_view spec, std::string& error) {
  error.clear();
  spec = trim(spec);
  if (spec.empty()) return fail(error, "empty cron spec");
  if (!spec.starts_with("TZ=") && !spec.starts_with("CRON_TZ="))
    return parseInZone(spec, localZone(), error);
  const size_t eq = spec.find('=');
  const size_t sp = spec.find_first_of(" \t");
  const std::string_view name =
      spec.substr(eq + 1, sp == std::string_view::npos ? sp : sp - eq - 1);
  std::string why;
  const auto zone = loadLocation(name, why);
  if (!zone) return fail(error, "time zone \"" + std::string(name) + "\": " + why);
  spec = sp == std::string_view::npos ? std::string_view() : trim(spec.substr(sp));
  if (spec.empty()) return fail(error, "empty cron spec after time zone");
  return parseInZone(spec, *zone, error);
}

}  // namespace nm
