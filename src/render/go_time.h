// Go's time.Time as templates see it: an instant with a zone (offset + abbreviation), Go layout
// formatting (time.Format), time.Time.String(), and t.In(time.LoadLocation(name)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace nm::render {

// An instant with the zone it is shown in. Go's zero time (kZeroTime) is 0001-01-01 UTC.
struct GoTime {
  int64_t unixSec = 0;  // seconds since 1970-01-01 UTC
  int32_t nanos = 0;    // 0..999999999
  int32_t offset = 0;   // seconds east of UTC
  std::string zone = "UTC";

  // At UTC, or at `offsetSec` as Go's time.Parse keeps a "+08:00" offset: named as Local (the
  // process's TZ) names it when Local shows that offset at that instant ("+0800 CST" with
  // TZ=Asia/Shanghai), else unnamed ("+0800 +0800", as in a UTC container).
  static GoTime fromTimePoint(TimePoint t, int32_t offsetSec = 0);
  // The instant in Local, as Go's time.Now() is (the zero time stays UTC).
  static GoTime inLocal(TimePoint t);
  bool isZero() const;
  TimePoint toTimePoint() const;
};

// time.Time.Format(layout) with Go's reference-time layout tokens.
std::string goFormatTime(const GoTime& t, std::string_view layout);
// time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST".
std::string goTimeString(const GoTime& t);

// time.LoadLocation(name) + t.In(loc): "UTC", "", "Local" (the process's TZ) or an IANA name
// (nm::loadLocation). nullopt and err set (Go's message) for an unknown or invalid zone name.
std::optional<GoTime> goTimeIn(const GoTime& t, std::string_view name, std::string& err);

}  // namespace nm::render
