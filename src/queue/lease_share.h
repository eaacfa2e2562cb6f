// The backend-neutral part of partition leases: what one replica holds, which held leases go
// over its fair share, and the order it tries free partitions in (Redis and NATS leases alike).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"

namespace nm {

struct LeaseHold {
  TimePoint validUntil;   // local deadline: past it the lease may be someone else's
  bool draining = false;  // over the share: no longer read, given up once drained
  uint64_t revision = 0;  // the backend's version of the lease (NATS KV revision)
};
using LeaseHolds = std::map<uint32_t, LeaseHold>;

// Marks held leases over `share` as draining, the highest partitions first; returns how many
// stay active.
size_t markOverShare(LeaseHolds& held, uint32_t share);

// The active (not draining) partitions of `held`.
std::vector<uint32_t> activeLeases(const LeaseHolds& held);

// Every partition once, starting at an offset derived from `replica`, so replicas starting
// together ask for different partitions first.
std::vector<uint32_t> acquireOrder(const std::string& replica, uint32_t partitions);

}  // namespace nm
