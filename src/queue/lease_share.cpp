// markOverShare, activeLeases, acquireOrder and LeaseCadence: backend-neutral pieces shared by
// RedisLeases and NatsLeases, so both backends rebalance the same way.
#include "queue/lease_share.h"

#include <algorithm>

#include "queue/partition_key.h"

namespace nm {

size_t markOverShare(LeaseHolds& held, uint32_t share) {
  size_t active = 0;
  for (const auto& [p, h] : held) active += h.draining ? 0 : 1;
  for (auto it = held.rbegin(); it != held.rend() && active > share; ++it) {
    if (!it->second.draining) {
      it->second.draining = true;
      --active;
    }
  }
  return active;
}

std::vector<uint32_t> activeLeases(const LeaseHolds& held) {
  std::vector<uint32_t> out;
  for (const auto& [p, h] : held)
    if (!h.draining) out.push_back(p);
  return out;
}

Duration LeaseCadence::next(const LeaseHolds& held, uint32_t share, uint32_t live, TimePoint now) {
  std::vector<uint32_t> keys;
  bool draining = false;
  for (const auto& [p, h] : held) {
    keys.push_back(p);
    draining = draining || h.draining;
  }
  if (live != live_ || keys != held_) settleUntil_ = now + settleFor_;
  live_ = live;
  held_ = std::move(keys);
  const bool moving = draining || (held.size() < share && now < settleUntil_);
  return moving ? std::min(every_, kSettleTick) : every_;
}

std::vector<uint32_t> acquireOrder(const std::string& replica, uint32_t partitions) {
  std::vector<uint32_t> out;
  if (partitions == 0) return out;
  const uint32_t start = static_cast<uint32_t>(fnv1a(replica) % partitions);
  for (uint32_t k = 0; k < partitions; ++k) out.push_back((start + k) % partitions);
  return out;
}

}  // namespace nm
