// partitionOf / partitionOfAlert / fairShare: stable values (the same on every replica and build),
// the tenant and the group key both matter, groups the aggregate stage forms never split.
#include "queue/partition_key.h"

#include <gtest/gtest.h>

#include <set>

namespace nm {
namespace {

AlertPtr alertWith(std::initializer_list<std::pair<const char*, const char*>> labels) {
  auto a = std::make_shared<Alert>();
  for (const auto& [k, v] : labels) a->labels.set(k, v);
  return a;
}

TEST(PartitionKey, Fnv1aMatchesTheReferenceVectors) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ull);
}

TEST(PartitionKey, StableValuesPinnedSoReplicasOfAnyBuildAgree) {
  // Pinned: a change here moves every group to another partition across an upgrade.
  EXPECT_EQ(partitionOf("ns1", {"HighCPU"}, 16), fnv1a("ns1\nHighCPU") % 16);
  EXPECT_EQ(partitionOf("", {}, 16), 0xcbf29ce484222325ull % 16);
  EXPECT_EQ(partitionOf("x", {"a", "b"}, 1), 0u);
  EXPECT_EQ(partitionOf("x", {"a"}, 0), 0u);
}

TEST(PartitionKey, TenantAndGroupValuesBothCountAndStayInRange) {
  std::set<uint32_t> seen;
  for (int t = 0; t < 20; ++t)
    for (int g = 0; g < 20; ++g) {
      std::string tenant = "ns" + std::to_string(t), group = "G" + std::to_string(g);
      uint32_t p = partitionOf(tenant, {group}, 16);
      EXPECT_LT(p, 16u);
      seen.insert(p);
    }
  EXPECT_EQ(seen.size(), 16u);  // 400 keys spread over every partition
  // The separator keeps ("ab","") and ("a","b") apart.
  EXPECT_NE(fnv1a("ab\n"), fnv1a("a\nb"));
}

TEST(PartitionKey, AlertsOfOneGroupShareAPartitionWhateverTheirOtherLabels) {
  const std::vector<std::string> groupBy = {"alertname", "severity"};
  auto a = alertWith(
      {{"namespace", "ns1"}, {"alertname", "Disk"}, {"severity", "critical"}, {"pod", "p1"}});
  auto b = alertWith({{"namespace", "ns1"},
                      {"alertname", "Disk"},
                      {"severity", "critical"},
                      {"pod", "p2"},
                      {"instance", "i9"}});
  EXPECT_EQ(partitionOfAlert(*a, "namespace", groupBy, 64),
            partitionOfAlert(*b, "namespace", groupBy, 64));
  EXPECT_EQ(partitionOfAlert(*a, "namespace", groupBy, 64),
            partitionOf("ns1", {"Disk", "critical"}, 64));
  // A missing label counts as empty, as in the aggregate stage.
  auto c = alertWith({{"alertname", "Disk"}});
  EXPECT_EQ(partitionOfAlert(*c, "namespace", groupBy, 64), partitionOf("", {"Disk", ""}, 64));
  // No groupLabels: the tenant alone.
  EXPECT_EQ(partitionOfAlert(*a, "namespace", {}, 64), partitionOf("ns1", {}, 64));
}

TEST(FairShare, CeilOfPartitionsOverLiveReplicas) {
  EXPECT_EQ(fairShare(16, 0), 16u);
  EXPECT_EQ(fairShare(16, 1), 16u);
  EXPECT_EQ(fairShare(16, 2), 8u);
  EXPECT_EQ(fairShare(16, 3), 6u);
  EXPECT_EQ(fairShare(16, 5), 4u);
  EXPECT_EQ(fairShare(16, 16), 1u);
  EXPECT_EQ(fairShare(16, 40), 1u);
  EXPECT_EQ(fairShare(1, 3), 1u);
  // Shares always cover every partition.
  for (uint32_t p = 1; p <= 64; ++p)
    for (uint32_t n = 1; n <= 10; ++n) EXPECT_GE(fairShare(p, n) * n, p);
}

}  // namespace
}  // namespace nm
