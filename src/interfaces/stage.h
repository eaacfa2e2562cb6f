// The stage seam: every pipeline step takes the batch's Work (with the config snapshot it started
// with) and narrows or transforms it. A stage is testable alone with a hand-made snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/alert.h"
#include "core/data.h"
#include "core/time.h"

namespace nm::config {
struct Snapshot;
struct Receiver;
}  // namespace nm::config

namespace nm {

using ReceiverPtr = std::shared_ptr<const config::Receiver>;

struct RoutedAlerts {
  ReceiverPtr receiver;
  AlertList alerts;
};

struct Notification {
  ReceiverPtr receiver;
  std::shared_ptr<const Data> data;
};

// Why alerts left the pipeline on purpose; every removal is counted under one of these.
// StageError: a stage kept throwing until the batch reached the dispatcher's delivery bound.
enum class DropReason {
  GlobalSilence,
  TenantSilence,
  AlertSelector,
  NoReceiver,
  RoutePolicy,
  StageError
};

struct Work {
  uint64_t seq = 0;
  std::shared_ptr<const config::Snapshot> snapshot;
  TimePoint deadline = kZeroTime;
  TimePoint now = kZeroTime;  // evaluation time for silences (tests set it)

  AlertList alerts;                         // silence → route
  std::vector<RoutedAlerts> routed;         // route → filter → aggregate
  std::vector<Notification> notifications;  // aggregate → notify
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual const char* name() const = 0;
  virtual void process(Work& work) = 0;
};

}  // namespace nm
