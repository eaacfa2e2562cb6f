// Google Benchmark for inhibition (issue #11): Muter::mutes checks per second against 100
// InhibitRules holding 10,000 firing sources, and source upserts per second.
//
// Mix: 90 rules "Src<i> mutes Tgt<i>" (target matchLabels alertname, indexed), 10 rules whose
// target is a Match on alertname (tested for every alert); each rule's equal is
// [namespace, instance]; 100 sources per rule over 100 namespaces. Checked alerts (8 labels):
// 1/2 are targets with a firing source (inhibited), 1/4 targets without one, 1/4 match no rule.
#include <benchmark/benchmark.h>
#include <re2/re2.h>

#include <memory>
#include <string>

#include "inhibit/inhibitor.h"
#include "interfaces/snapshot.h"

namespace nm {
namespace {

constexpr int kRules = 100;
constexpr int kSourcesPerRule = 100;
constexpr int kChecks = 10000;

std::shared_ptr<model::LabelSelector> alertname(const std::string& name) {
  auto s = std::make_shared<model::LabelSelector>();
  s->matchLabels = {{"alertname", name}};
  return s;
}

std::shared_ptr<model::LabelSelector> alertnameMatch(const std::string& re) {
  auto s = std::make_shared<model::LabelSelector>();
  model::MatchExpression e;
  e.key = "alertname";
  e.op = model::SelectorOp::Match;
  e.regexValue = re;
  e.regex = std::make_shared<re2::RE2>(re);
  s->matchExpressions.push_back(std::move(e));
  return s;
}

AlertPtr makeAlert(const std::string& name, int ns, int instance) {
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet{{"alertname", name},
                       {"namespace", "ns" + std::to_string(ns)},
                       {"instance", "10.0." + std::to_string(instance) + ".1:9100"},
                       {"job", "node-exporter"},
                       {"severity", "warning"},
                       {"cluster", "default"},
                       {"prometheus", "monitoring/k8s"},
                       {"container", "main"}};
  finalizeIdentity(*a);
  return a;
}

struct Fixture {
  std::shared_ptr<config::Snapshot> snap = std::make_shared<config::Snapshot>();
  inhibit::Inhibitor inhibitor;
  AlertList sources;
  AlertList checks;

  Fixture() {
    snap->version = 1;
    auto& rules = snap->resources.inhibitRules;
    for (int i = 0; i < kRules; ++i) {
      model::InhibitRuleResource r;
      r.name = "rule-" + std::to_string(i);
      r.key = r.name;
      r.source = alertname("Src" + std::to_string(i));
      r.target = i < 90 ? alertname("Tgt" + std::to_string(i))
                        : alertnameMatch("^Tgt" + std::to_string(i) + "$");
      r.equal = {"namespace", "instance"};
      rules.push_back(std::move(r));
    }
    for (const auto& r : rules) snap->globalInhibitRules.push_back(&r);
    inhibitor.muterFor(*snap, nm::now(), "");  // creates the rule caches
    for (int i = 0; i < kRules; ++i)
      for (int j = 0; j < kSourcesPerRule; ++j)
        sources.push_back(makeAlert("Src" + std::to_string(i), j, j));
    for (const auto& s : sources) inhibitor.upserted(*s, nm::now());
    for (int k = 0; k < kChecks; ++k) {
      const int rule = k % kRules, j = (k / kRules) % kSourcesPerRule;
      switch (k % 4) {
        case 0:
        case 1:  // inhibited
          checks.push_back(makeAlert("Tgt" + std::to_string(rule), j, j));
          break;
        case 2:  // a target, no source with its equal labels
          checks.push_back(makeAlert("Tgt" + std::to_string(rule), j, j + 1));
          break;
        default:  // no rule's target
          checks.push_back(makeAlert("Unrelated" + std::to_string(rule), j, j));
      }
    }
  }
};

void BM_InhibitChecks(benchmark::State& state) {
  static Fixture f;
  auto muter = f.inhibitor.muterFor(*f.snap, nm::now(), "");
  size_t i = 0, muted = 0;
  for (auto _ : state) {
    muted += muter->mutes(*f.checks[i], nullptr);
    if (++i == f.checks.size()) i = 0;
  }
  benchmark::DoNotOptimize(muted);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["rules"] = kRules;
  state.counters["sources"] = static_cast<double>(f.sources.size());
  state.counters["muted_share"] =
      static_cast<double>(muted) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_InhibitChecks);

void BM_InhibitSourceUpserts(benchmark::State& state) {
  static Fixture f;
  size_t i = 0;
  for (auto _ : state) {
    f.inhibitor.upserted(*f.sources[i], kZeroTime);
    if (++i == f.sources.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_InhibitSourceUpserts);

}  // namespace
}  // namespace nm
