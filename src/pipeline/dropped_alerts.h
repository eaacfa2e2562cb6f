// The nm_alerts_dropped_total{reason} counter shared by the silence, route and filter stages:
// every deliberate removal of an alert from the pipeline is counted here.
#pragma once

#include <cstdint>

#include "interfaces/stage.h"

namespace nm {

// The `reason` label value: global_silence, tenant_silence, …
const char* toString(DropReason r);

// Adds n to nm_alerts_dropped_total{reason=toString(r)}; n == 0 is a no-op.
void countDropped(DropReason r, uint64_t n = 1);

}  // namespace nm
