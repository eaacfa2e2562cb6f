// The active-alert store seam: every alert the daemon holds, by fingerprint, merged as
// Alertmanager merges them; the inhibitor follows it and the alerts API reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/alert.h"
#include "core/time.h"

namespace nm {

// One held alert as the API and the inhibitor see it (materialised from the store's compact form).
struct StoredAlert {
  AlertPtr alert;  // merged: earliest startsAt, latest non-timeout endsAt, newest annotations
  TimePoint updatedAt = kZeroTime;
  bool endsAtFromTimeout = false;  // endsAt was set by the resolve timeout, not by the sender
  std::string tenant;              // the namespace label's tenant ("" when none), for limits
};

// Told of every change, on the thread that made it; must not call back into the store.
class AlertStoreObserver {
 public:
  virtual ~AlertStoreObserver() = default;
  // An alert was added or its merged value changed (firing or resolved at `now`).
  virtual void upserted(const Alert& merged, TimePoint now) = 0;
  // The alert left the store (collected after its resolved notification, or evicted).
  virtual void removed(uint64_t fingerprint) = 0;
};

class AlertStore {
 public:
  virtual ~AlertStore() = default;
  // Merges `alerts` (one pulled batch, on a worker thread) and replaces each by its merged value;
  // alerts refused by a limit are removed from the list and counted (never silently).
  virtual void put(AlertList& alerts, TimePoint now) = 0;
  // The resolved value of `fingerprint` went through the pipeline: it may be collected.
  virtual void resolvedNotified(uint64_t fingerprint) = 0;
  // Visits every held alert (a consistent view per alert, not across alerts).
  virtual void forEach(const std::function<void(const StoredAlert&)>& fn) const = 0;
  virtual size_t size() const = 0;
  // Observers are added before the first put and live as long as the store.
  virtual void subscribe(AlertStoreObserver& observer) = 0;
};

}  // namespace nm
