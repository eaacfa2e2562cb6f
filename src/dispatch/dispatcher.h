// The dispatcher: pulls batches (batchMaxSize / batchMaxWait of the current snapshot), runs the
// synchronous stages on a bounded worker pool, hands the result to the async tail (notify,
// history), and acks the batch when the tail finishes. At most --worker.queue batches in flight.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
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
};

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
  void loop();
  void runBatch(PulledBatch batch, config::SnapshotPtr snap, uint64_t seq);
  void finishBatch(const PulledBatch& batch, size_t alerts);

  struct Metrics {
    explicit Metrics(metrics::Registry& r);
    metrics::Counter& batches;
    metrics::Counter& alerts;
    metrics::Histogram& stageSeconds;
    metrics::Gauge& inFlight;
  };

  AlertQueue& queue_;
  const config::SnapshotStore& snapshots_;
  std::vector<std::unique_ptr<Stage>> stages_;
  AsyncTail tail_;
  DispatcherOptions opts_;
  Metrics metrics_;
  DropCounter drops_;  // what the stages remove on purpose
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::thread loop_;
  std::atomic<size_t> inFlight_{0};
  std::atomic<size_t> alertsInFlight_{0};
  std::atomic<bool> loopDone_{false};
  std::mutex mu_;
  std::condition_variable slotFree_;
};

}  // namespace nm
