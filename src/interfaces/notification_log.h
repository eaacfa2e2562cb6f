// The notification log seam (Alertmanager's nflog): per (receiver, group key), which alerts the
// last notification carried and when, so the dedup stage sends only what is new or due.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace nm {

struct NotificationLogEntry {
  std::vector<uint64_t> firing;    // fingerprints, sorted
  std::vector<uint64_t> resolved;  // fingerprints, sorted
  TimePoint sentAt = kZeroTime;
  TimePoint expiresAt = kZeroTime;  // dropped after (2 × repeatInterval, as Alertmanager)
};

// Entries are immutable once recorded and shared: a group's entry holds every fingerprint it
// notified (thousands for a big group), so a query hands out the entry, never a copy of it.
using NotificationLogEntryPtr = std::shared_ptr<const NotificationLogEntry>;

// Threads: query on worker threads, record on the HTTP client's loop after a successful send.
class NotificationLog {
 public:
  virtual ~NotificationLog() = default;
  // The live entry, null when there is none or it expired.
  virtual NotificationLogEntryPtr query(std::string_view receiverKey,
                                        std::string_view groupKey) const = 0;
  virtual void record(std::string_view receiverKey, std::string_view groupKey,
                      NotificationLogEntry entry) = 0;
};

}  // namespace nm
