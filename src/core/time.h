// Time values as the Go daemon and Alertmanager write them: RFC 3339 timestamps with Go's
// zero time, and Go duration strings ("1m30s"). Parsing returns nullopt on malformed input.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::nanoseconds>;
using Duration = std::chrono::nanoseconds;

// Go's time.Time{} (0001-01-01T00:00:00Z): "unset".
inline constexpr TimePoint kZeroTime = TimePoint::min();

inline TimePoint now() {
  return std::chrono::time_point_cast<Duration>(Clock::now());
}

// RFC 3339 with optional fractional seconds and a Z or ±hh:mm offset; `offsetSec` (optional)
// gets the offset as written (seconds east of UTC), which Go keeps with the time.
std::optional<TimePoint> parseRfc3339(std::string_view s, int32_t* offsetSec = nullptr);
// Go's RFC3339Nano as time.Time.MarshalJSON writes it: the wall time at `offsetSec` with
// "±hh:mm", "Z" at offset 0, trailing zeros trimmed, kZeroTime as "0001-01-01T00:00:00Z".
std::string formatRfc3339(TimePoint t, int32_t offsetSec = 0);
void appendRfc3339(std::string& out, TimePoint t, int32_t offsetSec = 0);

// Go time.ParseDuration: "300ms", "-1.5h", "2h45m", "0". Units ns us µs ms s m h.
std::optional<Duration> parseGoDuration(std::string_view s);
// Go time.Duration.String(): "1m0s", "1.5s", "0s".
std::string formatGoDuration(Duration d);

}  // namespace nm
