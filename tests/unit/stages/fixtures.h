// Test fixtures for the pipeline stages: alerts, selectors and a SnapshotBuilder that assembles a
// config::Snapshot by hand (receivers, routers, silences) without the YAML decoder.
#pragma once

#include <re2/re2.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/alert.h"
#include "interfaces/snapshot.h"
#include "interfaces/stage.h"
#include "observe/metrics.h"
#include "pipeline/dropped_alerts.h"

namespace nm::test {

inline TimePoint at(const char* rfc3339) {
  auto t = parseRfc3339(rfc3339);
  if (!t) std::abort();
  return *t;
}

inline AlertPtr alert(LabelSet labels, LabelSet annotations = {},
                      AlertStatus status = AlertStatus::Firing) {
  auto a = std::make_shared<Alert>();
  a->labels = std::move(labels);
  a->annotations = std::move(annotations);
  a->status = status;
  finalizeIdentity(*a);
  return a;
}

using SelectorPtr = std::shared_ptr<model::LabelSelector>;

inline SelectorPtr matchLabels(std::map<std::string, std::string> m) {
  auto s = std::make_shared<model::LabelSelector>();
  s->matchLabels = std::move(m);
  return s;
}

inline SelectorPtr expression(std::string key, model::SelectorOp op,
                              std::vector<std::string> values = {}) {
  auto s = std::make_shared<model::LabelSelector>();
  model::MatchExpression e;
  e.key = std::move(key);
  e.op = op;
  e.values = std::move(values);
  s->matchExpressions.push_back(std::move(e));
  return s;
}

inline SelectorPtr regexMatch(std::string key, std::string pattern) {
  auto s = std::make_shared<model::LabelSelector>();
  model::MatchExpression e;
  e.key = std::move(key);
  e.op = model::SelectorOp::Match;
  e.regexValue = pattern;
  e.regex = std::make_shared<re2::RE2>(pattern);
  s->matchExpressions.push_back(std::move(e));
  return s;
}

// The registry and drop counter the stage tests count into (set on each Work as `drops`).
inline metrics::Registry& registry() {
  static metrics::Registry r;
  return r;
}
inline DropCounter& drops() {
  static DropCounter d(registry());
  return d;
}

inline uint64_t droppedCount(const char* reason) {
  return registry().counter("nm_alerts_dropped_total", "", {"reason"}).with({reason}).value();
}

class SnapshotBuilder {
 public:
  SnapshotBuilder() : snap_(std::make_shared<config::Snapshot>()) {}

  config::Snapshot& snapshot() { return *snap_; }

  std::shared_ptr<config::Receiver> globalReceiver(const std::string& name,
                                                   const std::string& type = "webhook") {
    auto r = receiver(name, type);
    r->global = true;
    r->labels.set("type", "global");
    snap_->globalReceivers.push_back(r);
    return r;
  }

  std::shared_ptr<config::Receiver> tenantReceiver(const std::string& tenant,
                                                   const std::string& name,
                                                   const std::string& type = "webhook") {
    auto r = receiver(name, type);
    r->tenant = tenant;
    r->labels.set("type", "tenant");
    r->labels.set("namespace", tenant);
    snap_->receiversByTenant[tenant].push_back(r);
    return r;
  }

  model::RouterResource& router(const std::string& name, SelectorPtr alertSelector) {
    auto& r = routers_.emplace_back();
    r.name = name;
    r.alertSelector = std::move(alertSelector);
    return r;
  }

  static void setRegexName(model::RouterResource& r, const std::string& pattern) {
    r.regexName = pattern;
    r.regexNameCompiled = std::make_shared<re2::RE2>(pattern);
  }

  model::SilenceResource& globalSilence(const std::string& name, SelectorPtr matcher) {
    auto& s = silences_.emplace_back(std::string(), model::SilenceResource{}).second;
    s.name = name;
    s.matcher = std::move(matcher);
    return s;
  }

  model::SilenceResource& tenantSilence(const std::string& tenant, const std::string& name,
                                        SelectorPtr matcher) {
    auto& s = silences_.emplace_back(tenant, model::SilenceResource{}).second;
    s.name = name;
    s.matcher = std::move(matcher);
    return s;
  }

  // Copies routers and silences into snapshot.resources and points the indexes at them. May be
  // called again after more changes: the indexes are rebuilt from scratch.
  config::SnapshotPtr build() {
    auto& res = snap_->resources;
    snap_->routers.clear();
    snap_->globalSilences.clear();
    snap_->tenantSilences.clear();
    res.silences.clear();
    res.routers.assign(routers_.begin(), routers_.end());
    for (const auto& r : res.routers)
      if (r.enabled) snap_->routers.push_back(&r);
    for (const auto& [tenant, s] : silences_) res.silences.push_back(s);
    for (size_t i = 0; i < silences_.size(); ++i) {
      const auto* s = &res.silences[i];
      if (silences_[i].first.empty())
        snap_->globalSilences.push_back(s);
      else
        snap_->tenantSilences[silences_[i].first].push_back(s);
    }
    return snap_;
  }

 private:
  std::shared_ptr<config::Receiver> receiver(const std::string& name, const std::string& type) {
    auto r = std::make_shared<config::Receiver>();
    r->name = name;
    r->type = type;
    r->key = type + "/" + name;
    snap_->receivers.push_back(r);
    snap_->receiversByKey[r->key] = r;
    return r;
  }

  std::shared_ptr<config::Snapshot> snap_;
  std::deque<model::RouterResource> routers_;
  std::deque<std::pair<std::string, model::SilenceResource>> silences_;
};

// "type/name: a1,a2" per routed receiver, alerts by their alertname label, in output order.
inline std::vector<std::string> summarize(const std::vector<RoutedAlerts>& routed) {
  std::vector<std::string> out;
  for (const auto& ra : routed) {
    std::string line = ra.receiver->key + ":";
    for (size_t i = 0; i < ra.alerts.size(); ++i) {
      line += i ? "," : " ";
      line += ra.alerts[i]->labels.get("alertname");
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace nm::test
