// Data: one notification's content, a group of alerts for one receiver, as the reference's
// template.Data (Alerts, GroupLabels, CommonLabels, CommonAnnotations, Status).
#pragma once

#include <string>

#include "core/alert.h"

namespace nm {

// "firing" when every alert fires, "resolved" when every alert is resolved, else "" (also for
// none): the reference's Data.Status(), for any list of alerts (history uses it on its own list).
inline const char* groupStatus(const AlertList& alerts) {
  bool firing = false, resolved = false;
  for (const auto& a : alerts) (a->status == AlertStatus::Firing ? firing : resolved) = true;
  if (firing == resolved) return "";
  return firing ? "firing" : "resolved";
}

struct Data {
  AlertList alerts;
  LabelSet groupLabels;        // empty values dropped
  LabelSet commonLabels;       // intersection across alerts, empty values dropped
  LabelSet commonAnnotations;  // same
  // The receiver CR name: rendered as label `receiver` on every alert that lacks one, instead of
  // cloning each shared alert to add it.
  std::string receiverName;

  std::string status() const { return groupStatus(alerts); }
};

}  // namespace nm
