// The debug dumps: the raw channel blocks converted to JSON with credentials masked, filtered by
// tenant and type, sorted by key for stable output.
#include "config/dump.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/url_redact.h"

namespace nm::config {

namespace {

using nlohmann::json;

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

json scalarJson(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: always a string
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  long long i = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return i;
  return s;
}

json labelsJson(const LabelSet& l) {
  json o = json::object();
  for (const auto& [k, v] : l) o[k] = v;
  return o;
}

bool tenantMatches(std::string_view filter, bool global, const std::string& tenant) {
  if (filter.empty()) return true;
  if (global) return filter == "global";
  return filter == tenant;
}

// The raw YAML block of channel `type` in the resource named `name`, or null.
template <class Res>
YAML::Node rawBlock(const std::vector<Res>& list, const std::string& name,
                    const std::string& type) {
  for (const auto& r : list) {
    if (r.name != name) continue;
    for (const auto& ch : r.channels) {
      if (ch.type == type) return ch.spec;
    }
  }
  return YAML::Node();
}

}  // namespace

nlohmann::json redactedJson(const YAML::Node& n) {
  if (!n || n.IsNull()) return nullptr;
  if (n.IsScalar()) return scalarJson(n);
  if (n.IsSequence()) {
    json a = json::array();
    for (const auto& x : n) a.push_back(redactedJson(x));
    return a;
  }
  json o = json::object();
  const bool cred = isCredential(n);
  for (const auto& kv : n) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (cred && k == "value")
      o[k] = kRedacted;
    else
      o[k] = redactedJson(kv.second);
  }
  return o;
}

std::string dumpReceivers(const Snapshot& s, std::string_view tenant, std::string_view type) {
  std::vector<ReceiverPtr> list = s.receivers;
  if (s.history) list.push_back(s.history);
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a->key < b->key; });
  json out = json::array();
  for (const auto& r : list) {
    if (!type.empty() && r->type != type) continue;
    if (!tenantMatches(tenant, r->global, r->tenant)) continue;
    json o;
    o["key"] = r->key;
    o["name"] = r->name;
    o["type"] = r->type;
    o["tenant"] = r->tenant;
    o["global"] = r->global;
    o["labels"] = labelsJson(r->labels);
    o["enabled"] = r->enabled;
    o["config"] = r->config ? json(r->config->name) : json(nullptr);
    o["notifierError"] = r->notifierError;
    YAML::Node raw =
        r == s.history ? s.nm.historyWebhook : rawBlock(s.resources.receivers, r->name, r->type);
    o["spec"] = redactedJson(raw);
    out.push_back(std::move(o));
  }
  return redactUrlsIn(out.dump());
}

std::string dumpConfigs(const Snapshot& s, std::string_view tenant, std::string_view type) {
  std::vector<std::shared_ptr<const ConfigEntry>> list;
  for (const auto& [t, v] : s.configsByType) list.insert(list.end(), v.begin(), v.end());
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a->type != b->type ? a->type < b->type : a->name < b->name;
  });
  json out = json::array();
  for (const auto& c : list) {
    if (!type.empty() && c->type != type) continue;
    // Default configs belong to no tenant: the "global" filter shows them.
    if (!tenantMatches(tenant, c->tenant.empty(), c->tenant)) continue;
    json o;
    o["key"] = c->type + "/" + c->name;
    o["name"] = c->name;
    o["type"] = c->type;
    o["tenant"] = c->tenant;
    o["default"] = c->isDefault;
    o["priority"] = c->priority;
    o["labels"] = labelsJson(c->labels);
    o["spec"] = redactedJson(rawBlock(s.resources.configs, c->name, c->type));
    out.push_back(std::move(o));
  }
  return redactUrlsIn(out.dump());
}

}  // namespace nm::config
