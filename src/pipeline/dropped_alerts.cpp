// Registers nm_alerts_dropped_total once and caches one child per DropReason, so counting on the
// hot path is a relaxed atomic add without a map lookup.
#include "pipeline/dropped_alerts.h"

#include <array>

#include "observe/metrics.h"

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
  }
  return "unknown";
}

namespace {

constexpr size_t kReasons = static_cast<size_t>(DropReason::StageError) + 1;

std::array<metrics::Counter*, kReasons> makeCounters() {
  auto& family = metrics::Registry::global().counter(
      "nm_alerts_dropped_total", "Alerts removed from the pipeline on purpose, by reason.",
      {"reason"});
  std::array<metrics::Counter*, kReasons> out{};
  for (size_t i = 0; i < kReasons; ++i)
    out[i] = &family.with({toString(static_cast<DropReason>(i))});
  return out;
}

}  // namespace

void countDropped(DropReason r, uint64_t n) {
  if (n == 0) return;
  static const auto counters = makeCounters();
  counters[static_cast<size_t>(r)]->inc(n);
}

}  // namespace nm
