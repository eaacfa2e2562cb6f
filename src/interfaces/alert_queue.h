// The queue seam between ingest and the dispatcher: push with back-pressure (a full queue is an
// answer to the sender, never a drop), pull in batches, and ack after notify and history.
#pragma once

#include <cstdint>
#include <optional>

#include "core/alert.h"
#include "core/time.h"

namespace nm {

enum class PushResult { Accepted, Full, Closed };

struct PulledBatch {
  AlertList alerts;
  uint64_t token = 0;  // backend-specific ack handle (stream ids for Redis/NATS later)
};

class AlertQueue {
 public:
  virtual ~AlertQueue() = default;
  // All or nothing: the whole list is queued, or none of it (so the sender can retry it whole).
  // Waits up to `timeout` for room.
  virtual PushResult push(AlertList alerts, Duration timeout) = 0;
  // Blocks until `maxSize` alerts are available or `maxWait` has passed since the first alert of
  // this batch became available. nullopt once closed and drained.
  virtual std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) = 0;
  // After notify and history: the batch may be forgotten. A no-op for memory.
  virtual void ack(const PulledBatch& batch) = 0;
  // Stop accepting pushes; pull drains what is left, then returns nullopt.
  virtual void close() = 0;
  virtual size_t size() const = 0;
  virtual size_t capacity() const = 0;
};

}  // namespace nm
