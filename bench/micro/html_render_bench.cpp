// Google Benchmark of HTML mode: the built-in email body nm.default.html for a 10-alert group
// rendered with contextual autoescaping (renderHtml) and in text mode (render), same Renderer.
#include <benchmark/benchmark.h>

#include <memory>

#include "render/renderer.h"

namespace {

nm::Data htmlBenchData(int n) {
  nm::Data d;
  for (int i = 0; i < n; ++i) {
    auto a = std::make_shared<nm::Alert>();
    a->labels = nm::LabelSet{{"alertname", "KubePodCrashLooping"},
                             {"cluster", "prod"},
                             {"namespace", "kube-system"},
                             {"pod", "coredns-<" + std::to_string(i) + ">"},
                             {"severity", "critical"}};
    a->annotations = nm::LabelSet{{"message", "Pod kube-system/coredns is restarting & failing."},
                                  {"summary", "Pod is crash looping"},
                                  {"runbook_url", "http://runbook/crashloop?a=1&b=2"}};
    a->startsAt = nm::now();
    d.alerts.push_back(a);
  }
  d.groupLabels = nm::LabelSet{{"alertname", "KubePodCrashLooping"}};
  d.receiverName = "team-a";
  return d;
}

void BM_RenderDefaultHtml10_HtmlMode(benchmark::State& state) {
  auto r = nm::render::Renderer::builtin();
  nm::Data d = htmlBenchData(10);
  size_t bytes = 0;
  for (auto _ : state) {
    auto res = r->renderHtml("nm.default.html", d);
    if (!res.ok()) state.SkipWithError(res.error.c_str());
    bytes = res.text.size();
    benchmark::DoNotOptimize(res.text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderDefaultHtml10_HtmlMode);

void BM_RenderDefaultHtml10_TextMode(benchmark::State& state) {
  auto r = nm::render::Renderer::builtin();
  nm::Data d = htmlBenchData(10);
  size_t bytes = 0;
  for (auto _ : state) {
    auto res = r->render("nm.default.html", d);
    if (!res.ok()) state.SkipWithError(res.error.c_str());
    bytes = res.text.size();
    benchmark::DoNotOptimize(res.text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderDefaultHtml10_TextMode);

}  // namespace
