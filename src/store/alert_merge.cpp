// Alertmanager's Merge: the younger value is the base; the older one contributes an earlier
// startsAt and, by the rules below, a later endsAt.
#include "store/alert_merge.h"

namespace nm::store {

MergeResult mergeTimes(const AlertTimes& held, const AlertTimes& incoming, TimePoint now) {
  MergeResult r;
  const bool overlap = incoming.startsAt <= held.endsAt && held.startsAt <= incoming.endsAt;
  if (!overlap) {
    r.times = incoming;
    return r;
  }
  r.merged = true;
  const bool incomingYounger = incoming.updatedAt >= held.updatedAt;
  const AlertTimes& younger = incomingYounger ? incoming : held;
  const AlertTimes& older = incomingYounger ? held : incoming;
  r.incomingOwns = incomingYounger;
  r.times = younger;
  if (older.startsAt < younger.startsAt) {
    r.times.startsAt = older.startsAt;
    r.times.startsAtOffset = older.startsAtOffset;
  }
  auto resolved = [now](const AlertTimes& t) { return t.endsAt <= now; };
  bool olderEndWins = resolved(younger) ? resolved(older) && older.endsAt > younger.endsAt
                                        : older.endsAt > younger.endsAt && !older.timeout;
  if (olderEndWins) {
    r.times.endsAt = older.endsAt;
    r.times.endsAtOffset = older.endsAtOffset;
    r.times.timeout = older.timeout;
  }
  return r;
}

}  // namespace nm::store
