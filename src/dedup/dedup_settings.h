// Which notifications the dedup stage deduplicates: the NotificationManager's spec.dedup with a
// receiver's override on top, decided by the ingest formats of the notification's alerts.
#pragma once

#include <string>

#include "core/alert.h"
#include "model/resources.h"

namespace nm::dedup {

// The fields the override sets replace the NotificationManager's.
model::DedupPolicy effectivePolicy(const model::DedupPolicy& nm, const model::DedupOverride& o);

// AlertArray → alertArray, Webhook → webhook; Internal (made by the daemon from alerts it
// holds, e.g. the resolve timeout) → alertArray, the format the daemon's own state follows.
bool appliesTo(const model::DedupPolicy& p, IngestFormat format);

// A notification mixing formats is deduplicated when any of its alerts' formats is: an
// Alertmanager-posted alert in a group with Prometheus-posted ones gets the group's dedup.
bool appliesTo(const model::DedupPolicy& p, const AlertList& alerts);

// The group key of a notification: its group labels as {name="value",...} (values escaped as
// Go's %q escapes quotes and backslashes), "{}" without group labels.
std::string groupKey(const LabelSet& groupLabels);

}  // namespace nm::dedup
