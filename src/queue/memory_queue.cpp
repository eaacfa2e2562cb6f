// MemoryQueue: a batch is due when it is full or when its oldest alert has waited batchMaxWait,
// so no alert waits longer than batchMaxWait for its batch, whatever the traffic.
#include "queue/memory_queue.h"

namespace nm {

MemoryQueue::MemoryQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

PushResult MemoryQueue::push(AlertList alerts, Duration timeout) {
  if (alerts.empty()) return PushResult::Accepted;
  std::unique_lock<std::mutex> lk(mu_);
  if (closed_) return PushResult::Closed;
  if (alerts.size() > capacity_) return PushResult::Full;  // could never fit
  auto fits = [&] { return closed_ || items_.size() + alerts.size() <= capacity_; };
  if (!fits()) {
    if (timeout <= Duration::zero() || !notFull_.wait_for(lk, timeout, fits))
      return PushResult::Full;
    if (closed_) return PushResult::Closed;
  }
  for (auto& a : alerts) items_.push_back(std::move(a));
  lk.unlock();
  notEmpty_.notify_one();
  return PushResult::Accepted;
}

std::optional<PulledBatch> MemoryQueue::pull(size_t maxSize, Duration maxWait) {
  if (maxSize == 0) maxSize = 1;
  std::unique_lock<std::mutex> lk(mu_);
  notEmpty_.wait(lk, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return std::nullopt;  // closed and drained
  if (!closed_ && items_.size() < maxSize) {
    // The batch is due maxWait after its oldest alert was accepted.
    TimePoint oldest = items_.front()->receivedAt;
    TimePoint due = (oldest == kZeroTime ? now() : oldest) + maxWait;
    auto dueSys = std::chrono::time_point_cast<Clock::duration>(due);
    notEmpty_.wait_until(lk, dueSys, [&] { return closed_ || items_.size() >= maxSize; });
  }
  PulledBatch b;
  size_t n = std::min(maxSize, items_.size());
  b.alerts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    b.alerts.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  lk.unlock();
  notFull_.notify_all();
  return b;
}

void MemoryQueue::close() {
  {
    std::lock_guard<std::mutex> g(mu_);
    closed_ = true;
  }
  notEmpty_.notify_all();
  notFull_.notify_all();
}

size_t MemoryQueue::size() const {
  std::lock_guard<std::mutex> g(mu_);
  return items_.size();
}

}  // namespace nm
