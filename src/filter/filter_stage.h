// The filter stage: per receiver, drops alerts its tenant's Muters mute (tenant silences, then
// tenant inhibit rules), then alerts its alertSelector rejects; receivers left without alerts are
// removed from Work::routed.
#pragma once

#include <memory>

#include "interfaces/muter.h"
#include "interfaces/stage.h"

namespace nm {

// Tenant silences and inhibit rules apply only to tenant receivers (receiver->tenant non-empty,
// not global) and are evaluated at work.now (nm::now() when unset). Each removal of an alert from
// one receiver counts once, as tenant_silence, inhibited or alert_selector.
class FilterStage final : public Stage {
 public:
  // `tenantMuters` gives each tenant's Muter (its Silences: silence/SilenceMuterProvider);
  // `tenantInhibitions`, when given, each tenant's InhibitRules (inhibit/Inhibitor).
  explicit FilterStage(std::shared_ptr<const MuterProvider> tenantMuters,
                       std::shared_ptr<const MuterProvider> tenantInhibitions = nullptr);

  const char* name() const override { return "filter"; }
  void process(Work& work) override;

 private:
  std::shared_ptr<const MuterProvider> tenantMuters_;
  std::shared_ptr<const MuterProvider> tenantInhibitions_;
};

}  // namespace nm
