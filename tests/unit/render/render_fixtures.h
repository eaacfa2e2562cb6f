// Shared fixtures for the render unit tests: alerts and Data groups with fixed times, labels and
// annotations, and a helper rendering a name with a renderer.
#pragma once

#include <string>

#include "core/data.h"
#include "render/renderer.h"

namespace nm::render::testing {

inline AlertPtr makeAlert(LabelSet labels, LabelSet annotations,
                          AlertStatus status = AlertStatus::Firing,
                          const char* startsAt = "2024-05-01T10:00:00Z",
                          const char* endsAt = "0001-01-01T00:00:00Z") {
  auto a = std::make_shared<Alert>();
  a->labels = std::move(labels);
  a->annotations = std::move(annotations);
  a->status = status;
  a->startsAt = *parseRfc3339(startsAt, &a->startsAtOffset);
  a->endsAt = std::string_view(endsAt) == "0001-01-01T00:00:00Z"
                  ? kZeroTime
                  : *parseRfc3339(endsAt, &a->endsAtOffset);
  a->generatorURL = "http://prometheus/graph";
  finalizeIdentity(*a);
  return a;
}

// Common labels/annotations as the aggregate stage computes them (intersection).
inline LabelSet common(const AlertList& alerts, bool annotations) {
  LabelSet out;
  if (alerts.empty()) return out;
  const LabelSet& first = annotations ? alerts[0]->annotations : alerts[0]->labels;
  for (const auto& [k, v] : first) {
    bool all = !v.empty();
    for (const auto& a : alerts) {
      const LabelSet& s = annotations ? a->annotations : a->labels;
      all = all && s.get(k) == v;
    }
    if (all) out.set(k, v);
  }
  return out;
}

inline Data makeData(AlertList alerts, LabelSet group, std::string receiver = "team-a") {
  Data d;
  d.commonLabels = common(alerts, false);
  d.commonAnnotations = common(alerts, true);
  d.alerts = std::move(alerts);
  d.groupLabels = std::move(group);
  d.receiverName = std::move(receiver);
  return d;
}

inline AlertPtr podAlert(const char* pod, const char* message,
                         AlertStatus status = AlertStatus::Firing) {
  return makeAlert({{"alertname", "KubePodCrashLooping"},
                    {"namespace", "demo"},
                    {"pod", pod},
                    {"severity", "warning"},
                    {"rule_id", "r1"}},
                   {{"message", message},
                    {"summary", "Pod is crash looping"},
                    {"summaryCn", "容器组崩溃循环"},
                    {"runbook_url", "http://runbook"},
                    {"description", "restarts often"}},
                   status);
}

inline Data oneAlert() {
  return makeData({podAlert("web-1", "Pod demo/web-1 restarts")},
                  {{"alertname", "KubePodCrashLooping"}});
}

inline Data threeAlerts() {
  return makeData(
      {podAlert("web-1", "Pod demo/web-1 restarts"), podAlert("web-2", "Pod demo/web-2 restarts"),
       podAlert("web-3", "Pod demo/web-3 restarts")},
      {{"alertname", "KubePodCrashLooping"}, {"namespace", "demo"}});
}

inline std::string renderWith(const Renderer& r, std::string_view name, const Data& d) {
  RenderResult res = r.render(name, d);
  return res.ok() ? res.text : "ERROR: " + res.error;
}

inline std::shared_ptr<const Renderer> rendererFor(std::string language,
                                                   std::string templates = "") {
  RendererOptions o;
  o.language = std::move(language);
  if (!templates.empty()) o.templates.push_back({"test", std::move(templates)});
  std::vector<LoadError> errors;
  return Renderer::build(o, errors);
}

}  // namespace nm::render::testing
