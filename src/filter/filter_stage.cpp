// Filter implementation: tenant silence activity is judged once per tenant per batch; alerts are
// erased in place from each receiver's list, keeping arrival order.
#include "filter/filter_stage.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "config/snapshot.h"
#include "observe/log.h"
#include "silence/dropped_alerts.h"
#include "silence/silence_activity.h"

namespace nm {

void FilterStage::process(Work& work) {
  if (!work.snapshot || work.routed.empty()) return;
  const config::Snapshot& snap = *work.snapshot;
  const TimePoint at = work.now == kZeroTime ? nm::now() : work.now;
  const bool debug = log::enabled(log::Level::Debug);
  std::unordered_map<std::string, std::vector<const model::SilenceResource*>> activeByTenant;
  auto activeFor =
      [&](const std::string& tenant) -> const std::vector<const model::SilenceResource*>& {
    auto [it, inserted] = activeByTenant.try_emplace(tenant);
    if (inserted) {
      auto src = snap.tenantSilences.find(tenant);
      if (src != snap.tenantSilences.end())
        for (const auto* s : src->second)
          if (s && isSilenceActive(*s, at)) it->second.push_back(s);
    }
    return it->second;
  };

  size_t silenced = 0, unselected = 0;
  for (RoutedAlerts& ra : work.routed) {
    const config::Receiver& r = *ra.receiver;
    const std::vector<const model::SilenceResource*>* silences = nullptr;
    if (!r.global && !r.tenant.empty()) {
      const auto& active = activeFor(r.tenant);
      if (!active.empty()) silences = &active;
    }
    if (!silences && !r.alertSelector) continue;
    std::erase_if(ra.alerts, [&](const AlertPtr& a) {
      if (silences) {
        for (const auto* s : *silences) {
          if (!model::selectorMatches(s->matcher, a->labels)) continue;
          ++silenced;
          if (debug) {
            std::string fp = fingerprintHex(a->fingerprint);
            log::debug("alert silenced for tenant receiver",
                       {{"fingerprint", fp}, {"receiver", r.key}, {"silence", s->name}});
          }
          return true;
        }
      }
      if (r.alertSelector && !r.alertSelector->matches(a->labels)) {
        ++unselected;
        if (debug) {
          std::string fp = fingerprintHex(a->fingerprint);
          log::debug("alert not selected by receiver", {{"fingerprint", fp}, {"receiver", r.key}});
        }
        return true;
      }
      return false;
    });
  }
  std::erase_if(work.routed, [](const RoutedAlerts& ra) { return ra.alerts.empty(); });
  countDropped(DropReason::TenantSilence, silenced);
  countDropped(DropReason::AlertSelector, unselected);
}

}  // namespace nm
