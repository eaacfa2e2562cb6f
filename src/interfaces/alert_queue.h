// The queue seam between ingest and the dispatcher: push with back-pressure (a full queue is an
// answer to the sender, never a drop), pull in batches, then ack (done) or nack (redeliver later).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/alert.h"
#include "core/time.h"

namespace nm {

// Unavailable: the backend cannot be reached (a durable queue's server is down); the sender gets
// 503 with Retry-After, as for Full.
enum class PushResult { Accepted, Full, Closed, Unavailable };

// What a backend needs to settle a pulled batch: Redis stream entry ids, JetStream reply
// subjects, … (many messages per batch). Opaque to the dispatcher; each backend derives its own.
class BatchHandle {
 public:
  virtual ~BatchHandle() = default;
};

struct PulledBatch {
  AlertList alerts;
  std::shared_ptr<BatchHandle> handle;
  // 1 on first delivery, +1 on each redelivery after a nack (a durable backend also counts
  // redeliveries after a crash: Redis' delivery counter, JetStream's NumDelivered).
  uint32_t deliveries = 1;
};

// Every pulled batch is settled exactly once, by ack or nack; a second settle is ignored.
// Threads: push runs on HTTP I/O threads with a zero timeout (and on a blocking pool when it
// waits); pull on the dispatcher's thread; ack and nack on worker threads and on the HTTP
// client's event-loop thread. So ack, nack, size and capacity never block on I/O: a durable
// backend queues the acknowledgement for its own connection thread and answers size/capacity
// from local state.
class AlertQueue {
 public:
  virtual ~AlertQueue() = default;
  // All or nothing: the whole list is queued, or none of it (so the sender can retry it whole).
  // Waits up to `timeout` for room; a zero timeout never waits.
  virtual PushResult push(AlertList alerts, Duration timeout) = 0;
  // push with a zero timeout, answered through `done` exactly once, on any thread. A durable
  // backend answers from its own I/O thread once the server stored the alerts, so the caller
  // (an HTTP I/O thread) does not wait for the round trip. Default: push, then done.
  virtual void pushAsync(AlertList alerts, std::function<void(PushResult)> done) {
    done(push(std::move(alerts), Duration::zero()));
  }
  // Blocks until `maxSize` alerts are available or `maxWait` has passed since the first alert of
  // this batch became available; a redelivered batch comes back whole once due, ahead of newer
  // alerts. nullopt once closed and nothing is left: no queued alert, no nacked batch, no pulled
  // batch still unsettled (its nack would bring it back).
  virtual std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) = 0;
  // After notify and history: the batch's messages may be forgotten. Non-blocking; a backend
  // finds the messages by the handle.
  virtual void ack(const PulledBatch& batch) = 0;
  // The batch failed: deliver it again, whole, with deliveries + 1, no sooner than `delay` from
  // now. Takes the batch as pulled (the memory queue redelivers its `alerts`; a durable backend
  // redelivers by handle). Non-blocking; never drops the alerts (they may exceed the capacity).
  virtual void nack(PulledBatch batch, Duration delay) = 0;
  // Stop accepting pushes; pull drains what is left, then returns nullopt.
  virtual void close() = 0;
  // Alerts held: queued, plus nacked ones waiting for redelivery (the durable backends count
  // their stored units instead: a Redis entry, a JetStream message, each holding one push's
  // alerts of one partition).
  virtual size_t size() const = 0;
  // The most alerts (durable backends: entries, messages) a push may fill the queue to. The daemon
  // bounds alerts in flight and parked sends by it.
  virtual size_t capacity() const = 0;
  // Whether the backend answers (a durable queue's server); while it does not, /-/ready reports
  // not ready with unavailableReason(). In-process backends are always available.
  virtual bool available() const { return true; }
  virtual std::string unavailableReason() const { return {}; }
};

}  // namespace nm
