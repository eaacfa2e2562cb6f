// The merge rule of Alertmanager (alert/alert.go Merge, provider/mem Put) on an alert's times:
// which of a held and an incoming value wins each field. Pure, so each rule is testable alone.
#pragma once

#include <cstdint>

#include "core/time.h"

namespace nm::store {

struct AlertTimes {
  TimePoint startsAt = kZeroTime;
  int32_t startsAtOffset = 0;
  TimePoint endsAt = kZeroTime;  // never kZeroTime here: an open end is now + resolveTimeout
  int32_t endsAtOffset = 0;
  TimePoint updatedAt = kZeroTime;
  bool timeout = false;  // endsAt set by the resolve timeout, not by the sender
};

struct MergeResult {
  AlertTimes times;
  bool merged = false;       // false: the time ranges do not overlap, the incoming value replaces
  bool incomingOwns = true;  // annotations and generatorURL come from the incoming value
};

// The ranges overlap (inclusive) → merged: the earliest startsAt; the newer value (updatedAt;
// the incoming one on a tie) owns annotations and generatorURL; endsAt is the newer value's
// unless the older one's is later and not a timeout — or, when both are resolved at `now`, the
// later of the two. `timeout` follows the endsAt chosen. No overlap → the incoming value.
MergeResult mergeTimes(const AlertTimes& held, const AlertTimes& incoming, TimePoint now);

}  // namespace nm::store
