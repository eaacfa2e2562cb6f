// Silence muting: activity (enabled, schedule, startsAt, duration; an API silence's times) is
// judged once per batch and scope; each alert is then tested against the active silences only.
#include "silence/silence_muter.h"

#include <vector>

#include "interfaces/snapshot.h"
#include "model/silence_activity.h"

namespace nm {

namespace {

class SilenceMuter final : public Muter {
 public:
  SilenceMuter(std::vector<const model::SilenceResource*> active, std::vector<ApiSilencePtr> api)
      : active_(std::move(active)), api_(std::move(api)) {}

  bool mutes(const Alert& alert, std::string* by) const override {
    for (const auto* s : active_) {
      if (!model::selectorMatches(s->matcher, alert.labels)) continue;
      if (by) *by = s->name;
      return true;
    }
    for (const auto& s : api_) {
      if (!matchesAll(s->matchers, alert.labels)) continue;
      if (by) *by = s->id;
      return true;
    }
    return false;
  }

 private:
  std::vector<const model::SilenceResource*> active_;
  std::vector<ApiSilencePtr> api_;
};

const std::vector<const model::SilenceResource*>* resourceScope(const config::Snapshot& snapshot,
                                                                std::string_view tenant) {
  if (tenant.empty()) return &snapshot.globalSilences;
  auto it = snapshot.tenantSilences.find(std::string(tenant));
  return it == snapshot.tenantSilences.end() ? nullptr : &it->second;
}

}  // namespace

std::unique_ptr<const Muter> SilenceMuterProvider::muterFor(const config::Snapshot& snapshot,
                                                            TimePoint at,
                                                            std::string_view tenant) const {
  std::vector<const model::SilenceResource*> active;
  if (const auto* scope = resourceScope(snapshot, tenant))
    for (const auto* s : *scope)
      if (s && isSilenceActive(*s, at)) active.push_back(s);
  std::vector<ApiSilencePtr> api;
  if (api_) {
    for (auto& s : api_->activeAt(at))
      if (pinnedTenant(*s, snapshot.nm.tenantKey) == tenant) api.push_back(std::move(s));
  }
  if (active.empty() && api.empty()) return nullptr;
  return std::make_unique<SilenceMuter>(std::move(active), std::move(api));
}

std::vector<std::string> silencesMatching(const config::Snapshot* snapshot, const ApiSilences* api,
                                          TimePoint at, const Alert& alert) {
  std::vector<std::string> out;
  if (api) {
    for (const auto& s : api->activeAt(at))
      if (matchesAll(s->matchers, alert.labels)) out.push_back(s->id);
  }
  if (!snapshot) return out;
  auto add = [&](const std::vector<const model::SilenceResource*>* scope) {
    if (!scope) return;
    for (const auto* s : *scope)
      if (s && isSilenceActive(*s, at) && model::selectorMatches(s->matcher, alert.labels))
        out.push_back("resource:" + s->name);
  };
  add(&snapshot->globalSilences);
  std::string_view ns = alert.labels.get("namespace");
  if (!ns.empty()) add(resourceScope(*snapshot, ns));
  return out;
}

}  // namespace nm
