// The partition-lease seam: which of the P alert partitions this replica owns now, and a
// callback when that set changes (a backend's leases behind it: Redis keys with a TTL).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace nm {

using PartitionSet = std::set<uint32_t>;

class PartitionLeases {
 public:
  using OnChange = std::function<void(const PartitionSet& owned)>;
  // Asked before a partition is given up on purpose: true once nothing read from it is in
  // flight any more (so its new owner does not notify the same alerts again).
  using Drained = std::function<bool(uint32_t partition)>;

  virtual ~PartitionLeases() = default;
  virtual uint32_t partitions() const = 0;
  virtual PartitionSet owned() const = 0;
  bool owns(uint32_t partition) const { return owned().count(partition) != 0; }
  // The replicas whose heartbeat the last tick saw within the lease ttl, this one included,
  // sorted; empty until the first tick succeeded.
  virtual std::vector<std::string> liveReplicaIds() const = 0;
  // Set before start. Called on the leases' own thread whenever the owned set changes: a
  // partition acquired, given up or lost (a lost one must stop being read at once).
  virtual void onChange(OnChange cb) = 0;
  virtual void onDrained(Drained cb) = 0;
};

}  // namespace nm
