// Silence activity windows, kept apart from the stages so the global (silence stage) and tenant
// (filter stage) silences are judged by exactly the same rule.
#include "model/silence_activity.h"

namespace nm {

bool isSilenceActive(const model::SilenceResource& s, TimePoint now) {
  if (!s.enabled) return false;
  if (!s.scheduleText.empty() || s.schedule) {
    if (!s.duration) return true;
    if (!s.schedule) return false;
    return s.schedule->next(now) != s.schedule->next(now - *s.duration);
  }
  if (s.startsAt && *s.startsAt != kZeroTime) {
    if (now < *s.startsAt) return false;
    return !s.duration || now < *s.startsAt + *s.duration;
  }
  return true;
}

}  // namespace nm
