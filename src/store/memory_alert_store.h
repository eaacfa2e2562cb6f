// MemoryAlertStore: the active-alert store (issue #11) — alerts by fingerprint in sharded compact
// form, Alertmanager's merge, the resolve timeout and its sweep, limits, and write-through
// persistence to a StateBackend.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "interfaces/alert_store.h"
#include "interfaces/stage.h"
#include "interfaces/state_backend.h"
#include "observe/metrics.h"
#include "store/alert_shard.h"

namespace nm::store {

struct AlertStoreOptions {
  size_t shards = 16;                                 // rounded up to a power of two
  size_t maxAlerts = 2'000'000;                       // --alerts.max (0: unlimited)
  size_t maxAlertsPerTenant = 0;                      // --alerts.max-per-tenant (0: unlimited)
  size_t maxBytes = 0;                                // --alerts.max-bytes (0: unlimited)
  Duration resolveTimeout = std::chrono::minutes(5);  // until the snapshot's value is set
  Duration sweepInterval = std::chrono::seconds(1);
  // A resolved alert whose notification never finished (its batch was given up on) is collected
  // this long after its endsAt.
  Duration resolvedRetention = std::chrono::hours(1);
  size_t reinjectChunk = 1000;       // alerts per push of the sweep
  std::function<TimePoint()> clock;  // nm::now when unset
};

// Pushes the sweep's resolved alerts into the pipeline (the daemon: AlertQueue::push with a zero
// timeout); false when they were not accepted (full queue): they are offered again next sweep.
using Reinject = std::function<bool(AlertList alerts)>;

class MemoryAlertStore final : public AlertStore {
 public:
  // `backend` (may be null) is written through when durable(); `drops` counts refused alerts
  // (nm_alerts_dropped_total{reason="store_limit"}); `registry` (may be null) gets the metrics.
  MemoryAlertStore(AlertStoreOptions options, StateBackend* backend, DropSink* drops,
                   metrics::Registry* registry);
  ~MemoryAlertStore() override;

  // AlertStore.
  void put(AlertList& alerts, TimePoint now) override;
  void resolvedNotified(uint64_t fingerprint) override;
  void forEach(const std::function<void(const StoredAlert&)>& fn) const override;
  size_t size() const override { return size_.load(std::memory_order_relaxed); }
  void subscribe(AlertStoreObserver& observer) override { observers_.push_back(&observer); }

  // spec.resolveTimeout of the current snapshot (the store stage sets it before each put).
  void setResolveTimeout(Duration d) {
    resolveTimeoutNs_.store(d.count(), std::memory_order_relaxed);
  }
  Duration resolveTimeout() const {
    return Duration(resolveTimeoutNs_.load(std::memory_order_relaxed));
  }

  // Rebuilds the store from the backend (at start, before the first put). False with `error`
  // when the records cannot be read; undecodable records are skipped and logged.
  bool load(std::string& error);

  // Shared state (--store.type redis): a record of table alerts written by another replica (the
  // StateBackend's watch). A value merges like put — the observers (the inhibitor) are told — but
  // is not written back; nullopt removes the alert. Runs on the backend's subscriber thread.
  void applyRemote(std::string_view key, std::optional<std::string_view> value);

  // Which held alerts this replica's sweep re-injects as resolved. Unset: the alerts this replica
  // put last (an alert only another replica has put is that replica's to resolve; partition
  // leases replace this with the owner of the alert's partition). Set before start().
  void setSweepOwns(std::function<bool(const Alert&)> owns) { sweepOwns_ = std::move(owns); }

  // The sweep: held alerts whose endsAt passed and whose resolved value has not gone through the
  // pipeline are re-injected as resolved (IngestFormat::Internal); notified resolved alerts are
  // collected. start() runs it every sweepInterval on a thread of its own, joined by stop().
  void setReinject(Reinject reinject) { reinject_ = std::move(reinject); }
  void start();
  void stop();
  void sweepOnce(TimePoint now);

  // Accounting (also the metrics).
  size_t bytes() const;        // everything held, strings included
  size_t stringBytes() const;  // the distinct strings' own bytes
  size_t internedStrings() const;
  size_t firing() const { return firing_.load(std::memory_order_relaxed); }  // as of the last sweep
  size_t resolved() const { return resolved_.load(std::memory_order_relaxed); }
  uint64_t reinjected() const { return reinjectedTotal_.load(std::memory_order_relaxed); }

 private:
  struct Shard {
    AlertShard s;
    std::atomic<size_t> bytes{0};
  };
  size_t shardIndex(uint64_t fp) const;
  Shard& shardFor(uint64_t fp) const;
  TimePoint clockNow() const { return clock_(); }
  // Merges one alert of shard `sh`, whose lock the caller holds; its downstream value, or null
  // when it leaves the batch.
  // `deferred` counts re-posts whose state write was skipped (needsWrite).
  AlertPtr putLocked(Shard& sh, const AlertPtr& in, TimePoint now, Duration timeout,
                     size_t& refused, const char*& limit, size_t& deferred);
  bool admit(std::string_view tenant, const char*& limit);
  void releaseTenant(std::string_view tenant);
  void collect(Shard& sh, Entry& e);
  // Writes the entry's record (durable backends only); the written endsAt is then the held one.
  void persist(Shard& sh, Entry& e, TimePoint now);
  // Whether the merge that turned `before` into `after` must be written to the state backend.
  // Not for a re-post of a firing alert that moved endsAt later and refreshed annotations or
  // generatorURL (Prometheus re-evaluates them, `{{ $value }}` changes every time) while the
  // endsAt last written still leaves a wide margin: `after.unwrittenEndsS` then remembers how far
  // the written endsAt trails. A restart reloads such an alert firing, its annotations at most
  // that margin old; every other change (new, resolved, startsAt, flags) is written at once.
  static bool needsWrite(const Entry& before, Entry& after, TimePoint now);
  void noteRefused(size_t n, const char* limit);
  std::shared_ptr<Alert> materialise(const AlertShard& s, const Entry& e, TimePoint now) const;
  struct Record {
    Alert alert;
    uint8_t flags = 0;  // kPersistedFlags
    uint8_t format = 0;
    int64_t updatedAt = 0;
  };
  static std::optional<Record> decodeRecord(std::string_view value, std::string& error);
  void removeRemote(uint64_t fp, TimePoint now);
  bool sweepOwns(const Entry& e, const Alert& a) const {
    return sweepOwns_ ? sweepOwns_(a) : !(e.flags & kRemote);
  }

  AlertStoreOptions opts_;
  std::function<TimePoint()> clock_;
  StateBackend* backend_;
  bool durable_;  // backend_ keeps records (a memory backend does not)
  DropSink* drops_;
  std::vector<std::unique_ptr<Shard>> shards_;
  size_t shardMask_;
  std::vector<AlertStoreObserver*> observers_;
  std::atomic<int64_t> resolveTimeoutNs_;
  std::atomic<size_t> size_{0};
  std::atomic<size_t> firing_{0}, resolved_{0};
  std::atomic<uint64_t> reinjectedTotal_{0};
  metrics::Counter* reinjectedCounter_ = nullptr;
  metrics::Counter* supersededCounter_ = nullptr;
  metrics::Counter* deferredCounter_ = nullptr;
  metrics::Counter* collectedCounter_ = nullptr;
  metrics::Gauge* firingGauge_ = nullptr;
  metrics::Gauge* resolvedGauge_ = nullptr;

  std::mutex tenantMu_;
  std::unordered_map<std::string, size_t> tenants_;  // only with maxAlertsPerTenant
  std::atomic<int64_t> lastRefusedLog_{0};
  std::atomic<uint64_t> refusedSinceLog_{0};

  Reinject reinject_;
  std::function<bool(const Alert&)> sweepOwns_;
  std::mutex sweepMu_;
  std::condition_variable sweepCv_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace nm::store
