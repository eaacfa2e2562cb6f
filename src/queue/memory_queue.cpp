// MemoryQueue: a batch is due when it is full or when its oldest alert has waited batchMaxWait,
// so no alert waits longer than batchMaxWait for its batch, whatever the traffic. Nacked batches
// wait aside, counted in size(), and come back whole, ahead of newer alerts, once due.
#include "queue/memory_queue.h"

#include <algorithm>
#include <atomic>

namespace nm {

namespace {

// Marks one pulled batch so that its first ack or nack settles it and later ones are ignored.
struct MemoryBatchHandle final : BatchHandle {
  explicit MemoryBatchHandle(const void* q) : owner(q) {}
  const void* owner;
  std::atomic<bool> settled{false};
};

std::chrono::time_point<Clock, Clock::duration> toClock(TimePoint t) {
  return std::chrono::time_point_cast<Clock::duration>(t);
}

}  // namespace

MemoryQueue::MemoryQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

PushResult MemoryQueue::push(AlertList alerts, Duration timeout) {
  if (alerts.empty()) return PushResult::Accepted;
  std::unique_lock<std::mutex> lk(mu_);
  if (closed_) return PushResult::Closed;
  if (alerts.size() > capacity_) return PushResult::Full;  // could never fit
  auto fits = [&] { return closed_ || heldLocked() + alerts.size() <= capacity_; };
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

bool MemoryQueue::redeliveryDueLocked(TimePoint t) const {
  // Once closed, waiting batches are due at once: draining does not sit out backoffs.
  return !redeliveries_.empty() && (closed_ || redeliveries_.begin()->first <= t);
}

std::optional<PulledBatch> MemoryQueue::pull(size_t maxSize, Duration maxWait) {
  if (maxSize == 0) maxSize = 1;
  std::unique_lock<std::mutex> lk(mu_);
  // An alert without receivedAt ages from the moment this pull first saw it.
  std::optional<TimePoint> firstSeen;
  for (;;) {
    TimePoint t = now();
    if (redeliveryDueLocked(t)) {
      auto it = redeliveries_.begin();
      PulledBatch b = std::move(it->second);
      redeliveries_.erase(it);
      redeliveryAlerts_ -= b.alerts.size();
      b.handle = std::make_shared<MemoryBatchHandle>(this);
      ++unsettled_;
      lk.unlock();
      notFull_.notify_all();
      return b;
    }
    TimePoint wakeAt = TimePoint::max();
    if (!items_.empty()) {
      TimePoint oldest = items_.front()->receivedAt;
      if (oldest == kZeroTime) oldest = firstSeen ? *firstSeen : *(firstSeen = t);
      TimePoint due = oldest + maxWait;
      if (closed_ || items_.size() >= maxSize || due <= t) break;
      wakeAt = due;
    } else if (closed_ && redeliveries_.empty() && unsettled_ == 0) {
      return std::nullopt;  // closed and drained
    }
    if (!redeliveries_.empty()) wakeAt = std::min(wakeAt, redeliveries_.begin()->first);
    if (wakeAt == TimePoint::max()) {
      notEmpty_.wait(lk);
    } else {
      notEmpty_.wait_until(lk, toClock(wakeAt));
    }
  }
  PulledBatch b;
  size_t n = std::min(maxSize, items_.size());
  b.alerts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    b.alerts.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  b.handle = std::make_shared<MemoryBatchHandle>(this);
  ++unsettled_;
  lk.unlock();
  notFull_.notify_all();
  return b;
}

bool MemoryQueue::settle(const PulledBatch& batch) {
  auto* h = dynamic_cast<MemoryBatchHandle*>(batch.handle.get());
  if (!h || h->owner != this || h->settled.exchange(true)) return false;
  return true;
}

void MemoryQueue::ack(const PulledBatch& batch) {
  if (!settle(batch)) return;
  bool wake;
  {
    std::lock_guard<std::mutex> g(mu_);
    --unsettled_;
    wake = closed_ && unsettled_ == 0;
  }
  if (wake) notEmpty_.notify_all();  // a closing puller waits for the last settle
}

void MemoryQueue::nack(PulledBatch batch, Duration delay) {
  if (!settle(batch)) return;
  batch.handle.reset();
  ++batch.deliveries;
  // Bounded so that now() + delay cannot overflow.
  delay = std::clamp(delay, Duration::zero(), Duration(std::chrono::hours(24 * 365)));
  {
    std::lock_guard<std::mutex> g(mu_);
    --unsettled_;
    if (!batch.alerts.empty()) {
      redeliveryAlerts_ += batch.alerts.size();
      redeliveries_.emplace(now() + delay, std::move(batch));
    }
  }
  notEmpty_.notify_all();
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
  return heldLocked();
}

}  // namespace nm
