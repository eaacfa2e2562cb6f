// Time zones by the names Go's time.LoadLocation takes ("", "UTC", "Local" = the process's TZ,
// IANA names), through cctz: TZif files read once, POSIX footer rules applied past the last entry.
#pragma once

#include <cctz/time_zone.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

// time.LoadLocation(name): "" and "UTC" are UTC, "Local" is localZone(), any other name is a
// TZif file under $TZDIR (default /usr/share/zoneinfo). On failure nullopt and err holds Go's
// message: "time: invalid location name" (a "..", or a leading '/' or '\'), else
// "unknown time zone NAME". Loaded zones are cached for the life of the process.
std::optional<cctz::time_zone> loadLocation(std::string_view name, std::string& err);

// Go's time.Local: $TZ (":Name", "Name" or an absolute path; "" is UTC), /etc/localtime when TZ
// is unset, UTC when neither loads. TZ is read on each call; the zone file only once.
cctz::time_zone localZone();

// What a zone shows at one instant: offset east of UTC and abbreviation ("CEST", "+04").
struct ZoneAt {
  int32_t offset = 0;
  std::string abbr;
};
ZoneAt zoneAt(const cctz::time_zone& zone, int64_t unixSec);

}  // namespace nm
