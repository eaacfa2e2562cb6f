// Silences as a MuterProvider: the Silence resources of one scope (global or a tenant's) that are
// active at the batch's time; an alert is muted by the first whose matcher selects it.
#pragma once

#include "interfaces/muter.h"

namespace nm {

class SilenceMuterProvider final : public MuterProvider {
 public:
  std::unique_ptr<const Muter> muterFor(const config::Snapshot& snapshot, TimePoint at,
                                        std::string_view tenant) const override;
};

}  // namespace nm
