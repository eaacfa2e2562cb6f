// The snapshot builder: a loaded ResourceSet → an immutable, indexed, bound Snapshot (or the
// diagnostics that refused it), plus the ad-hoc receivers of /api/v2/verify and /notifications.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm {
struct ChannelServices;
}

namespace nm::config {

inline constexpr const char* kHistoryReceiverName = "notification-manager-history";

struct BuildOptions {
  const ChannelServices* services = nullptr;  // null: notifiers are not built (tests, dry runs)
  std::string source;                         // ConfigSource::name(): "dir:/etc/nm"
  uint64_t version = 0;
  std::string fingerprint = {};  // LoadedConfig::fingerprint, kept on the snapshot
  // The running snapshot: what did not change is taken from it instead of being built again
  // (config entries, the renderer, receivers with their notifiers). Null: everything is built.
  SnapshotPtr previous = nullptr;
  // LoadedConfig::skipInvalidObjects: a Receiver, Config, Router, Silence, InhibitRule, Secret or
  // ConfigMap named by a diagnostic is left out (BuildResult::skipped) and the rest is built again
  // without it; a diagnostic on the NotificationManager, or on no such object, still refuses the
  // build.
  bool skipInvalidObjects = false;
};

struct BuildResult {
  SnapshotPtr snapshot;  // null when diags has errors
  model::Diagnostics diags;
  model::Diagnostics skipped;  // with skipInvalidObjects: the diagnostics of the objects left out
  size_t receiversReused = 0;  // taken from options.previous, notifier included
  size_t receiversBuilt = 0;
};

// `secrets` is the resolver made by the source that loaded `rs` (LoadedConfig::secrets); null
// resolves inline values only.
BuildResult buildSnapshot(model::ResourceSet rs, std::shared_ptr<const SecretResolver> secrets,
                          const BuildOptions& options);
// Tests, fuzzing, tools: the file-mode resolver over rs.secrets (what DirectorySource hands in).
BuildResult buildSnapshot(model::ResourceSet rs, const BuildOptions& options);

// The NotificationManager used when the configuration has none: the struct defaults plus the
// Helm chart's defaultConfigSelector `type: default`.
model::NotificationManager defaultNotificationManager();

struct AdhocResult {
  std::vector<ReceiverPtr> receivers;  // one per channel block, config bound, notifier made
  SnapshotPtr snapshot;                // what the notifiers were built against; keep it alive
  model::Diagnostics diags;            // non-empty: the request is refused
};

// A Receiver CR (and optional Config CR) as sent to POST /api/v2/verify or /notifications.
// Classified like loaded receivers (neither global nor tenant → "unknown tenant"); a given Config
// block of the receiver's type is bound directly, else the config is selected from `current`.
// Secrets and options come from `current` (defaults when null).
AdhocResult buildAdhocReceiver(const YAML::Node& receiver, const YAML::Node& config,
                               const SnapshotPtr& current, const ChannelServices* services);

}  // namespace nm::config
