// Effective dedup policy and group keys.
#include "dedup/dedup_settings.h"

namespace nm::dedup {

model::DedupPolicy effectivePolicy(const model::DedupPolicy& nm, const model::DedupOverride& o) {
  model::DedupPolicy p = nm;
  if (o.alertArray) p.alertArray = *o.alertArray;
  if (o.webhook) p.webhook = *o.webhook;
  if (o.repeatInterval) p.repeatInterval = *o.repeatInterval;
  if (o.sendResolved) p.sendResolved = *o.sendResolved;
  return p;
}

bool appliesTo(const model::DedupPolicy& p, IngestFormat format) {
  switch (format) {
    case IngestFormat::AlertArray:
    case IngestFormat::Internal:
      return p.alertArray;
    case IngestFormat::Webhook:
      return p.webhook;
  }
  return false;
}

bool appliesTo(const model::DedupPolicy& p, const AlertList& alerts) {
  if (p.alertArray == p.webhook) return p.alertArray && !alerts.empty();
  for (const AlertPtr& a : alerts)
    if (appliesTo(p, a->format)) return true;
  return false;
}

std::string groupKey(const LabelSet& groupLabels) {
  std::string k = "{";
  bool first = true;
  for (const auto& [name, value] : groupLabels) {
    if (!first) k += ',';
    first = false;
    k += name;
    k += "=\"";
    for (char c : value) {
      if (c == '"' || c == '\\') k += '\\';
      if (c == '\n') {
        k += "\\n";
        continue;
      }
      k += c;
    }
    k += '"';
  }
  k += '}';
  return k;
}

}  // namespace nm::dedup
