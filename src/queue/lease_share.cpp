// markOverShare, activeLeases, acquireOrder: pure functions shared by RedisLeases and
// NatsLeases, so both backends rebalance the same way.
#include "queue/lease_share.h"

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

std::vector<uint32_t> acquireOrder(const std::string& replica, uint32_t partitions) {
  std::vector<uint32_t> out;
  if (partitions == 0) return out;
  const uint32_t start = static_cast<uint32_t>(fnv1a(replica) % partitions);
  for (uint32_t k = 0; k < partitions; ++k) out.push_back((start + k) % partitions);
  return out;
}

}  // namespace nm
