// Receiver and ConfigEntry construction through the channel registry, config selection and the
// notifier factory; notifier failures are recorded on the receiver, not load errors.
#include "config/receiver_factory.h"

#include <charconv>

#include "notify/channel_registry.h"
#include "notify/config_selection.h"
#include "observe/log.h"

namespace nm::config {

std::vector<std::shared_ptr<Receiver>> makeReceivers(const model::ReceiverResource& res,
                                                     const Classification& cls,
                                                     model::Diagnostics& diags) {
  std::vector<std::shared_ptr<Receiver>> out;
  for (const auto& ch : res.channels) {
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
    r->origin = res.origin;
    if (const ChannelDescriptor* d = findChannel(ch.type)) {
      if (d->decodeReceiver) {
        DecodeContext ctx{ch.spec, res.origin, ch.path, diags};
        r->spec = d->decodeReceiver(ctx);
      }
    } else {
      r->notifierError = "channel type " + ch.type + " is not supported yet";
    }
    out.push_back(std::move(r));
  }
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
    if (const ChannelDescriptor* d = findChannel(ch.type); d && d->decodeConfig) {
      DecodeContext ctx{ch.spec, res.origin, ch.path, diags};
      e->spec = d->decodeConfig(ctx);
    }
    out.push_back(std::move(e));
  }
  return out;
}

void bindReceiver(Receiver& receiver, const Snapshot& snapshot, HttpClient* http,
                  std::shared_ptr<const ConfigEntry> config) {
  receiver.config = config ? std::move(config) : selectConfig(receiver, snapshot);
  if (!http || !receiver.spec || !snapshot.secrets) return;
  const ChannelDescriptor* d = findChannel(receiver.type);
  if (!d || !d->make) return;
  NotifierContext ctx{receiver, receiver.config.get(), snapshot, *snapshot.secrets, *http};
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

}  // namespace nm::config
