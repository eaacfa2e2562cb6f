// MemoryAlertStore: put (merge, resolve timeout, limits, the downstream value), resolvedNotified,
// forEach and the accounting behind the metrics.
#include "store/memory_alert_store.h"

#include <bit>

#include "observe/log.h"
#include "store/alert_merge.h"

namespace nm::store {

MemoryAlertStore::MemoryAlertStore(AlertStoreOptions options, StateBackend* backend,
                                   DropSink* drops, metrics::Registry* registry)
    : opts_(std::move(options)),
      clock_(opts_.clock ? opts_.clock : [] { return nm::now(); }),
      backend_(backend),
      durable_(backend && backend->durable()),
      drops_(drops),
      resolveTimeoutNs_(opts_.resolveTimeout.count()) {
  const size_t n = std::bit_ceil(std::max<size_t>(opts_.shards, 1));
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>());
  shardMask_ = n - 1;
  if (!registry) return;
  registry->gaugeFunc("nm_alert_store_bytes",
                      "Bytes the active-alert store holds (entries, index, interned strings).",
                      [this] { return static_cast<double>(bytes()); });
  registry->gaugeFunc("nm_alert_store_interned_strings",
                      "Distinct strings interned by the active-alert store.",
                      [this] { return static_cast<double>(internedStrings()); });
  // nm_alerts{state} is one family of two computed children: a Gauge family set by the sweep.
  auto& alerts = registry->gauge("nm_alerts",
                                 "Alerts held in the active-alert store, by state "
                                 "(as of the last sweep).",
                                 {"state"});
  alerts.with({"firing"});
  alerts.with({"resolved"});
  auto& sweep = registry->counter(
      "nm_alert_store_sweep_total",
      "Resolve-timeout sweep outcomes: alerts re-injected as resolved, re-injections superseded "
      "by a newer value, resolved alerts collected.",
      {"result"});
  reinjectedCounter_ = &sweep.with({"reinjected"});
  supersededCounter_ = &sweep.with({"superseded"});
  collectedCounter_ = &sweep.with({"collected"});
  deferredCounter_ = &registry
                          ->counter("nm_alert_store_writes_deferred_total",
                                    "Re-posts of firing alerts that only refreshed endsAt and "
                                    "annotations, not written to the state backend (the endsAt "
                                    "written last still covers half the sender's horizon).")
                          .with({});
  firingGauge_ = &alerts.with({"firing"});
  resolvedGauge_ = &alerts.with({"resolved"});
}

MemoryAlertStore::~MemoryAlertStore() {
  stop();
}

size_t MemoryAlertStore::shardIndex(uint64_t fp) const {
  // Fingerprints are FNV-1a: the high bits mix best.
  return (fp >> 40) & shardMask_;
}

MemoryAlertStore::Shard& MemoryAlertStore::shardFor(uint64_t fp) const {
  return *shards_[shardIndex(fp)];
}

void MemoryAlertStore::put(AlertList& alerts, TimePoint now) {
  const Duration timeout = resolveTimeout();
  size_t refused = 0;
  const char* limit = nullptr;
  size_t deferred = 0;
  const size_t n = alerts.size();
  // The batch by shard, each shard's alerts in batch order (a counting sort): a shard is locked
  // once per batch, and its lookups, cache misses each (index slot, entry, label pairs), are
  // prefetched a few alerts ahead of the merge.
  std::vector<uint32_t> start(shards_.size() + 1, 0);
  for (const AlertPtr& a : alerts) ++start[shardIndex(a->fingerprint) + 1];
  for (size_t s = 1; s < start.size(); ++s) start[s] += start[s - 1];
  std::vector<uint32_t> order(n);
  std::vector<uint64_t> fps(n);  // fps[k]: the fingerprint of alerts[order[k]]
  {
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t fp = alerts[i]->fingerprint;
      const uint32_t k = next[shardIndex(fp)]++;
      order[k] = i;
      fps[k] = fp;
    }
  }
  for (size_t s = 0; s + 1 < start.size(); ++s) {
    const uint32_t first = start[s], last = start[s + 1];
    if (first == last) continue;
    Shard& sh = *shards_[s];
    std::lock_guard<std::mutex> g(sh.s.mu);
    for (uint32_t k = first; k < last; ++k) {
      // Stages of prefetches, farthest first: the store's index slot, its entry and the
      // incoming annotations (built on the HTTP thread's core), the entry's pairs, then the
      // strings a re-send compares (held and incoming annotations).
      if (k + 8 < last) sh.s.prefetchIndex(fps[k + 8]);
      if (k + 6 < last) {
        sh.s.prefetchEntry(fps[k + 6]);
        __builtin_prefetch(alerts[order[k + 6]]->annotations.pairs().data());
      }
      if (k + 4 < last) sh.s.prefetchPairs(fps[k + 4]);
      if (k + 2 < last) {
        sh.s.prefetchAnnotationStrings(fps[k + 2]);
        for (const Label& l : alerts[order[k + 2]]->annotations) {
          __builtin_prefetch(l.first.data());
          __builtin_prefetch(l.second.data());
        }
      }
      AlertPtr& slot = alerts[order[k]];
      slot = putLocked(sh, slot, now, timeout, refused, limit, deferred);
      // The bytes limit is checked against every alert's growth, not once per batch.
      if (opts_.maxBytes) sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
    }
    sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
  }
  std::erase(alerts, nullptr);
  if (refused) noteRefused(refused, limit);
  if (deferred && deferredCounter_) deferredCounter_->inc(static_cast<double>(deferred));
}

bool MemoryAlertStore::admit(std::string_view tenant, const char*& limit) {
  if (opts_.maxAlerts && size_.load(std::memory_order_relaxed) >= opts_.maxAlerts) {
    limit = "--alerts.max";
    return false;
  }
  if (opts_.maxBytes && bytes() >= opts_.maxBytes) {
    limit = "--alerts.max-bytes";
    return false;
  }
  if (opts_.maxAlertsPerTenant && !tenant.empty()) {
    std::lock_guard<std::mutex> g(tenantMu_);
    size_t& c = tenants_[std::string(tenant)];
    if (c >= opts_.maxAlertsPerTenant) {
      limit = "--alerts.max-per-tenant";
      return false;
    }
    ++c;
  }
  return true;
}

void MemoryAlertStore::releaseTenant(std::string_view tenant) {
  if (!opts_.maxAlertsPerTenant || tenant.empty()) return;
  std::lock_guard<std::mutex> g(tenantMu_);
  auto it = tenants_.find(std::string(tenant));
  if (it == tenants_.end()) return;
  if (--it->second == 0) tenants_.erase(it);
}

void MemoryAlertStore::noteRefused(size_t n, const char* limit) {
  if (drops_) drops_->dropped(DropReason::StoreLimit, n);
  refusedSinceLog_.fetch_add(n);
  const int64_t t = toNs(clockNow());
  int64_t last = lastRefusedLog_.load();
  // At most one warning per 10 s, with the count since the last one.
  if (t - last < std::chrono::nanoseconds(std::chrono::seconds(10)).count() ||
      !lastRefusedLog_.compare_exchange_strong(last, t))
    return;
  log::warn(
      "active-alert store full: new alerts refused (counted in "
      "nm_alerts_dropped_total{reason=\"store_limit\"})",
      {{"limit", limit},
       {"refused", std::to_string(refusedSinceLog_.exchange(0))},
       {"alerts", std::to_string(size())},
       {"bytes", std::to_string(bytes())}});
}

AlertPtr MemoryAlertStore::putLocked(Shard& sh, const AlertPtr& in, TimePoint now, Duration timeout,
                                     size_t& refused, const char*& limit, size_t& deferred) {
  const Alert& a = *in;
  AlertTimes inc;
  inc.startsAt = a.startsAt;
  inc.startsAtOffset = a.startsAtOffset;
  inc.updatedAt = a.receivedAt != kZeroTime ? a.receivedAt : now;
  const bool sentResolved = a.status == AlertStatus::Resolved;
  if (a.endsAt != kZeroTime) {
    inc.endsAt = a.endsAt;
    inc.endsAtOffset = a.endsAtOffset;
  } else {
    inc.endsAt = sentResolved ? now : inc.updatedAt + timeout;
    inc.timeout = !sentResolved;
  }
  if (sentResolved && inc.endsAt > now) inc.endsAt = now;  // resolved says so: ended by now

  Entry* e = sh.s.find(a.fingerprint);

  if (a.format == IngestFormat::Internal) {
    // The sweep's resolved value: applies only to the value it was made from.
    if (!e || !(e->flags & kReinjectPending) || e->startsAt != toNs(a.startsAt) ||
        e->endsAt != toNs(a.endsAt)) {
      if (supersededCounter_) supersededCounter_->inc();
      return nullptr;
    }
    e->flags = static_cast<uint8_t>((e->flags & ~(kReinjectPending | kNotified)) | kResolvedSent);
    for (auto* o : observers_) o->upserted(a, now);
    persist(sh, *e, now);
    return in;
  }

  bool incomingOwns = true;
  const bool existed = e != nullptr;
  const Entry before = existed ? *e : Entry{};
  AlertTimes t = inc;
  if (!e) {
    if (!admit(a.labels.get("namespace"), limit)) {
      // A resolved alert over the limit still goes through (its notification is never lost);
      // it is just not held.
      if (inc.endsAt <= now) return in;
      ++refused;
      return nullptr;
    }
    e = &sh.s.insert(a);
    size_.fetch_add(1, std::memory_order_relaxed);
  } else {
    AlertTimes held;
    held.startsAt = fromNs(e->startsAt);
    held.startsAtOffset = e->startsOff;
    held.endsAt = fromNs(e->endsAt);
    held.endsAtOffset = e->endsOff;
    held.updatedAt = fromNs(e->updatedAt);
    held.timeout = e->flags & kTimeout;
    MergeResult m = mergeTimes(held, inc, now);
    t = m.times;
    incomingOwns = m.incomingOwns;
    if (incomingOwns) {
      sh.s.updateAnnotations(*e, a.annotations);
      sh.s.setGeneratorURL(*e, a.generatorURL);
    }
  }
  e->startsAt = toNs(t.startsAt);
  e->startsOff = t.startsAtOffset;
  e->endsAt = toNs(t.endsAt);
  e->endsOff = t.endsAtOffset;
  e->updatedAt = toNs(t.updatedAt);
  e->format = static_cast<uint8_t>(a.format);
  const bool resolved = t.endsAt <= now;
  uint8_t flags = static_cast<uint8_t>(
      e->flags & ~(kTimeout | kResolvedSent | kReinjectPending | kNotified | kRemote));
  if (t.timeout) flags |= kTimeout;
  if (resolved) flags |= kResolvedSent;  // this value goes down the pipeline now
  e->flags = flags;

  // Downstream: firing alerts keep the open end they were sent with (a timeout endsAt is the
  // store's, not the sender's), resolved ones carry their endsAt.
  const AlertStatus status = resolved ? AlertStatus::Resolved : AlertStatus::Firing;
  const bool openEnd = !resolved && t.timeout;
  const TimePoint dsEnds = openEnd ? kZeroTime : t.endsAt;
  const int32_t dsEndsOff = openEnd ? 0 : t.endsAtOffset;
  AlertPtr result = in;
  if (!incomingOwns || status != a.status || t.startsAt != a.startsAt ||
      t.startsAtOffset != a.startsAtOffset || dsEnds != a.endsAt || dsEndsOff != a.endsAtOffset) {
    auto m = std::make_shared<Alert>(a);
    m->status = status;
    m->endsAt = dsEnds;
    m->endsAtOffset = dsEndsOff;
    if (!incomingOwns) {
      sh.s.annotationsInto(*e, m->annotations);
      m->generatorURL = std::string(sh.s.generatorURL(*e));
    }
    if (t.startsAt != a.startsAt) {
      m->startsAt = t.startsAt;
      m->startsAtOffset = t.startsAtOffset;
      finalizeIdentity(*m);
    }
    result = std::move(m);
  }
  for (auto* o : observers_) o->upserted(*result, now);
  if (!existed || needsWrite(before, *e, now)) {
    persist(sh, *e, now);
  } else if (durable_) {
    ++deferred;
  }
  return result;
}

bool MemoryAlertStore::needsWrite(const Entry& before, Entry& after, TimePoint now) {
  if ((before.flags & kRemote) ||
      (before.flags & kPersistedFlags) != (after.flags & kPersistedFlags) ||
      (after.flags & kResolvedSent) || before.startsAt != after.startsAt ||
      before.startsOff != after.startsOff || before.endsOff != after.endsOff ||
      before.format != after.format || after.endsAt < before.endsAt) {
    return true;
  }
  constexpr int64_t kSecond = 1'000'000'000;
  const int64_t moved = after.endsAt - before.endsAt;  // >= 0, both real times
  const int64_t lagS = before.unwrittenEndsS + (moved + kSecond - 1) / kSecond;
  if (lagS > UINT16_MAX) return true;
  const int64_t nowNs = toNs(now);
  const int64_t horizon = after.endsAt - nowNs;          // the sender's, from now
  const int64_t writtenLead = horizon - lagS * kSecond;  // the written endsAt's, from now
  const int64_t postGap = std::max<int64_t>(0, nowNs - before.updatedAt);  // since the last post
  // The written endsAt must still cover half the sender's horizon and twice the gap between its
  // posts, so that a restart (or a replica reading shared state) never sees a firing alert end
  // while its sender keeps posting.
  if (writtenLead < horizon / 2 || writtenLead < 2 * postGap) return true;
  after.unwrittenEndsS = static_cast<uint16_t>(lagS);
  return false;
}

void MemoryAlertStore::resolvedNotified(uint64_t fingerprint) {
  Shard& sh = shardFor(fingerprint);
  std::lock_guard<std::mutex> g(sh.s.mu);
  Entry* e = sh.s.find(fingerprint);
  const TimePoint now = clockNow();
  if (!e || e->endsAt > toNs(now) || !(e->flags & kResolvedSent) || (e->flags & kReinjectPending))
    return;
  e->flags |= kNotified;
  persist(sh, *e, now);
}

std::shared_ptr<Alert> MemoryAlertStore::materialise(const AlertShard& s, const Entry& e,
                                                     TimePoint now) const {
  auto a = std::make_shared<Alert>();
  s.materialise(e, *a);
  a->status = e.endsAt <= toNs(now) ? AlertStatus::Resolved : AlertStatus::Firing;
  a->format = static_cast<IngestFormat>(e.format);
  return a;
}

void MemoryAlertStore::forEach(const std::function<void(const StoredAlert&)>& fn) const {
  const TimePoint now = clockNow();
  std::vector<StoredAlert> batch;
  for (const auto& shp : shards_) {
    batch.clear();
    {
      std::lock_guard<std::mutex> g(shp->s.mu);
      batch.reserve(shp->s.size());
      shp->s.forEachEntry([&](Entry& e) {
        StoredAlert sa;
        sa.alert = materialise(shp->s, e, now);
        sa.updatedAt = fromNs(e.updatedAt);
        sa.endsAtFromTimeout = e.flags & kTimeout;
        sa.tenant = std::string(shp->s.tenant(e));
        batch.push_back(std::move(sa));
      });
    }
    for (const auto& sa : batch) fn(sa);
  }
}

size_t MemoryAlertStore::bytes() const {
  size_t b = sizeof(*this) + shards_.size() * sizeof(Shard);
  for (const auto& sh : shards_) b += sh->bytes.load(std::memory_order_relaxed);
  return b;
}

size_t MemoryAlertStore::stringBytes() const {
  size_t b = 0;
  for (const auto& sh : shards_) {
    std::lock_guard<std::mutex> g(sh->s.mu);
    b += sh->s.stringBytes();
  }
  return b;
}

size_t MemoryAlertStore::internedStrings() const {
  size_t n = 0;
  for (const auto& sh : shards_) {
    std::lock_guard<std::mutex> g(sh->s.mu);
    n += sh->s.strings();
  }
  return n;
}

}  // namespace nm::store
