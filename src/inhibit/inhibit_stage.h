// The inhibit stage: after the silence stage, removes every alert a global InhibitRule mutes
// (counted as inhibited). Tenant rules are applied per receiver by the filter stage.
#pragma once

#include <memory>

#include "inhibit/inhibitor.h"
#include "pipeline/mute_stage.h"

namespace nm::inhibit {

class InhibitStage final : public MuteStage {
 public:
  explicit InhibitStage(std::shared_ptr<const Inhibitor> inhibitor)
      : MuteStage("inhibit", DropReason::Inhibited, std::move(inhibitor)) {}
};

}  // namespace nm::inhibit
