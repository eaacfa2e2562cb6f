// The filter stage: per receiver, drops alerts muted by its tenant's active silences, then alerts
// its alertSelector rejects; receivers left without alerts are removed from Work::routed.
#pragma once

#include "pipeline/stage.h"

namespace nm {

// Tenant silences apply only to tenant receivers (receiver->tenant non-empty, not global) and
// are evaluated at work.now (nm::now() when unset). Each removal of an alert from one receiver
// counts once, as tenant_silence or alert_selector.
class FilterStage final : public Stage {
 public:
  const char* name() const override { return "filter"; }
  void process(Work& work) override;
};

}  // namespace nm
