// Mute stage implementation: one Muter per batch (global scope), alerts erased in place keeping
// arrival order, each removal counted and logged at debug with what muted it.
#include "pipeline/mute_stage.h"

#include <string>
#include <utility>

#include "interfaces/snapshot.h"
#include "observe/log.h"

namespace nm {

MuteStage::MuteStage(const char* name, DropReason reason,
                     std::shared_ptr<const MuterProvider> muters)
    : name_(name), reason_(reason), muters_(std::move(muters)) {}

void MuteStage::process(Work& work) {
  if (!work.snapshot || work.alerts.empty() || !muters_) return;
  const TimePoint at = work.now == kZeroTime ? nm::now() : work.now;
  auto muter = muters_->muterFor(*work.snapshot, at, "");
  if (!muter) return;
  const bool debug = log::enabled(log::Level::Debug);
  size_t dropped = 0;
  std::string by;
  std::erase_if(work.alerts, [&](const AlertPtr& a) {
    if (!muter->mutes(*a, debug ? &by : nullptr)) return false;
    ++dropped;
    if (debug) {
      std::string fp = fingerprintHex(a->fingerprint);
      log::debug("alert muted", {{"stage", name_}, {"fingerprint", fp}, {"by", by}});
    }
    return true;
  });
  work.countDropped(reason_, dropped);
}

}  // namespace nm
