// DropCounter: the nm_alerts_dropped_total{reason} counter behind the stages' DropSink; every
// deliberate removal of an alert from the pipeline is counted here, one child per reason.
#pragma once

#include <array>
#include <cstdint>

#include "interfaces/stage.h"
#include "observe/metrics.h"

namespace nm {

// The `reason` label value: global_silence, tenant_silence, …
const char* toString(DropReason r);

class DropCounter final : public DropSink {
 public:
  explicit DropCounter(metrics::Registry& registry);
  // Adds n to nm_alerts_dropped_total{reason=toString(r)}: a relaxed atomic add, no lookup.
  void dropped(DropReason reason, uint64_t alerts) override;

 private:
  static constexpr size_t kReasons = static_cast<size_t>(DropReason::StoreLimit) + 1;
  std::array<metrics::Counter*, kReasons> counters_{};
};

}  // namespace nm
