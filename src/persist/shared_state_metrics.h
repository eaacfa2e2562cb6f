// The metrics every shared state backend (Redis hashes, NATS KV) keeps: records written and
// applied from other replicas per table, write errors, drops, resyncs and the pending gauge.
#pragma once

#include "interfaces/state_backend.h"
#include "observe/metrics.h"

namespace nm::persist {

struct SharedStateMetrics {
  explicit SharedStateMetrics(metrics::Registry& registry);

  metrics::Counter* writes[kStateTableCount];  // by StateTable
  metrics::Counter* remote[kStateTableCount];  // by StateTable
  metrics::Counter& writeErrors;
  metrics::Counter& dropped;
  metrics::Counter& resyncs;
  metrics::Gauge& pending;
};

}  // namespace nm::persist
