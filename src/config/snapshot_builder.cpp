// buildSnapshot: NotificationManager choice, duplicate checks, config entries, receiver
// classification and binding, router/silence indexes and the history receiver.
#include "config/snapshot_builder.h"

#include <fstream>
#include <sstream>

#include <map>
#include <set>

#include "config/classification.h"
#include "config/cluster_name.h"
#include "config/receiver_factory.h"
#include "config/secret_resolver.h"
#include "notify/channel_registry.h"
#include "observe/log.h"

namespace nm::config {

model::NotificationManager defaultNotificationManager() {
  model::NotificationManager nm;
  auto sel = std::make_shared<model::LabelSelector>();
  sel->matchLabels = {{"type", "default"}};
  nm.defaultConfigSelector = std::move(sel);
  return nm;
}

namespace {

// Reports the second and later resources of one kind sharing a name, naming the first.
template <class T, class KeyFn>
void checkDuplicates(const std::vector<T>& items, const char* kind, KeyFn key,
                     model::Diagnostics& diags) {
  std::map<std::string, const model::Origin*> seen;
  for (const auto& it : items) {
    auto [pos, inserted] = seen.emplace(key(it), &it.origin);
    if (!inserted)
      diags.error(it.origin, "metadata.name",
                  std::string("duplicate ") + kind + " \"" + key(it) + "\", already defined in " +
                      pos->second->describe());
  }
}

void pickNotificationManager(Snapshot& s, model::Diagnostics& diags) {
  const auto& nms = s.resources.notificationManagers;
  if (nms.empty()) {
    s.nm = defaultNotificationManager();
    log::info("no NotificationManager resource in the configuration, using defaults",
              {{"source", s.source}});
    return;
  }
  s.nm = nms.front();
  for (size_t i = 1; i < nms.size(); ++i) {
    diags.error(nms[i].origin, "",
                "at most one NotificationManager is allowed; another one is defined in " +
                    nms.front().origin.describe());
  }
}

// The snapshot's renderer: spec.template.text and languagePack ConfigMaps over the built-in set.
// A missing ConfigMap/key or a parse error is a load error naming the ConfigMap and data.<key>.
void buildRenderer(Snapshot& s, model::Diagnostics& diags) {
  const auto& spec = s.nm.templateSpec;
  const std::string ns = defaultSecretNamespace(s.nm);
  render::RendererOptions o;
  o.language = spec.language;
  struct Where {
    const model::ConfigMapResource* cm;
    std::string key;
  };
  std::vector<Where> textAt, packAt;
  auto collect = [&](const model::ConfigMapKeySelector& sel, const std::string& path,
                     std::vector<render::Source>& into, std::vector<Where>& at) {
    std::vector<std::pair<std::string, std::string>> texts;
    std::string error;
    const auto* cm = selectConfigMap(s.resources.configMaps, sel, ns, texts, error);
    if (!cm) {
      diags.error(s.nm.origin, path, error);
      return;
    }
    for (auto& [k, v] : texts) {
      into.push_back({"ConfigMap " + cm->ns + "/" + cm->name + " data." + k, std::move(v)});
      at.push_back({cm, k});
    }
  };
  // options.global.templateFile (deprecated in the reference, still honoured): files parsed
  // before the ConfigMap text, as the Go daemon does. Read at each (re)load.
  const size_t files = s.nm.globalTemplateFiles.size();
  const std::string filesPath = "spec.receivers.options.global.templateFile";
  for (size_t i = 0; i < files; ++i) {
    const std::string& f = s.nm.globalTemplateFiles[i];
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
      diags.error(s.nm.origin, filesPath + "[" + std::to_string(i) + "]",
                  "cannot read template file \"" + f + "\"");
      o.templates.push_back({"file " + f, ""});
    } else {
      o.templates.push_back({"file " + f, text.str()});
    }
    textAt.push_back({nullptr, f});
  }
  if (spec.text) collect(*spec.text, "spec.template.text", o.templates, textAt);
  for (size_t i = 0; i < spec.languagePack.size(); ++i)
    collect(spec.languagePack[i], "spec.template.languagePack[" + std::to_string(i) + "]",
            o.languagePacks, packAt);
  std::vector<render::LoadError> errors;
  s.renderer = render::Renderer::build(o, errors);
  for (const auto& e : errors) {
    const Where& w = (e.languagePack ? packAt : textAt)[e.index];
    if (!w.cm) {  // a templateFile
      diags.error(s.nm.origin, filesPath + "[" + std::to_string(e.index) + "]",
                  "template file \"" + w.key + "\": " + e.message);
      continue;
    }
    diags.error(w.cm->origin, "data." + w.key,
                (e.languagePack ? "language pack: " : "") + e.message);
  }
}

void buildHistory(Snapshot& s, model::Diagnostics& diags, std::shared_ptr<Receiver>& out) {
  if (!s.nm.historyWebhook || s.nm.historyWebhook.IsNull()) return;
  auto r = std::make_shared<Receiver>();
  r->name = kHistoryReceiverName;
  r->type = "webhook";
  r->key = std::string("webhook/") + kHistoryReceiverName;
  r->global = true;
  r->origin = s.nm.origin;
  const ChannelDescriptor* d = findChannel("webhook");
  if (!d || !d->decodeReceiver) {
    diags.error(s.nm.origin, "spec.history.webhook", "the webhook channel is not available");
    return;
  }
  const std::string path = "spec.history.webhook";
  DecodeContext ctx{s.nm.historyWebhook, s.nm.origin, path, diags};
  r->spec = d->decodeReceiver(ctx);
  out = std::move(r);
}

}  // namespace

BuildResult buildSnapshot(model::ResourceSet rs, const BuildOptions& options) {
  auto secrets = makeResourceSecretResolver(rs);
  return buildSnapshot(std::move(rs), std::move(secrets), options);
}

BuildResult buildSnapshot(model::ResourceSet rs, std::shared_ptr<const SecretResolver> secrets,
                          const BuildOptions& options) {
  BuildResult result;
  auto& diags = result.diags;
  auto snap = std::make_shared<Snapshot>();
  snap->version = options.version;
  snap->source = options.source;
  snap->fingerprint = options.fingerprint;
  snap->loadedAt = now();
  snap->resources = std::move(rs);
  const auto& res = snap->resources;

  pickNotificationManager(*snap, diags);
  snap->cluster = resolveClusterName(snap->nm, res);
  auto byName = [](const auto& x) { return x.name; };
  auto byNsName = [](const auto& x) { return x.ns + "/" + x.name; };
  checkDuplicates(res.receivers, "Receiver", byName, diags);
  checkDuplicates(res.configs, "Config", byName, diags);
  checkDuplicates(res.routers, "Router", byName, diags);
  checkDuplicates(res.silences, "Silence", byName, diags);
  checkDuplicates(res.secrets, "Secret", byNsName, diags);
  checkDuplicates(res.configMaps, "ConfigMap", byNsName, diags);

  snap->secrets = secrets
                      ? std::move(secrets)
                      : std::make_shared<ResourceSecretResolver>(
                            std::vector<model::SecretResource>{}, defaultSecretNamespace(snap->nm));

  for (const auto& c : res.configs) {
    for (auto& e : makeConfigEntries(c, snap->nm, diags)) snap->configsByType[e->type].push_back(e);
  }

  buildRenderer(*snap, diags);

  std::vector<std::shared_ptr<Receiver>> receivers;
  for (const auto& r : res.receivers) {
    const Classification cls = classifyReceiver(snap->nm, r.labels);
    if (!cls.global && !cls.tenant) {
      log::warn("receiver is neither global nor tenant by its labels, ignored",
                {{"receiver", r.name}, {"origin", r.origin.describe()}});
      // Still decoded so that its errors are reported.
      makeReceivers(r, cls, diags);
      continue;
    }
    for (auto& x : makeReceivers(r, cls, diags)) receivers.push_back(std::move(x));
  }

  for (auto& r : receivers) bindReceiverTemplates(*r, *snap, diags);

  std::shared_ptr<Receiver> history;
  buildHistory(*snap, diags, history);

  if (!diags.ok()) return result;

  for (auto& r : receivers) {
    bindReceiver(*r, *snap, options.services);
    ReceiverPtr p = r;
    snap->receivers.push_back(p);
    snap->receiversByKey[p->key] = p;
    if (p->global)
      snap->globalReceivers.push_back(p);
    else
      snap->receiversByTenant[p->tenant].push_back(p);
  }
  if (history) {
    bindReceiver(*history, *snap, options.services);
    snap->history = history;
  }

  for (const auto& r : res.routers) {
    if (r.enabled) snap->routers.push_back(&r);
  }
  for (const auto& s : res.silences) {
    if (!s.enabled) continue;
    const Classification cls = classifySilence(snap->nm, s.labels);
    if (cls.global)
      snap->globalSilences.push_back(&s);
    else if (cls.tenant)
      snap->tenantSilences[cls.tenantId].push_back(&s);
    else
      log::warn("silence is neither global nor tenant by its labels, ignored",
                {{"silence", s.name}, {"origin", s.origin.describe()}});
  }
  result.snapshot = std::move(snap);
  return result;
}

}  // namespace nm::config
