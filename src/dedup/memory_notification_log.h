// The in-memory notification log: entries per (receiver key, group key) in mutex-guarded
// shards, dropped at their expiry, written through a durable StateBackend and reloaded at start.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "interfaces/notification_log.h"
#include "interfaces/state_backend.h"

namespace nm::dedup {

struct MemoryNotificationLogOptions {
  // Where entries persist; null or not durable: memory only.
  StateBackend* backend = nullptr;
  // How often record() sweeps expired entries (one caller sweeps, the others go on).
  Duration gcInterval = std::chrono::minutes(1);
};

class MemoryNotificationLog final : public NotificationLog {
 public:
  explicit MemoryNotificationLog(MemoryNotificationLogOptions options = {});

  // Reads the backend's records (when durable), skipping expired and unreadable ones. Returns
  // false with `error` when the backend cannot be read; the log then starts empty.
  bool load(TimePoint now, std::string& error);

  // Shared state: a record written by another replica (the StateBackend's watch; its subscriber
  // thread). It replaces the entry unless the entry held here was sent later; nullopt drops the
  // entry. Never written back.
  void applyRemote(std::string_view key, std::optional<std::string_view> value);

  // An expired entry reads as absent.
  NotificationLogEntryPtr query(std::string_view receiverKey,
                                std::string_view groupKey) const override;
  void record(std::string_view receiverKey, std::string_view groupKey,
              NotificationLogEntry entry) override;

  // Drops entries whose expiresAt is not after `now` (and their records); returns how many.
  size_t gc(TimePoint now);
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, NotificationLogEntryPtr, Hash, std::equal_to<>> entries;
  };
  static constexpr size_t kShards = 16;

  Shard& shardOf(std::string_view key) const { return shards_[Hash{}(key) % kShards]; }
  void maybeGc(TimePoint now);

  StateBackend* backend_;  // null unless durable
  const Duration gcInterval_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<TimePoint::rep> nextGc_{0};
};

}  // namespace nm::dedup
