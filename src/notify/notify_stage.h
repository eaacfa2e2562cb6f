// The notify step: sends every Notification of a batch in parallel through its receiver's
// notifier and reports each outcome once all completed. Asynchronous, so not a Stage subclass.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "interfaces/notifier.h"
#include "interfaces/stage.h"

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

// Sends every notification (a receiver without notifier fails with its notifierError) and calls
// `done` once, on the thread that completed the last one (inline when none needed sending).
// Failures are logged and counted.
// With `late` set, a send that parks behind a throttle (waits past maxWaitTime) stops holding
// `done` while the parked budget admits its alerts: it shows in done's report as `parked`, and
// its outcome comes later to `late`, in a report of that one result. So one throttled receiver
// does not keep a whole batch, and the dispatcher's in-flight bound, waiting for minutes.
void runNotify(std::vector<Notification> notes, TimePoint deadline,
               std::function<void(NotifyReport)> done,
               std::function<void(NotifyReport)> late = nullptr);

// The process-wide bound on alerts in parked sends. Past it a parked send holds its batch again,
// so a receiver flooded beyond its throttle slows intake (503 at the queue) instead of growing
// memory without bound.
struct ParkedSends {
  static void setLimit(size_t alerts);
  static size_t alerts();
  static size_t notifications();
  // Waits until no send is parked (shutdown); false at the timeout.
  static bool waitIdle(Duration timeout);
};

// The failure class used as the reason_class metric label:
// transport | http_5xx | http_4xx | timeout | config.
const char* failureClass(const SendOutcome& o);

}  // namespace nm
