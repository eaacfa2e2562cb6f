// Filter implementation: one tenant Muter per tenant per batch; alerts are erased in place from
// each receiver's list, keeping arrival order.
#include "filter/filter_stage.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "interfaces/snapshot.h"
#include "observe/log.h"

namespace nm {

FilterStage::FilterStage(std::shared_ptr<const MuterProvider> tenantMuters)
    : tenantMuters_(std::move(tenantMuters)) {}

void FilterStage::process(Work& work) {
  if (!work.snapshot || work.routed.empty()) return;
  const config::Snapshot& snap = *work.snapshot;
  const TimePoint at = work.now == kZeroTime ? nm::now() : work.now;
  const bool debug = log::enabled(log::Level::Debug);
  std::unordered_map<std::string, std::unique_ptr<const Muter>> muterByTenant;
  auto muterFor = [&](const std::string& tenant) -> const Muter* {
    auto [it, inserted] = muterByTenant.try_emplace(tenant);
    if (inserted && tenantMuters_) it->second = tenantMuters_->muterFor(snap, at, tenant);
    return it->second.get();
  };

  size_t silenced = 0, unselected = 0;
  std::string by;
  for (RoutedAlerts& ra : work.routed) {
    const config::Receiver& r = *ra.receiver;
    const Muter* muter = (!r.global && !r.tenant.empty()) ? muterFor(r.tenant) : nullptr;
    if (!muter && !r.alertSelector) continue;
    std::erase_if(ra.alerts, [&](const AlertPtr& a) {
      if (muter && muter->mutes(*a, debug ? &by : nullptr)) {
        ++silenced;
        if (debug) {
          std::string fp = fingerprintHex(a->fingerprint);
          log::debug("alert silenced for tenant receiver",
                     {{"fingerprint", fp}, {"receiver", r.key}, {"silence", by}});
        }
        return true;
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
  work.countDropped(DropReason::TenantSilence, silenced);
  work.countDropped(DropReason::AlertSelector, unselected);
}

}  // namespace nm
