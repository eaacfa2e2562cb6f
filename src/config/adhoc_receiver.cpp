// buildAdhocReceiver: the Receiver (and optional Config) of a verify/notifications request,
// decoded, classified and bound against the current snapshot's options and secrets.
#include "config/classification.h"
#include "config/receiver_factory.h"
#include "config/secret_resolver.h"
#include "config/snapshot_builder.h"
#include "model/decode.h"

namespace nm::config {

namespace {

// Decodes `node` as one resource of `kind`; diagnostics for anything else.
model::ResourceSet decodeOne(const YAML::Node& node, const char* what, const char* kind,
                             model::Diagnostics& diags) {
  model::ResourceSet rs;
  model::Origin where;
  where.file = std::string("<api ") + what + ">";
  model::decodeDocument(node, where, rs, diags);
  const size_t total = rs.notificationManagers.size() + rs.configs.size() + rs.receivers.size() +
                       rs.routers.size() + rs.silences.size() + rs.secrets.size() +
                       rs.configMaps.size();
  const size_t wanted =
      std::string_view(kind) == "Receiver" ? rs.receivers.size() : rs.configs.size();
  if (diags.ok() && (total != 1 || wanted != 1))
    diags.error(where, "kind", std::string("expected exactly one ") + kind);
  return rs;
}

}  // namespace

AdhocResult buildAdhocReceiver(const YAML::Node& receiver, const YAML::Node& config,
                               const SnapshotPtr& current, const ChannelServices* services) {
  AdhocResult out;
  out.snapshot = current;
  if (!out.snapshot) {
    // No configuration loaded yet: the defaults, without the builder's log line per request.
    auto s = std::make_shared<Snapshot>();
    s->source = "api";
    s->loadedAt = now();
    s->nm = defaultNotificationManager();
    s->secrets = std::make_shared<ResourceSecretResolver>(std::vector<model::SecretResource>{},
                                                          defaultSecretNamespace(s->nm));
    out.snapshot = std::move(s);
  }
  const Snapshot& snap = *out.snapshot;

  model::ResourceSet rcv = decodeOne(receiver, "receiver", "Receiver", out.diags);
  model::ResourceSet cfg;
  const bool hasConfig = config && !config.IsNull();
  if (hasConfig) cfg = decodeOne(config, "config", "Config", out.diags);
  if (!out.diags.ok()) return out;

  const model::ReceiverResource& res = rcv.receivers.front();
  const Classification cls = classifyReceiver(snap.nm, res.labels);
  if (!cls.global && !cls.tenant) {
    out.diags.error(res.origin, "metadata.labels", "unknown tenant");
    return out;
  }
  auto receivers = makeReceivers(res, cls, out.diags);
  std::vector<std::shared_ptr<ConfigEntry>> entries;
  if (hasConfig) entries = makeConfigEntries(cfg.configs.front(), snap.nm, out.diags);
  if (!out.diags.ok()) return out;

  for (auto& r : receivers) {
    std::shared_ptr<const ConfigEntry> given;
    for (const auto& e : entries) {
      if (e->type == r->type) given = e;
    }
    bindReceiver(*r, snap, services, given);
    out.receivers.push_back(r);
  }
  return out;
}

}  // namespace nm::config
