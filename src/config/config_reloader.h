// The file-mode config source: loads the directory, builds a snapshot and publishes it; a bad edit
// keeps the running snapshot and is remembered (with its diagnostics) for /-/ready.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "config/directory_watcher.h"
#include "interfaces/snapshot.h"
#include "observe/metrics.h"

namespace nm {
struct ChannelServices;
}

namespace nm::config {

struct ReloadOutcome {
  bool ok = false;
  std::string error;  // every diagnostic, one per line
};

struct ReloadStatus {
  uint64_t version = 0;  // of the published snapshot; 0 before the first success
  TimePoint lastSuccess = kZeroTime;
  TimePoint lastAttempt = kZeroTime;
  std::string lastError;  // empty when the last attempt succeeded
  TimePoint lastErrorTime = kZeroTime;
};

class ConfigReloader {
 public:
  ConfigReloader(std::string dir, SnapshotStore& store, const ChannelServices* services,
                 metrics::Registry& registry);
  ~ConfigReloader();
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // The load at start: same as reload(); a failure is fatal for the caller.
  ReloadOutcome initial() { return reload(); }
  // Load + build; on success publish version+1. Thread-safe (watcher, /-/reload).
  ReloadOutcome reload();

  ReloadStatus status() const;

  // The watcher thread: reload() on every change burst.
  void start(DirectoryWatcher::Options options = {});
  void stop();

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  SnapshotStore& store_;
  const ChannelServices* services_;
  metrics::Family<metrics::Counter>& reloads_;
  metrics::Family<metrics::Gauge>& lastSuccess_;
  mutable std::mutex mu_;  // serializes reloads and guards status_
  ReloadStatus status_;
  std::unique_ptr<DirectoryWatcher> watcher_;
};

}  // namespace nm::config
