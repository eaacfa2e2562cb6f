// Ingest decoder: turns an HTTP body (Alertmanager webhook object or Prometheus/Alertmanager array
// of postable alerts) into validated, normalized Alerts, with per-field error messages.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"
#include "core/time.h"
#include "ingest/ingest_limits.h"

namespace nm::ingest {

struct DecodeOptions {
  // Value of label `cluster` for alerts that do not carry one; empty: leave them without.
  std::string_view cluster = "default";
  // Receive time (receivedAt, default startsAt, alerttime, status derivation); kZeroTime: now().
  TimePoint now = kZeroTime;
  // An alert with more labels than this is refused (--webhook.max-labels-per-alert).
  size_t maxLabelsPerAlert = kDefaultMaxLabelsPerAlert;
  // A label value longer than this many bytes is refused (--webhook.max-label-value-bytes).
  size_t maxLabelValueBytes = kDefaultMaxLabelValueBytes;
};

struct DecodeResult {
  AlertList alerts;  // the valid alerts, in body order
  // "alerts[3].labels.severity: expected a string", "alerts[0].labels[\"a b\"]: invalid label name"
  std::vector<std::string> errors;
  size_t invalid = 0;  // how many alerts were rejected
  std::string fatal;   // non-empty: the whole body was rejected (malformed)
  bool ok() const { return fatal.empty(); }
};

// Refused like Alertmanager 0.25 refuses them: label and annotation names that are not Prometheus
// label names ([a-zA-Z_][a-zA-Z0-9_]*), and (stricter) a key twice in any object of the body.
// Decodes a whole body. Uses a thread-local simdjson DOM parser (runtime-dispatched SIMD).
DecodeResult decodeAlerts(std::string_view body, const DecodeOptions& opts = {});

// Decodes an already parsed element (e.g. the `alert` member of /api/v2/notifications). `path`
// prefixes every error message ("alert" gives "alert.alerts[0].labels: ...").
DecodeResult decodeAlerts(simdjson::dom::element root, const DecodeOptions& opts,
                          std::string_view path = {});

}  // namespace nm::ingest
