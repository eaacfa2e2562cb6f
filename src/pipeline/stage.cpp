// Names of the deliberate drop reasons, used as the `reason` label of nm_alerts_dropped_total.
// Kept beside the Stage seam so every stage counts removals the same way.
#include "pipeline/stage.h"

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
  }
  return "unknown";
}

}  // namespace nm
