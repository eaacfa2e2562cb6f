// Google Benchmark for the batch stages: silence → route → filter → aggregate over a 1000-alert
// batch with 1000 tenants and 100 receivers; reports alerts/s (items_per_second).
//
// Mix (a mid-size multi-tenant cluster):
// - 1000 namespaces ns0..ns999, tenant = namespace (NamespaceTenantResolver);
// - 100 receivers: 5 global (3 webhook, 2 email; one global email has an alertSelector on
//   severity), 95 tenant receivers on 80 tenants (15 tenants have a webhook and an email);
// - routePolicy All; 10 Routers matching on alertname/severity (5 of them select receivers)
//   by name, regexName, label selector, tenant channels and type;
// - 4 global silences (1 matching ~5% of alerts), tenant silences on 40 tenants;
// - groupLabels [alertname, namespace]; alerts carry 8 labels and 2 annotations, 20 alertnames,
//   spread uniformly over the namespaces (a fixed seed).
#include <benchmark/benchmark.h>
#include <re2/re2.h>

#include <deque>
#include <memory>
#include <random>
#include <string>

#include "aggregate/aggregate_stage.h"
#include "core/cron.h"
#include "filter/filter_stage.h"
#include "interfaces/snapshot.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"
#include "silence/silence_muter.h"
#include "silence/silence_stage.h"

namespace nm {
namespace {

std::shared_ptr<model::LabelSelector> labelsSelector(std::map<std::string, std::string> m) {
  auto s = std::make_shared<model::LabelSelector>();
  s->matchLabels = std::move(m);
  return s;
}

std::shared_ptr<model::LabelSelector> regexSelector(const std::string& key, const std::string& re) {
  auto s = std::make_shared<model::LabelSelector>();
  model::MatchExpression e;
  e.key = key;
  e.op = model::SelectorOp::Match;
  e.regexValue = re;
  e.regex = std::make_shared<re2::RE2>(re);
  s->matchExpressions.push_back(std::move(e));
  return s;
}

struct Fixture {
  config::SnapshotPtr snapshot;
  AlertList batch;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    auto s = std::make_shared<config::Snapshot>();
    auto addReceiver = [&](const std::string& name, const std::string& type,
                           const std::string& tenant) {
      auto r = std::make_shared<config::Receiver>();
      r->name = name;
      r->type = type;
      r->key = type + "/" + name;
      r->global = tenant.empty();
      r->tenant = tenant;
      r->labels.set("type", tenant.empty() ? "global" : "tenant");
      if (!tenant.empty()) r->labels.set("namespace", tenant);
      s->receivers.push_back(r);
      s->receiversByKey[r->key] = r;
      if (tenant.empty())
        s->globalReceivers.push_back(r);
      else
        s->receiversByTenant[tenant].push_back(r);
      return r;
    };
    for (int i = 0; i < 3; ++i) addReceiver("global-hook-" + std::to_string(i), "webhook", "");
    addReceiver("global-mail-0", "email", "");
    addReceiver("global-mail-crit", "email", "")->alertSelector =
        labelsSelector({{"severity", "critical"}});
    for (int t = 0; t < 80; ++t) {
      std::string ns = "ns" + std::to_string(t * 12);
      auto r = addReceiver("team-" + std::to_string(t), "webhook", ns);
      if (t < 15) addReceiver("team-" + std::to_string(t), "email", ns);
      if (t % 10 == 0) r->labels.set("tier", "gold");
    }

    auto& res = s->resources;
    res.routers.resize(10);
    for (int i = 0; i < 10; ++i) {
      auto& r = res.routers[static_cast<size_t>(i)];
      r.name = "router-" + std::to_string(i);
      r.alertSelector = labelsSelector({{"alertname", "Alert" + std::to_string(i * 2)}});
    }
    res.routers[0].receiverNames = {"team-1", "team-2"};
    res.routers[1].regexName = "team-1[0-9]";
    res.routers[1].regexNameCompiled = std::make_shared<re2::RE2>(res.routers[1].regexName);
    res.routers[2].receiverSelector = labelsSelector({{"tier", "gold"}});
    res.routers[3].channels = {{"ns12", {}}, {"ns24", {"email"}}};
    res.routers[4].alertSelector = labelsSelector({{"severity", "critical"}});
    res.routers[4].receiverNames = {"global-mail-crit"};
    res.routers[4].type = "email";
    for (const auto& r : res.routers) s->routers.push_back(&r);

    res.silences.resize(4 + 40);
    for (size_t i = 0; i < res.silences.size(); ++i) {
      auto& sil = res.silences[i];
      sil.name = "silence-" + std::to_string(i);
      if (i < 4) {
        sil.matcher = i == 0 ? labelsSelector({{"alertname", "Alert19"}})
                             : regexSelector("job", "^maintenance-" + std::to_string(i) + "$");
        s->globalSilences.push_back(&sil);
      } else {
        std::string ns = "ns" + std::to_string((i - 4) * 24);
        sil.matcher = labelsSelector({{"severity", "info"}});
        s->tenantSilences[ns].push_back(&sil);
      }
    }
    s->nm.groupLabels = {"alertname", "namespace"};

    Fixture out;
    out.snapshot = s;
    std::mt19937 rng(42);
    const char* severities[] = {"critical", "warning", "info"};
    for (int i = 0; i < 1000; ++i) {
      auto a = std::make_shared<Alert>();
      std::string ns = "ns" + std::to_string(rng() % 1000);
      a->labels = {{"alertname", "Alert" + std::to_string(rng() % 20)},
                   {"cluster", "default"},
                   {"namespace", ns},
                   {"severity", severities[rng() % 3]},
                   {"job", "kube-state-metrics"},
                   {"pod", "pod-" + std::to_string(i)},
                   {"container", "app"},
                   {"prometheus", "monitoring/k8s"}};
      a->annotations = {{"summary", "something is wrong"}, {"runbook_url", "https://runbooks/x"}};
      finalizeIdentity(*a);
      out.batch.push_back(std::move(a));
    }
    return out;
  }();
  return f;
}

void BM_SilenceRouteFilterAggregate(benchmark::State& state) {
  const Fixture& f = fixture();
  NamespaceTenantResolver resolver;
  SilenceStage silence;
  RouteStage route(resolver);
  FilterStage filter(std::make_shared<SilenceMuterProvider>());
  AggregateStage aggregate;
  const TimePoint now = nm::now();
  size_t notifications = 0;
  for (auto _ : state) {
    Work w;
    w.snapshot = f.snapshot;
    w.now = now;
    w.alerts = f.batch;
    silence.process(w);
    route.process(w);
    filter.process(w);
    aggregate.process(w);
    notifications = w.notifications.size();
    benchmark::DoNotOptimize(w.notifications.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(f.batch.size()));
  state.counters["notifications_per_batch"] = static_cast<double>(notifications);
}
BENCHMARK(BM_SilenceRouteFilterAggregate)->Unit(benchmark::kMicrosecond);

void BM_Route(benchmark::State& state) {
  const Fixture& f = fixture();
  NamespaceTenantResolver resolver;
  RouteStage route(resolver);
  for (auto _ : state) {
    Work w;
    w.snapshot = f.snapshot;
    w.alerts = f.batch;
    route.process(w);
    benchmark::DoNotOptimize(w.routed.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(f.batch.size()));
}
BENCHMARK(BM_Route)->Unit(benchmark::kMicrosecond);

void BM_CronNext(benchmark::State& state) {
  std::string err;
  auto s = parseCron("*/15 9-17 * * MON-FRI", err);
  TimePoint t = nm::now();
  for (auto _ : state) {
    t = s->next(t);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_CronNext);

}  // namespace
}  // namespace nm
