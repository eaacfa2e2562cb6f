// MemoryAlertStore's records in the StateBackend (table alerts, key: the fingerprint in hex):
//   u8 version (1), u8 flags (timeout, resolved sent, notified), u8 ingest format,
//   i64 updatedAt (ns), then the alert codec's bytes (times as held: endsAt is the real end).
#include <cstring>

#include "core/alert_codec.h"
#include "observe/log.h"
#include "store/memory_alert_store.h"

namespace nm::store {

namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr size_t kHeaderBytes = 3 + 8;

}  // namespace

void MemoryAlertStore::persist(Shard& sh, Entry& e, TimePoint now) {
  e.unwrittenEndsS = 0;
  if (!durable_) return;
  auto a = materialise(sh.s, e, now);
  std::string v;
  v.reserve(256);
  v.push_back(static_cast<char>(kRecordVersion));
  v.push_back(static_cast<char>(e.flags & kPersistedFlags));
  v.push_back(static_cast<char>(e.format));
  char buf[8];
  std::memcpy(buf, &e.updatedAt, 8);  // little-endian hosts (as the alert codec)
  v.append(buf, 8);
  appendEncodedAlert(v, *a);
  backend_->put(StateTable::Alerts, fingerprintHex(e.fp), std::move(v));
}

std::optional<MemoryAlertStore::Record> MemoryAlertStore::decodeRecord(std::string_view value,
                                                                       std::string& error) {
  if (value.size() < kHeaderBytes || static_cast<uint8_t>(value[0]) != kRecordVersion) {
    error = "unknown record version or short record";
    return std::nullopt;
  }
  std::optional<Alert> a = decodeAlert(value.substr(kHeaderBytes), error);
  if (!a) return std::nullopt;
  Record r;
  r.alert = std::move(*a);
  r.flags = static_cast<uint8_t>(value[1]) & kPersistedFlags;
  r.format = static_cast<uint8_t>(value[2]);
  std::memcpy(&r.updatedAt, value.data() + 3, 8);
  return r;
}

bool MemoryAlertStore::load(std::string& error) {
  if (!backend_) return true;
  const TimePoint now = clockNow();
  size_t loaded = 0, skipped = 0;
  std::vector<std::string> stale;
  bool ok = backend_->load(
      StateTable::Alerts,
      [&](std::string_view key, std::string_view value) {
        std::string err;
        std::optional<Record> rec = decodeRecord(value, err);
        if (!rec) {
          log::warn("stored alert skipped", {{"key", key}, {"error", err}});
          ++skipped;
          return;
        }
        const Alert* a = &rec->alert;
        const uint8_t flags = rec->flags;
        if (flags & kNotified) {  // its resolved notification went out: done
          stale.emplace_back(key);
          return;
        }
        const int64_t updatedAt = rec->updatedAt;
        Shard& sh = shardFor(a->fingerprint);
        std::lock_guard<std::mutex> g(sh.s.mu);
        Entry* e = sh.s.find(a->fingerprint);
        if (e) return;  // a key written twice under two names: the first wins
        e = &sh.s.insert(*a);
        e->startsAt = toNs(a->startsAt);
        e->startsOff = a->startsAtOffset;
        e->endsAt = toNs(a->endsAt);
        e->endsOff = a->endsAtOffset;
        e->updatedAt = updatedAt;
        e->format = rec->format;
        // A resolved value that had not finished its notification went down with the pipeline:
        // the sweep offers it again.
        e->flags = static_cast<uint8_t>(kLive | (flags & kTimeout));
        if (e->endsAt > toNs(now) && (flags & kResolvedSent)) e->flags |= kResolvedSent;
        if (opts_.maxAlertsPerTenant) {
          std::string_view tenant = a->labels.get("namespace");
          if (!tenant.empty()) {
            std::lock_guard<std::mutex> tg(tenantMu_);
            ++tenants_[std::string(tenant)];
          }
        }
        size_.fetch_add(1, std::memory_order_relaxed);
        for (auto* o : observers_) o->upserted(*materialise(sh.s, *e, now), now);
        sh.bytes.store(sh.s.bytes(), std::memory_order_relaxed);
        ++loaded;
      },
      error);
  for (auto& k : stale) backend_->erase(StateTable::Alerts, std::move(k));
  if (ok)
    log::info("active alerts loaded", {{"backend", backend_->name()},
                                       {"alerts", std::to_string(loaded)},
                                       {"skipped", std::to_string(skipped)}});
  return ok;
}

}  // namespace nm::store
