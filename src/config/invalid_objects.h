// Kubernetes mode's skipping of invalid objects: which diagnostics blame one object that can be
// left out (Receiver, Config, Router, Silence, InhibitRule, Secret, ConfigMap), and leaving those
// out.
#pragma once

#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

// Rounds of "leave out what was blamed, build again" before the build is refused.
inline constexpr int kMaxSkipRounds = 4;

// True when `o` names one object of a kind that can be skipped (not the NotificationManager).
bool isSkippableObject(const model::Origin& o);
// True when `diags` is not empty and every diagnostic names a skippable object.
bool allBlameSkippableObjects(const model::Diagnostics& diags);
// Removes from `rs` every object whose origin a diagnostic of `diags` names.
void removeBlamedObjects(model::ResourceSet& rs, const model::Diagnostics& diags);

}  // namespace nm::config
