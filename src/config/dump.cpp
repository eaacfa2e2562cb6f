// The debug dumps: the raw channel blocks converted to JSON with credentials masked, filtered by
// tenant and type, sorted by key for stable output.
#include "config/dump.h"

#include <algorithm>
#include <charconv>

#include "core/json.h"

#include "core/url_redact.h"

namespace nm::config {

namespace {

// A map holding only `value` and/or `valueFrom`: the shape of a Credential.
bool isCredential(const YAML::Node& n) {
  if (!n.IsMap() || n.size() == 0) return false;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) return false;
    const std::string& k = kv.first.Scalar();
    if (k != "value" && k != "valueFrom") return false;
  }
  return true;
}

void writeScalar(json::Writer& w, const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") {  // quoted: always a string
    w.string(s);
    return;
  }
  if (s == "true" || s == "false") {
    w.boolean(s == "true");
    return;
  }
  if (s == "null" || s == "~") {
    w.null();
    return;
  }
  long long i = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) {
    w.integer(i);
    return;
  }
  w.string(s);
}

void writeLabels(json::Writer& w, const LabelSet& l) {
  w.startObject();
  for (const auto& [k, v] : l) w.member(k, v);
  w.endObject();
}

// YAML → JSON with credentials redacted, map keys sorted (the last of repeated keys kept).
void writeRedacted(json::Writer& w, const YAML::Node& n) {
  if (!n || n.IsNull()) {
    w.null();
    return;
  }
  if (n.IsScalar()) {
    writeScalar(w, n);
    return;
  }
  if (n.IsSequence()) {
    w.startArray();
    for (const auto& x : n) writeRedacted(w, x);
    w.endArray();
    return;
  }
  const bool cred = isCredential(n);
  // Sorted as (key, position) pairs: assigning a YAML::Node would overwrite the node it refers to.
  std::vector<YAML::Node> values;
  std::vector<std::pair<std::string, size_t>> keys;
  for (const auto& kv : n) {
    keys.emplace_back(kv.first.IsScalar() ? kv.first.Scalar() : std::string("?"), values.size());
    values.push_back(kv.second);
  }
  std::sort(keys.begin(), keys.end());  // among repeated keys the last one written sorts last
  w.startObject();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i + 1 < keys.size() && keys[i + 1].first == keys[i].first) continue;
    const std::string& k = keys[i].first;
    w.key(k);
    if (cred && k == "value") {
      w.string(kRedacted);
    } else {
      writeRedacted(w, values[keys[i].second]);
    }
  }
  w.endObject();
}

bool tenantMatches(std::string_view filter, bool global, const std::string& tenant) {
  if (filter.empty()) return true;
  if (global) return filter == "global";
  return filter == tenant;
}

}  // namespace

std::string redactedJson(const YAML::Node& n) {
  json::Writer w;
  writeRedacted(w, n);
  return w.take();
}

std::string dumpReceivers(const Snapshot& s, std::string_view tenant, std::string_view type) {
  std::vector<ReceiverPtr> list = s.receivers;
  if (s.history) list.push_back(s.history);
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a->key < b->key; });
  json::Writer w;
  w.startArray();
  for (const auto& r : list) {
    if (!type.empty() && r->type != type) continue;
    if (!tenantMatches(tenant, r->global, r->tenant)) continue;
    w.startObject().key("config");  // keys in byte order, as the dump has always listed them
    if (r->config) {
      w.string(r->config->name);
    } else {
      w.null();
    }
    w.key("enabled").boolean(r->enabled).key("global").boolean(r->global);
    w.member("key", r->key).key("labels");
    writeLabels(w, r->labels);
    w.member("name", r->name).member("notifierError", r->notifierError).key("spec");
    writeRedacted(w, r == s.history ? s.nm.historyWebhook.node() : r->rawSpec.node());
    w.member("tenant", r->tenant).member("type", r->type).endObject();
  }
  return redactUrlsIn(w.endArray().take());
}

std::string dumpConfigs(const Snapshot& s, std::string_view tenant, std::string_view type) {
  std::vector<std::shared_ptr<const ConfigEntry>> list;
  for (const auto& [t, v] : s.configsByType) list.insert(list.end(), v.begin(), v.end());
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a->type != b->type ? a->type < b->type : a->name < b->name;
  });
  json::Writer w;
  w.startArray();
  for (const auto& c : list) {
    if (!type.empty() && c->type != type) continue;
    // Default configs belong to no tenant: the "global" filter shows them.
    if (!tenantMatches(tenant, c->tenant.empty(), c->tenant)) continue;
    w.startObject().key("default").boolean(c->isDefault);  // keys in byte order, as before
    w.member("key", c->type + "/" + c->name).key("labels");
    writeLabels(w, c->labels);
    w.member("name", c->name).key("priority").integer(c->priority).key("spec");
    writeRedacted(w, c->rawSpec.node());
    w.member("tenant", c->tenant).member("type", c->type).endObject();
  }
  return redactUrlsIn(w.endArray().take());
}

}  // namespace nm::config
