// Inhibition semantics (Alertmanager's): equal labels (missing reads as ""), the two-sided
// self-inhibition guard, silenced and resolved sources, Match selectors, rule changes, removals.
#include "inhibit/inhibitor.h"

#include <gtest/gtest.h>

#include "fake_alert_store.h"
#include "inhibit/inhibit_stage.h"
#include "inhibit_fixtures.h"
#include "silence/silence_stage.h"

namespace nm::inhibit {
namespace {

using test::at;
using test::inhibitRule;
using test::matchLabels;

AlertPtr alert(std::vector<Label> labels, TimePoint endsAt = kZeroTime,
               AlertStatus status = AlertStatus::Firing) {
  LabelSet l;
  for (auto& [k, v] : labels) l.set(k, v);
  auto a = std::make_shared<Alert>(*test::alert(std::move(l), {}, status));
  a->endsAt = endsAt;
  return a;
}

class InhibitorTest : public ::testing::Test {
 protected:
  InhibitorTest() { inhibitor->follow(store); }

  // The snapshot with one global rule: Source mutes Target when `equal` agree.
  config::SnapshotPtr oneRule(std::vector<std::string> equal, uint64_t version = 1) {
    return test::withRules(
        b,
        {{"", inhibitRule("src-mutes-tgt", matchLabels({{"alertname", "Src"}}),
                          matchLabels({{"alertname", "Tgt"}}), std::move(equal))}},
        version);
  }
  bool muted(const config::SnapshotPtr& snap, const AlertPtr& a, std::string* by = nullptr,
             TimePoint now = at("2024-01-01T12:00:00Z"), std::string_view tenant = "") {
    auto m = inhibitor->muterFor(*snap, now, tenant);
    return m && m->mutes(*a, by);
  }

  test::FakeAlertStore store;
  std::shared_ptr<Inhibitor> inhibitor = std::make_shared<Inhibitor>();
  test::SnapshotBuilder b;
};

TEST_F(InhibitorTest, NoRulesNoMuter) {
  auto snap = test::withRules(b, {});
  EXPECT_EQ(inhibitor->muterFor(*snap, at("2024-01-01T12:00:00Z"), ""), nullptr);
  EXPECT_EQ(inhibitor->muterFor(*snap, at("2024-01-01T12:00:00Z"), "ns1"), nullptr);
}

TEST_F(InhibitorTest, FiringSourceMutesTargetWithEqualLabels) {
  auto snap = oneRule({"cluster", "namespace"});
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}, {"namespace", "a"}})});
  std::string by;
  EXPECT_TRUE(
      muted(snap, alert({{"alertname", "Tgt"}, {"cluster", "c1"}, {"namespace", "a"}}), &by));
  EXPECT_EQ(by, "src-mutes-tgt");
  EXPECT_FALSE(muted(snap, alert({{"alertname", "Tgt"}, {"cluster", "c1"}, {"namespace", "b"}})));
  EXPECT_FALSE(muted(snap, alert({{"alertname", "Other"}, {"cluster", "c1"}, {"namespace", "a"}})));
}

TEST_F(InhibitorTest, EqualLabelMissingOnBothSidesInhibits) {
  auto snap = oneRule({"cluster"});
  store.put({alert({{"alertname", "Src"}})});
  EXPECT_TRUE(muted(snap, alert({{"alertname", "Tgt"}})));
}

TEST_F(InhibitorTest, EqualLabelMissingOnOneSideOnlyInhibitsAnEmptyValue) {
  auto snap = oneRule({"cluster"});
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}})});
  EXPECT_FALSE(muted(snap, alert({{"alertname", "Tgt"}})));
  store.put({alert({{"alertname", "Src"}, {"instance", "x"}})});  // no cluster
  EXPECT_FALSE(muted(snap, alert({{"alertname", "Tgt"}, {"cluster", "c2"}})));
  EXPECT_TRUE(muted(snap, alert({{"alertname", "Tgt"}, {"cluster", ""}})));
  EXPECT_TRUE(muted(snap, alert({{"alertname", "Tgt"}})));
}

TEST_F(InhibitorTest, TwoSidedSourceCannotInhibitAnAlertThatIsASourceToo) {
  // Every alert of the team is a target; critical ones are sources too.
  auto snap = test::withRules(
      b, {{"", inhibitRule("critical-mutes-team", matchLabels({{"severity", "critical"}}),
                           matchLabels({{"team", "db"}}), {"team"})}});
  auto both = alert({{"alertname", "A"}, {"severity", "critical"}, {"team", "db"}});
  store.put({both});
  EXPECT_FALSE(muted(snap, both)) << "an alert never inhibits itself";
  auto twin = alert({{"alertname", "B"}, {"severity", "critical"}, {"team", "db"}});
  EXPECT_FALSE(muted(snap, twin)) << "nor another alert on both sides";
  EXPECT_TRUE(muted(snap, alert({{"alertname", "C"}, {"severity", "warning"}, {"team", "db"}})));
  // A source on the source side only inhibits an alert on both sides.
  auto snap2 = test::withRules(
      b,
      {{"", inhibitRule("critical-mutes-db", matchLabels({{"severity", "critical"}}),
                        matchLabels({{"service", "db"}}))}},
      2);
  store.put({alert({{"alertname", "Outage"}, {"severity", "critical"}})});
  EXPECT_TRUE(
      muted(snap2, alert({{"alertname", "D"}, {"severity", "critical"}, {"service", "db"}})));
}

TEST_F(InhibitorTest, ResolvedSourceDoesNotInhibit) {
  auto snap = oneRule({});
  auto tgt = alert({{"alertname", "Tgt"}});
  store.put({alert({{"alertname", "Src"}}, at("2024-01-01T11:00:00Z"))});
  EXPECT_FALSE(muted(snap, tgt)) << "endsAt has passed";
  store.put({alert({{"alertname", "Src"}}, kZeroTime, AlertStatus::Resolved)});
  EXPECT_FALSE(muted(snap, tgt)) << "resolved without endsAt";
  store.put({alert({{"alertname", "Src"}}, at("2024-01-01T12:05:00Z"))});
  EXPECT_TRUE(muted(snap, tgt, nullptr, at("2024-01-01T12:00:00Z")));
  EXPECT_FALSE(muted(snap, tgt, nullptr, at("2024-01-01T12:05:00Z"))) << "endsAt == now: resolved";
}

TEST_F(InhibitorTest, RemovedSourceStopsInhibiting) {
  auto snap = oneRule({"cluster"});
  auto src = alert({{"alertname", "Src"}, {"cluster", "c1"}});
  store.put({src});
  auto tgt = alert({{"alertname", "Tgt"}, {"cluster", "c1"}});
  EXPECT_TRUE(muted(snap, tgt));
  store.remove(src->fingerprint);
  EXPECT_FALSE(muted(snap, tgt));
}

TEST_F(InhibitorTest, SourceResolvingAndFiringAgainIsFollowed) {
  auto snap = oneRule({"cluster"});
  auto tgt = alert({{"alertname", "Tgt"}, {"cluster", "c1"}});
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}})});
  EXPECT_TRUE(muted(snap, tgt));
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}}, at("2024-01-01T11:59:00Z"))});
  EXPECT_FALSE(muted(snap, tgt));
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}})});
  EXPECT_TRUE(muted(snap, tgt));
}

TEST_F(InhibitorTest, MatchSelectorsOnBothSides) {
  auto snap = test::withRules(
      b, {{"", inhibitRule("node-down", test::regexMatch("alertname", "^Node(Down|Unreachable)$"),
                           test::regexMatch("alertname", "^Pod"), {"node"})}});
  store.put({alert({{"alertname", "NodeUnreachable"}, {"node", "n1"}})});
  EXPECT_TRUE(muted(snap, alert({{"alertname", "PodCrashLooping"}, {"node", "n1"}})));
  EXPECT_FALSE(muted(snap, alert({{"alertname", "PodCrashLooping"}, {"node", "n2"}})));
  EXPECT_FALSE(muted(snap, alert({{"alertname", "KubeletDown"}, {"node", "n1"}})));
  // Match never matches an alert lacking the label: a source without alertname is no source.
  store.put({alert({{"node", "n3"}})});
  EXPECT_FALSE(muted(snap, alert({{"alertname", "PodPending"}, {"node", "n3"}})));
}

TEST_F(InhibitorTest, SourcesPutBeforeTheRuleExistedAreFound) {
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}})});
  auto snap = oneRule({"cluster"});
  EXPECT_TRUE(muted(snap, alert({{"alertname", "Tgt"}, {"cluster", "c1"}})));
}

TEST_F(InhibitorTest, ChangedRuleRebuildsItsCacheUnchangedKeepsIt) {
  store.put({alert({{"alertname", "Src"}, {"cluster", "c1"}, {"zone", "z1"}})});
  auto v1 = oneRule({"cluster"}, 1);
  auto tgt = alert({{"alertname", "Tgt"}, {"cluster", "c1"}, {"zone", "z2"}});
  EXPECT_TRUE(muted(v1, tgt));
  const int reads = store.forEachCalls;
  auto v2 = oneRule({"cluster"}, 2);  // the same rule in a new snapshot
  EXPECT_TRUE(muted(v2, tgt));
  EXPECT_EQ(store.forEachCalls, reads) << "an unchanged rule keeps its cache";
  auto v3 = oneRule({"cluster", "zone"}, 3);  // changed: zone must agree too
  EXPECT_FALSE(muted(v3, tgt));
  EXPECT_EQ(store.forEachCalls, reads + 1) << "a changed rule is built from the store once";
  EXPECT_TRUE(muted(v3, alert({{"alertname", "Tgt"}, {"cluster", "c1"}, {"zone", "z1"}})));
  EXPECT_EQ(inhibitor->cachedRules(), 1u) << "the old rule's cache is dropped";
}

TEST_F(InhibitorTest, SilencedSourceStillInhibitsAndTheStageCounts) {
  // A batch with the target first and its source later; the store holds the whole batch before
  // the silence stage, which removes the source; the inhibit stage still mutes the target.
  b.globalSilence("quiet-src", matchLabels({{"alertname", "Src"}}));
  auto snap = oneRule({"cluster"});
  Work w;
  w.snapshot = snap;
  w.now = at("2024-01-01T12:00:00Z");
  w.drops = &test::drops();
  w.alerts = {alert({{"alertname", "Tgt"}, {"cluster", "c1"}}),
              alert({{"alertname", "Tgt"}, {"cluster", "c2"}}),
              alert({{"alertname", "Src"}, {"cluster", "c1"}})};
  store.put(w.alerts, w.now);
  const uint64_t silencedBefore = test::droppedCount("global_silence");
  const uint64_t inhibitedBefore = test::droppedCount("inhibited");
  SilenceStage().process(w);
  InhibitStage(inhibitor).process(w);
  ASSERT_EQ(w.alerts.size(), 1u);
  EXPECT_EQ(w.alerts[0]->labels.get("cluster"), "c2");
  EXPECT_EQ(test::droppedCount("global_silence") - silencedBefore, 1u);
  EXPECT_EQ(test::droppedCount("inhibited") - inhibitedBefore, 1u);
}

TEST_F(InhibitorTest, WithoutAStoreNothingIsInhibited) {
  Inhibitor alone;
  auto snap = oneRule({});
  auto m = alone.muterFor(*snap, at("2024-01-01T12:00:00Z"), "");
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->mutes(*alert({{"alertname", "Tgt"}}), nullptr));
}

}  // namespace
}  // namespace nm::inhibit

namespace nm::inhibit {
namespace {

TEST(InhibitorScale, HundredRulesEachWithItsSources) {
  Inhibitor inhibitor;
  test::FakeAlertStore store;
  inhibitor.follow(store);
  test::SnapshotBuilder b;
  std::vector<std::pair<std::string, model::InhibitRuleResource>> rules;
  for (int i = 0; i < 100; ++i) {
    const std::string n = std::to_string(i);
    rules.push_back({"", inhibitRule("r" + n, matchLabels({{"alertname", "Src" + n}}),
                                     i < 90 ? matchLabels({{"alertname", "Tgt" + n}})
                                            : test::regexMatch("alertname", "^Tgt" + n + "$"),
                                     {"namespace"})});
  }
  auto snap = test::withRules(b, std::move(rules));
  auto m = inhibitor.muterFor(*snap, at("2024-01-01T12:00:00Z"), "");
  ASSERT_NE(m, nullptr);
  for (int i = 0; i < 100; ++i)
    for (int j = 0; j < 10; ++j)
      store.put({alert(
          {{"alertname", "Src" + std::to_string(i)}, {"namespace", "ns" + std::to_string(j)}})});
  std::string by;
  EXPECT_TRUE(m->mutes(*alert({{"alertname", "Tgt7"}, {"namespace", "ns3"}}), &by));
  EXPECT_EQ(by, "r7");
  EXPECT_TRUE(m->mutes(*alert({{"alertname", "Tgt95"}, {"namespace", "ns9"}}), &by));
  EXPECT_EQ(by, "r95");
  EXPECT_FALSE(m->mutes(*alert({{"alertname", "Tgt7"}, {"namespace", "ns10"}}), nullptr));
  EXPECT_FALSE(m->mutes(*alert({{"alertname", "Src7"}, {"namespace", "ns3"}}), nullptr));
}

}  // namespace
}  // namespace nm::inhibit
