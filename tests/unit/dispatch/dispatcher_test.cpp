// Dispatcher: batches run through the stages with one snapshot, the async tail is awaited, at
// most --worker.queue batches are in flight, and drain() waits for everything after close.
#include "dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "observe/metrics.h"
#include "queue/memory_queue.h"
#include "wait_for.h"

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

// Finishes parked tails as they arrive until the dispatcher has drained (closed queue, nothing in
// flight); false when that did not happen before the wait deadline.
bool completeUntilDrained(Dispatcher& d, std::mutex& mu,
                          std::vector<std::function<void()>>& pending) {
  return test::waitFor([&] {
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard<std::mutex> g(mu);
      ready.swap(pending);
    }
    for (auto& f : ready) f();
    return d.drain(Duration::zero());
  });
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
  auto pendingCount = [&] {
    std::lock_guard<std::mutex> g(mu);
    return pending.size();
  };
  q.push(makeAlerts(10), Duration::zero());
  // Three batches reach the tail and the puller has taken the fourth (6 left queued): it can only
  // pass the gate when a tail finishes, and none has, so no later tail call can still come.
  ASSERT_TRUE(test::waitFor([&] { return pendingCount() == 3u && q.size() == 6u; }))
      << "tails: " << pendingCount() << ", queued: " << q.size();
  EXPECT_EQ(pendingCount(), 3u);  // the gate holds the rest in the queue
  EXPECT_EQ(d.inFlight(), 3u);
  // Finishing one tail lets exactly the held batch through: the gate was what held it.
  std::function<void()> first;
  {
    std::lock_guard<std::mutex> g(mu);
    first = std::move(pending.front());
    pending.erase(pending.begin());
  }
  first();
  ASSERT_TRUE(test::waitFor([&] { return pendingCount() == 3u && q.size() == 5u; }))
      << "tails: " << pendingCount() << ", queued: " << q.size();
  q.close();
  EXPECT_TRUE(completeUntilDrained(d, mu, pending));
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
  auto pendingCount = [&] {
    std::lock_guard<std::mutex> g(mu);
    return pending.size();
  };
  q.push(makeAlerts(50), Duration::zero());
  // The puller holds the third batch at the gate; the rest stays queued, where its fullness
  // pushes back on senders. Once 20 are left the third batch has been pulled, and with no tail
  // finished it cannot pass the gate: the count below is final, not a snapshot of a race.
  ASSERT_TRUE(test::waitFor([&] { return pendingCount() == 2u && q.size() == 20u; }))
      << "tails: " << pendingCount() << ", queued: " << q.size();
  EXPECT_EQ(pendingCount(), 2u);
  EXPECT_EQ(q.size(), 20u);
  q.close();
  EXPECT_TRUE(completeUntilDrained(d, mu, pending));
}

}  // namespace
}  // namespace nm
