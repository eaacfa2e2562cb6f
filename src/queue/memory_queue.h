// The bounded in-memory queue (--store.type=memory): a deque under one mutex, all-or-nothing
// pushes that wait up to pushTimeout for room, batch pulls bounded by size and age.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "interfaces/alert_queue.h"

namespace nm {

class MemoryQueue final : public AlertQueue {
 public:
  explicit MemoryQueue(size_t capacity);

  PushResult push(AlertList alerts, Duration timeout) override;
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override;
  void ack(const PulledBatch&) override {}
  void close() override;
  size_t size() const override;
  size_t capacity() const override { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable notEmpty_;
  std::condition_variable notFull_;
  std::deque<AlertPtr> items_;
  bool closed_ = false;
};

}  // namespace nm
