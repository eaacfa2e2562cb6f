// In-flight sends per (receiver, group): what notifications on their way already carry, so two
// batches of one group processed at once do not both send it (the log is written only after).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "interfaces/notification_log.h"

namespace nm::dedup {

class InFlightSends : public std::enable_shared_from_this<InFlightSends> {
 public:
  // Held by a notification until it is destroyed (sent, failed or dropped): while held, its
  // alerts count as told. A failed send then lets the next batch send them again.
  class Claim;

  // Serialises the decisions of one (receiver, group): the dedup stage queries the log, folds
  // in the in-flight alerts (view()) and, when it sends, claims them, all under this lock.
  std::unique_lock<std::mutex> lock(const std::string& key);
  // `last` with the alerts of sends in flight for `key` added as if just sent at `now`; null
  // when both are empty. Call under lock(key).
  // (`last` itself when nothing is in flight.)
  NotificationLogEntryPtr view(const std::string& key, NotificationLogEntryPtr last, TimePoint now,
                               Duration repeatInterval) const;
  // Call under lock(key). The claim keeps this object alive (make it with make_shared).
  std::shared_ptr<Claim> claim(const std::string& key, std::vector<uint64_t> firing,
                               std::vector<uint64_t> resolved);

  // Groups with sends in flight (tests).
  size_t groups() const;

 private:
  struct Counts {
    std::unordered_map<uint64_t, uint32_t> firing, resolved;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Counts> byKey;
  };
  Shard& shardFor(const std::string& key);
  const Shard& shardFor(const std::string& key) const;
  void release(const std::string& key, const std::vector<uint64_t>& firing,
               const std::vector<uint64_t>& resolved);

  std::array<Shard, 16> shards_;
};

class InFlightSends::Claim {
 public:
  Claim(std::shared_ptr<InFlightSends> owner, std::string key, std::vector<uint64_t> firing,
        std::vector<uint64_t> resolved)
      : owner_(std::move(owner)),
        key_(std::move(key)),
        firing_(std::move(firing)),
        resolved_(std::move(resolved)) {}
  ~Claim() { owner_->release(key_, firing_, resolved_); }
  Claim(const Claim&) = delete;
  Claim& operator=(const Claim&) = delete;

 private:
  std::shared_ptr<InFlightSends> owner_;
  std::string key_;
  std::vector<uint64_t> firing_, resolved_;
};

}  // namespace nm::dedup
