// Aggregation: a reusable key buffer groups alerts without per-alert allocation; each group
// becomes an immutable Data shared by the notify stage.
#include "aggregate/aggregate_stage.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm {

namespace {

LabelSet common(const AlertList& alerts, const LabelSet Alert::*field) {
  if (alerts.empty()) return {};
  // The first alert's pairs, narrowed by walking each other alert's sorted pairs beside them (a
  // merge: no lookup per name), then copied once. Most groups hold a single alert.
  const std::vector<Label>& first = ((*alerts.front()).*field).pairs();
  std::vector<const Label*> keep;
  keep.reserve(first.size());
  for (const Label& l : first)
    if (!l.second.empty()) keep.push_back(&l);
  for (size_t i = 1; i < alerts.size() && !keep.empty(); ++i) {
    const std::vector<Label>& other = ((*alerts[i]).*field).pairs();
    auto o = other.begin();
    size_t out = 0;
    for (const Label* k : keep) {
      while (o != other.end() && o->first < k->first) ++o;
      if (o != other.end() && o->first == k->first && o->second == k->second) keep[out++] = k;
    }
    keep.resize(out);
  }
  LabelSet result;
  result.reserve(keep.size());
  for (const Label* k : keep) result.appendUnsorted(k->first, k->second);
  return result;
}

}  // namespace

LabelSet commonLabels(const AlertList& alerts) {
  return common(alerts, &Alert::labels);
}
LabelSet commonAnnotations(const AlertList& alerts) {
  return common(alerts, &Alert::annotations);
}

void AggregateStage::process(Work& work) {
  if (!work.snapshot) return;
  const std::vector<std::string>& groupBy = work.snapshot->nm.groupLabels;
  std::unordered_map<std::string, size_t> groupOf;
  std::vector<AlertList> groups;
  std::string key;
  for (const RoutedAlerts& ra : work.routed) {
    if (ra.alerts.empty()) continue;
    groups.clear();
    groupOf.clear();
    if (groupBy.empty()) {
      groups.push_back(ra.alerts);
    } else {
      for (const AlertPtr& a : ra.alerts) {
        key.clear();
        for (const std::string& l : groupBy) {
          key += a->labels.get(l);
          key += '\xff';  // cannot occur in UTF-8 label values
        }
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
          it = groupOf.emplace(key, groups.size()).first;
          groups.emplace_back();
        }
        groups[it->second].push_back(a);
      }
    }
    for (AlertList& g : groups) {
      auto data = std::make_shared<Data>();
      for (const std::string& l : groupBy) {
        std::string_view v = g.front()->labels.get(l);
        if (!v.empty()) data->groupLabels.set(l, std::string(v));
      }
      data->commonLabels = commonLabels(g);
      data->commonAnnotations = commonAnnotations(g);
      data->receiverName = ra.receiver ? ra.receiver->name : std::string();
      data->alerts = std::move(g);
      work.notifications.push_back(Notification{ra.receiver, std::move(data)});
    }
  }
}

}  // namespace nm
