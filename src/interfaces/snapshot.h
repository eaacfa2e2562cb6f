// The configuration snapshot: every resource validated, indexed and bound (receivers by tenant,
// configs by type, compiled selectors, built notifiers), immutable and shared by each batch.
// A value type over the seams below it; config/ builds it, every stage reads it.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/notifier.h"
#include "interfaces/secret_resolver.h"
#include "model/resources.h"
#include "render/renderer.h"

namespace nm::config {

// One channel block of a Config CR, with its tenant classification.
struct ConfigEntry {
  std::string name;  // Config CR name
  std::string type;
  LabelSet labels;            // CR labels
  bool isDefault = false;     // matched defaultConfigSelector
  std::string tenant;         // from labels type=tenant + <tenantKey>
  int priority = 2147483646;  // label "priority"; unset = MaxInt32-1; lowest wins
  std::shared_ptr<const ChannelSpec> spec;
  model::PackedYaml rawSpec;  // the channel block as written (shared bytes), for the debug dumps
  model::Origin origin;
  // Incremental builds: SHA-256 of what the entry was built from (the Config's origin, name,
  // labels and channel block); a later build with the same NotificationManager reuses the entry
  // when its key is equal.
  std::string buildKey;
};

// One channel of a Receiver CR: the unit routing and notification work with ("type/name").
struct Receiver;
using ReceiverPtr = std::shared_ptr<const Receiver>;

struct Receiver {
  std::string name;  // Receiver CR name
  std::string type;
  std::string key;  // "type/name"
  LabelSet labels;  // CR labels (Router selectors match these)
  bool global = false;
  std::string tenant;  // empty for global receivers
  bool enabled = true;
  std::shared_ptr<const model::LabelSelector> alertSelector;
  std::shared_ptr<const model::LabelSelector> configSelector;
  std::string templateName;
  std::optional<model::ConfigMapKeySelector> tmplText;
  model::DedupOverride dedup;  // over the snapshot's nm.dedup
  std::shared_ptr<const ChannelSpec> spec;
  model::PackedYaml rawSpec;  // the channel block as written (shared bytes), for the debug dumps
  std::shared_ptr<const ConfigEntry> config;  // selected config (may be null)
  std::shared_ptr<Notifier> notifier;         // null when it could not be built
  std::string notifierError;                  // why not
  model::Origin origin;
  // The snapshot's renderer with this receiver's tmplText parsed on top; null when it has none.
  std::shared_ptr<const render::Renderer> renderer;
  // Incremental builds: SHA-256 of what the receiver was built from (the Receiver's origin, name,
  // labels, channel block and tmplText texts), and the Secret keys its notifier read with a
  // digest of their values. A later build reuses this receiver, notifier included, when the key,
  // the NotificationManager, the snapshot renderer and the selected config are the same and the
  // Secret keys still resolve to the same values.
  std::string buildKey;
  std::vector<model::SecretKeySelector> secretRefs;
  std::string secretDigest;
};

struct Snapshot {
  uint64_t version = 0;
  TimePoint loadedAt = kZeroTime;
  std::string source;  // "dir:/etc/nm" or "api"
  // The source content it was built from (LoadedConfig::fingerprint): equal → no rebuild.
  std::string fingerprint;

  model::NotificationManager nm;  // effective (defaults when the directory has none)
  // As loaded, minus the Receivers and Configs once built (their receivers and entries keep
  // what the dumps show): NotificationManager, Routers and Silences (pointed into below),
  // Secrets, ConfigMaps, Namespaces.
  model::ResourceSet resources;
  // Label `cluster` of incoming alerts and the tenant sidecar's `cluster` (config/cluster_name.h);
  // empty only in hand-made snapshots.
  std::string cluster;

  std::vector<ReceiverPtr> receivers;  // all, in load order
  std::vector<ReceiverPtr> globalReceivers;
  std::unordered_map<std::string, std::vector<ReceiverPtr>> receiversByTenant;
  std::unordered_map<std::string, ReceiverPtr> receiversByKey;  // "type/name"
  std::unordered_map<std::string, std::vector<std::shared_ptr<const ConfigEntry>>> configsByType;

  std::vector<const model::RouterResource*> routers;  // enabled, pointing into resources
  std::vector<const model::SilenceResource*> globalSilences;
  std::unordered_map<std::string, std::vector<const model::SilenceResource*>> tenantSilences;
  // Enabled InhibitRules, classified like Silences: global ones mute before routing, a tenant's
  // only for that tenant's receivers.
  std::vector<const model::InhibitRuleResource*> globalInhibitRules;
  std::unordered_map<std::string, std::vector<const model::InhibitRuleResource*>>
      tenantInhibitRules;

  ReceiverPtr history;  // spec.history.webhook as a virtual webhook receiver; null when unset
  std::shared_ptr<const SecretResolver> secrets;
  // Built-in templates + spec.template.text + language packs; null only before a build.
  std::shared_ptr<const render::Renderer> renderer;
  // Incremental builds: SHA-256 of the renderer's inputs (template texts, language packs,
  // language), and of what every notifier depends on beyond its receiver (the NotificationManager
  // spec, the channel services). Equal keys let the next build reuse the renderer / receivers.
  std::string rendererKey;
  std::string receiversKey;
};

// The renderer a receiver's notifier uses: its tmplText clone, else the snapshot's, else the
// built-in set.
inline std::shared_ptr<const render::Renderer> rendererFor(const Receiver& r, const Snapshot& s) {
  if (r.renderer) return r.renderer;
  if (s.renderer) return s.renderer;
  return render::Renderer::builtin();
}

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// The one published configuration: readers take a reference, a reload swaps it atomically.
class SnapshotStore {
 public:
  SnapshotPtr current() const { return std::atomic_load(&current_); }
  void publish(SnapshotPtr s) { std::atomic_store(&current_, std::move(s)); }

 private:
  SnapshotPtr current_;
};

}  // namespace nm::config
