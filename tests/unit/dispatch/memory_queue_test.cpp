// MemoryQueue: all-or-nothing pushes with back-pressure, batches bounded by size and by the age
// of their oldest alert, and draining after close.
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
  EXPECT_FALSE(q.pull(100, std::chrono::hours(1)));
}

TEST(MemoryQueue, CloseWakesBlockedPuller) {
  MemoryQueue q(10);
  std::thread t([&] { EXPECT_FALSE(q.pull(5, std::chrono::hours(1))); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.close();
  t.join();
}

}  // namespace
}  // namespace nm
