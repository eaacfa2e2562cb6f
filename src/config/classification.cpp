// Label-based global/tenant classification: "any k=v" for receivers and configs, "all k=v" for
// silences, the tenant id always being the <tenantKey> label's value.
#include "config/classification.h"

namespace nm::config {

bool anyLabelMatches(const std::map<std::string, std::string>& selector, const LabelSet& labels) {
  for (const auto& [k, v] : selector) {
    const std::string* got = labels.find(k);
    if (got && *got == v) return true;
  }
  return false;
}

bool allLabelsMatch(const std::map<std::string, std::string>& selector, const LabelSet& labels) {
  if (selector.empty()) return false;
  for (const auto& [k, v] : selector) {
    const std::string* got = labels.find(k);
    if (!got || *got != v) return false;
  }
  return true;
}

namespace {

Classification classify(const model::NotificationManager& nm, const LabelSet& labels,
                        bool (*match)(const std::map<std::string, std::string>&, const LabelSet&)) {
  Classification c;
  if (match(nm.globalReceiverSelector, labels)) {
    c.global = true;
    return c;
  }
  const std::string* id = labels.find(nm.tenantKey);
  if (id && !id->empty() && match(nm.tenantReceiverSelector, labels)) {
    c.tenant = true;
    c.tenantId = *id;
  }
  return c;
}

}  // namespace

Classification classifyReceiver(const model::NotificationManager& nm, const LabelSet& labels) {
  return classify(nm, labels, &anyLabelMatches);
}

Classification classifySilence(const model::NotificationManager& nm, const LabelSet& labels) {
  return classify(nm, labels, &allLabelsMatch);
}

}  // namespace nm::config
