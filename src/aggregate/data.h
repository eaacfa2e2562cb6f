// Data: one notification's content, a group of alerts for one receiver, as the reference's
// template.Data (Alerts, GroupLabels, CommonLabels, CommonAnnotations, Status).
#pragma once

#include <string>

#include "core/alert.h"

namespace nm {

struct Data {
  AlertList alerts;
  LabelSet groupLabels;        // empty values dropped
  LabelSet commonLabels;       // intersection across alerts, empty values dropped
  LabelSet commonAnnotations;  // same
  // The receiver CR name: rendered as label `receiver` on every alert that lacks one, instead of
  // cloning each shared alert to add it.
  std::string receiverName;

  // "firing" when every alert fires, "resolved" when every alert is resolved, else "".
  std::string status() const;
};

}  // namespace nm
