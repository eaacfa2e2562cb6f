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

// The lease loops' cadence: `every` (ttl/3) while ownership is settled, at most kSettleTick while
// partitions move (a held lease draining, or this replica under its share within `settleFor` of
// the last change in live replicas or held leases), so a handoff takes a fraction of a second
// instead of up to two full ticks, and settled replicas do not poll the backend for nothing.
class LeaseCadence {
 public:
  static constexpr Duration kSettleTick = std::chrono::milliseconds(200);
  LeaseCadence(Duration every, Duration settleFor) : every_(every), settleFor_(settleFor) {}
  // After a tick, from what it saw: how long to wait before the next one.
  Duration next(const LeaseHolds& held, uint32_t share, uint32_t live, TimePoint now);

 private:
  Duration every_, settleFor_;
  uint32_t live_ = 0;
  std::vector<uint32_t> held_;
  TimePoint settleUntil_ = kZeroTime;
};

// Every partition once, starting at an offset derived from `replica`, so replicas starting
// together ask for different partitions first.
std::vector<uint32_t> acquireOrder(const std::string& replica, uint32_t partitions);

}  // namespace nm
