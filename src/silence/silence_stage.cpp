// Global silences: activity is judged once per batch, then each alert is tested against the
// active matchers; removed alerts are counted and logged at debug.
#include "silence/silence_stage.h"

#include <vector>

#include "config/snapshot.h"
#include "observe/log.h"
#include "silence/dropped_alerts.h"
#include "silence/silence_activity.h"

namespace nm {

void SilenceStage::process(Work& work) {
  if (!work.snapshot || work.alerts.empty()) return;
  const TimePoint at = work.now == kZeroTime ? nm::now() : work.now;
  std::vector<const model::SilenceResource*> active;
  for (const auto* s : work.snapshot->globalSilences)
    if (s && isSilenceActive(*s, at)) active.push_back(s);
  if (active.empty()) return;

  const bool debug = log::enabled(log::Level::Debug);
  size_t dropped = 0;
  std::erase_if(work.alerts, [&](const AlertPtr& a) {
    for (const auto* s : active) {
      if (!model::selectorMatches(s->matcher, a->labels)) continue;
      ++dropped;
      if (debug) {
        std::string fp = fingerprintHex(a->fingerprint);
        log::debug("alert silenced", {{"fingerprint", fp}, {"silence", s->name}});
      }
      return true;
    }
    return false;
  });
  countDropped(DropReason::GlobalSilence, dropped);
}

}  // namespace nm
