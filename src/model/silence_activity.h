// Whether a Silence resource mutes alerts at a given instant: the reference's IsActive over
// enabled, schedule (cron + duration), startsAt and duration.
#pragma once

#include "core/time.h"
#include "model/resources.h"

namespace nm {

// - disabled: inactive;
// - schedule set: always active without a duration, else active iff a trigger happened within the
//   last `duration` (next(now) != next(now - duration)); a schedule text that did not compile is
//   inactive;
// - else startsAt set: active on [startsAt, startsAt + duration), or from startsAt on forever;
// - else: always active.
bool isSilenceActive(const model::SilenceResource& s, TimePoint now);

}  // namespace nm
