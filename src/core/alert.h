// The one normalized Alert every source is decoded into, and the Batch that flows through the
// pipeline. Alerts are immutable once queued and shared (shared_ptr<const Alert>) by receivers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/time.h"

namespace nm {

enum class AlertStatus : uint8_t { Firing, Resolved };

inline const char* toString(AlertStatus s) {
  return s == AlertStatus::Firing ? "firing" : "resolved";
}

// How an alert reached the daemon. The dedup stage's default depends on it: Prometheus re-posts
// firing alerts every minute (dedup on), Alertmanager repeats on its own clock (dedup off).
enum class IngestFormat : uint8_t {
  AlertArray,  // a JSON array of postable alerts (Prometheus, amtool, most scripts)
  Webhook,     // an Alertmanager webhook object (Alertmanager already deduplicated it)
  Internal     // made by the daemon itself (the active-alert store's resolve timeout)
};

struct Alert {
  LabelSet labels;
  LabelSet annotations;
  AlertStatus status = AlertStatus::Firing;
  TimePoint startsAt = kZeroTime;
  TimePoint endsAt = kZeroTime;
  // The UTC offsets the sender wrote the times with (seconds east): Go keeps them, so templates
  // print 18:00 +0800 where Alertmanager sent +08:00, and the webhook JSON writes them back.
  int32_t startsAtOffset = 0;
  int32_t endsAtOffset = 0;
  std::string generatorURL;
  // labels.fingerprint(), computed once at ingest.
  uint64_t fingerprint = 0;
  // Stable id of this occurrence: fingerprint mixed with startsAt, 16 hex digits.
  std::string id;
  // When this daemon accepted it: the start of ingest-to-delivery latency.
  TimePoint receivedAt = kZeroTime;
  IngestFormat format = IngestFormat::Webhook;
};

using AlertPtr = std::shared_ptr<const Alert>;
using AlertList = std::vector<AlertPtr>;

// Fills fingerprint and id from labels and startsAt. Call once after labels are final.
void finalizeIdentity(Alert& a);
// The same for n alerts (ingest's batches: the fingerprints are hashed four at a time).
void finalizeIdentities(Alert* const* alerts, size_t n);

}  // namespace nm
