// Silences as a MuterProvider: the Silence resources of one scope (global or a tenant's) and the
// API silences of that scope that are active at the batch's time; an alert is muted by the first
// whose matcher selects it.
#pragma once

#include <string>
#include <vector>

#include "interfaces/muter.h"
#include "silence/api_silences.h"

namespace nm {

// An API silence is global unless it pins a tenant (an `=` matcher on the NotificationManager's
// tenantKey label): then it is in that tenant's scope, like a tenant Silence resource.
class SilenceMuterProvider final : public MuterProvider {
 public:
  explicit SilenceMuterProvider(const ApiSilences* api = nullptr) : api_(api) {}
  std::unique_ptr<const Muter> muterFor(const config::Snapshot& snapshot, TimePoint at,
                                        std::string_view tenant) const override;

 private:
  const ApiSilences* api_;
};

// Every silence active at `at` whose matchers select `alert`, whatever its scope: API silences by
// id, Silence resources as "resource:<name>" (global ones, and the tenant ones of the alert's
// `namespace`). What the alerts API reports as silencedBy.
std::vector<std::string> silencesMatching(const config::Snapshot* snapshot, const ApiSilences* api,
                                          TimePoint at, const Alert& alert);

}  // namespace nm
