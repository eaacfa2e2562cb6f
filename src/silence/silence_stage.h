// The silence stage: removes every alert matched by an active global Silence before routing.
// Tenant silences are applied later, per receiver, by the filter stage.
#pragma once

#include "pipeline/stage.h"

namespace nm {

class SilenceStage final : public Stage {
 public:
  const char* name() const override { return "silence"; }
  // Evaluates silences at work.now (nm::now() when unset); counts removals as global_silence.
  void process(Work& work) override;
};

}  // namespace nm
