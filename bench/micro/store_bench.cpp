// Google Benchmark for the active-alert store: put throughput of batches of 100 realistic
// Kubernetes alerts (bench/store/k8s_alerts.h) — new alerts, and Prometheus re-sends of held
// alerts (a merge each: same startsAt, a later endsAt) — with 100,000 alerts held.
#include <benchmark/benchmark.h>

#include "../store/k8s_alerts.h"
#include "store/memory_alert_store.h"

namespace nm {
namespace {

constexpr size_t kHeld = 100000;

void BM_StorePutMerge(benchmark::State& state) {
  store::AlertStoreOptions o;
  store::MemoryAlertStore s(o, nullptr, nullptr, nullptr);
  const TimePoint t0 = now();
  for (size_t i = 0; i < kHeld; i += 1000) {
    AlertList b;
    for (size_t j = i; j < i + 1000; ++j) b.push_back(bench::k8sAlert(j, t0, t0));
    s.put(b, t0);
  }
  // Pre-built re-sends (Prometheus: endsAt = now + 4m, later each round), 100 per batch.
  std::vector<AlertList> batches;
  for (size_t i = 0; i < kHeld; i += 100) {
    AlertList b;
    for (size_t j = i; j < i + 100; ++j)
      b.push_back(
          bench::k8sAlert(j, t0, t0 + std::chrono::seconds(60), t0 + std::chrono::minutes(5)));
    batches.push_back(std::move(b));
  }
  size_t k = 0;
  for (auto _ : state) {
    AlertList b = batches[k++ % batches.size()];
    s.put(b, t0 + std::chrono::seconds(61));
    benchmark::DoNotOptimize(b.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 100);
}
BENCHMARK(BM_StorePutMerge);

void BM_StorePutNew(benchmark::State& state) {
  store::AlertStoreOptions o;
  o.maxAlerts = 0;
  store::MemoryAlertStore s(o, nullptr, nullptr, nullptr);
  const TimePoint t0 = now();
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    AlertList b;
    for (int j = 0; j < 100; ++j) b.push_back(bench::k8sAlert(next++, t0, t0));
    state.ResumeTiming();
    s.put(b, t0);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 100);
}
BENCHMARK(BM_StorePutNew);

}  // namespace
}  // namespace nm
