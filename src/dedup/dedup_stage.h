// The dedup stage, after aggregate and before notify: drops the notifications whose receiver
// was already told (notification log), and arms the log record of the ones that go out.
#pragma once

#include <memory>

#include "dedup/inflight_sends.h"
#include "interfaces/notification_log.h"
#include "interfaces/stage.h"
#include "observe/metrics.h"

namespace nm::dedup {

// Per notification of work.notifications: the receiver's effective policy (spec.dedup, then the
// receiver's dedup override) and the alerts' ingest formats decide whether it is deduplicated;
// if so the log entry of (receiver key, group key) and dedup::decide() whether it is sent. A
// sent one carries an onDelivered that records the next entry after a successful send; with
// sendResolved off its resolved alerts are left out of it. Counted: suppressed ones in
// nm_notifications_deduplicated_total{reason}, passed ones in nm_dedup_passed_total{reason}.
// Batches run on several workers at once: a sent notification holds a claim on its alerts until
// it is destroyed, and decisions for one group read the log plus those claims under one lock, so
// two batches of a group in flight together send it once (a failed send frees its claim).
class DedupStage final : public Stage {
 public:
  DedupStage(std::shared_ptr<NotificationLog> log, metrics::Registry& registry);
  const char* name() const override { return "dedup"; }
  void process(Work& work) override;

 private:
  std::shared_ptr<NotificationLog> log_;
  std::shared_ptr<InFlightSends> inflight_ = std::make_shared<InFlightSends>();
  metrics::Family<metrics::Counter>& suppressed_;
  metrics::Family<metrics::Counter>& passed_;
};

}  // namespace nm::dedup
