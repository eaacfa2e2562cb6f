// Micro-benchmark of the ingest decoder: a 100-alert Alertmanager webhook body with typical
// 10-label alerts, decoded and normalized; reports alerts/s and bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "ingest/alert_decoder.h"

namespace {

std::string webhookBody(int alerts) {
  std::string b =
      R"({"receiver":"notification-manager","status":"firing","groupLabels":{"alertname":"KubePodCrashLooping"},)"
      R"("commonLabels":{"alertname":"KubePodCrashLooping"},"commonAnnotations":{},)"
      R"("externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{}","alerts":[)";
  for (int i = 0; i < alerts; ++i) {
    if (i) b += ',';
    std::string n = std::to_string(i);
    b +=
        R"({"status":"firing","labels":{"alertname":"KubePodCrashLooping","alerttype":"metric",)"
        R"("container":"app-)" +
        n +
        R"(","endpoint":"http","job":"kube-state-metrics",)"
        R"("namespace":"team-a","pod":"app-7d9f8b6c5d-)" +
        n +
        R"(","prometheus":"monitoring/k8s",)"
        R"("severity":"warning","rule_level":"namespace"},)"
        R"("annotations":{"message":"Pod team-a/app-)" +
        n +
        R"( is restarting 1.2 times / 10 minutes.","runbook_url":"https://runbooks.example/kubepodcrashlooping",)"
        R"("summary":"Pod is crash looping."},)"
        R"("startsAt":"2024-05-01T11:58:31.123Z","endsAt":"0001-01-01T00:00:00Z",)"
        R"("generatorURL":"http://prometheus:9090/graph?g0.expr=rate%28x%5B10m%5D%29&g0.tab=1",)"
        R"("fingerprint":"0123456789abcdef"})";
  }
  b += "]}";
  return b;
}

void BM_DecodeWebhook100(benchmark::State& state) {
  const std::string body = webhookBody(100);
  nm::ingest::DecodeOptions opts;
  opts.cluster = "host";
  size_t alerts = 0;
  for (auto _ : state) {
    auto r = nm::ingest::decodeAlerts(body, opts);
    alerts += r.alerts.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["alerts/s"] =
      benchmark::Counter(static_cast<double>(alerts), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_DecodeWebhook100);

// The same alerts without annotations and generatorURL: the cost of labels alone.
void BM_DecodeLabelsOnly100(benchmark::State& state) {
  std::string body = R"({"alerts":[)";
  for (int i = 0; i < 100; ++i) {
    if (i) body += ',';
    std::string n = std::to_string(i);
    body += R"({"labels":{"alertname":"KubePodCrashLooping","container":"app-)" + n +
            R"(","endpoint":"http","job":"kube-state-metrics","namespace":"team-a",)"
            R"("pod":"app-7d9f8b6c5d-)" +
            n +
            R"(","prometheus":"monitoring/k8s",)"
            R"("severity":"warning","rule_level":"namespace","service":"kube-state"},)"
            R"("startsAt":"2024-05-01T11:58:31.123Z"})";
  }
  body += "]}";
  nm::ingest::DecodeOptions opts;
  opts.cluster = "host";
  size_t alerts = 0;
  for (auto _ : state) {
    auto r = nm::ingest::decodeAlerts(body, opts);
    alerts += r.alerts.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["alerts/s"] =
      benchmark::Counter(static_cast<double>(alerts), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_DecodeLabelsOnly100);

}  // namespace
