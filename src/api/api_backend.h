// What the HTTP API needs from the rest of the daemon, as one struct of callbacks and references,
// so the server is testable with fakes and knows nothing of the pipeline's wiring.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "ingest/ingest_limits.h"
#include "interfaces/alert_queue.h"
#include "interfaces/alert_store.h"
#include "interfaces/muter.h"
#include "interfaces/snapshot.h"
#include "observe/metrics.h"
#include "silence/api_silences.h"

namespace nm::api {

// Every reply of the Go daemon: {"Status":int,"Message":string}.
struct ApiResult {
  int status = 200;
  std::string message;
};

struct ReadyReport {
  bool ready = false;
  std::string lastReloadError;  // the refused edit, with file/document/path
  std::string queueError;       // "queue backend unreachable: …" while a durable queue's is down
  uint64_t snapshotVersion = 0;
  std::string lastReloadTime;  // RFC 3339
  // Kubernetes mode: the invalid objects left out of the running snapshot, one diagnostic each;
  // details only (ready stays true while a snapshot is published).
  std::vector<std::string> skippedObjects;
};

using Completion = std::function<void(ApiResult)>;

struct ApiDeps {
  AlertQueue* queue = nullptr;
  // Where the API counts and what /metrics renders; null: the router keeps one of its own (tests).
  metrics::Registry* metrics = nullptr;
  Duration pushTimeout = std::chrono::seconds(3);
  config::SnapshotStore* snapshots = nullptr;
  std::string cluster = "default";  // --cluster fallback when the snapshot has none
  size_t maxBodyBytes = 16 << 20;
  size_t maxLabelsPerAlert = ingest::kDefaultMaxLabelsPerAlert;  // see ingest::DecodeOptions
  size_t maxLabelValueBytes = ingest::kDefaultMaxLabelValueBytes;
  Duration readTimeout = std::chrono::seconds(10);  // a slow client is cut off after this
  std::string bearerToken;                          // when set, state-changing endpoints require it
  std::function<ApiResult()> reload;                // POST /-/reload
  std::function<ReadyReport()> ready;               // GET /-/ready
  // POST /api/v2/verify: {receiver, config?} already parsed (JSON is YAML).
  std::function<void(const YAML::Node& receiver, const YAML::Node& config, Completion)> verify;
  // POST /api/v2/notifications: {receiver, config?, alert}; alerts decoded by ingest.
  std::function<void(const YAML::Node& receiver, const YAML::Node& config, AlertList alerts,
                     Completion)>
      notifications;
  // Where alert state lives ("sqlite:<file>", "memory", "memory-only (fallback: ...)"), shown by
  // /-/ready and /status.
  std::string storage;

  // The Alertmanager v2 API (amtool). Silences created through it; null: those endpoints 503.
  ApiSilences* silences = nullptr;
  // GET /api/v2/alerts reads the active-alert store; null: 503 naming what is missing.
  const AlertStore* alertStore = nullptr;
  // Inhibition (global scope), for the alerts' inhibitedBy; null: none reported.
  const MuterProvider* inhibition = nullptr;
  // The receiver names the route stage picks for each alert (same order); null: none reported.
  std::function<std::vector<std::vector<std::string>>(const config::SnapshotPtr&, const AlertList&)>
      routeReceivers;
  TimePoint startedAt = kZeroTime;  // GET /api/v2/status uptime
};

}  // namespace nm::api
