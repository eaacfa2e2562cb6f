// Registers the shared state backends' metrics once (see shared_state_metrics.h).
#include "persist/shared_state_metrics.h"

namespace nm::persist {

SharedStateMetrics::SharedStateMetrics(metrics::Registry& registry)
    : writeErrors(registry
                      .counter("nm_state_write_errors_total",
                               "Failed writes to the state backend (retried).")
                      .with({})),
      dropped(registry
                  .counter("nm_state_writes_dropped_total",
                           "State writes dropped because too many records were pending.")
                  .with({})),
      resyncs(registry
                  .counter("nm_state_resyncs_total",
                           "Full re-reads of a shared state table after (re)subscribing.")
                  .with({})),
      pending(registry.gauge("nm_state_pending_records", "State records waiting to be written.")
                  .with({})) {
  auto& w = registry.counter("nm_state_writes_total", "State records written (put or erased).",
                             {"table"});
  auto& r =
      registry.counter("nm_state_remote_changes_total",
                       "State records written by other replicas and applied here.", {"table"});
  for (StateTable t : kStateTables) {
    writes[static_cast<size_t>(t)] = &w.with({toString(t)});
    remote[static_cast<size_t>(t)] = &r.with({toString(t)});
  }
}

}  // namespace nm::persist
