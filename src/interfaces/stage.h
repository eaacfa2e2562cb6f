// The stage seam: every pipeline step takes the batch's Work (with the config snapshot it started
// with) and narrows or transforms it. A stage is testable alone with a hand-made snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/alert.h"
#include "core/data.h"
#include "core/time.h"

namespace nm::config {
struct Snapshot;
struct Receiver;
}  // namespace nm::config

namespace nm {

using ReceiverPtr = std::shared_ptr<const config::Receiver>;

struct RoutedAlerts {
  ReceiverPtr receiver;
  AlertList alerts;
};

struct Notification {
  ReceiverPtr receiver;
  std::shared_ptr<const Data> data;
  // Called once after a successful send, with when the notifier reported it (the dedup stage
  // records the notification log entry); never after a failed send. Empty: nothing to record.
  std::function<void(TimePoint sentAt)> onDelivered = nullptr;
};

// Why alerts left the pipeline on purpose; every removal is counted under one of these.
// StageError: a stage kept throwing until the batch reached the dispatcher's delivery bound.
enum class DropReason {
  GlobalSilence,
  TenantSilence,
  AlertSelector,
  NoReceiver,
  RoutePolicy,
  StageError,
  Inhibited,
  StoreLimit  // the active-alert store refused a new alert (--alerts.max*)
};

// Where a stage reports the alerts it removed on purpose (pipeline/DropCounter: the
// nm_alerts_dropped_total{reason} counter). The dispatcher sets one on each Work.
class DropSink {
 public:
  virtual ~DropSink() = default;
  virtual void dropped(DropReason reason, uint64_t alerts) = 0;
};

struct Work {
  uint64_t seq = 0;
  std::shared_ptr<const config::Snapshot> snapshot;
  TimePoint deadline = kZeroTime;
  TimePoint now = kZeroTime;  // evaluation time for silences (tests set it)

  AlertList alerts;                         // silence → route
  std::vector<RoutedAlerts> routed;         // route → filter → aggregate
  std::vector<Notification> notifications;  // aggregate → notify
  // Resolved alerts the store stage let through: the daemon calls AlertStore::resolvedNotified
  // for each once the batch has finished notify and history.
  std::vector<uint64_t> resolvedFingerprints;

  DropSink* drops = nullptr;  // null: removals are not counted (tests of one stage)
  void countDropped(DropReason reason, uint64_t alerts) {
    if (drops && alerts) drops->dropped(reason, alerts);
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual const char* name() const = 0;
  virtual void process(Work& work) = 0;
};

}  // namespace nm
