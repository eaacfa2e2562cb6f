// MemoryNotificationLog: one key string per entry (receiver "\n" group), looked up without
// allocation through a thread-local buffer; a sweep runs at most once per gcInterval.
#include "dedup/memory_notification_log.h"

#include <vector>

#include "dedup/nflog_codec.h"
#include "observe/log.h"

namespace nm::dedup {

namespace {

std::string_view joinedKey(std::string_view receiverKey, std::string_view groupKey) {
  thread_local std::string buf;
  buf.assign(receiverKey);
  buf += '\n';
  buf.append(groupKey);
  return buf;
}

}  // namespace

MemoryNotificationLog::MemoryNotificationLog(MemoryNotificationLogOptions options)
    : backend_(options.backend && options.backend->durable() ? options.backend : nullptr),
      gcInterval_(options.gcInterval) {}

bool MemoryNotificationLog::load(TimePoint now, std::string& error) {
  if (!backend_) return true;
  size_t loaded = 0, skipped = 0;
  std::vector<std::string> stale;  // erased after the load: the backend may be iterating
  bool ok = backend_->load(
      StateTable::NotificationLog,
      [&](std::string_view key, std::string_view value) {
        std::string_view receiver, group;
        auto entry = decodeEntry(value);
        if (!splitLogKey(key, receiver, group) || !entry) {
          ++skipped;
          stale.emplace_back(key);
          return;
        }
        if (entry->expiresAt <= now) {
          stale.emplace_back(key);
          return;
        }
        Shard& s = shardOf(key);
        std::lock_guard g(s.mu);
        s.entries.insert_or_assign(std::string(key),
                                   std::make_shared<const NotificationLogEntry>(std::move(*entry)));
        ++loaded;
      },
      error);
  for (std::string& key : stale) backend_->erase(StateTable::NotificationLog, std::move(key));
  if (skipped)
    log::warn("notification log: unreadable records dropped",
              {{"records", std::to_string(skipped)}, {"backend", backend_->name()}});
  if (ok)
    log::info("notification log loaded",
              {{"entries", std::to_string(loaded)}, {"backend", backend_->name()}});
  return ok;
}

void MemoryNotificationLog::applyRemote(std::string_view key,
                                        std::optional<std::string_view> value) {
  Shard& s = shardOf(key);
  if (!value) {
    std::lock_guard g(s.mu);
    if (auto it = s.entries.find(key); it != s.entries.end()) s.entries.erase(it);
    return;
  }
  std::string_view receiver, group;
  auto entry = decodeEntry(*value);
  if (!splitLogKey(key, receiver, group) || !entry) {
    log::warn("notification log: unreadable remote record skipped", {{"key", key}});
    return;
  }
  std::lock_guard g(s.mu);
  auto it = s.entries.find(key);
  if (it == s.entries.end()) {
    s.entries.emplace(std::string(key),
                      std::make_shared<const NotificationLogEntry>(std::move(*entry)));
  } else if (it->second->sentAt <= entry->sentAt) {
    it->second = std::make_shared<const NotificationLogEntry>(std::move(*entry));
  }
}

NotificationLogEntryPtr MemoryNotificationLog::query(std::string_view receiverKey,
                                                     std::string_view groupKey) const {
  std::string_view key = joinedKey(receiverKey, groupKey);
  Shard& s = shardOf(key);
  std::lock_guard g(s.mu);
  auto it = s.entries.find(key);
  if (it == s.entries.end() || it->second->expiresAt <= nm::now()) return nullptr;
  return it->second;
}

void MemoryNotificationLog::record(std::string_view receiverKey, std::string_view groupKey,
                                   NotificationLogEntry entry) {
  std::string key = logKey(receiverKey, groupKey);
  if (backend_) backend_->put(StateTable::NotificationLog, key, encodeEntry(entry));
  auto shared = std::make_shared<const NotificationLogEntry>(std::move(entry));
  {
    Shard& s = shardOf(key);
    std::lock_guard g(s.mu);
    s.entries.insert_or_assign(std::move(key), std::move(shared));
  }
  maybeGc(nm::now());
}

void MemoryNotificationLog::maybeGc(TimePoint now) {
  const TimePoint::rep t = now.time_since_epoch().count();
  TimePoint::rep due = nextGc_.load(std::memory_order_relaxed);
  if (t < due) return;
  if (!nextGc_.compare_exchange_strong(due, t + gcInterval_.count())) return;
  gc(now);
}

size_t MemoryNotificationLog::gc(TimePoint now) {
  size_t dropped = 0;
  for (Shard& s : shards_) {
    std::lock_guard g(s.mu);
    for (auto it = s.entries.begin(); it != s.entries.end();) {
      if (it->second->expiresAt > now) {
        ++it;
        continue;
      }
      if (backend_) backend_->erase(StateTable::NotificationLog, it->first);
      it = s.entries.erase(it);
      ++dropped;
    }
  }
  return dropped;
}

size_t MemoryNotificationLog::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard g(s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace nm::dedup
