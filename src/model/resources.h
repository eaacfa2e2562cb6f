// The notification.kubesphere.io/v2beta2 resources as decoded from YAML/JSON: NotificationManager,
// Config, Receiver, Router, Silence, InhibitRule, plus the v1 Secret, ConfigMap and Namespace they
// reference.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cron.h"
#include "core/labels.h"
#include "core/time.h"
#include "model/diagnostics.h"
#include "model/packed_yaml.h"
#include "model/selector.h"

namespace nm::model {

inline constexpr const char* kApiVersion = "notification.kubesphere.io/v2beta2";

struct SecretKeySelector {
  std::string ns;  // empty: defaultSecretNamespace, else env NAMESPACE
  std::string name;
  std::string key;
};

// Exactly one of value / valueFrom.secretKeyRef (validated at decode).
struct Credential {
  std::optional<std::string> value;
  std::optional<SecretKeySelector> secretKeyRef;
  bool empty() const { return !value && !secretKeyRef; }
};

struct ConfigMapKeySelector {
  std::string ns;
  std::string name;
  std::string key;  // empty: every value of the ConfigMap
};

struct TLSConfig {
  std::optional<Credential> rootCA;
  std::optional<Credential> clientCert;
  std::optional<Credential> clientKey;
  std::string serverName;
  bool insecureSkipVerify = false;
};

enum class RoutePolicy { All, RouterFirst, RouterOnly };

// spec.receivers.options.<type> of the NotificationManager.
struct ChannelOptions {
  std::optional<int> notificationTimeout;  // seconds
  std::string templateName;
  YAML::Node raw;  // every other field, decoded by the channel
};

struct TemplateSpec {
  std::optional<ConfigMapKeySelector> text;
  Duration reloadCycle = std::chrono::minutes(1);
  std::vector<ConfigMapKeySelector> languagePack;
  std::string language = "English";
};

// spec.sidecars.tenant: the KubeSphere tenant sidecar next to the daemon (the container's other
// fields are the operator's business and are accepted as given).
inline constexpr int kTenantSidecarPort = 19094;
struct TenantSidecar {
  std::string type;               // "kubesphere" or anything else
  int port = kTenantSidecarPort;  // the container port named "tenant", else the first one
};

// spec.dedup of the NotificationManager (docs/configuration.md "Deduplication"): which alerts are
// deduplicated, by the format they were posted in, and how the notification log repeats.
struct DedupPolicy {
  bool alertArray = true;  // alerts posted as a Prometheus array (and the daemon's own)
  bool webhook = false;    // alerts posted in an Alertmanager webhook object
  Duration repeatInterval = std::chrono::hours(4);
  bool sendResolved = true;
};

// spec.<type>.dedup of a Receiver channel: each field that is set overrides the spec.dedup one.
struct DedupOverride {
  std::optional<bool> alertArray;
  std::optional<bool> webhook;
  std::optional<Duration> repeatInterval;
  std::optional<bool> sendResolved;
};

struct NotificationManager {
  Origin origin;
  std::string name;
  std::shared_ptr<const LabelSelector> defaultConfigSelector;  // nil: no default configs
  std::string defaultSecretNamespace;
  // The Go code defaults to "user", its docs to "namespace"; file mode has no tenant sidecar, so
  // the tenant is the namespace and "namespace" is the only default that works unconfigured.
  std::string tenantKey = "namespace";
  // Only matchLabels is used, and any single k=v match counts (reference semantics).
  std::map<std::string, std::string> globalReceiverSelector{{"type", "global"}};
  std::map<std::string, std::string> tenantReceiverSelector{{"type", "tenant"}};
  std::string globalTemplate;                    // options.global.template
  std::vector<std::string> globalTemplateFiles;  // options.global.templateFile
  std::string cluster;  // options.global.cluster; empty: resolved at snapshot build
  std::map<std::string, ChannelOptions> channelOptions;  // options.<type>
  PackedYaml historyWebhook;  // spec.history.webhook (a WebhookReceiver), empty when unset
  std::vector<std::string> groupLabels;
  DedupPolicy dedup;  // spec.dedup
  int batchMaxSize = 100;
  Duration batchMaxWait = std::chrono::minutes(1);
  // spec.resolveTimeout: an alert sent without endsAt resolves this long after its last update
  // (Alertmanager's global.resolve_timeout).
  Duration resolveTimeout = std::chrono::minutes(5);
  RoutePolicy routePolicy = RoutePolicy::All;
  TemplateSpec templateSpec;
  std::optional<TenantSidecar> tenantSidecar;  // spec.sidecars.tenant
  // The whole spec as read: equal → the same NotificationManager (incremental snapshot builds
  // reuse what was built from it). Empty for the defaults.
  PackedYaml specKey;
};

// One channel block of a Config CR (spec.<type>).
struct ConfigChannel {
  std::string type;
  std::string path;  // "spec.webhook": prefix for channel-level diagnostics
  PackedYaml spec;   // the block without `labels`, for the channel's own decoder
};

struct ConfigResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  std::vector<ConfigChannel> channels;
};

// One channel block of a Receiver CR (spec.<type>), with the fields every type shares decoded.
struct ReceiverChannel {
  std::string type;
  std::string path;  // "spec.webhook"
  bool enabled = true;
  std::shared_ptr<const LabelSelector> alertSelector;
  std::shared_ptr<const LabelSelector> configSelector;  // <type>ConfigSelector
  std::string templateName;                             // template
  std::optional<ConfigMapKeySelector> tmplText;
  DedupOverride dedup;  // dedup
  PackedYaml spec;      // the whole block, for the channel's own decoder
};

struct ReceiverResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  std::vector<ReceiverChannel> channels;
};

struct RouterChannelRef {
  std::string tenant;
  std::vector<std::string> types;
};

struct RouterResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  bool enabled = true;
  std::shared_ptr<const LabelSelector> alertSelector;     // required
  std::vector<std::string> receiverNames;                 // spec.receivers.name
  std::string regexName;                                  // spec.receivers.regexName
  std::shared_ptr<const re2::RE2> regexNameCompiled;      // unanchored
  std::shared_ptr<const LabelSelector> receiverSelector;  // spec.receivers.selector
  std::vector<RouterChannelRef> channels;                 // spec.receivers.channels
  std::string type;                                       // spec.receivers.type filter
};

struct SilenceResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  bool enabled = true;
  std::shared_ptr<const LabelSelector> matcher;  // required
  std::optional<TimePoint> startsAt;
  std::string scheduleText;
  std::shared_ptr<const CronSchedule> schedule;
  std::optional<Duration> duration;
};

// An InhibitRule: a firing alert matching `source` mutes alerts matching `target` whose `equal`
// labels have the same values (a missing label reads as ""). Classified like a Silence (labels
// type=global, or type=tenant + <tenantKey>).
struct InhibitRuleResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  bool enabled = true;
  std::shared_ptr<const LabelSelector> source;  // required
  std::shared_ptr<const LabelSelector> target;  // required
  std::vector<std::string> equal;               // Prometheus label names
  // Identity of what the rule does (name, source, target, equal as read): equal keys mean the
  // same rule across snapshots, so the inhibitor keeps its source cache.
  std::string key;
};

struct SecretResource {
  Origin origin;
  std::string ns;
  std::string name;
  std::map<std::string, std::string> data;  // base64-decoded `data` merged with `stringData`
};

struct ConfigMapResource {
  Origin origin;
  std::string ns;
  std::string name;
  std::map<std::string, std::string> data;
};

// A v1 Namespace: kubesphere-system's annotation names the cluster.
struct NamespaceResource {
  Origin origin;
  std::string name;
  LabelSet labels;
  std::map<std::string, std::string> annotations;
};

// Everything one load produced, before indexing.
struct ResourceSet {
  std::vector<NotificationManager> notificationManagers;
  std::vector<ConfigResource> configs;
  std::vector<ReceiverResource> receivers;
  std::vector<RouterResource> routers;
  std::vector<SilenceResource> silences;
  std::vector<InhibitRuleResource> inhibitRules;
  std::vector<SecretResource> secrets;
  std::vector<ConfigMapResource> configMaps;
  std::vector<NamespaceResource> namespaces;
};

// The receiver/config channel types of the reference.
const std::vector<std::string>& knownChannelTypes();

}  // namespace nm::model
