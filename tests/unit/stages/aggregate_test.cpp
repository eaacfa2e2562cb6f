// Unit tests for the aggregate stage: grouping by groupLabels (order, missing labels, one group
// when unset), group/common labels and annotations, receiverName and Data::status().
#include <gtest/gtest.h>

#include "aggregate/aggregate_stage.h"
#include "fixtures.h"

namespace nm {
namespace {

using test::alert;

class AggregateTest : public ::testing::Test {
 protected:
  std::vector<Notification> aggregate(std::vector<RoutedAlerts> routed) {
    Work w;
    w.drops = &test::drops();
    w.snapshot = b.build();
    w.routed = std::move(routed);
    AggregateStage().process(w);
    return w.notifications;
  }
  static std::vector<std::string> names(const Data& d) {
    std::vector<std::string> out;
    for (const auto& a : d.alerts) out.emplace_back(a->labels.get("alertname"));
    return out;
  }
  test::SnapshotBuilder b;
};

TEST_F(AggregateTest, GroupsByLabelsInOrderOfFirstAppearance) {
  b.snapshot().nm.groupLabels = {"alertname", "namespace"};
  auto r = b.globalReceiver("g");
  auto a1 = alert({{"alertname", "A"}, {"namespace", "n1"}, {"pod", "p1"}});
  auto b1 = alert({{"alertname", "B"}, {"namespace", "n1"}});
  auto a2 = alert({{"alertname", "A"}, {"namespace", "n1"}, {"pod", "p2"}});
  auto a3 = alert({{"alertname", "A"}});  // namespace missing: its own group, value ""
  auto ns = aggregate({RoutedAlerts{r, {a1, b1, a2, a3}}});
  ASSERT_EQ(ns.size(), 3u);
  EXPECT_EQ(names(*ns[0].data), (std::vector<std::string>{"A", "A"}));
  EXPECT_EQ(ns[0].data->groupLabels, (LabelSet{{"alertname", "A"}, {"namespace", "n1"}}));
  EXPECT_EQ(names(*ns[1].data), (std::vector<std::string>{"B"}));
  EXPECT_EQ(ns[2].data->groupLabels, (LabelSet{{"alertname", "A"}}));
  EXPECT_EQ(ns[0].data->commonLabels, (LabelSet{{"alertname", "A"}, {"namespace", "n1"}}));
  for (const auto& n : ns) {
    EXPECT_EQ(n.receiver, r);
    EXPECT_EQ(n.data->receiverName, "g");
  }
}

TEST_F(AggregateTest, NoGroupLabelsMeansOneGroupPerReceiver) {
  auto g = b.globalReceiver("g");
  auto t = b.tenantReceiver("ns1", "t");
  auto x = alert({{"alertname", "X"}});
  auto y = alert({{"alertname", "Y"}});
  auto ns = aggregate({RoutedAlerts{g, {x, y}}, RoutedAlerts{t, {y}}});
  ASSERT_EQ(ns.size(), 2u);
  EXPECT_EQ(names(*ns[0].data), (std::vector<std::string>{"X", "Y"}));
  EXPECT_TRUE(ns[0].data->groupLabels.empty());
  EXPECT_EQ(ns[1].receiver, t);
  EXPECT_EQ(ns[1].data->receiverName, "t");
}

TEST_F(AggregateTest, CommonLabelsAndAnnotationsDropEmptyValues) {
  auto g = b.globalReceiver("g");
  auto x = alert({{"alertname", "X"}, {"env", "prod"}, {"empty", ""}, {"pod", "p1"}},
                 {{"summary", "disk full"}, {"blank", ""}, {"runbook", "r1"}});
  auto y = alert({{"alertname", "X"}, {"env", "prod"}, {"empty", ""}, {"pod", "p2"}},
                 {{"summary", "disk full"}, {"blank", ""}});
  auto ns = aggregate({RoutedAlerts{g, {x, y}}});
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].data->commonLabels, (LabelSet{{"alertname", "X"}, {"env", "prod"}}));
  EXPECT_EQ(ns[0].data->commonAnnotations, (LabelSet{{"summary", "disk full"}}));
  auto single = aggregate({RoutedAlerts{g, {x}}});
  EXPECT_EQ(single[0].data->commonAnnotations,
            (LabelSet{{"runbook", "r1"}, {"summary", "disk full"}}));
}

TEST_F(AggregateTest, CommonLabelsNarrowAcrossEveryAlert) {
  auto g = b.globalReceiver("g");
  auto x = alert({{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}});
  auto y = alert({{"a", "1"}, {"c", "3"}, {"d", "4"}, {"e", "5"}, {"f", "6"}});  // no b
  auto z = alert({{"0", "0"}, {"a", "1"}, {"c", "3"}, {"d", "x"}, {"e", "5"}});  // d differs
  auto ns = aggregate({RoutedAlerts{g, {x, y, z}}});
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].data->commonLabels, (LabelSet{{"a", "1"}, {"c", "3"}, {"e", "5"}}));
  auto none = alert({{"q", "1"}});
  EXPECT_TRUE(aggregate({RoutedAlerts{g, {x, none, y}}})[0].data->commonLabels.empty());
}

TEST_F(AggregateTest, EmptyGroupValuesAreLeftOutOfGroupLabels) {
  b.snapshot().nm.groupLabels = {"alertname", "severity"};
  auto g = b.globalReceiver("g");
  auto ns = aggregate({RoutedAlerts{g, {alert({{"alertname", "A"}, {"severity", ""}})}}});
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].data->groupLabels, (LabelSet{{"alertname", "A"}}));
}

TEST_F(AggregateTest, DataStatus) {
  auto g = b.globalReceiver("g");
  auto firing = alert({{"alertname", "F"}});
  auto resolved = alert({{"alertname", "R"}}, {}, AlertStatus::Resolved);
  EXPECT_EQ(aggregate({RoutedAlerts{g, {firing}}})[0].data->status(), "firing");
  EXPECT_EQ(aggregate({RoutedAlerts{g, {resolved}}})[0].data->status(), "resolved");
  EXPECT_EQ(aggregate({RoutedAlerts{g, {firing, resolved}}})[0].data->status(), "");
  EXPECT_EQ(Data{}.status(), "");
}

}  // namespace
}  // namespace nm
