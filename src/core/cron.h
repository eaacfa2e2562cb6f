// 5-field cron schedules as robfig/cron ParseStandard reads them (minute hour dom month dow,
// ranges, steps, names, descriptors like @daily and @every 1h30m, a TZ=/CRON_TZ= zone prefix),
// evaluated in the wall-clock time of their zone.
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
// - Schedules run in the process's local time (TZ env as at parse time, as the Go daemon's
//   time.Local), or in the zone of a `TZ=Zone ` / `CRON_TZ=Zone ` prefix (any name
//   time.LoadLocation takes; an unknown one is an error naming it). Zones come from cctz, so
//   offsets past a zone file's last transition follow its POSIX rule.
// - Day-of-week is 0-6 (SUN-SAT) as in robfig; 7 is an error.
// - DST: a wall time that does not exist (spring forward) is skipped; a repeated wall time (fall
//   back) fires once, at its first occurrence.
// - `@every d`: d is raised to at least 1s and truncated to whole seconds; next(t) = t + d minus
//   t's sub-second part (robfig ConstantDelaySchedule).
std::shared_ptr<const CronSchedule> parseCron(std::string_view spec, std::string& error);

}  // namespace nm
