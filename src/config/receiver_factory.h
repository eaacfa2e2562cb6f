// Turns decoded Receiver/Config resources into the snapshot's units: one config::Receiver and one
// ConfigEntry per channel block (channel decoders run here), then binds config and notifier.
#pragma once

#include <memory>
#include <vector>

#include "config/classification.h"
#include "interfaces/snapshot.h"

namespace nm {
struct ChannelServices;
}

namespace nm::config {

// The Receiver of one channel block `ch` of `res` (see makeReceivers).
std::shared_ptr<Receiver> makeReceiver(const model::ReceiverResource& res,
                                       const model::ReceiverChannel& ch, const Classification& cls,
                                       model::Diagnostics& diags);

// One Receiver per channel block of `res`, classified by `cls`; channel specs decoded by the
// channel registry (errors → diags; an unimplemented type → spec null and notifierError).
std::vector<std::shared_ptr<Receiver>> makeReceivers(const model::ReceiverResource& res,
                                                     const Classification& cls,
                                                     model::Diagnostics& diags);

// One ConfigEntry per channel block of `res`: isDefault, tenant, priority label (a bad value →
// diags), spec decoded by the channel's decodeConfig.
std::vector<std::shared_ptr<ConfigEntry>> makeConfigEntries(const model::ConfigResource& res,
                                                            const model::NotificationManager& nm,
                                                            model::Diagnostics& diags);

// Sets receiver.config (when `config` is null: selected from snapshot.configsByType) and builds
// the notifier (skipped when http is null or the spec is missing; failure → notifierError).
void bindReceiver(Receiver& receiver, const Snapshot& snapshot, const ChannelServices* services,
                  std::shared_ptr<const ConfigEntry> config = nullptr);

// Builds the notifier of a receiver whose config is already set, resolving credentials through
// `secrets` (bindReceiver: the snapshot's; the builder: a resolver recording what was read).
void buildNotifier(Receiver& receiver, const Snapshot& snapshot, const ChannelServices* services,
                   const SecretResolver* secrets);

// The (key, value) texts a ConfigMapKeySelector selects from the loaded ConfigMaps (namespace
// empty: `defaultNs`; key empty: every value, in key order). Null and `error` set when the
// ConfigMap or key is missing.
const model::ConfigMapResource* selectConfigMap(
    const std::vector<model::ConfigMapResource>& configMaps, const model::ConfigMapKeySelector& sel,
    const std::string& defaultNs, std::vector<std::pair<std::string, std::string>>& out,
    std::string& error);

// Sets receiver.renderer from its tmplText parsed on top of snapshot.renderer; a missing
// ConfigMap or a parse error → diags at spec.<type>.tmplText.
void bindReceiverTemplates(Receiver& receiver, const Snapshot& snapshot, model::Diagnostics& diags);

}  // namespace nm::config
