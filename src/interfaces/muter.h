// The mute seam, in Alertmanager's shape: whether an alert is muted and by what. Global silences,
// tenant silences and inhibition implement it; the stages that mute only ask it and count.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/alert.h"
#include "core/time.h"

namespace nm::config {
struct Snapshot;
}

namespace nm {

class Muter {
 public:
  virtual ~Muter() = default;
  // True when `alert` is muted; `by`, when given, receives what muted it (a silence or rule name).
  virtual bool mutes(const Alert& alert, std::string* by) const = 0;
};

// Builds the Muter that applies to one batch: what the snapshot says is active at `at`, for one
// scope (tenant "" = global: applies to every alert before routing; else that tenant's
// receivers). Null when nothing in that scope can mute, so callers skip the per-alert test.
class MuterProvider {
 public:
  virtual ~MuterProvider() = default;
  virtual std::unique_ptr<const Muter> muterFor(const config::Snapshot& snapshot, TimePoint at,
                                                std::string_view tenant) const = 0;
};

}  // namespace nm
