// Dispatcher implementation: one pulling thread, a fixed asio thread pool for the CPU stages, and
// a counting gate on in-flight batches. A full gate blocks the puller, which fills the queue, which
// makes ingest answer 503: back-pressure end to end, never a drop.
#include "dispatch/dispatcher.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "observe/log.h"
#include "observe/metrics.h"

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
      inFlight(r.gauge("nm_batches_in_flight", "Batches between pull and ack.").with({})) {}

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
    ++seq;
    boost::asio::post(*pool_, [this, b = std::move(*batch), snap, seq]() mutable {
      runBatch(std::move(b), std::move(snap), seq);
    });
  }
  loopDone_ = true;
  slotFree_.notify_all();
}

void Dispatcher::runBatch(PulledBatch batch, config::SnapshotPtr snap, uint64_t seq) {
  auto work = std::make_shared<Work>();
  work->seq = seq;
  work->snapshot = snap;
  work->now = now();
  work->deadline = work->now + opts_.workerTimeout;
  work->drops = &drops_;
  size_t n = batch.alerts.size();
  work->alerts = std::move(batch.alerts);
  if (!snap) {
    log::error("no configuration loaded: batch cannot be routed",
               {{"seq", std::to_string(seq)}, {"alerts", std::to_string(n)}});
    finishBatch(batch, n);
    return;
  }
  TimePoint t0 = now();
  try {
    for (auto& s : stages_) {
      s->process(*work);
    }
  } catch (const std::exception& e) {
    log::error("pipeline stage failed", {{"seq", std::to_string(seq)}, {"error", e.what()}});
    work->notifications.clear();
  }
  metrics_.stageSeconds.observe(std::chrono::duration<double>(now() - t0).count());
  auto shared = std::make_shared<PulledBatch>(std::move(batch));
  tail_(work, [this, shared, n] { finishBatch(*shared, n); });
}

void Dispatcher::finishBatch(const PulledBatch& batch, size_t alerts) {
  queue_.ack(batch);
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
