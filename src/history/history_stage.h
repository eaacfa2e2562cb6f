// The history step: after notify, one Data with every successfully notified alert (each once,
// with all receivers it reached) is posted to the snapshot's history webhook, asynchronously.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/time.h"
#include "notify/data_json.h"
#include "notify/notify_stage.h"
#include "notify/retry.h"
#include "observe/metrics.h"

namespace nm {

// The alerts of the successful deliveries, deduplicated by alert id (first delivery order), each
// with every receiver it reached and the time of its first successful delivery.
std::vector<HistoryAlert> historyAlerts(const NotifyReport& report);

class HistoryStage {
 public:
  struct Options {
    RetryPolicy retry{std::chrono::seconds(1), std::chrono::seconds(5), 2.0, 3};
    Duration budget = std::chrono::seconds(30);  // deadline = now + budget
  };

  explicit HistoryStage(metrics::Registry& registry);
  HistoryStage(metrics::Registry& registry, Options o);

  // Posts the history of `report` to `history` (null → nothing) and returns immediately.
  void record(const NotifyReport& report, const ReceiverPtr& history);

  // Waits until every posted history completed; false on timeout.
  bool waitIdle(Duration timeout);
  size_t pending() const;

 private:
  // Shared with the posts' callbacks, which may outlive the stage.
  struct State {
    explicit State(metrics::Registry& r);
    metrics::Counter& total;
    metrics::Counter& failed;
    mutable std::mutex mu;
    std::condition_variable cv;
    size_t pending = 0;
  };
  Options opts_;
  std::shared_ptr<State> state_;
};

}  // namespace nm
