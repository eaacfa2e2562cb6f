// The notify step: sends every Notification of a batch in parallel through its receiver's
// notifier and reports each outcome once all completed. Asynchronous, so not a Stage subclass.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/time.h"
#include "interfaces/notifier.h"
#include "interfaces/stage.h"
#include "observe/metrics.h"

namespace nm {

struct DeliveryResult {
  ReceiverPtr receiver;
  std::shared_ptr<const Data> data;
  SendOutcome outcome;
  TimePoint sentAt = kZeroTime;  // when the notifier reported the outcome
  bool parked = false;           // no outcome yet: it reaches the `late` callback instead
};

struct NotifyReport {
  std::vector<DeliveryResult> results;  // in the order of the notifications
};

// The process's bound on alerts in parked sends. Past it a parked send holds its batch again,
// so a receiver flooded beyond its throttle slows intake (503 at the queue) instead of growing
// memory without bound. The daemon sets the limit to the queue's capacity.
class ParkedSends {
 public:
  ParkedSends(size_t limit, metrics::Gauge& gauge);
  // Admits a parked send of `alerts` (always the first one); false past the limit.
  bool admit(size_t alerts);
  void release(size_t alerts);
  size_t alerts() const;
  size_t notifications() const;
  // Waits until no send is parked (shutdown); false at the timeout.
  bool waitIdle(Duration timeout);

 private:
  mutable std::mutex mu_;
  std::condition_variable idle_;
  const size_t limit_;
  metrics::Gauge& gauge_;
  size_t alerts_ = 0;
  size_t notifications_ = 0;
};

// Where parked sends keep a durable record (notify/parked_journal.h), so a send whose batch was
// acked survives a restart. `parked` runs before the send releases its batch (so the record's
// write is queued before the ack); `settled` once its outcome is known.
class ParkedRecords {
 public:
  virtual ~ParkedRecords() = default;
  // Returns the record's key; empty when nothing was written.
  virtual std::string parked(const Notification& note) = 0;
  virtual void settled(const std::string& key) = 0;
};

// The notify step, owned by the daemon: its metrics and its parked-send bound.
class NotifyStage {
 public:
  NotifyStage(metrics::Registry& registry, size_t parkedLimit);
  ~NotifyStage();
  NotifyStage(const NotifyStage&) = delete;
  NotifyStage& operator=(const NotifyStage&) = delete;

  // Sends every notification (a receiver without notifier fails with its notifierError) and
  // calls `done` once, on the thread that completed the last one (inline when none needed
  // sending). Failures are logged and counted.
  // With `late` set, a send that parks behind a throttle (waits past maxWaitTime) stops holding
  // `done` while the parked budget admits its alerts: it shows in done's report as `parked`, and
  // its outcome comes later to `late`, in a report of that one result. So one throttled receiver
  // does not keep a whole batch, and the dispatcher's in-flight bound, waiting for minutes.
  // Callbacks hold the stage's shared state, so a send answered after the stage is gone is safe.
  void run(std::vector<Notification> notes, TimePoint deadline,
           std::function<void(NotifyReport)> done,
           std::function<void(NotifyReport)> late = nullptr);

  ParkedSends& parked();
  // Set before the first run; `records` outlives every send.
  void setParkedRecords(ParkedRecords* records);

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

// The failure class used as the reason_class metric label:
// transport | http_5xx | http_4xx | timeout | config.
const char* failureClass(const SendOutcome& o);

}  // namespace nm
