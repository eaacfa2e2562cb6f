// Receiver and ConfigEntry construction through the channel registry, config selection and the
// notifier factory; notifier failures are recorded on the receiver, not load errors.
#include "config/receiver_factory.h"

#include <charconv>

#include "config/secret_resolver.h"
#include "notify/channel_registry.h"
#include "notify/config_selection.h"
#include "observe/log.h"

namespace nm::config {

std::shared_ptr<Receiver> makeReceiver(const model::ReceiverResource& res,
                                       const model::ReceiverChannel& ch, const Classification& cls,
                                       model::Diagnostics& diags) {
  auto r = std::make_shared<Receiver>();
  r->name = res.name;
  r->type = ch.type;
  r->key = ch.type + "/" + res.name;
  r->labels = res.labels;
  r->global = cls.global;
  r->tenant = cls.global ? std::string() : cls.tenantId;
  r->enabled = ch.enabled;
  r->alertSelector = ch.alertSelector;
  r->configSelector = ch.configSelector;
  r->templateName = ch.templateName;
  r->tmplText = ch.tmplText;
  r->dedup = ch.dedup;
  r->origin = res.origin;
  r->rawSpec = ch.spec;
  if (const ChannelDescriptor* d = findChannel(ch.type)) {
    if (d->decodeReceiver) {
      YAML::Node spec = ch.spec.node();
      // dedup is shared by every channel (ch.dedup); each channel decoder lists only its own keys.
      if (spec.IsMap()) spec.remove("dedup");
      DecodeContext ctx{spec, res.origin, ch.path, diags};
      r->spec = d->decodeReceiver(ctx);
    }
  } else {
    r->notifierError = "channel type " + ch.type + " is not supported yet";
  }
  return r;
}

std::vector<std::shared_ptr<Receiver>> makeReceivers(const model::ReceiverResource& res,
                                                     const Classification& cls,
                                                     model::Diagnostics& diags) {
  std::vector<std::shared_ptr<Receiver>> out;
  for (const auto& ch : res.channels) out.push_back(makeReceiver(res, ch, cls, diags));
  return out;
}

std::vector<std::shared_ptr<ConfigEntry>> makeConfigEntries(const model::ConfigResource& res,
                                                            const model::NotificationManager& nm,
                                                            model::Diagnostics& diags) {
  std::vector<std::shared_ptr<ConfigEntry>> out;
  const bool isDefault = nm.defaultConfigSelector && nm.defaultConfigSelector->matches(res.labels);
  const Classification cls = classifyReceiver(nm, res.labels);
  int priority = 2147483646;
  if (const std::string* p = res.labels.find("priority")) {
    int v = 0;
    auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), v);
    if (p->empty() || ec != std::errc() || end != p->data() + p->size()) {
      diags.error(res.origin, "metadata.labels.priority",
                  "expected an integer, got \"" + *p + "\"");
    } else {
      priority = v;
    }
  }
  for (const auto& ch : res.channels) {
    auto e = std::make_shared<ConfigEntry>();
    e->name = res.name;
    e->type = ch.type;
    e->labels = res.labels;
    e->isDefault = isDefault;
    e->tenant = cls.tenant ? cls.tenantId : std::string();
    e->priority = priority;
    e->origin = res.origin;
    e->rawSpec = ch.spec;
    if (const ChannelDescriptor* d = findChannel(ch.type); d && d->decodeConfig) {
      const YAML::Node spec = ch.spec.node();
      DecodeContext ctx{spec, res.origin, ch.path, diags};
      e->spec = d->decodeConfig(ctx);
    }
    out.push_back(std::move(e));
  }
  return out;
}

void bindReceiver(Receiver& receiver, const Snapshot& snapshot, const ChannelServices* services,
                  std::shared_ptr<const ConfigEntry> config) {
  receiver.config = config ? std::move(config) : selectConfig(receiver, snapshot);
  buildNotifier(receiver, snapshot, services, snapshot.secrets.get());
}

void buildNotifier(Receiver& receiver, const Snapshot& snapshot, const ChannelServices* services,
                   const SecretResolver* secrets) {
  if (receiver.tmplText && !receiver.renderer) {
    // Ad-hoc receivers (verify, notifications): the loaded snapshot's builder did this already.
    model::Diagnostics d;
    bindReceiverTemplates(receiver, snapshot, d);
    if (!d.ok()) {
      receiver.notifierError = d.str();
      log::warn("receiver has no notifier",
                {{"receiver", receiver.key}, {"error", receiver.notifierError}});
      return;
    }
  }
  if (!services || !receiver.spec || !secrets) return;
  const ChannelDescriptor* d = findChannel(receiver.type);
  if (!d || !d->make) return;
  NotifierContext ctx{receiver, receiver.config.get(), snapshot, *secrets, *services};
  std::string error;
  std::unique_ptr<Notifier> n = d->make(ctx, error);
  if (n) {
    receiver.notifier = std::move(n);
    receiver.notifierError.clear();
  } else {
    receiver.notifierError = error.empty() ? "notifier could not be built" : error;
    log::warn("receiver has no notifier",
              {{"receiver", receiver.key}, {"error", receiver.notifierError}});
  }
}

const model::ConfigMapResource* selectConfigMap(
    const std::vector<model::ConfigMapResource>& configMaps, const model::ConfigMapKeySelector& sel,
    const std::string& defaultNs, std::vector<std::pair<std::string, std::string>>& out,
    std::string& error) {
  const std::string ns = sel.ns.empty() ? defaultNs : sel.ns;
  for (const auto& cm : configMaps) {
    if (cm.name != sel.name || cm.ns != ns) continue;
    if (sel.key.empty()) {
      for (const auto& kv : cm.data) out.push_back(kv);
      return &cm;
    }
    auto it = cm.data.find(sel.key);
    if (it == cm.data.end()) {
      error = "ConfigMap " + ns + "/" + sel.name + " has no key \"" + sel.key + "\"";
      return nullptr;
    }
    out.push_back(*it);
    return &cm;
  }
  error = "ConfigMap " + ns + "/" + sel.name + " not found";
  return nullptr;
}

void bindReceiverTemplates(Receiver& receiver, const Snapshot& snapshot,
                           model::Diagnostics& diags) {
  if (!receiver.tmplText) return;
  const std::string path = "spec." + receiver.type + ".tmplText";
  std::vector<std::pair<std::string, std::string>> texts;
  std::string error;
  const auto* cm = selectConfigMap(snapshot.resources.configMaps, *receiver.tmplText,
                                   defaultSecretNamespace(snapshot.nm), texts, error);
  if (!cm) {
    diags.error(receiver.origin, path, error);
    return;
  }
  std::string text;
  for (const auto& [k, v] : texts) {
    if (!text.empty()) text += '\n';
    text += v;
  }
  auto base = snapshot.renderer ? snapshot.renderer : render::Renderer::builtin();
  receiver.renderer = base->withTemplates(text, error);
  if (!receiver.renderer)
    diags.error(
        receiver.origin, path,
        "ConfigMap " + cm->ns + "/" + cm->name + " (" + cm->origin.describe() + "): " + error);
}

}  // namespace nm::config
