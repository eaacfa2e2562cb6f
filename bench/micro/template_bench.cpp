// Google Benchmark of the template engine: rendering an nm.default.text-like template for a
// 10-alert group, and parsing a ~200-line template set. bench/go/ measures Go on the same input.
#include <benchmark/benchmark.h>

#include <cctype>
#include <string>

#include "template/json_value.h"
#include "template/template.h"

namespace {

// Keep identical to bench/go/main.go.
const char* kText =
    R"({{ define "nm.default.message" }}[{{ .status | toUpper }}] {{ or .annotations.message .annotations.summary }}{{ end }}
{{ define "nm.default.text" }}{{ range .alerts }}{{ template "nm.default.message" . }}
{{ range $k, $v := .labels }}{{ if ne $k "rule_id" }}  {{ $k }}: {{ $v }}
{{ end }}{{ end }}{{ range $k, $v := .annotations }}{{ if and (ne $k "message") (ne $k "summary") (ne $k "runbook_url") }}  {{ $k }}: {{ $v }}
{{ end }}{{ end }}{{ end }}{{ end }})";

std::string groupJson(int n) {
  std::string s = R"({"status":"firing","alerts":[)";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    std::string k = std::to_string(i);
    s += R"({"status":"firing","labels":{"alertname":"KubePodCrashLooping","cluster":"prod",)"
         R"("namespace":"kube-system","pod":"coredns-)" +
         k + R"(","container":"coredns","severity":"critical","rule_id":"r)" + k +
         R"("},"annotations":{"message":"Pod kube-system/coredns-)" + k +
         R"( is restarting 3 times / 5 minutes.","summary":"Pod is crash looping",)"
         R"("runbook_url":"http://runbook/crashloop","description":"container restarted"}})";
  }
  return s + "]}";
}

// ~200 lines: the base set renamed 20 times plus one line of text per define.
std::string bigSet() {
  std::string out;
  for (int i = 0; i < 20; ++i) {
    std::string t = kText;
    for (std::string from : {"nm.default.message", "nm.default.text"}) {
      for (size_t p = 0; (p = t.find(from, p)) != std::string::npos; p += from.size() + 3)
        t.replace(p, from.size(), from + std::to_string(i));
    }
    out += t + "\n{{/* set " + std::to_string(i) + " */}}\n";
    for (int l = 0; l < 4; ++l)
      out += "{{ define \"line" + std::to_string(i * 4 + l) +
             "\" }}{{ printf \"%s=%v\" .a .b }}\n{{ end }}\n";
  }
  return out;
}

nm::tmpl::FuncMap funcs() {
  nm::tmpl::FuncMap m;
  nm::tmpl::Function up;
  up.params = {nm::tmpl::Param::String};
  up.fn = [](nm::tmpl::Context& c, const nm::tmpl::Value&, std::span<const nm::tmpl::Value> a) {
    std::string s(a[0].s());
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return nm::tmpl::CallResult::ok(c.arena().str(std::move(s)));
  };
  m["toUpper"] = up;
  return m;
}

void BM_TemplateRenderDefaultText10(benchmark::State& state) {
  nm::tmpl::TemplateSet t("bench");
  t.funcs(funcs());
  t.option("missingkey=zero");
  std::string err;
  if (!t.parse(kText, &err)) state.SkipWithError(err.c_str());
  nm::tmpl::Arena arena;
  nm::tmpl::Value data;
  nm::tmpl::jsonToValue(groupJson(10), arena, data, err);
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (!t.executeTemplate(out, "nm.default.text", data, &err)) state.SkipWithError(err.c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_TemplateRenderDefaultText10);

void BM_TemplateParseSet200Lines(benchmark::State& state) {
  std::string text = bigSet();
  auto fm = funcs();
  for (auto _ : state) {
    nm::tmpl::TemplateSet t("set");
    t.funcs(fm);
    std::string err;
    if (!t.parse(text, &err)) state.SkipWithError(err.c_str());
    benchmark::DoNotOptimize(&t);
  }
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_TemplateParseSet200Lines);

}  // namespace
