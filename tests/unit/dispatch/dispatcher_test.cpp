// Dispatcher: batches run through the stages with one snapshot, the async tail is awaited, at
// most --worker.queue batches are in flight, and drain() waits for everything after close.
#include "dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "observe/metrics.h"
#include "queue/memory_queue.h"

namespace nm {
namespace {

metrics::Registry registry;  // the dispatchers' metrics

class CountingStage : public Stage {
 public:
  explicit CountingStage(std::atomic<size_t>& seen) : seen_(seen) {}
  const char* name() const override { return "count"; }
  void process(Work& w) override { seen_ += w.alerts.size(); }

 private:
  std::atomic<size_t>& seen_;
};

AlertList makeAlerts(size_t n) {
  AlertList out;
  for (size_t i = 0; i < n; ++i) {
    auto a = std::make_shared<Alert>();
    a->labels.set("i", std::to_string(i));
    a->receivedAt = now();
    out.push_back(a);
  }
  return out;
}

config::SnapshotPtr snapshot(int batchMaxSize, Duration wait) {
  auto s = std::make_shared<config::Snapshot>();
  s->nm.batchMaxSize = batchMaxSize;
  s->nm.batchMaxWait = wait;
  return s;
}

TEST(Dispatcher, EveryAlertReachesStagesAndTail) {
  MemoryQueue q(1000);
  config::SnapshotStore store;
  store.publish(snapshot(10, std::chrono::milliseconds(5)));
  std::atomic<size_t> seen{0}, tails{0};
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<CountingStage>(seen));
  Dispatcher d(
      q, store, std::move(stages),
      [&](std::shared_ptr<Work> w, std::function<void()> done) {
        EXPECT_TRUE(w->snapshot);
        EXPECT_GT(w->deadline, w->now);
        tails++;
        done();
      },
      {}, registry);
  d.start();
  q.push(makeAlerts(95), Duration::zero());
  q.close();
  ASSERT_TRUE(d.drain(std::chrono::seconds(10)));
  EXPECT_EQ(seen.load(), 95u);
  EXPECT_EQ(tails.load(), 10u);  // 9 full batches of 10 + one of 5
}

TEST(Dispatcher, InFlightIsBounded) {
  MemoryQueue q(1000);
  config::SnapshotStore store;
  store.publish(snapshot(1, Duration::zero()));
  std::mutex mu;
  std::vector<std::function<void()>> pending;
  std::atomic<size_t> maxSeen{0};
  DispatcherOptions opts;
  opts.maxInFlight = 3;
  Dispatcher* dp = nullptr;
  Dispatcher d(
      q, store, {},
      [&](std::shared_ptr<Work>, std::function<void()> done) {
        std::lock_guard<std::mutex> g(mu);
        pending.push_back(std::move(done));
        maxSeen = std::max(maxSeen.load(), dp->inFlight());
      },
      opts, registry);
  dp = &d;
  d.start();
  q.push(makeAlerts(10), Duration::zero());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard<std::mutex> g(mu);
    EXPECT_EQ(pending.size(), 3u);  // the gate holds the rest in the queue
  }
  q.close();
  // Complete tails until everything drained.
  for (int i = 0; i < 200 && !d.drain(std::chrono::milliseconds(10)); ++i) {
    std::vector<std::function<void()>> now;
    {
      std::lock_guard<std::mutex> g(mu);
      now.swap(pending);
    }
    for (auto& f : now) f();
  }
  EXPECT_TRUE(d.drain(std::chrono::seconds(1)));
  EXPECT_LE(maxSeen.load(), 3u);
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST(Dispatcher, AlertsInFlightAreBounded) {
  MemoryQueue q(1000);
  config::SnapshotStore store;
  store.publish(snapshot(10, Duration::zero()));
  std::mutex mu;
  std::vector<std::function<void()>> pending;
  DispatcherOptions opts;
  opts.maxInFlight = 100;
  opts.maxAlertsInFlight = 25;  // two batches of 10 fit, the third waits
  Dispatcher d(
      q, store, {},
      [&](std::shared_ptr<Work>, std::function<void()> done) {
        std::lock_guard<std::mutex> g(mu);
        pending.push_back(std::move(done));
      },
      opts, registry);
  d.start();
  q.push(makeAlerts(50), Duration::zero());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard<std::mutex> g(mu);
    EXPECT_EQ(pending.size(), 2u);
  }
  // The puller holds the third batch at the gate; the rest stays queued, where its fullness
  // pushes back on senders.
  EXPECT_EQ(q.size(), 20u);
  q.close();
  for (int i = 0; i < 200 && !d.drain(std::chrono::milliseconds(10)); ++i) {
    std::vector<std::function<void()>> now;
    {
      std::lock_guard<std::mutex> g(mu);
      now.swap(pending);
    }
    for (auto& f : now) f();
  }
  EXPECT_TRUE(d.drain(std::chrono::seconds(1)));
}

}  // namespace
}  // namespace nm
