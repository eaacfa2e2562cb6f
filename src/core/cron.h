// 5-field cron schedules as robfig/cron ParseStandard reads them (minute hour dom month dow,
// ranges, steps, names, descriptors like @daily and @every 1h30m), evaluated in local time (TZ).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace nm {

class CronSchedule {
 public:
  virtual ~CronSchedule() = default;
  // The first activation strictly after t (robfig Schedule.Next); kZeroTime when none within
  // five years (e.g. "0 0 30 2 *").
  virtual TimePoint next(TimePoint t) const = 0;
};

// Parses a spec; on error returns nullptr and sets error to a message naming the bad field.
//
// Evaluation (documented choices):
// - Schedules run in the process's local time (TZ env, as the Go daemon). A `TZ=Zone ` or
//   `CRON_TZ=Zone ` prefix is accepted only for UTC (UTC, Etc/UTC, GMT, Etc/GMT); any other zone
//   is rejected with "TZ= prefix is not supported; set the daemon's TZ", because libc offers no
//   thread-safe way to evaluate a second zone.
// - Day-of-week is 0-6 (SUN-SAT) as in robfig; 7 is an error.
// - DST: a wall time that does not exist (spring forward) is skipped; a repeated wall time (fall
//   back) fires once, at its first occurrence.
// - `@every d`: d is raised to at least 1s and truncated to whole seconds; next(t) = t + d minus
//   t's sub-second part (robfig ConstantDelaySchedule).
std::shared_ptr<const CronSchedule> parseCron(std::string_view spec, std::string& error);

}  // namespace nm
