// Micro-benchmarks of the notify hot paths: the webhook Data JSON for a typical group and the
// history JSON for a batch.
#include <benchmark/benchmark.h>

#include <memory>

#include "notify/data_json.h"

namespace {

nm::AlertPtr benchAlert(int i) {
  auto a = std::make_shared<nm::Alert>();
  a->labels = nm::LabelSet{{"alertname", "KubePodCrashLooping"},
                           {"cluster", "default"},
                           {"container", "app"},
                           {"namespace", "team-" + std::to_string(i % 7)},
                           {"pod", "app-" + std::to_string(i)},
                           {"severity", "warning"}};
  a->annotations = nm::LabelSet{{"message", "Pod is restarting 2.5 times / 10 minutes."},
                                {"summary", "Pod is crash looping."}};
  a->startsAt = nm::now();
  a->generatorURL = "http://prometheus:9090/graph?g0.expr=rate";
  nm::finalizeIdentity(*a);
  return a;
}

void BM_DataJson(benchmark::State& state) {
  nm::Data d;
  for (int i = 0; i < state.range(0); ++i) d.alerts.push_back(benchAlert(i));
  d.groupLabels = nm::LabelSet{{"alertname", "KubePodCrashLooping"}};
  d.receiverName = "team-a";
  for (auto _ : state) benchmark::DoNotOptimize(nm::dataJson(d));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DataJson)->Arg(1)->Arg(10)->Arg(100);

void BM_HistoryJson(benchmark::State& state) {
  std::vector<nm::HistoryAlert> h;
  for (int i = 0; i < state.range(0); ++i) {
    h.push_back({benchAlert(i), nm::now(), {{"team-a", "webhook", "http://sink:8080/hook"}}});
  }
  for (auto _ : state) benchmark::DoNotOptimize(nm::historyJson("history", h));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HistoryJson)->Arg(100);

}  // namespace
