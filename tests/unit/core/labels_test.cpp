// Unit tests for core/labels: sorted set operations and the Prometheus/Alertmanager-compatible
// fingerprint (checked against values computed independently and Prometheus's own test value).
#include <gtest/gtest.h>

#include "core/alert.h"
#include "core/labels.h"

namespace nm {
namespace {

TEST(LabelSet, SortedLookupAndMutation) {
  LabelSet l{{"b", "2"}, {"a", "1"}, {"c", "3"}};
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l.pairs()[0].first, "a");
  EXPECT_EQ(l.get("b"), "2");
  EXPECT_EQ(l.get("missing"), "");
  EXPECT_EQ(l.find("missing"), nullptr);
  l.set("b", "20");
  EXPECT_EQ(l.get("b"), "20");
  EXPECT_FALSE(l.setIfAbsent("a", "x"));
  EXPECT_TRUE(l.setIfAbsent("aa", "x"));
  EXPECT_EQ(l.pairs()[1].first, "aa");
  EXPECT_TRUE(l.erase("aa"));
  EXPECT_FALSE(l.erase("aa"));
  EXPECT_TRUE(l.has("c"));
}

TEST(LabelSet, NormalizeKeepsLastDuplicate) {
  LabelSet l;
  l.appendUnsorted("z", "1");
  l.appendUnsorted("a", "1");
  l.appendUnsorted("z", "2");
  l.normalize();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l.get("z"), "2");
}

TEST(LabelSet, FingerprintMatchesPrometheus) {
  // Empty set: the FNV-1a offset basis (Prometheus emptyLabelSignature).
  EXPECT_EQ(LabelSet{}.fingerprint(), 14695981039346656037ULL);
  // prometheus/common model TestLabelsToSignature.
  LabelSet p{{"name", "garland, briggs"}, {"fear", "love is not enough"}};
  EXPECT_EQ(p.fingerprint(), 5799056148416392346ULL);
  LabelSet a{{"alertname", "TestAlert"}, {"instance", "host1:9100"}, {"severity", "critical"}};
  EXPECT_EQ(fingerprintHex(a.fingerprint()), "b7bd09e8ce3d9c42");
  // Order of construction does not matter.
  LabelSet b{{"severity", "critical"}, {"alertname", "TestAlert"}, {"instance", "host1:9100"}};
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
}

TEST(LabelSet, FingerprintManyEqualsOneByOne) {
  // Lengths that differ (the lockstep part is the shortest), an empty set, and a count that is
  // not a multiple of four.
  std::vector<LabelSet> sets;
  sets.push_back({});
  for (int i = 0; i < 10; ++i) {
    LabelSet l{{"alertname", "A" + std::to_string(i)}, {"instance", std::string(i * 7, 'x')}};
    if (i % 3 == 0) l.set("severity", "critical");
    sets.push_back(l);
  }
  sets.push_back({{"name", "garland, briggs"}, {"fear", "love is not enough"}});
  for (size_t n = 0; n <= sets.size(); ++n) {
    std::vector<const LabelSet*> ptrs;
    for (size_t i = 0; i < n; ++i) ptrs.push_back(&sets[i]);
    std::vector<uint64_t> out(n, 0);
    fingerprintMany(ptrs.data(), n, out.data());
    for (size_t i = 0; i < n; ++i)
      EXPECT_EQ(out[i], sets[i].fingerprint()) << "n=" << n << " i=" << i;
  }
  EXPECT_EQ(sets.back().fingerprint(), 5799056148416392346ULL);
}

TEST(Alert, FinalizeIdentitiesEqualsOneByOne) {
  std::vector<Alert> alerts(7);
  std::vector<Alert*> ptrs;
  for (size_t i = 0; i < alerts.size(); ++i) {
    alerts[i].labels = {{"alertname", "A"}, {"pod", "p" + std::to_string(i * 13)}};
    ptrs.push_back(&alerts[i]);
  }
  finalizeIdentities(ptrs.data(), ptrs.size());
  for (Alert& a : alerts) {
    Alert one = a;
    finalizeIdentity(one);
    EXPECT_EQ(a.fingerprint, one.fingerprint);
    EXPECT_EQ(a.id, one.id);
  }
}

TEST(Alert, FinalizeIdentityDependsOnStartsAt) {
  Alert x;
  x.labels = {{"alertname", "A"}};
  Alert y = x;
  y.startsAt = *parseRfc3339("2024-01-01T00:00:00Z");
  finalizeIdentity(x);
  finalizeIdentity(y);
  EXPECT_EQ(x.fingerprint, y.fingerprint);
  EXPECT_EQ(x.fingerprint, x.labels.fingerprint());
  EXPECT_EQ(x.id.size(), 16u);
  EXPECT_NE(x.id, y.id);
}

}  // namespace
}  // namespace nm
