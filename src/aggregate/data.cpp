// Data helpers: the notification's overall status as the reference's Data.Status() defines it.
// Used by templates, the webhook JSON and history.
#include "aggregate/data.h"

namespace nm {

std::string Data::status() const {
  bool allFiring = true, allResolved = true;
  for (const auto& a : alerts) {
    if (a->status == AlertStatus::Firing) allResolved = false;
    else allFiring = false;
  }
  if (alerts.empty()) return "";
  if (allFiring) return "firing";
  if (allResolved) return "resolved";
  return "";
}

}  // namespace nm
