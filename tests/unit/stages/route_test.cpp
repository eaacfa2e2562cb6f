// Unit tests for the route stage: global and tenant receivers, the three route policies, Router
// selection by name/regexName/selector/channels/type, dedup, ordering and drop counting.
#include <gtest/gtest.h>

#include <set>

#include "fixtures.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"

namespace nm {
namespace {

using Lines = std::vector<std::string>;

class RouteTest : public ::testing::Test {
 protected:
  Lines route(AlertList alerts) {
    Work w;
    w.drops = &test::drops();
    w.snapshot = b.build();
    w.alerts = std::move(alerts);
    RouteStage stage(resolver);
    stage.process(w);
    return test::summarize(w.routed);
  }
  static AlertPtr a(const std::string& name, const std::string& ns = "",
                    std::vector<Label> extra = {}) {
    LabelSet l{{"alertname", name}};
    if (!ns.empty()) l.set("namespace", ns);
    for (auto& [k, v] : extra) l.set(k, v);
    return test::alert(std::move(l));
  }
  void policy(model::RoutePolicy p) { b.snapshot().nm.routePolicy = p; }

  test::SnapshotBuilder b;
  NamespaceTenantResolver resolver;
};

TEST_F(RouteTest, GlobalAndTenantReceivers) {
  b.globalReceiver("g1");
  b.tenantReceiver("ns1", "t1");
  b.tenantReceiver("ns1", "t1b", "email");
  b.tenantReceiver("ns2", "t2");
  EXPECT_EQ(route({a("A", "ns1"), a("B"), a("C", "ns2"), a("D", "ns3")}),
            (Lines{"webhook/g1: A,B,C,D", "webhook/t1: A", "email/t1b: A", "webhook/t2: C"}));
}

TEST_F(RouteTest, DisabledReceiversAreSkipped) {
  b.globalReceiver("g1")->enabled = false;
  b.globalReceiver("g2");
  b.tenantReceiver("ns1", "t1")->enabled = false;
  EXPECT_EQ(route({a("A", "ns1")}), (Lines{"webhook/g2: A"}));
}

TEST_F(RouteTest, AlertWithoutReceiverIsCounted) {
  b.tenantReceiver("ns1", "t1");
  uint64_t before = test::droppedCount("no_receiver");
  EXPECT_EQ(route({a("A", "ns1"), a("B", "other"), a("C")}), (Lines{"webhook/t1: A"}));
  EXPECT_EQ(test::droppedCount("no_receiver") - before, 2u);
}

TEST_F(RouteTest, TenantsComeFromClusterAndNamespaceThroughTheResolver) {
  struct Multi final : TenantResolver {
    mutable std::vector<std::string> calls;
    std::vector<std::string> tenants(std::string_view c, std::string_view ns) const override {
      calls.push_back(std::string(c) + "|" + std::string(ns));
      if (c == "east") return {"alice", "bob"};
      return {std::string(ns)};
    }
  } multi;
  b.tenantReceiver("alice", "ra");
  b.tenantReceiver("bob", "rb");
  b.tenantReceiver("ns1", "rn");
  Work w;
  w.drops = &test::drops();
  w.snapshot = b.build();
  w.alerts = {a("A", "ns1", {{"cluster", "east"}}), a("B", "ns1", {{"cluster", "west"}}),
              a("C", "ns1", {{"cluster", "east"}}), a("D", "", {{"cluster", "east"}})};
  RouteStage(multi).process(w);
  EXPECT_EQ(test::summarize(w.routed),
            (Lines{"webhook/ra: A,C", "webhook/rb: A,C", "webhook/rn: B"}));
  // One resolver call per (cluster, namespace) group; none without a namespace.
  EXPECT_EQ(multi.calls, (Lines{"east|ns1", "west|ns1"}));
}

TEST_F(RouteTest, RouterByNameWithTypeFilter) {
  b.tenantReceiver("ns9", "ops", "webhook");
  b.tenantReceiver("ns9", "ops", "email");
  b.tenantReceiver("ns9", "dev", "email");
  auto& r = b.router("r", test::matchLabels({{"severity", "critical"}}));
  r.receiverNames = {"ops", "dev"};
  r.type = "email";
  EXPECT_EQ(route({a("A", "", {{"severity", "critical"}}), a("B", "", {{"severity", "info"}})}),
            (Lines{"email/ops: A", "email/dev: A"}));
}

TEST_F(RouteTest, RouterByUnanchoredRegexName) {
  b.globalReceiver("a-team-x");
  b.tenantReceiver("ns1", "team");
  b.tenantReceiver("ns1", "other");
  policy(model::RoutePolicy::RouterOnly);
  test::SnapshotBuilder::setRegexName(b.router("r", test::matchLabels({{"alertname", "A"}})),
                                      "team");
  EXPECT_EQ(route({a("A")}), (Lines{"webhook/a-team-x: A", "webhook/team: A"}));
}

TEST_F(RouteTest, RouterByReceiverLabelSelector) {
  b.globalReceiver("g");
  b.tenantReceiver("ns1", "t1")->labels.set("tier", "gold");
  b.tenantReceiver("ns2", "t2")->labels.set("tier", "silver");
  policy(model::RoutePolicy::RouterOnly);
  auto& r = b.router("r", test::matchLabels({{"alertname", "A"}}));
  r.receiverSelector = test::matchLabels({{"tier", "gold"}});
  EXPECT_EQ(route({a("A")}), (Lines{"webhook/t1: A"}));
}

TEST_F(RouteTest, RouterChannelsByTenantAndTypes) {
  b.tenantReceiver("alice", "a1", "email");
  b.tenantReceiver("alice", "a2", "slack");
  b.tenantReceiver("bob", "b1", "email");
  b.tenantReceiver("bob", "b2", "webhook");
  b.globalReceiver("g", "webhook");
  policy(model::RoutePolicy::RouterOnly);
  auto& r = b.router("r", test::matchLabels({{"alertname", "A"}}));
  r.channels = {{"alice", {}}, {"bob", {"webhook"}}, {"nobody", {}}};
  auto& g = b.router("to-global", test::matchLabels({{"alertname", "G"}}));
  g.channels = {{"notification-manager/type/global", {}}};
  EXPECT_EQ(route({a("A"), a("G")}),
            (Lines{"email/a1: A", "slack/a2: A", "webhook/b2: A", "webhook/g: G"}));
}

TEST_F(RouteTest, DisabledRouterAndDisabledReceiverAreIgnored) {
  b.tenantReceiver("ns1", "t1");
  b.tenantReceiver("ns1", "t2")->enabled = false;
  policy(model::RoutePolicy::RouterOnly);
  auto& off = b.router("off", test::matchLabels({{"alertname", "A"}}));
  off.receiverNames = {"t1"};
  off.enabled = false;
  auto& on = b.router("on", test::matchLabels({{"alertname", "B"}}));
  on.receiverNames = {"t1", "t2"};
  EXPECT_EQ(route({a("A"), a("B")}), (Lines{"webhook/t1: B"}));
}

class PolicyTest : public RouteTest {
 protected:
  void SetUp() override {
    b.globalReceiver("g");
    b.tenantReceiver("ns1", "t");
    b.tenantReceiver("ops", "oncall");
    auto& r = b.router("crit", test::matchLabels({{"severity", "critical"}}));
    r.receiverNames = {"oncall"};
  }
  AlertList batch() { return {a("Crit", "ns1", {{"severity", "critical"}}), a("Info", "ns1")}; }
};

TEST_F(PolicyTest, All) {
  policy(model::RoutePolicy::All);
  EXPECT_EQ(route(batch()),
            (Lines{"webhook/oncall: Crit", "webhook/g: Crit,Info", "webhook/t: Crit,Info"}));
}

TEST_F(PolicyTest, RouterFirst) {
  policy(model::RoutePolicy::RouterFirst);
  EXPECT_EQ(route(batch()), (Lines{"webhook/oncall: Crit", "webhook/g: Info", "webhook/t: Info"}));
}

TEST_F(PolicyTest, RouterOnly) {
  policy(model::RoutePolicy::RouterOnly);
  uint64_t before = test::droppedCount("route_policy");
  EXPECT_EQ(route(batch()), (Lines{"webhook/oncall: Crit"}));
  EXPECT_EQ(test::droppedCount("route_policy") - before, 1u);
}

TEST_F(RouteTest, ReceiversAreDedupedPerAlert) {
  b.globalReceiver("g");
  b.tenantReceiver("ns1", "t");
  auto& r1 = b.router("r1", test::matchLabels({{"alertname", "A"}}));
  r1.receiverNames = {"g", "t"};
  auto& r2 = b.router("r2", test::expression("alertname", model::SelectorOp::Exists));
  test::SnapshotBuilder::setRegexName(r2, "^[gt]$");
  EXPECT_EQ(route({a("A", "ns1"), a("B", "ns1")}), (Lines{"webhook/g: A,B", "webhook/t: A,B"}));
}

TEST_F(RouteTest, OrderOfFirstAppearanceAndArrival) {
  b.globalReceiver("g");
  b.tenantReceiver("ns2", "t2");
  b.tenantReceiver("ns1", "t1");
  EXPECT_EQ(route({a("A", "ns2"), a("B", "ns1"), a("C", "ns2"), a("D", "ns1")}),
            (Lines{"webhook/g: A,B,C,D", "webhook/t2: A,C", "webhook/t1: B,D"}));
}

TEST_F(RouteTest, SnapshotChangeRebuildsTheIndex) {
  b.globalReceiver("g1");
  RouteStage stage(resolver);
  Work w;
  w.drops = &test::drops();
  w.snapshot = b.build();
  w.alerts = {a("A")};
  stage.process(w);
  EXPECT_EQ(test::summarize(w.routed), (Lines{"webhook/g1: A"}));
  test::SnapshotBuilder next;
  next.globalReceiver("g2");
  w.snapshot = next.build();
  stage.process(w);
  EXPECT_EQ(test::summarize(w.routed), (Lines{"webhook/g2: A"}));
}

}  // namespace
}  // namespace nm
