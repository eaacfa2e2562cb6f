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
std::shared_ptr<const CronSchedule> parseCron(std::string_view spec, std::string& error);

}  // namespace nm
