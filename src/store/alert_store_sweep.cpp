// The resolve-timeout sweep of MemoryAlertStore: re-inject what ended without a resolved value,
// collect what was notified, and the thread that runs it every sweepInterval.
#include <algorithm>

#include "observe/log.h"
#include "store/memory_alert_store.h"

namespace nm::store {

void MemoryAlertStore::collect(Shard& sh, Entry& e) {
  const uint64_t fp = e.fp;
  releaseTenant(sh.s.tenant(e));
  sh.s.erase(e);
  size_.fetch_sub(1, std::memory_order_relaxed);
  for (auto* o : observers_) o->removed(fp);
  if (durable_) backend_->erase(StateTable::Alerts, fingerprintHex(fp));
  if (collectedCounter_) collectedCounter_->inc();
}

void MemoryAlertStore::sweepOnce(TimePoint now) {
  const int64_t t = toNs(now);
  const int64_t retention = opts_.resolvedRetention.count();
  size_t firing = 0, resolved = 0;
  AlertList due;
  std::vector<Entry*> doomed;
  for (auto& shp : shards_) {
    Shard& sh = *shp;
    std::lock_guard<std::mutex> g(sh.s.mu);
    doomed.clear();
    sh.s.forEachEntry([&](Entry& e) {
      if (e.endsAt > t) {
        ++firing;
        return;
      }
      if (e.flags & kNotified) {
        doomed.push_back(&e);
      } else if ((e.flags & kTimeout) && !(e.flags & kResolvedSent) &&
                 e.format == static_cast<uint8_t>(IngestFormat::Webhook)) {
        // Alertmanager sends firing alerts without endsAt and says itself when they resolve,
        // re-sending only every repeat_interval: its alerts just expire, unannounced.
        doomed.push_back(&e);
      } else if (!(e.flags & kResolvedSent)) {
        auto a = materialise(sh.s, e, now);
        if (!sweepOwns(e, *a)) {  // another replica resolves it; its record reaches us
          ++resolved;
          return;
        }
        a->status = AlertStatus::Resolved;
        a->format = IngestFormat::Internal;
        a->receivedAt = now;
        due.push_back(std::move(a));
        e.flags |= kResolvedSent | kReinjectPending;
        ++resolved;
      } else if (e.endsAt < t - retention) {
        doomed.push_back(&e);
      } else {
        ++resolved;
      }
    });
    for (Entry* e : doomed) collect(sh, *e);
    sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
  }
  firing_.store(firing, std::memory_order_relaxed);
  resolved_.store(resolved, std::memory_order_relaxed);
  if (firingGauge_) firingGauge_->set(static_cast<double>(firing));
  if (resolvedGauge_) resolvedGauge_->set(static_cast<double>(resolved));
  if (due.empty()) return;

  // Offered in chunks; what is not accepted is offered again by the next sweep.
  size_t sent = 0;
  while (sent < due.size() && reinject_) {
    const size_t n = std::min(std::max<size_t>(opts_.reinjectChunk, 1), due.size() - sent);
    AlertList chunk(due.begin() + static_cast<ptrdiff_t>(sent),
                    due.begin() + static_cast<ptrdiff_t>(sent + n));
    if (!reinject_(std::move(chunk))) break;
    sent += n;
  }
  reinjectedTotal_.fetch_add(sent, std::memory_order_relaxed);
  if (reinjectedCounter_) reinjectedCounter_->inc(sent);
  for (size_t i = sent; i < due.size(); ++i) {
    const Alert& a = *due[i];
    Shard& sh = shardFor(a.fingerprint);
    std::lock_guard<std::mutex> g(sh.s.mu);
    Entry* e = sh.s.find(a.fingerprint);
    if (e && (e->flags & kReinjectPending) && e->endsAt == toNs(a.endsAt))
      e->flags = static_cast<uint8_t>(e->flags & ~(kResolvedSent | kReinjectPending));
  }
  if (sent < due.size())
    log::debug("resolved alerts not re-injected (queue full); next sweep offers them again",
               {{"alerts", std::to_string(due.size() - sent)}});
}

void MemoryAlertStore::start() {
  std::lock_guard<std::mutex> g(sweepMu_);
  if (sweeper_.joinable()) return;
  stopping_ = false;
  sweeper_ = std::thread([this] {
    std::unique_lock<std::mutex> lk(sweepMu_);
    while (!stopping_) {
      sweepCv_.wait_for(lk, opts_.sweepInterval, [this] { return stopping_; });
      if (stopping_) break;
      lk.unlock();
      try {
        sweepOnce(clockNow());
      } catch (const std::exception& e) {
        log::error("alert store sweep failed", {{"error", e.what()}});
      }
      lk.lock();
    }
  });
}

void MemoryAlertStore::stop() {
  {
    std::lock_guard<std::mutex> g(sweepMu_);
    stopping_ = true;
  }
  sweepCv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

}  // namespace nm::store
