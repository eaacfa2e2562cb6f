// Tenant classification of Receiver, Config and Silence resources by their labels, per the
// NotificationManager's globalReceiverSelector, tenantReceiverSelector and tenantKey.
#pragma once

#include <map>
#include <string>

#include "core/labels.h"
#include "model/resources.h"

namespace nm::config {

struct Classification {
  bool global = false;
  bool tenant = false;
  std::string tenantId;  // value of the <tenantKey> label when tenant
};

// True when any single k=v of `selector` is in `labels` (the reference's receiver selectors).
bool anyLabelMatches(const std::map<std::string, std::string>& selector, const LabelSet& labels);
// True when every k=v of `selector` is in `labels` (a matchLabels selector; empty: false).
bool allLabelsMatch(const std::map<std::string, std::string>& selector, const LabelSet& labels);

// Receivers and Configs: global when any k=v of globalReceiverSelector matches; otherwise tenant
// when any k=v of tenantReceiverSelector matches and the <tenantKey> label is present.
Classification classifyReceiver(const model::NotificationManager& nm, const LabelSet& labels);

// Silences (the reference looks them up with matchLabels selectors): global when every k=v of
// globalReceiverSelector matches; tenant when every k=v of tenantReceiverSelector matches and the
// <tenantKey> label is present.
Classification classifySilence(const model::NotificationManager& nm, const LabelSet& labels);

}  // namespace nm::config
