// markOverShare / acquireOrder (shared by the Redis and NATS leases) and the NATS lease value
// and live-replica count: pure, so every replica rebalances the same way.
#include "queue/lease_share.h"

#include <gtest/gtest.h>

#include <set>

#include "queue/nats_leases.h"

namespace nm {
namespace {

LeaseHolds holding(std::initializer_list<uint32_t> parts) {
  LeaseHolds h;
  for (uint32_t p : parts) h[p] = LeaseHold{};
  return h;
}

TEST(LeaseShare, OverTheShareTheHighestPartitionsDrain) {
  LeaseHolds h = holding({1, 4, 7, 9});
  EXPECT_EQ(markOverShare(h, 2), 2u);
  EXPECT_FALSE(h[1].draining);
  EXPECT_FALSE(h[4].draining);
  EXPECT_TRUE(h[7].draining);
  EXPECT_TRUE(h[9].draining);
  EXPECT_EQ(activeLeases(h), (std::vector<uint32_t>{1, 4}));
}

TEST(LeaseShare, WithinTheShareNothingDrainsAndDrainingOnesStayDraining) {
  LeaseHolds h = holding({2, 3});
  h[3].draining = true;
  EXPECT_EQ(markOverShare(h, 5), 1u);
  EXPECT_FALSE(h[2].draining);
  EXPECT_TRUE(h[3].draining);  // a grown share does not take back a lease being given up
}

TEST(LeaseShare, AcquireOrderVisitsEveryPartitionOnceFromAReplicaOffset) {
  std::vector<uint32_t> a = acquireOrder("host-1", 16);
  ASSERT_EQ(a.size(), 16u);
  EXPECT_EQ(std::set<uint32_t>(a.begin(), a.end()).size(), 16u);
  for (size_t k = 1; k < a.size(); ++k) EXPECT_EQ(a[k], (a[k - 1] + 1) % 16);
  EXPECT_EQ(acquireOrder("host-1", 16), a);  // stable
  EXPECT_TRUE(acquireOrder("x", 0).empty());
}

TEST(NatsLeaseValue, RoundTripsAndRejectsGarbage) {
  NatsLeaseValue v{1700000000123, "node-a-42"};
  std::string text = encodeLeaseValue(v);
  EXPECT_EQ(text, "1700000000123 node-a-42");
  auto back = parseLeaseValue(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->expiresMs, v.expiresMs);
  EXPECT_EQ(back->replica, v.replica);
  EXPECT_FALSE(parseLeaseValue(""));
  EXPECT_FALSE(parseLeaseValue("node-a"));
  EXPECT_FALSE(parseLeaseValue(" node-a"));
  EXPECT_FALSE(parseLeaseValue("12x node-a"));
  auto released = parseLeaseValue(encodeLeaseValue({0, "r"}));
  ASSERT_TRUE(released);
  EXPECT_EQ(released->expiresMs, 0);  // given back: anyone may take it
}

TEST(NatsLeaseValue, LiveReplicasAreThoseSeenWithinTheTtlSorted) {
  const Duration ttl = std::chrono::seconds(2);
  using V = std::vector<std::string>;
  EXPECT_EQ(liveReplicaIdsOf({{"c", 10000}, {"a", 9000}, {"b", 8000}, {"old", 7999}}, 10000, ttl),
            (V{"a", "b", "c"}));
  EXPECT_EQ(liveReplicaIdsOf({}, 10000, ttl), V{});
  EXPECT_EQ(liveReplicaIdsOf({{"x", 1}}, 10000, ttl), V{});
}

TEST(LeaseCadence, TicksQuicklyOnlyWhilePartitionsMove) {
  using std::chrono::seconds;
  const Duration every = seconds(3), fast = LeaseCadence::kSettleTick;
  LeaseCadence c(every, seconds(20));
  TimePoint t = TimePoint{} + seconds(1000);
  LeaseHolds held;
  for (uint32_t p = 0; p < 4; ++p) held[p] = LeaseHold{t + seconds(10), false, 0};
  // The first tick is a change; at the full share nothing moves.
  EXPECT_EQ(c.next(held, 4, 1, t), every);
  // A second replica: over the share, two leases drain, quick ticks until they are given up.
  markOverShare(held, 2);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(1)), fast);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(1)), fast);
  held.erase(3);
  held.erase(2);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(1)), every);  // at the share again
  // Under the share after a change: quick while settling, then the normal tick.
  held.erase(1);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(1)), fast);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(19)), fast);
  EXPECT_EQ(c.next(held, 2, 2, t += seconds(2)), every);  // others hold the rest: stop asking
  // A replica joining again counts as a change.
  EXPECT_EQ(c.next(held, 2, 3, t += seconds(1)), fast);
}

}  // namespace
}  // namespace nm
