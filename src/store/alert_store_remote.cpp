// MemoryAlertStore::applyRemote: alert records written by another replica (shared state) merged
// into this store and told to its observers, never written back to the backend.
#include <charconv>

#include "observe/log.h"
#include "store/alert_merge.h"
#include "store/memory_alert_store.h"

namespace nm::store {

void MemoryAlertStore::removeRemote(uint64_t fp, TimePoint) {
  Shard& sh = shardFor(fp);
  std::lock_guard<std::mutex> g(sh.s.mu);
  Entry* e = sh.s.find(fp);
  if (!e) return;
  releaseTenant(sh.s.tenant(*e));
  sh.s.erase(*e);
  size_.fetch_sub(1, std::memory_order_relaxed);
  for (auto* o : observers_) o->removed(fp);
  sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
}

void MemoryAlertStore::applyRemote(std::string_view key, std::optional<std::string_view> value) {
  const TimePoint now = clockNow();
  if (!value) {
    uint64_t fp = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), fp, 16);
    if (ec != std::errc() || end != key.data() + key.size()) {
      log::warn("remote alert erase skipped: key is not a fingerprint", {{"key", key}});
      return;
    }
    removeRemote(fp, now);
    return;
  }
  std::string err;
  std::optional<Record> rec = decodeRecord(*value, err);
  if (!rec) {
    log::warn("remote alert record skipped", {{"key", key}, {"error", err}});
    return;
  }
  const Alert& a = rec->alert;
  if (rec->flags & kNotified) {  // its resolved notification went out on the other replica
    removeRemote(a.fingerprint, now);
    return;
  }
  AlertTimes inc;
  inc.startsAt = a.startsAt;
  inc.startsAtOffset = a.startsAtOffset;
  inc.endsAt = a.endsAt;
  inc.endsAtOffset = a.endsAtOffset;
  inc.updatedAt = fromNs(rec->updatedAt);
  inc.timeout = rec->flags & kTimeout;

  Shard& sh = shardFor(a.fingerprint);
  std::lock_guard<std::mutex> g(sh.s.mu);
  Entry* e = sh.s.find(a.fingerprint);
  AlertTimes t = inc;
  uint8_t keep = 0;
  if (!e) {
    // Held by another replica, which applied the limits: never refused here.
    e = &sh.s.insert(a);
    size_.fetch_add(1, std::memory_order_relaxed);
    if (opts_.maxAlertsPerTenant) {
      std::string_view tenant = a.labels.get("namespace");
      if (!tenant.empty()) {
        std::lock_guard<std::mutex> tg(tenantMu_);
        ++tenants_[std::string(tenant)];
      }
    }
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
    if (m.incomingOwns) {
      sh.s.updateAnnotations(*e, a.annotations);
      sh.s.setGeneratorURL(*e, a.generatorURL);
    }
    // A re-injection of this replica still on its way keeps its claim on the same value.
    if (toNs(t.endsAt) == e->endsAt) keep = e->flags & kReinjectPending;
  }
  e->startsAt = toNs(t.startsAt);
  e->startsOff = t.startsAtOffset;
  e->endsAt = toNs(t.endsAt);
  e->endsOff = t.endsAtOffset;
  e->updatedAt = toNs(t.updatedAt);
  e->format = rec->format;
  uint8_t flags = static_cast<uint8_t>(kLive | kRemote | keep);
  if (t.timeout) flags |= kTimeout;
  if (rec->flags & kResolvedSent || keep) flags |= kResolvedSent;
  e->flags = flags;
  auto merged = materialise(sh.s, *e, now);
  for (auto* o : observers_) o->upserted(*merged, now);
  sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
}

}  // namespace nm::store
