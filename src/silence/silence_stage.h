// The silence stage: removes every alert matched by an active global Silence before routing.
// Tenant silences are applied later, per receiver, by the filter stage through the same Muter.
#pragma once

#include <memory>

#include "pipeline/mute_stage.h"
#include "silence/silence_muter.h"

namespace nm {

class SilenceStage final : public MuteStage {
 public:
  SilenceStage()
      : MuteStage("silence", DropReason::GlobalSilence, std::make_shared<SilenceMuterProvider>()) {}
};

}  // namespace nm
