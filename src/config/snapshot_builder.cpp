// buildSnapshot: NotificationManager choice, duplicate checks, config entries, receiver
// classification and binding, router/silence indexes and the history receiver.
#include "config/snapshot_builder.h"

#include <fstream>
#include <sstream>

#include <map>
#include <set>

#include "config/build_reuse.h"
#include "config/classification.h"
#include "config/cluster_name.h"
#include "config/invalid_objects.h"
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
void buildRenderer(Snapshot& s, const Snapshot* previous, model::Diagnostics& diags) {
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
  s.rendererKey = rendererKey(o);
  if (previous && previous->renderer && previous->rendererKey == s.rendererKey) {
    s.renderer = previous->renderer;  // the same inputs built without errors
    return;
  }
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
  if (s.nm.historyWebhook.empty()) return;
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
  const YAML::Node spec = s.nm.historyWebhook.node();
  DecodeContext ctx{spec, s.nm.origin, path, diags};
  r->spec = d->decodeReceiver(ctx);
  out = std::move(r);
}

// What options.previous offers for reuse: its config entries when the NotificationManager and
// services are the same, its receivers when the snapshot renderer is the same too.
class Previous {
 public:
  Previous(const Snapshot* prev, const Snapshot& next) {
    if (!prev || prev->receiversKey != next.receiversKey) return;
    for (const auto& [type, entries] : prev->configsByType)
      for (const auto& e : entries) entries_.emplace(type + "/" + e->name, e);
    if (prev->renderer != next.renderer) return;
    receivers_ = &prev->receiversByKey;
  }
  // The previous entry of `type`/`name` when it was built from `key`.
  std::shared_ptr<const ConfigEntry> entry(const std::string& typeName,
                                           const std::string& key) const {
    auto it = entries_.find(typeName);
    return it != entries_.end() && it->second->buildKey == key ? it->second : nullptr;
  }
  ReceiverPtr receiver(const std::string& typeName, const std::string& key) const {
    if (!receivers_) return nullptr;
    auto it = receivers_->find(typeName);
    return it != receivers_->end() && it->second->buildKey == key ? it->second : nullptr;
  }

 private:
  std::unordered_map<std::string, std::shared_ptr<const ConfigEntry>> entries_;
  const std::unordered_map<std::string, ReceiverPtr>* receivers_ = nullptr;
};

void addConfigEntries(Snapshot& s, const Previous& prev, model::Diagnostics& diags) {
  for (const auto& c : s.resources.configs) {
    std::vector<std::shared_ptr<const ConfigEntry>> reused;
    std::vector<std::string> keys;
    for (const auto& ch : c.channels) {
      keys.push_back(configEntryKey(c, ch));
      if (auto e = prev.entry(ch.type + "/" + c.name, keys.back())) reused.push_back(e);
    }
    if (!c.channels.empty() && reused.size() == c.channels.size()) {
      for (auto& e : reused) s.configsByType[e->type].push_back(std::move(e));
      continue;
    }
    auto made = makeConfigEntries(c, s.nm, diags);
    for (size_t i = 0; i < made.size(); ++i) {
      made[i]->buildKey = keys[i];
      s.configsByType[made[i]->type].push_back(std::move(made[i]));
    }
  }
}

// The tmplText texts a receiver channel selects (empty when it has none or they are missing:
// bindReceiverTemplates reports that).
std::vector<std::pair<std::string, std::string>> tmplTexts(const model::ReceiverChannel& ch,
                                                           const Snapshot& s) {
  std::vector<std::pair<std::string, std::string>> texts;
  if (!ch.tmplText) return texts;
  std::string error;
  if (!selectConfigMap(s.resources.configMaps, *ch.tmplText, defaultSecretNamespace(s.nm), texts,
                       error))
    texts.clear();
  return texts;
}

// One receiver of the build: made from its resource now, or the previous snapshot's.
struct Unit {
  std::shared_ptr<Receiver> made;
  ReceiverPtr previous;
};

// Config, notifier and the Secret keys it read, for a receiver made or copied in this build.
void bindMade(Receiver& r, std::shared_ptr<const ConfigEntry> config, const Snapshot& s,
              const ChannelServices* services) {
  r.config = std::move(config);
  r.notifier.reset();
  RecordingSecretResolver recording(*s.secrets);
  buildNotifier(r, s, services, &recording);
  r.secretRefs = recording.refs();
  r.secretDigest = recording.digest();
}

BuildResult buildOnce(model::ResourceSet&& rs, std::shared_ptr<const SecretResolver> secrets,
                      const BuildOptions& options, model::ResourceSet* giveBack) {
  BuildResult result;
  auto& diags = result.diags;
  auto snap = std::make_shared<Snapshot>();
  snap->version = options.version;
  snap->source = options.source;
  snap->fingerprint = options.fingerprint;
  snap->loadedAt = now();
  snap->resources = std::move(rs);
  const auto& res = snap->resources;
  auto refused = [&]() -> BuildResult& {
    if (giveBack) *giveBack = std::move(snap->resources);
    return result;
  };

  pickNotificationManager(*snap, diags);
  snap->cluster = resolveClusterName(snap->nm, res);
  auto byName = [](const auto& x) { return x.name; };
  auto byNsName = [](const auto& x) { return x.ns + "/" + x.name; };
  checkDuplicates(res.receivers, "Receiver", byName, diags);
  checkDuplicates(res.configs, "Config", byName, diags);
  checkDuplicates(res.routers, "Router", byName, diags);
  checkDuplicates(res.silences, "Silence", byName, diags);
  checkDuplicates(res.inhibitRules, "InhibitRule", byName, diags);
  checkDuplicates(res.secrets, "Secret", byNsName, diags);
  checkDuplicates(res.configMaps, "ConfigMap", byNsName, diags);

  snap->secrets = secrets
                      ? std::move(secrets)
                      : std::make_shared<ResourceSecretResolver>(
                            std::vector<model::SecretResource>{}, defaultSecretNamespace(snap->nm));
  snap->receiversKey = receiversKey(snap->nm, options.services);
  const Snapshot* previous = options.previous.get();

  buildRenderer(*snap, previous, diags);
  const Previous prev(previous, *snap);
  addConfigEntries(*snap, prev, diags);

  std::vector<Unit> units;
  for (const auto& r : res.receivers) {
    const Classification cls = classifyReceiver(snap->nm, r.labels);
    if (!cls.global && !cls.tenant) {
      log::warn("receiver is neither global nor tenant by its labels, ignored",
                {{"receiver", r.name}, {"origin", r.origin.describe()}});
      // Still decoded so that its errors are reported.
      makeReceivers(r, cls, diags);
      continue;
    }
    for (const auto& ch : r.channels) {
      std::string key = receiverKey(r, ch, tmplTexts(ch, *snap));
      if (ReceiverPtr old = prev.receiver(ch.type + "/" + r.name, key)) {
        units.push_back({nullptr, std::move(old)});
        continue;
      }
      auto made = makeReceiver(r, ch, cls, diags);
      made->buildKey = std::move(key);
      bindReceiverTemplates(*made, *snap, diags);
      units.push_back({std::move(made), nullptr});
    }
  }

  std::shared_ptr<Receiver> history;
  buildHistory(*snap, diags, history);

  if (!diags.ok()) return refused();

  const ConfigCandidates candidates(*snap);
  for (auto& u : units) {
    ReceiverPtr p;
    if (u.previous) {
      auto config = candidates.select(*u.previous);
      if (config == u.previous->config &&
          (u.previous->secretRefs.empty() ||
           secretDigest(*snap->secrets, u.previous->secretRefs) == u.previous->secretDigest)) {
        p = u.previous;
        ++result.receiversReused;
      } else {  // same resource, another config or Secret value: a new notifier only
        auto copy = std::make_shared<Receiver>(*u.previous);
        bindMade(*copy, std::move(config), *snap, options.services);
        p = std::move(copy);
        ++result.receiversBuilt;
      }
    } else {
      bindMade(*u.made, candidates.select(*u.made), *snap, options.services);
      p = std::move(u.made);
      ++result.receiversBuilt;
    }
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
  for (const auto& rule : res.inhibitRules) {
    if (!rule.enabled) continue;
    const Classification cls = classifySilence(snap->nm, rule.labels);
    if (cls.global)
      snap->globalInhibitRules.push_back(&rule);
    else if (cls.tenant)
      snap->tenantInhibitRules[cls.tenantId].push_back(&rule);
    else
      log::warn("inhibit rule is neither global nor tenant by its labels, ignored",
                {{"inhibitRule", rule.name}, {"origin", rule.origin.describe()}});
  }
  // Built: the receivers and config entries keep what is still needed of these (rawSpec for the
  // dumps), so the snapshot does not hold a second copy (Kubernetes mode's digests are one).
  std::vector<model::ReceiverResource>().swap(snap->resources.receivers);
  std::vector<model::ConfigResource>().swap(snap->resources.configs);
  result.snapshot = std::move(snap);
  return result;
}

}  // namespace

BuildResult buildSnapshot(model::ResourceSet rs, const BuildOptions& options) {
  auto secrets = makeResourceSecretResolver(rs);
  return buildSnapshot(std::move(rs), std::move(secrets), options);
}

BuildResult buildSnapshot(model::ResourceSet rs, std::shared_ptr<const SecretResolver> secrets,
                          const BuildOptions& options) {
  if (!options.skipInvalidObjects)
    return buildOnce(std::move(rs), std::move(secrets), options, nullptr);
  // Each round leaves out the objects the previous one blamed; an object left out can only make
  // others fail (a ConfigMap a receiver's tmplText names), so a few rounds settle it.
  model::Diagnostics skipped;
  for (int round = 0;; ++round) {
    BuildResult r = buildOnce(std::move(rs), secrets, options, &rs);
    if (r.snapshot) {
      r.skipped = std::move(skipped);
      return r;
    }
    if (round == kMaxSkipRounds || !allBlameSkippableObjects(r.diags)) {
      skipped.append(r.diags);  // refused: every diagnostic, the skipped objects' first
      r.diags = std::move(skipped);
      return r;
    }
    removeBlamedObjects(rs, r.diags);
    skipped.append(r.diags);
  }
}
}  // namespace nm::config
