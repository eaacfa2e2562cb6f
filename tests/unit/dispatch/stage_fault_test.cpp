// Stage faults: a batch whose stage throws is nacked and delivered again with backoff, then, at
// the delivery bound, dropped and counted under stage_error; every batch is settled exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "dispatch/dispatcher.h"
#include "observe/metrics.h"
#include "queue/memory_queue.h"

namespace nm {
namespace {

metrics::Registry registry;  // the dispatchers' metrics, read back by stageErrorDrops()

using std::chrono::milliseconds;
using std::chrono::seconds;

// The memory queue, recording every ack and nack by batch handle so a test can wait for them
// and prove no batch was settled twice.
class RecordingQueue final : public AlertQueue {
 public:
  explicit RecordingQueue(size_t capacity) : q_(capacity) {}

  PushResult push(AlertList alerts, Duration timeout) override {
    return q_.push(std::move(alerts), timeout);
  }
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override {
    return q_.pull(maxSize, maxWait);
  }
  void ack(const PulledBatch& b) override {
    record(b, true);
    q_.ack(b);
  }
  void nack(PulledBatch b, Duration delay) override {
    record(b, false);
    q_.nack(std::move(b), delay);
  }
  void close() override { q_.close(); }
  size_t size() const override { return q_.size(); }
  size_t capacity() const override { return q_.capacity(); }

  // Waits up to 10 s for `pred` (called under the lock); false at the deadline.
  template <class Pred>
  bool waitFor(Pred pred) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, seconds(10), [&] { return pred(*this); });
  }

  size_t acks = 0, nacks = 0, settledTwice = 0;
  std::vector<uint32_t> nackedDeliveries;

 private:
  void record(const PulledBatch& b, bool ack) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (++settles_[b.handle] > 1) ++settledTwice;
      if (ack) {
        ++acks;
      } else {
        ++nacks;
        nackedDeliveries.push_back(b.deliveries);
      }
    }
    cv_.notify_all();
  }

  MemoryQueue q_;
  std::mutex mu_;
  std::condition_variable cv_;
  // Holding the handles keeps their addresses from being reused by later batches.
  std::map<std::shared_ptr<BatchHandle>, int> settles_;
};

// Throws on its first `failures` calls (all calls when negative), with a std::exception or, when
// `foreign`, an int.
class FaultyStage final : public Stage {
 public:
  FaultyStage(int failures, bool foreign = false) : failures_(failures), foreign_(foreign) {}
  const char* name() const override { return "faulty"; }
  void process(Work&) override {
    int call = calls++;
    if (failures_ < 0 || call < failures_) {
      if (foreign_) throw 42;
      throw std::runtime_error("injected fault");
    }
  }
  std::atomic<int> calls{0};

 private:
  const int failures_;
  const bool foreign_;
};

// Counts the tail's calls and the alerts they carry.
struct TailLog {
  std::mutex mu;
  std::condition_variable cv;
  size_t calls = 0, alerts = 0;
  AsyncTail tail() {
    return [this](std::shared_ptr<Work> w, std::function<void()> done) {
      {
        std::lock_guard<std::mutex> g(mu);
        ++calls;
        alerts += w->alerts.size();
      }
      cv.notify_all();
      done();
    };
  }
};

AlertList makeAlerts(size_t n) {
  AlertList out;
  for (size_t i = 0; i < n; ++i) {
    auto a = std::make_shared<Alert>();
    a->labels.set("alertname", "A" + std::to_string(i));
    a->receivedAt = now();
    out.push_back(a);
  }
  return out;
}

config::SnapshotPtr snapshot() {
  auto s = std::make_shared<config::Snapshot>();
  s->nm.batchMaxSize = 100;
  s->nm.batchMaxWait = Duration::zero();
  return s;
}

// nm_alerts_dropped_total{reason="stage_error"} as /metrics renders it (0 before the first drop).
double stageErrorDrops() {
  const std::string text = registry.render();
  const std::string key = "nm_alerts_dropped_total{reason=\"stage_error\"} ";
  size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + key.size()));
}

DispatcherOptions fastRetries(uint32_t maxDeliveries) {
  DispatcherOptions o;
  o.maxInFlight = 1;  // a redelivery needs the slot its failed delivery held
  o.maxDeliveries = maxDeliveries;
  o.stageRetryDelay = milliseconds(5);
  o.stageRetryMaxDelay = milliseconds(20);
  return o;
}

TEST(StageFault, BackoffDoublesUpToTheCap) {
  DispatcherOptions o;
  o.stageRetryDelay = seconds(1);
  o.stageRetryMaxDelay = seconds(30);
  EXPECT_EQ(stageRetryDelay(o, 1), seconds(1));
  EXPECT_EQ(stageRetryDelay(o, 2), seconds(2));
  EXPECT_EQ(stageRetryDelay(o, 3), seconds(4));
  EXPECT_EQ(stageRetryDelay(o, 6), seconds(30));
  EXPECT_EQ(stageRetryDelay(o, 4000000000u), seconds(30));
}

TEST(StageFault, FailedFirstDeliveryIsRetriedAndDeliveredOnce) {
  RecordingQueue q(100);
  config::SnapshotStore store;
  store.publish(snapshot());
  auto stage = std::make_unique<FaultyStage>(1);
  FaultyStage* faulty = stage.get();
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::move(stage));
  TailLog tail;
  const double dropsBefore = stageErrorDrops();
  Dispatcher d(q, store, std::move(stages), tail.tail(), fastRetries(3), registry);
  d.start();
  ASSERT_EQ(q.push(makeAlerts(3), Duration::zero()), PushResult::Accepted);
  ASSERT_TRUE(q.waitFor([](RecordingQueue& r) { return r.acks == 1; }));
  q.close();
  ASSERT_TRUE(d.drain(seconds(10)));
  EXPECT_EQ(faulty->calls.load(), 2);
  EXPECT_EQ(q.nacks, 1u);
  EXPECT_EQ(q.nackedDeliveries, std::vector<uint32_t>{1});
  EXPECT_EQ(q.settledTwice, 0u);
  std::lock_guard<std::mutex> g(tail.mu);
  EXPECT_EQ(tail.calls, 1u);
  EXPECT_EQ(tail.alerts, 3u);
  EXPECT_EQ(stageErrorDrops(), dropsBefore);
  EXPECT_EQ(q.size(), 0u);
}

TEST(StageFault, AlwaysFailingBatchIsDroppedAtTheBoundAndCounted) {
  RecordingQueue q(100);
  config::SnapshotStore store;
  store.publish(snapshot());
  auto stage = std::make_unique<FaultyStage>(-1);
  FaultyStage* faulty = stage.get();
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::move(stage));
  TailLog tail;
  const double dropsBefore = stageErrorDrops();
  Dispatcher d(q, store, std::move(stages), tail.tail(), fastRetries(3), registry);
  d.start();
  ASSERT_EQ(q.push(makeAlerts(4), Duration::zero()), PushResult::Accepted);
  ASSERT_TRUE(q.waitFor([](RecordingQueue& r) { return r.acks == 1; }));
  q.close();
  ASSERT_TRUE(d.drain(seconds(10)));
  EXPECT_EQ(faulty->calls.load(), 3);
  EXPECT_EQ(q.nacks, 2u);
  EXPECT_EQ(q.nackedDeliveries, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(q.acks, 1u);
  EXPECT_EQ(q.settledTwice, 0u);
  EXPECT_EQ(stageErrorDrops(), dropsBefore + 4);
  EXPECT_EQ(q.size(), 0u);
  std::lock_guard<std::mutex> g(tail.mu);
  EXPECT_EQ(tail.calls, 0u);
}

TEST(StageFault, NonStandardExceptionIsCaughtAndCounted) {
  RecordingQueue q(100);
  config::SnapshotStore store;
  store.publish(snapshot());
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FaultyStage>(-1, true));
  TailLog tail;
  const double dropsBefore = stageErrorDrops();
  Dispatcher d(q, store, std::move(stages), tail.tail(), fastRetries(1), registry);
  d.start();
  ASSERT_EQ(q.push(makeAlerts(2), Duration::zero()), PushResult::Accepted);
  ASSERT_TRUE(q.waitFor([](RecordingQueue& r) { return r.acks == 1; }));
  q.close();
  ASSERT_TRUE(d.drain(seconds(10)));
  EXPECT_EQ(q.nacks, 0u);  // one delivery allowed: dropped at once
  EXPECT_EQ(stageErrorDrops(), dropsBefore + 2);
}

TEST(StageFault, ThrowingTailIsRetriedLikeAStage) {
  RecordingQueue q(100);
  config::SnapshotStore store;
  store.publish(snapshot());
  std::atomic<int> tails{0};
  AsyncTail tail = [&tails](std::shared_ptr<Work>, std::function<void()> done) {
    if (tails++ == 0) throw std::runtime_error("tail fault");
    done();
  };
  Dispatcher d(q, store, {}, tail, fastRetries(3), registry);
  d.start();
  ASSERT_EQ(q.push(makeAlerts(1), Duration::zero()), PushResult::Accepted);
  ASSERT_TRUE(q.waitFor([](RecordingQueue& r) { return r.acks == 1; }));
  q.close();
  ASSERT_TRUE(d.drain(seconds(10)));
  EXPECT_EQ(tails.load(), 2);
  EXPECT_EQ(q.nacks, 1u);
  EXPECT_EQ(q.settledTwice, 0u);
}

}  // namespace
}  // namespace nm
