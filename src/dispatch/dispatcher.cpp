// Dispatcher implementation: one pulling thread, a fixed asio thread pool for the CPU stages, and
// a counting gate on in-flight batches. A full gate blocks the puller, which fills the queue, which
// makes ingest answer 503: back-pressure end to end, never a drop. A stage that throws gets its
// batch redelivered (nack with backoff) a bounded number of times, then dropped and counted.
#include "dispatch/dispatcher.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "observe/log.h"
#include "observe/metrics.h"
#include "pipeline/dropped_alerts.h"

namespace nm {

Dispatcher::Metrics::Metrics(metrics::Registry& r)
    : batches(r.counter("nm_batches_total", "Batches pulled from the queue.").with({})),
      alerts(
          r.counter("nm_alerts_dispatched_total", "Alerts pulled from the queue into the pipeline.")
              .with({})),
      stageSeconds(r.histogram("nm_pipeline_stages_seconds",
                               "Time a batch spends in the synchronous stages (silence to "
                               "aggregate).",
                               {}, metrics::latencyBuckets())
                       .with({})),
      inFlight(r.gauge("nm_batches_in_flight", "Batches between pull and ack.").with({})),
      redelivered(r.counter("nm_batches_redelivered_total",
                            "Batches sent back to the queue (nack) after a stage error, to be "
                            "delivered again.")
                      .with({})) {}

// A pulled batch between pull and settle. `settled` makes ack/nack/drop happen once, whichever
// of the tail's completion and a failure comes first; `released` frees the slot once.
struct Dispatcher::InFlightBatch {
  PulledBatch batch;
  size_t alerts = 0;
  uint64_t seq = 0;
  std::atomic<bool> settled{false};
  std::atomic<bool> released{false};  // the in-flight slot, freed once
};

Dispatcher::Dispatcher(AlertQueue& queue, const config::SnapshotStore& snapshots,
                       std::vector<std::unique_ptr<Stage>> stages, AsyncTail tail,
                       DispatcherOptions opts, metrics::Registry& registry)
    : queue_(queue),
      snapshots_(snapshots),
      stages_(std::move(stages)),
      tail_(std::move(tail)),
      opts_(opts),
      metrics_(registry),
      drops_(registry) {
  unsigned n = opts_.workerThreads ? opts_.workerThreads : std::thread::hardware_concurrency();
  pool_ = std::make_unique<boost::asio::thread_pool>(n == 0 ? 2 : n);
  if (opts_.maxInFlight == 0) opts_.maxInFlight = 1;
}

Dispatcher::~Dispatcher() {
  queue_.close();
  if (loop_.joinable()) loop_.join();
  pool_->join();
}

void Dispatcher::start() {
  loop_ = std::thread([this] { loop(); });
}

void Dispatcher::loop() {
  uint64_t seq = 0;
  for (;;) {
    size_t maxSize = 100;
    Duration maxWait = std::chrono::seconds(1);
    // Not held while pull() waits: an idle daemon would keep the snapshot a reload replaced.
    if (config::SnapshotPtr cur = snapshots_.current()) {
      maxSize = static_cast<size_t>(std::max(1, cur->nm.batchMaxSize));
      maxWait = cur->nm.batchMaxWait;
    }
    std::optional<PulledBatch> batch = queue_.pull(maxSize, maxWait);
    if (!batch) break;
    size_t n = batch->alerts.size();
    {
      std::unique_lock<std::mutex> lk(mu_);
      slotFree_.wait(lk, [&] {
        return inFlight_.load() == 0 || (inFlight_.load() < opts_.maxInFlight &&
                                         alertsInFlight_.load() + n <= opts_.maxAlertsInFlight);
      });
      inFlight_.fetch_add(1);
      alertsInFlight_.fetch_add(n);
    }
    auto& m = metrics_;
    m.batches.inc();
    m.alerts.inc(batch->alerts.size());
    m.inFlight.add(1);
    // The snapshot is taken once per batch: the whole batch sees one configuration.
    config::SnapshotPtr snap = snapshots_.current();
    auto inflight = std::make_shared<InFlightBatch>();
    inflight->batch = std::move(*batch);
    inflight->alerts = n;
    inflight->seq = ++seq;
    boost::asio::post(*pool_, [this, inflight, snap]() noexcept {
      // runBatch handles every exception of the stages and the tail; this is the last guard
      // (failing to log, out of memory) so that nothing escapes into the pool and the slot is
      // freed. The unsettled batch stays with the queue.
      try {
        runBatch(inflight, snap);
      } catch (...) {
        releaseSlot(*inflight);
      }
    });
  }
  loopDone_ = true;
  slotFree_.notify_all();
}

Duration stageRetryDelay(const DispatcherOptions& opts, uint32_t deliveries) {
  Duration d = std::max(opts.stageRetryDelay, Duration::zero());
  for (uint32_t i = 1; i < deliveries && d < opts.stageRetryMaxDelay; ++i) d *= 2;
  return std::min(d, opts.stageRetryMaxDelay);
}

void Dispatcher::runBatch(const std::shared_ptr<InFlightBatch>& b, config::SnapshotPtr snap) {
  const char* stage = "dispatch";
  try {
    auto work = std::make_shared<Work>();
    work->seq = b->seq;
    work->snapshot = snap;
    work->now = now();
    work->deadline = work->now + opts_.workerTimeout;
    work->drops = &drops_;
    // A copy (shared pointers): the pulled alerts stay whole for a nack.
    work->alerts = b->batch.alerts;
    if (!snap) {
      log::error("no configuration loaded: batch cannot be routed",
                 {{"seq", std::to_string(b->seq)}, {"alerts", std::to_string(b->alerts)}});
      finishBatch(*b);
      return;
    }
    TimePoint t0 = now();
    for (auto& s : stages_) {
      stage = s->name();
      s->process(*work);
    }
    metrics_.stageSeconds.observe(std::chrono::duration<double>(now() - t0).count());
    stage = "tail";
    tail_(work, [this, b] { finishBatch(*b); });
  } catch (const std::exception& e) {
    failBatch(*b, stage, e.what());
  } catch (...) {
    failBatch(*b, stage, "unknown exception (not a std::exception)");
  }
}

void Dispatcher::failBatch(InFlightBatch& b, const char* stage, const std::string& error) {
  if (b.settled.exchange(true)) return;  // the tail finished it before throwing
  uint32_t deliveries = b.batch.deliveries;
  std::string seq = std::to_string(b.seq), alerts = std::to_string(b.alerts),
              delivered = std::to_string(deliveries);
  if (deliveries < std::max<uint32_t>(opts_.maxDeliveries, 1)) {
    Duration delay = stageRetryDelay(opts_, deliveries);
    log::warn("pipeline stage failed, the batch will be delivered again",
              {{"stage", stage},
               {"error", error},
               {"seq", seq},
               {"alerts", alerts},
               {"deliveries", delivered},
               {"retry_in", formatGoDuration(delay)}});
    metrics_.redelivered.inc();
    queue_.nack(std::move(b.batch), delay);
  } else {
    log::error("pipeline stage failed on the last delivery, alerts dropped",
               {{"stage", stage},
                {"error", error},
                {"seq", seq},
                {"alerts", alerts},
                {"deliveries", delivered}});
    drops_.dropped(DropReason::StageError, b.alerts);
    queue_.ack(b.batch);
  }
  releaseSlot(b);
}

void Dispatcher::finishBatch(InFlightBatch& b) {
  if (b.settled.exchange(true)) return;
  queue_.ack(b.batch);
  releaseSlot(b);
}

void Dispatcher::releaseSlot(InFlightBatch& b) {
  if (b.released.exchange(true)) return;
  const size_t alerts = b.alerts;
  metrics_.inFlight.add(-1);
  {
    std::lock_guard<std::mutex> g(mu_);
    inFlight_.fetch_sub(1);
    alertsInFlight_.fetch_sub(alerts);
  }
  slotFree_.notify_all();
}

bool Dispatcher::drain(Duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lk(mu_);
  return slotFree_.wait_until(lk, deadline, [&] { return loopDone_.load() && inFlight_ == 0; });
}

}  // namespace nm
