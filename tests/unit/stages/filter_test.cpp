// Unit tests for the filter stage: tenant silences mute only their tenant's receivers, the
// receiver alertSelector, removal of emptied receivers and drop counting.
#include <gtest/gtest.h>

#include "filter/filter_stage.h"
#include "fixtures.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"
#include "silence/silence_muter.h"

namespace nm {
namespace {

using Lines = std::vector<std::string>;
using test::at;

class FilterTest : public ::testing::Test {
 protected:
  Lines routeAndFilter(AlertList alerts, TimePoint now = at("2024-01-01T12:00:00Z")) {
    Work w;
    w.drops = &test::drops();
    w.snapshot = b.build();
    w.alerts = std::move(alerts);
    w.now = now;
    NamespaceTenantResolver resolver;
    RouteStage(resolver).process(w);
    FilterStage(std::make_shared<SilenceMuterProvider>()).process(w);
    return test::summarize(w.routed);
  }
  static AlertPtr a(const std::string& name, const std::string& ns, std::vector<Label> extra = {}) {
    LabelSet l{{"alertname", name}, {"namespace", ns}};
    for (auto& [k, v] : extra) l.set(k, v);
    return test::alert(std::move(l));
  }
  test::SnapshotBuilder b;
};

TEST_F(FilterTest, TenantSilenceMutesOnlyThatTenantsReceivers) {
  b.globalReceiver("g");
  b.tenantReceiver("ns1", "t1");
  b.tenantReceiver("ns2", "t2");
  b.tenantSilence("ns1", "quiet", test::matchLabels({{"alertname", "Noisy"}}));
  uint64_t before = test::droppedCount("tenant_silence");
  EXPECT_EQ(routeAndFilter({a("Noisy", "ns1"), a("Noisy", "ns2"), a("Other", "ns1")}),
            (Lines{"webhook/g: Noisy,Noisy,Other", "webhook/t1: Other", "webhook/t2: Noisy"}));
  EXPECT_EQ(test::droppedCount("tenant_silence") - before, 1u);
}

TEST_F(FilterTest, InactiveTenantSilenceKeepsAlerts) {
  b.tenantReceiver("ns1", "t1");
  auto& s = b.tenantSilence("ns1", "window", test::matchLabels({{"alertname", "Noisy"}}));
  s.startsAt = at("2024-01-01T00:00:00Z");
  s.duration = Duration(std::chrono::hours(1));
  EXPECT_EQ(routeAndFilter({a("Noisy", "ns1")}, at("2024-01-01T12:00:00Z")),
            (Lines{"webhook/t1: Noisy"}));
  EXPECT_EQ(routeAndFilter({a("Noisy", "ns1")}, at("2024-01-01T00:30:00Z")), Lines{});
}

TEST_F(FilterTest, AlertSelectorAndEmptiedReceiversRemoved) {
  b.globalReceiver("g");
  b.globalReceiver("crit-only")->alertSelector = test::matchLabels({{"severity", "critical"}});
  b.tenantReceiver("ns1", "never")->alertSelector =
      test::expression("team", model::SelectorOp::Exists);
  uint64_t before = test::droppedCount("alert_selector");
  EXPECT_EQ(routeAndFilter({a("A", "ns1", {{"severity", "critical"}}), a("B", "ns1")}),
            (Lines{"webhook/g: A,B", "webhook/crit-only: A"}));
  EXPECT_EQ(test::droppedCount("alert_selector") - before, 3u);
}

TEST_F(FilterTest, GlobalReceiverIgnoresTenantSilences) {
  b.globalReceiver("g");
  b.tenantSilence("ns1", "quiet", test::matchLabels({{"alertname", "A"}}));
  EXPECT_EQ(routeAndFilter({a("A", "ns1")}), (Lines{"webhook/g: A"}));
}

}  // namespace
}  // namespace nm
