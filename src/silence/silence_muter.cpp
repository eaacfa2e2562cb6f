// Silence muting: activity (enabled, schedule, startsAt, duration) is judged once per batch and
// scope; each alert is then tested against the active silences' selectors only.
#include "silence/silence_muter.h"

#include <vector>

#include "interfaces/snapshot.h"
#include "model/silence_activity.h"

namespace nm {

namespace {

class SilenceMuter final : public Muter {
 public:
  explicit SilenceMuter(std::vector<const model::SilenceResource*> active)
      : active_(std::move(active)) {}

  bool mutes(const Alert& alert, std::string* by) const override {
    for (const auto* s : active_) {
      if (!model::selectorMatches(s->matcher, alert.labels)) continue;
      if (by) *by = s->name;
      return true;
    }
    return false;
  }

 private:
  std::vector<const model::SilenceResource*> active_;
};

}  // namespace

std::unique_ptr<const Muter> SilenceMuterProvider::muterFor(const config::Snapshot& snapshot,
                                                            TimePoint at,
                                                            std::string_view tenant) const {
  const std::vector<const model::SilenceResource*>* scope = &snapshot.globalSilences;
  if (!tenant.empty()) {
    auto it = snapshot.tenantSilences.find(std::string(tenant));
    if (it == snapshot.tenantSilences.end()) return nullptr;
    scope = &it->second;
  }
  std::vector<const model::SilenceResource*> active;
  for (const auto* s : *scope)
    if (s && isSilenceActive(*s, at)) active.push_back(s);
  if (active.empty()) return nullptr;
  return std::make_unique<SilenceMuter>(std::move(active));
}

}  // namespace nm
