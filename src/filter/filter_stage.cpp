// Filter implementation: one silence and one inhibition Muter per tenant per batch; alerts are
// erased in place from each receiver's list, keeping arrival order.
#include "filter/filter_stage.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "interfaces/snapshot.h"
#include "observe/log.h"

namespace nm {

FilterStage::FilterStage(std::shared_ptr<const MuterProvider> tenantMuters,
                         std::shared_ptr<const MuterProvider> tenantInhibitions)
    : tenantMuters_(std::move(tenantMuters)), tenantInhibitions_(std::move(tenantInhibitions)) {}

void FilterStage::process(Work& work) {
  if (!work.snapshot || work.routed.empty()) return;
  const config::Snapshot& snap = *work.snapshot;
  const TimePoint at = work.now == kZeroTime ? nm::now() : work.now;
  const bool debug = log::enabled(log::Level::Debug);
  struct TenantMuters {
    std::unique_ptr<const Muter> silence, inhibit;
  };
  std::unordered_map<std::string, TenantMuters> mutersByTenant;
  auto mutersFor = [&](const std::string& tenant) -> const TenantMuters& {
    auto [it, inserted] = mutersByTenant.try_emplace(tenant);
    if (inserted && tenantMuters_) it->second.silence = tenantMuters_->muterFor(snap, at, tenant);
    if (inserted && tenantInhibitions_)
      it->second.inhibit = tenantInhibitions_->muterFor(snap, at, tenant);
    return it->second;
  };

  size_t silenced = 0, inhibited = 0, unselected = 0;
  std::string by;
  for (RoutedAlerts& ra : work.routed) {
    const config::Receiver& r = *ra.receiver;
    const Muter* muter = nullptr;
    const Muter* inhibitor = nullptr;
    if (!r.global && !r.tenant.empty()) {
      const TenantMuters& m = mutersFor(r.tenant);
      muter = m.silence.get();
      inhibitor = m.inhibit.get();
    }
    if (!muter && !inhibitor && !r.alertSelector) continue;
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
      if (inhibitor && inhibitor->mutes(*a, debug ? &by : nullptr)) {
        ++inhibited;
        if (debug) {
          std::string fp = fingerprintHex(a->fingerprint);
          log::debug("alert inhibited for tenant receiver",
                     {{"fingerprint", fp}, {"receiver", r.key}, {"inhibitRule", by}});
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
  work.countDropped(DropReason::Inhibited, inhibited);
  work.countDropped(DropReason::AlertSelector, unselected);
}

}  // namespace nm
