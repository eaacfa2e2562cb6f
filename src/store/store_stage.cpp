// StoreStage: the snapshot's resolveTimeout, then put; resolved alerts' fingerprints go to
// Work::resolvedFingerprints for the tail.
#include "store/store_stage.h"

#include "interfaces/snapshot.h"

namespace nm::store {

void StoreStage::process(Work& work) {
  if (work.alerts.empty()) return;
  if (work.snapshot) store_.setResolveTimeout(work.snapshot->nm.resolveTimeout);
  store_.put(work.alerts, work.now == kZeroTime ? nm::now() : work.now);
  for (const AlertPtr& a : work.alerts)
    if (a->status == AlertStatus::Resolved) work.resolvedFingerprints.push_back(a->fingerprint);
}

}  // namespace nm::store
