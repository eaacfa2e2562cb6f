// Ingest decoder: turns an HTTP body (Alertmanager webhook object or Prometheus/Alertmanager array
// of postable alerts) into validated, normalized Alerts, with per-field error messages.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"
#include "core/time.h"

namespace nm::ingest {

struct DecodeOptions {
  // Value of label `cluster` for alerts that do not carry one; empty: leave them without.
  std::string_view cluster = "default";
  // Receive time (receivedAt, default startsAt, alerttime, status derivation); kZeroTime: now().
  TimePoint now = kZeroTime;
};

struct DecodeResult {
  AlertList alerts;                 // the valid alerts, in body order
  std::vector<std::string> errors;  // "alerts[3].labels.severity: expected a string"
  size_t invalid = 0;               // how many alerts were rejected
  std::string fatal;                // non-empty: the whole body was rejected (malformed)
  bool ok() const { return fatal.empty(); }
};

// Decodes a whole body. Uses a thread-local simdjson DOM parser (runtime-dispatched SIMD).
DecodeResult decodeAlerts(std::string_view body, const DecodeOptions& opts = {});

// Decodes an already parsed element (e.g. the `alert` member of /api/v2/notifications). `path`
// prefixes every error message ("alert" gives "alert.alerts[0].labels: ...").
DecodeResult decodeAlerts(simdjson::dom::element root, const DecodeOptions& opts,
                          std::string_view path = {});

}  // namespace nm::ingest
