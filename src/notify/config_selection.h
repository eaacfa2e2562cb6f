// Config selection for every channel (reference controller.getMatchedConfig): which Config block
// a receiver sends with, by type, default/tenant ownership, selector and `priority` label.
#pragma once

#include <memory>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm {

// Among `configs` (any types; only the receiver's type is considered):
// - global receiver: default configs matching its configSelector;
// - tenant receiver: its tenant's configs matching its configSelector, else any default config
//   (selector ignored);
// the lowest priority wins, ties broken by name. nullptr when nothing qualifies.
std::shared_ptr<const config::ConfigEntry> selectConfig(
    const config::Receiver& receiver,
    const std::vector<std::shared_ptr<const config::ConfigEntry>>& configs);

// Same, over the snapshot's configsByType.
std::shared_ptr<const config::ConfigEntry> selectConfig(const config::Receiver& receiver,
                                                        const config::Snapshot& snapshot);

}  // namespace nm
