// Content keys (SHA-256 through ContentFingerprint, every part length-prefixed), the recording
// Secret resolver and the per-receiver config candidates.
#include "config/build_reuse.h"

#include <cstdint>

#include "config/content_fingerprint.h"
#include "notify/config_selection.h"

namespace nm::config {

namespace {

void addLabels(ContentFingerprint& fp, const LabelSet& labels) {
  fp.add("labels", std::to_string(labels.size()));
  for (const auto& [k, v] : labels) fp.add(k, v);
}

std::string refText(const model::SecretKeySelector& s) {
  return s.ns + "/" + s.name + "/" + s.key;
}

}  // namespace

std::string configEntryKey(const model::ConfigResource& res, const model::ConfigChannel& ch) {
  ContentFingerprint fp;
  fp.add("origin", res.origin.describe());
  fp.add("name", res.name);
  addLabels(fp, res.labels);
  fp.add("type", ch.type);
  fp.add("spec", ch.spec.bytes());
  return fp.hex();
}

std::string receiverKey(const model::ReceiverResource& res, const model::ReceiverChannel& ch,
                        const std::vector<std::pair<std::string, std::string>>& tmplTexts) {
  ContentFingerprint fp;
  fp.add("origin", res.origin.describe());
  fp.add("name", res.name);
  addLabels(fp, res.labels);
  fp.add("type", ch.type);
  fp.add("spec", ch.spec.bytes());
  fp.add("tmplText", std::to_string(tmplTexts.size()));
  for (const auto& [k, v] : tmplTexts) fp.add(k, v);
  return fp.hex();
}

std::string receiversKey(const model::NotificationManager& nm, const ChannelServices* services) {
  ContentFingerprint fp;
  fp.add("nm", nm.specKey.bytes());
  fp.add("services", std::to_string(reinterpret_cast<uintptr_t>(services)));
  return fp.hex();
}

std::string rendererKey(const render::RendererOptions& o) {
  ContentFingerprint fp;
  fp.add("language", o.language);
  for (const auto& t : o.templates) fp.add("template " + t.label, t.text);
  for (const auto& p : o.languagePacks) fp.add("pack " + p.label, p.text);
  return fp.hex();
}

std::optional<std::string> RecordingSecretResolver::resolve(const model::Credential& c,
                                                            std::string& error) const {
  auto v = inner_.resolve(c, error);
  if (c.secretKeyRef && !c.value) {
    refs_.push_back(*c.secretKeyRef);
    results_.push_back(v ? *v : "\1" + error);
  }
  return v;
}

std::string RecordingSecretResolver::digest() const {
  ContentFingerprint fp;
  for (size_t i = 0; i < refs_.size(); ++i) fp.add(refText(refs_[i]), results_[i]);
  return fp.hex();
}

std::string secretDigest(const SecretResolver& secrets,
                         const std::vector<model::SecretKeySelector>& refs) {
  ContentFingerprint fp;
  for (const auto& ref : refs) {
    model::Credential c;
    c.secretKeyRef = ref;
    std::string error;
    auto v = secrets.resolve(c, error);
    fp.add(refText(ref), v ? *v : "\1" + error);
  }
  return fp.hex();
}

ConfigCandidates::ConfigCandidates(const Snapshot& s) {
  for (const auto& [type, entries] : s.configsByType) {
    OfType& t = types_[type];
    for (const auto& e : entries) {
      if (!e) continue;
      if (e->isDefault) t.defaults.push_back(e);
      if (!e->tenant.empty()) t.byTenant[e->tenant].push_back(e);
    }
  }
}

std::shared_ptr<const ConfigEntry> ConfigCandidates::select(const Receiver& r) const {
  auto t = types_.find(r.type);
  if (t == types_.end()) return nullptr;
  if (r.global) return selectConfig(r, t->second.defaults);
  auto own = t->second.byTenant.find(r.tenant);
  if (own == t->second.byTenant.end()) return selectConfig(r, t->second.defaults);
  std::vector<EntryPtr> both = own->second;
  both.insert(both.end(), t->second.defaults.begin(), t->second.defaults.end());
  return selectConfig(r, both);
}

}  // namespace nm::config
