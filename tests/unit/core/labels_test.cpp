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
