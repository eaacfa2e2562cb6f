// The bounded in-memory queue (--store.type=memory): a deque under one mutex, all-or-nothing
// pushes that wait up to pushTimeout for room, batch pulls bounded by size and age, and nacked
// batches held aside until their redelivery is due.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "interfaces/alert_queue.h"

namespace nm {

class MemoryQueue final : public AlertQueue {
 public:
  explicit MemoryQueue(size_t capacity);

  PushResult push(AlertList alerts, Duration timeout) override;
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override;
  void ack(const PulledBatch& batch) override;
  void nack(PulledBatch batch, Duration delay) override;
  void close() override;
  size_t size() const override;
  size_t capacity() const override { return capacity_; }

 private:
  // Settles the batch's handle once; false when it was settled already (or is not ours).
  bool settle(const PulledBatch& batch);
  size_t heldLocked() const { return items_.size() + redeliveryAlerts_; }
  bool redeliveryDueLocked(TimePoint t) const;

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable notEmpty_;
  std::condition_variable notFull_;
  std::deque<AlertPtr> items_;
  // Nacked batches by due time (then nack order), each redelivered whole.
  std::multimap<TimePoint, PulledBatch> redeliveries_;
  size_t redeliveryAlerts_ = 0;
  // Pulled and neither acked nor nacked yet: after close, pull waits for them.
  size_t unsettled_ = 0;
  bool closed_ = false;
};

}  // namespace nm
