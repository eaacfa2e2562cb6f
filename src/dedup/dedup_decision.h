// The dedup decision (Alertmanager's DedupStage rules, per receiver and group): whether a
// notification is sent, why, and the notification log entry a successful send records.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.h"
#include "interfaces/notification_log.h"

namespace nm::dedup {

enum class Reason : uint8_t {
  // sent
  First,      // no entry: the group was never notified (or its entry expired)
  NewAlerts,  // the firing set gained an alert the last notification did not carry
  Resolved,   // alerts the last notification carried as firing are resolved (sendResolved)
  Repeat,     // nothing changed, repeatInterval passed since the last notification
  // suppressed
  Unchanged,           // nothing new within repeatInterval
  ResolvedNotSent,     // the only news are resolved alerts and sendResolved is off
  ResolvedUnnotified,  // only resolved alerts the receiver was never told were firing
};

const char* toString(Reason r);

struct Decision {
  bool send = false;
  Reason reason = Reason::Unchanged;
  // Resolved alerts left the logged firing set without a send (sendResolved off): the log is
  // updated now with `next` (sentAt unchanged), so a later re-fire is news again.
  bool forget = false;
};

// firing/resolved: the notification's fingerprints, sorted and unique. `last` is the log entry
// (null: none). Rules, in order: no entry → send if anything fires; an alert fires that the entry
// does not list → send; an alert the entry lists as firing is resolved → send when sendResolved;
// something fires and repeatInterval passed since entry.sentAt → send; else suppress.
Decision decide(const NotificationLogEntry* last, const std::vector<uint64_t>& firing,
                const std::vector<uint64_t>& resolved, TimePoint now, Duration repeatInterval,
                bool sendResolved);

// The entry after this notification: firing = (last.firing ∪ firing) − resolved, so a group
// whose alerts arrive in separate batches is remembered whole; resolved = this one's resolved.
NotificationLogEntry nextEntry(const NotificationLogEntry* last,
                               const std::vector<uint64_t>& firing,
                               const std::vector<uint64_t>& resolved, TimePoint sentAt,
                               Duration repeatInterval);

}  // namespace nm::dedup
