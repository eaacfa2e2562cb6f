// The notify step: sends every Notification of a batch in parallel through its receiver's
// notifier and reports each outcome once all completed. Asynchronous, so not a Stage subclass.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "notify/notifier.h"
#include "pipeline/stage.h"

namespace nm {

struct DeliveryResult {
  ReceiverPtr receiver;
  std::shared_ptr<const Data> data;
  SendOutcome outcome;
  TimePoint sentAt = kZeroTime;  // when the notifier reported the outcome
};

struct NotifyReport {
  std::vector<DeliveryResult> results;  // in the order of the notifications
};

// Sends every notification (a receiver without notifier fails with its notifierError) and calls
// `done` once, on the thread that completed the last one (inline when none needed sending).
// Failures are logged and counted.
void runNotify(std::vector<Notification> notes, TimePoint deadline,
               std::function<void(NotifyReport)> done);

// The failure class used as the reason_class metric label:
// transport | http_5xx | http_4xx | timeout | config.
const char* failureClass(const SendOutcome& o);

}  // namespace nm
