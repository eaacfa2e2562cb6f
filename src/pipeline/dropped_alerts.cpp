// Drop reasons' names, and DropCounter: nm_alerts_dropped_total registered once per registry
// with one cached child per reason, so counting on the hot path is a relaxed atomic add.
#include "pipeline/dropped_alerts.h"

namespace nm {

const char* toString(DropReason r) {
  switch (r) {
    case DropReason::GlobalSilence:
      return "global_silence";
    case DropReason::TenantSilence:
      return "tenant_silence";
    case DropReason::AlertSelector:
      return "alert_selector";
    case DropReason::NoReceiver:
      return "no_receiver";
    case DropReason::RoutePolicy:
      return "route_policy";
    case DropReason::StageError:
      return "stage_error";
    case DropReason::Inhibited:
      return "inhibited";
    case DropReason::StoreLimit:
      return "store_limit";
  }
  return "unknown";
}

DropCounter::DropCounter(metrics::Registry& registry) {
  auto& family =
      registry.counter("nm_alerts_dropped_total",
                       "Alerts removed from the pipeline on purpose, by reason.", {"reason"});
  for (size_t i = 0; i < kReasons; ++i)
    counters_[i] = &family.with({toString(static_cast<DropReason>(i))});
}

void DropCounter::dropped(DropReason reason, uint64_t alerts) {
  if (alerts) counters_[static_cast<size_t>(reason)]->inc(alerts);
}

}  // namespace nm
