// The filter stage: per receiver, drops alerts its tenant's Muter mutes (tenant silences), then
// alerts its alertSelector rejects; receivers left without alerts are removed from Work::routed.
#pragma once

#include <memory>

#include "interfaces/muter.h"
#include "interfaces/stage.h"

namespace nm {

// Tenant silences apply only to tenant receivers (receiver->tenant non-empty, not global) and
// are evaluated at work.now (nm::now() when unset). Each removal of an alert from one receiver
// counts once, as tenant_silence or alert_selector.
class FilterStage final : public Stage {
 public:
  // `tenantMuters` gives each tenant's Muter (its Silences: silence/SilenceMuterProvider).
  explicit FilterStage(std::shared_ptr<const MuterProvider> tenantMuters);

  const char* name() const override { return "filter"; }
  void process(Work& work) override;

 private:
  std::shared_ptr<const MuterProvider> tenantMuters_;
};

}  // namespace nm
