// The dispatcher: pulls batches (batchMaxSize / batchMaxWait of the current snapshot), runs the
// synchronous stages on a bounded worker pool, hands the result to the async tail (notify,
// history), and acks the batch when the tail finishes. At most --worker.queue batches in flight.
// A batch whose stage throws is nacked (redelivered after a backoff) up to a bound, then dropped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "interfaces/alert_queue.h"
#include "interfaces/snapshot.h"
#include "interfaces/stage.h"
#include "observe/metrics.h"
#include "pipeline/dropped_alerts.h"

namespace boost::asio {
class thread_pool;
}

namespace nm {

// Runs after the synchronous stages (notify, then history); calls `finished` exactly once.
using AsyncTail = std::function<void(std::shared_ptr<Work> work, std::function<void()> finished)>;

struct DispatcherOptions {
  size_t maxInFlight = 1000;  // --worker.queue
  // Alerts between pull and ack. When notify is slower than ingest, alerts wait in the bounded
  // queue (whose fullness answers senders with 503) rather than pile up in flight; the daemon
  // sets it to the queue's capacity, so memory stays within twice the queue.
  size_t maxAlertsInFlight = 100000;
  Duration workerTimeout = std::chrono::seconds(30);  // --worker.timeout
  unsigned workerThreads = 0;                         // 0: hardware concurrency
  // A stage that throws sends its batch back to the queue (nack) to be delivered again after
  // stageRetryDelay × 2^(deliveries-1), at most stageRetryMaxDelay, until the batch has been
  // delivered maxDeliveries times; then its alerts are dropped, counted under
  // nm_alerts_dropped_total{reason="stage_error"} and logged with the stage's name.
  uint32_t maxDeliveries = 3;  // --worker.max-deliveries
  Duration stageRetryDelay = std::chrono::seconds(1);
  Duration stageRetryMaxDelay = std::chrono::seconds(30);
};

// The redelivery delay of a batch that failed on its `deliveries`-th delivery (1, 2, …).
Duration stageRetryDelay(const DispatcherOptions& opts, uint32_t deliveries);

class Dispatcher {
 public:
  Dispatcher(AlertQueue& queue, const config::SnapshotStore& snapshots,
             std::vector<std::unique_ptr<Stage>> stages, AsyncTail tail, DispatcherOptions opts,
             metrics::Registry& registry);
  ~Dispatcher();

  void start();
  // After queue.close(): waits until every pulled batch has finished, up to `timeout`.
  // Returns false when batches were still in flight at the timeout.
  bool drain(Duration timeout);

  size_t inFlight() const { return inFlight_.load(); }

 private:
  struct InFlightBatch;
  void loop();
  void runBatch(const std::shared_ptr<InFlightBatch>& b, config::SnapshotPtr snap);
  // Each settles the batch once (later calls do nothing) and frees its in-flight slot.
  void finishBatch(InFlightBatch& b);
  void failBatch(InFlightBatch& b, const char* stage, const std::string& error);
  void releaseSlot(InFlightBatch& b);

  struct Metrics {
    explicit Metrics(metrics::Registry& r);
    metrics::Counter& batches;
    metrics::Counter& alerts;
    metrics::Histogram& stageSeconds;
    metrics::Gauge& inFlight;
    metrics::Counter& redelivered;
  };

  AlertQueue& queue_;
  const config::SnapshotStore& snapshots_;
  std::vector<std::unique_ptr<Stage>> stages_;
  AsyncTail tail_;
  DispatcherOptions opts_;
  Metrics metrics_;
  DropCounter drops_;  // what the stages remove on purpose, and batches given up on
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::thread loop_;
  std::atomic<size_t> inFlight_{0};
  std::atomic<size_t> alertsInFlight_{0};
  std::atomic<bool> loopDone_{false};
  std::mutex mu_;
  std::condition_variable slotFree_;
};

}  // namespace nm
