// The reloader: loads its ConfigSource, builds a snapshot and publishes it; content equal to the
// published snapshot's is not rebuilt; a bad edit keeps the running snapshot and is remembered
// (with its diagnostics) for /-/ready. It does not know where the resources come from.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "interfaces/config_source.h"
#include "interfaces/snapshot.h"
#include "observe/metrics.h"

namespace nm {
struct ChannelServices;
}

namespace nm::config {

struct ReloadOutcome {
  bool ok = false;
  bool skipped = false;  // ok, and the content equals the published snapshot's: nothing rebuilt
  std::string error;     // every diagnostic, one per line
};

struct ReloadStatus {
  uint64_t version = 0;  // of the published snapshot; 0 before the first success
  TimePoint lastSuccess = kZeroTime;
  TimePoint lastAttempt = kZeroTime;
  std::string lastError;  // empty when the last attempt succeeded
  TimePoint lastErrorTime = kZeroTime;
  uint64_t skipped = 0;  // reloads whose content was unchanged (nm_config_reloads_skipped_total)
  // Kubernetes mode: the objects left out of the published snapshot, one diagnostic each
  // ("Receiver/r (resourceVersion 7): spec.webhook.url: ..."); /-/ready lists them.
  std::vector<std::string> skippedObjects;
};

class ConfigReloader {
 public:
  ConfigReloader(ConfigSource& source, SnapshotStore& store, const ChannelServices* services,
                 metrics::Registry& registry);
  ~ConfigReloader();
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // The load at start: same as reload(); a failure is fatal for the caller.
  ReloadOutcome initial() { return reload(); }
  // Load; when the content differs from the published snapshot's, build and on success publish
  // version+1. Thread-safe (the source's watcher, SIGHUP, /-/reload).
  ReloadOutcome reload();

  ReloadStatus status() const;

  // Called after each published rebuild, once the reloader dropped the previous snapshot (the
  // daemon gives the freed memory back to the system).
  void setAfterPublish(std::function<void()> fn);

  // The source's change notifications: reload() on each.
  void start();
  void stop();

 private:
  ConfigSource& source_;
  SnapshotStore& store_;
  const ChannelServices* services_;
  metrics::Family<metrics::Counter>& reloads_;
  metrics::Family<metrics::Counter>& skipped_;
  metrics::Family<metrics::Gauge>& lastSuccess_;
  metrics::Family<metrics::Gauge>& objectsSkipped_;
  mutable std::mutex mu_;  // serializes reloads and guards status_
  ReloadStatus status_;
  std::function<void()> afterPublish_;
};

}  // namespace nm::config
