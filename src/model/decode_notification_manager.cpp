// Decoder of the NotificationManager spec: the behaviour fields of the reference (selectors,
// receivers.options, history, batching, routePolicy, template, the tenant sidecar, dedup);
// Deployment fields are ignored.
#include "model/decode.h"

namespace nm::model {

namespace {

std::map<std::string, std::string> matchLabelsOf(Reader& r, const YAML::Node& n,
                                                 const std::string& path) {
  auto s = decodeLabelSelector(r, n, path);
  return s ? s->matchLabels : std::map<std::string, std::string>{};
}

void decodeOptions(Reader& r, const YAML::Node& n, const std::string& path,
                   NotificationManager& nm) {
  if (Reader::absent(n) || !r.map(n, path)) return;
  for (const auto& kv : n) {
    auto type = r.key(kv.first, path);
    if (!type) continue;
    const std::string p = joinPath(path, *type);
    const YAML::Node block = kv.second;
    if (*type == "global") {
      if (Reader::absent(block) || !r.map(block, p)) continue;
      r.onlyKeys(block, p, {"template", "cluster", "templateFile"});
      nm.globalTemplate = r.str(block["template"], joinPath(p, "template")).value_or("");
      if (auto c = r.str(block["cluster"], joinPath(p, "cluster")); c && !c->empty())
        nm.cluster = *c;
      nm.globalTemplateFiles = r.strings(block["templateFile"], joinPath(p, "templateFile"));
      continue;
    }
    if (!isKnownChannelType(*type)) {
      r.error(p, "unknown channel type \"" + *type + "\"");
      continue;
    }
    ChannelOptions o;
    if (!Reader::absent(block)) {
      if (!r.map(block, p)) continue;
      o.notificationTimeout =
          r.integer(block["notificationTimeout"], joinPath(p, "notificationTimeout"));
      o.templateName = r.str(block["template"], joinPath(p, "template")).value_or("");
      o.raw = YAML::Clone(block);  // not the whole document (see decodeReceiver)
    }
    nm.channelOptions[*type] = std::move(o);
  }
}

void decodeReceivers(Reader& r, const YAML::Node& n, const std::string& path,
                     NotificationManager& nm) {
  if (Reader::absent(n) || !r.map(n, path)) return;
  r.onlyKeys(n, path, {"tenantKey", "globalReceiverSelector", "tenantReceiverSelector", "options"});
  if (auto k = r.str(n["tenantKey"], joinPath(path, "tenantKey")); k && !k->empty())
    nm.tenantKey = *k;
  if (!Reader::absent(n["globalReceiverSelector"]))
    nm.globalReceiverSelector =
        matchLabelsOf(r, n["globalReceiverSelector"], joinPath(path, "globalReceiverSelector"));
  if (!Reader::absent(n["tenantReceiverSelector"]))
    nm.tenantReceiverSelector =
        matchLabelsOf(r, n["tenantReceiverSelector"], joinPath(path, "tenantReceiverSelector"));
  decodeOptions(r, n["options"], joinPath(path, "options"), nm);
}

void decodeTemplate(Reader& r, const YAML::Node& n, const std::string& path, TemplateSpec& t) {
  if (Reader::absent(n) || !r.map(n, path)) return;
  r.onlyKeys(n, path, {"text", "reloadCycle", "languagePack", "language"});
  t.text = decodeConfigMapKeySelector(r, n["text"], joinPath(path, "text"));
  if (auto d = r.duration(n["reloadCycle"], joinPath(path, "reloadCycle"))) t.reloadCycle = *d;
  const YAML::Node packs = n["languagePack"];
  const std::string pp = joinPath(path, "languagePack");
  if (!Reader::absent(packs)) {
    if (!packs.IsSequence()) {
      r.error(pp, "expected a list, got " + describeNode(packs));
    } else {
      for (size_t i = 0; i < packs.size(); ++i) {
        if (auto s = decodeConfigMapKeySelector(r, packs[i], indexPath(pp, i)))
          t.languagePack.push_back(*s);
      }
    }
  }
  if (auto l = r.str(n["language"], joinPath(path, "language")); l && !l->empty()) t.language = *l;
}

// The container port of the tenant sidecar: the one named "tenant", else the first one.
std::optional<int> sidecarPort(Reader& r, const YAML::Node& ports, const std::string& path) {
  if (Reader::absent(ports)) return std::nullopt;
  if (!ports.IsSequence()) {
    r.error(path, "expected a list, got " + describeNode(ports));
    return std::nullopt;
  }
  std::optional<int> first;
  for (size_t i = 0; i < ports.size(); ++i) {
    const std::string p = indexPath(path, i);
    if (!r.map(ports[i], p)) continue;
    auto port = r.integer(ports[i]["containerPort"], joinPath(p, "containerPort"));
    if (!port) continue;
    if (*port < 1 || *port > 65535) {
      r.error(joinPath(p, "containerPort"), "must be between 1 and 65535");
      continue;
    }
    if (r.str(ports[i]["name"], joinPath(p, "name")).value_or("") == "tenant") return port;
    if (!first) first = port;
  }
  return first;
}

// spec.sidecars: a map of sidecar name → {type, <inline corev1.Container>}; only `tenant` has a
// meaning to the daemon, and the container fields are the operator's.
void decodeSidecars(Reader& r, const YAML::Node& n, const std::string& path,
                    NotificationManager& nm) {
  if (Reader::absent(n) || !r.map(n, path)) return;
  for (const auto& kv : n) {
    auto name = r.key(kv.first, path);
    if (!name) continue;
    const std::string p = joinPath(path, *name);
    const YAML::Node sidecar = kv.second;
    if (Reader::absent(sidecar) || !r.map(sidecar, p)) continue;
    auto type = r.str(sidecar["type"], joinPath(p, "type"));
    auto port = sidecarPort(r, sidecar["ports"], joinPath(p, "ports"));
    if (*name != "tenant") continue;
    TenantSidecar t;
    t.type = type.value_or("");
    if (port) t.port = *port;
    nm.tenantSidecar = std::move(t);
  }
}

}  // namespace

void decodeNotificationManager(Reader& r, const YAML::Node& doc, const ObjectMeta& m,
                               ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  NotificationManager nm;
  nm.origin = r.origin();
  nm.name = m.name;
  const YAML::Node spec = doc["spec"];
  nm.specKey = spec;
  if (!Reader::absent(spec) && r.map(spec, "spec")) {
    r.onlyKeys(spec, "spec",
               {// behaviour
                "defaultConfigSelector", "defaultSecretNamespace", "receivers", "history",
                "groupLabels", "batchMaxSize", "batchMaxWait", "resolveTimeout", "routePolicy",
                "template", "sidecars", "dedup",
                // Deployment fields: accepted, ignored in file mode
                "resources", "image", "imagePullPolicy", "replicas", "nodeSelector", "affinity",
                "tolerations", "serviceAccountName", "portName", "env", "volumes", "volumeMounts",
                "args", "annotations", "labels"});
    nm.defaultConfigSelector =
        decodeLabelSelector(r, spec["defaultConfigSelector"], "spec.defaultConfigSelector");
    nm.defaultSecretNamespace =
        r.str(spec["defaultSecretNamespace"], "spec.defaultSecretNamespace").value_or("");
    decodeReceivers(r, spec["receivers"], "spec.receivers", nm);
    const YAML::Node history = spec["history"];
    if (!Reader::absent(history) && r.map(history, "spec.history")) {
      r.onlyKeys(history, "spec.history", {"webhook"});
      const YAML::Node wh = history["webhook"];
      if (!Reader::absent(wh) && r.map(wh, "spec.history.webhook")) nm.historyWebhook = wh;
    }
    nm.groupLabels = r.strings(spec["groupLabels"], "spec.groupLabels");
    const DedupOverride dedup = decodeDedup(r, spec["dedup"], "spec.dedup");
    nm.dedup.alertArray = dedup.alertArray.value_or(nm.dedup.alertArray);
    nm.dedup.webhook = dedup.webhook.value_or(nm.dedup.webhook);
    nm.dedup.repeatInterval = dedup.repeatInterval.value_or(nm.dedup.repeatInterval);
    nm.dedup.sendResolved = dedup.sendResolved.value_or(nm.dedup.sendResolved);
    if (auto v = r.integer(spec["batchMaxSize"], "spec.batchMaxSize")) {
      if (*v < 1)
        r.error("spec.batchMaxSize", "must be at least 1");
      else
        nm.batchMaxSize = *v;
    }
    if (auto d = r.duration(spec["batchMaxWait"], "spec.batchMaxWait")) {
      if (d->count() <= 0)
        r.error("spec.batchMaxWait", "must be positive");
      else
        nm.batchMaxWait = *d;
    }
    if (auto d = r.duration(spec["resolveTimeout"], "spec.resolveTimeout")) {
      if (d->count() <= 0)
        r.error("spec.resolveTimeout", "must be positive");
      else
        nm.resolveTimeout = *d;
    }
    if (auto p = r.str(spec["routePolicy"], "spec.routePolicy")) {
      if (*p == "All" || p->empty())
        nm.routePolicy = RoutePolicy::All;
      else if (*p == "RouterFirst")
        nm.routePolicy = RoutePolicy::RouterFirst;
      else if (*p == "RouterOnly")
        nm.routePolicy = RoutePolicy::RouterOnly;
      else
        r.error("spec.routePolicy",
                "unknown routePolicy \"" + *p + "\" (want All, RouterFirst or RouterOnly)");
    }
    decodeTemplate(r, spec["template"], "spec.template", nm.templateSpec);
    decodeSidecars(r, spec["sidecars"], "spec.sidecars", nm);
  }
  out.notificationManagers.push_back(std::move(nm));
}

}  // namespace nm::model
