// The aggregate stage: per receiver, groups alerts by the NotificationManager's groupLabels and
// turns each group into one Notification carrying a Data (group/common labels and annotations).
#pragma once

#include "interfaces/stage.h"

namespace nm {

// Groups come in order of first appearance, alerts in arrival order; a missing group label
// reads as "", and empty groupLabels make one group per receiver. Appends to work.notifications.
class AggregateStage final : public Stage {
 public:
  const char* name() const override { return "aggregate"; }
  void process(Work& work) override;
};

// Pairs with the same non-empty value in every alert (of `labels` or `annotations`).
LabelSet commonLabels(const AlertList& alerts);
LabelSet commonAnnotations(const AlertList& alerts);

}  // namespace nm
