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

  // At UTC, or at `offsetSec` in a zone without a name: what Go's time.Parse makes of a "+08:00"
  // offset in a UTC container (String() prints "+0800 +0800").
  static GoTime fromTimePoint(TimePoint t, int32_t offsetSec = 0);
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
