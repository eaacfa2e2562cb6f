// Tenant InhibitRules: applied by the filter stage to that tenant's receivers only (global
// receivers and other tenants still get the alert), counted as inhibited; global rules before
// routing.
#include <gtest/gtest.h>

#include "fake_alert_store.h"
#include "filter/filter_stage.h"
#include "inhibit/inhibit_stage.h"
#include "inhibit/inhibitor.h"
#include "inhibit_fixtures.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"
#include "silence/silence_muter.h"

namespace nm::inhibit {
namespace {

using Lines = std::vector<std::string>;
using test::at;

AlertPtr a(const std::string& name, const std::string& ns) {
  return test::alert(LabelSet{{"alertname", name}, {"namespace", ns}});
}

class TenantScopeTest : public ::testing::Test {
 protected:
  TenantScopeTest() {
    inhibitor->follow(store);
    b.globalReceiver("g");
    b.tenantReceiver("ns1", "t1");
    b.tenantReceiver("ns2", "t2");
  }
  Lines run(const config::SnapshotPtr& snap, AlertList alerts) {
    Work w;
    w.drops = &test::drops();
    w.snapshot = snap;
    w.alerts = std::move(alerts);
    w.now = at("2024-01-01T12:00:00Z");
    store.put(w.alerts, w.now);
    NamespaceTenantResolver resolver;
    InhibitStage(inhibitor).process(w);
    RouteStage(resolver).process(w);
    FilterStage(std::make_shared<SilenceMuterProvider>(), inhibitor).process(w);
    return test::summarize(w.routed);
  }

  test::FakeAlertStore store;
  std::shared_ptr<Inhibitor> inhibitor = std::make_shared<Inhibitor>();
  test::SnapshotBuilder b;
};

TEST_F(TenantScopeTest, TenantRuleMutesOnlyThatTenantsReceivers) {
  auto snap = test::withRules(
      b, {{"ns1", test::inhibitRule("down-mutes-slow", test::matchLabels({{"alertname", "Down"}}),
                                    test::matchLabels({{"alertname", "Slow"}}), {"namespace"})}});
  const uint64_t before = test::droppedCount("inhibited");
  EXPECT_EQ(run(snap, {a("Slow", "ns1"), a("Down", "ns1"), a("Slow", "ns2"), a("Down", "ns2")}),
            (Lines{"webhook/g: Slow,Down,Slow,Down", "webhook/t1: Down", "webhook/t2: Slow,Down"}));
  EXPECT_EQ(test::droppedCount("inhibited") - before, 1u);
}

TEST_F(TenantScopeTest, GlobalRuleMutesBeforeRouting) {
  auto snap = test::withRules(
      b, {{"", test::inhibitRule("down-mutes-slow", test::matchLabels({{"alertname", "Down"}}),
                                 test::matchLabels({{"alertname", "Slow"}}), {"namespace"})}});
  EXPECT_EQ(run(snap, {a("Slow", "ns1"), a("Down", "ns1"), a("Slow", "ns2")}),
            (Lines{"webhook/g: Down,Slow", "webhook/t1: Down", "webhook/t2: Slow"}));
}

}  // namespace
}  // namespace nm::inhibit
