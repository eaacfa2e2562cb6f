// MemoryQueue: all-or-nothing pushes with back-pressure, batches bounded by size and by the age
// of their oldest alert, nack redelivering whole batches after their delay, and draining after
// close.
#include "queue/memory_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace nm {
namespace {

AlertList makeAlerts(size_t n, TimePoint received = now()) {
  AlertList out;
  for (size_t i = 0; i < n; ++i) {
    auto a = std::make_shared<Alert>();
    a->labels.set("alertname", "A" + std::to_string(i));
    a->receivedAt = received;
    out.push_back(a);
  }
  return out;
}

TEST(MemoryQueue, PushIsAllOrNothing) {
  MemoryQueue q(10);
  EXPECT_EQ(q.push(makeAlerts(8), Duration::zero()), PushResult::Accepted);
  EXPECT_EQ(q.push(makeAlerts(3), Duration::zero()), PushResult::Full);
  EXPECT_EQ(q.size(), 8u);
  EXPECT_EQ(q.push(makeAlerts(2), Duration::zero()), PushResult::Accepted);
  EXPECT_EQ(q.size(), 10u);
}

TEST(MemoryQueue, LargerThanCapacityIsFullAtOnce) {
  MemoryQueue q(5);
  EXPECT_EQ(q.push(makeAlerts(6), std::chrono::seconds(5)), PushResult::Full);
}

TEST(MemoryQueue, PushWaitsForRoom) {
  MemoryQueue q(4);
  ASSERT_EQ(q.push(makeAlerts(4), Duration::zero()), PushResult::Accepted);
  std::thread consumer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto b = q.pull(2, Duration::zero());
    ASSERT_TRUE(b);
    EXPECT_EQ(b->alerts.size(), 2u);
  });
  EXPECT_EQ(q.push(makeAlerts(2), std::chrono::seconds(10)), PushResult::Accepted);
  consumer.join();
}

TEST(MemoryQueue, FullBatchReturnsWithoutWaiting) {
  MemoryQueue q(100);
  q.push(makeAlerts(30), Duration::zero());
  auto b = q.pull(10, std::chrono::hours(1));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->alerts.size(), 10u);
  EXPECT_EQ(b->alerts[0]->labels.get("alertname"), "A0");  // FIFO
}

TEST(MemoryQueue, PartialBatchIsDueWhenOldestAlertIsOld) {
  MemoryQueue q(100);
  q.push(makeAlerts(3, now() - std::chrono::hours(1)), Duration::zero());
  auto b = q.pull(10, std::chrono::seconds(30));  // oldest waited an hour: due now
  ASSERT_TRUE(b);
  EXPECT_EQ(b->alerts.size(), 3u);
}

TEST(MemoryQueue, CloseDrainsThenEnds) {
  MemoryQueue q(100);
  q.push(makeAlerts(5), Duration::zero());
  q.close();
  EXPECT_EQ(q.push(makeAlerts(1), Duration::zero()), PushResult::Closed);
  auto b = q.pull(100, std::chrono::hours(1));  // closed: no waiting for a full batch
  ASSERT_TRUE(b);
  EXPECT_EQ(b->alerts.size(), 5u);
  q.ack(*b);
  EXPECT_FALSE(q.pull(100, std::chrono::hours(1)));
}

TEST(MemoryQueue, CloseWakesBlockedPuller) {
  MemoryQueue q(10);
  std::thread t([&] { EXPECT_FALSE(q.pull(5, std::chrono::hours(1))); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.close();
  t.join();
}

std::vector<std::string> names(const PulledBatch& b) {
  std::vector<std::string> out;
  for (const auto& a : b.alerts) out.emplace_back(a->labels.get("alertname"));
  return out;
}

TEST(MemoryQueue, FirstDeliveryCountsOne) {
  MemoryQueue q(10);
  q.push(makeAlerts(2), Duration::zero());
  auto b = q.pull(2, Duration::zero());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->deliveries, 1u);
  EXPECT_TRUE(b->handle);
}

TEST(MemoryQueue, NackRedeliversTheWholeBatchAfterTheDelay) {
  MemoryQueue q(10);
  q.push(makeAlerts(3), Duration::zero());
  auto b = q.pull(3, Duration::zero());
  ASSERT_TRUE(b);
  const auto pulled = names(*b);
  const auto delay = std::chrono::milliseconds(100);
  // Measured on the queue's own clock (nm::now(), the wall clock): the VM's steady clock and a
  // slewed wall clock disagree by tens of microseconds over 100 ms.
  auto nackedAt = now();
  q.nack(*b, delay);
  EXPECT_EQ(q.size(), 3u);                        // waiting alerts still count
  auto again = q.pull(1, std::chrono::hours(1));  // smaller maxSize: the batch comes back whole
  auto waited = now() - nackedAt;
  ASSERT_TRUE(again);
  EXPECT_GE(waited, delay);
  EXPECT_EQ(again->deliveries, 2u);
  EXPECT_EQ(names(*again), pulled);
  EXPECT_NE(again->handle, b->handle);
  EXPECT_EQ(q.size(), 0u);
}

TEST(MemoryQueue, DueRedeliveryGoesAheadOfNewerAlerts) {
  MemoryQueue q(10);
  q.push(makeAlerts(2), Duration::zero());
  auto b = q.pull(2, Duration::zero());
  ASSERT_TRUE(b);
  q.nack(*b, Duration::zero());
  q.push(makeAlerts(1, now() - std::chrono::hours(1)), Duration::zero());  // due at once too
  auto first = q.pull(10, Duration::zero());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->deliveries, 2u);
  EXPECT_EQ(first->alerts.size(), 2u);
  auto second = q.pull(10, Duration::zero());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->deliveries, 1u);
  EXPECT_EQ(second->alerts.size(), 1u);
}

TEST(MemoryQueue, WaitingRedeliveryTakesRoomButIsNeverDropped) {
  MemoryQueue q(4);
  q.push(makeAlerts(3), Duration::zero());
  auto b = q.pull(3, Duration::zero());
  ASSERT_TRUE(b);
  q.push(makeAlerts(4), Duration::zero());  // the queue is full again
  q.nack(*b, std::chrono::hours(1));        // beyond the capacity, kept anyway
  EXPECT_EQ(q.size(), 7u);
  EXPECT_EQ(q.push(makeAlerts(1), Duration::zero()), PushResult::Full);
}

TEST(MemoryQueue, AckedBatchNeverComesBackAndSecondSettleIsIgnored) {
  MemoryQueue q(10);
  q.push(makeAlerts(2), Duration::zero());
  auto b = q.pull(2, Duration::zero());
  ASSERT_TRUE(b);
  q.ack(*b);
  q.nack(*b, Duration::zero());  // already settled: ignored
  q.ack(*b);
  EXPECT_EQ(q.size(), 0u);
  q.push(makeAlerts(1), Duration::zero());  // the marker: what pull returns next
  auto next = q.pull(10, Duration::zero());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->deliveries, 1u);
  EXPECT_EQ(next->alerts.size(), 1u);
  q.ack(*next);
  q.close();
  EXPECT_FALSE(q.pull(10, Duration::zero()));
}

TEST(MemoryQueue, CloseWaitsForUnsettledBatchesAndRedeliversNackedAtOnce) {
  MemoryQueue q(10);
  q.push(makeAlerts(2), Duration::zero());
  auto b = q.pull(2, Duration::zero());
  ASSERT_TRUE(b);
  q.close();
  // Whether the nack lands before or while pull waits, pull must not end the queue while the
  // batch is unsettled, and must not sit out the hour.
  std::thread worker([&q, batch = *b] { q.nack(batch, std::chrono::hours(1)); });
  auto again = q.pull(10, std::chrono::hours(1));
  worker.join();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->deliveries, 2u);
  q.ack(*again);
  EXPECT_FALSE(q.pull(10, std::chrono::hours(1)));
}

}  // namespace
}  // namespace nm
