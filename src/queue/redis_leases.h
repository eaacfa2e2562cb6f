// Partition leases in Redis: <prefix>:lease:<p> holds the owning replica's id (SET NX PX, renewed
// by compare-and-PEXPIRE), <prefix>:replicas is the heartbeat ZSET the fair share comes from.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "interfaces/partition_leases.h"
#include "observe/metrics.h"
#include "queue/lease_share.h"
#include "redis/redis_connection.h"

namespace nm {

struct RedisLeaseOptions {
  RedisUrl url;
  std::string prefix = "nm";  // keys <prefix>:lease:<p>, <prefix>:replicas, <prefix>:partitions
  uint32_t partitions = 16;   // --store.partitions; the same on every replica
  Duration ttl = std::chrono::seconds(10);  // --store.lease-ttl
  std::string replica;                      // this replica's id (the queue's consumer name)
};

// One thread renews, gives up and acquires every ttl/3 on its own connection (command timeout
// ttl/3, so a silent server loses the leases before they could have moved). A lease that cannot
// be renewed, or whose local validity ran out, is dropped from the owned set at once.
class RedisLeases final : public PartitionLeases {
 public:
  RedisLeases(RedisLeaseOptions options, metrics::Registry* reg);
  ~RedisLeases() override;

  // Records P at the first start and refuses a different one (error names --store.partitions);
  // an unreachable server is not an error here (the check runs once it is reachable).
  bool start(std::string& error);
  // Gives every lease back (DEL if still ours) and leaves the replica set; no callback.
  void stop();

  uint32_t partitions() const override { return options_.partitions; }
  PartitionSet owned() const override;
  std::vector<std::string> liveReplicaIds() const override;
  void onChange(OnChange cb) override { onChange_ = std::move(cb); }
  void onDrained(Drained cb) override { drained_ = std::move(cb); }

 private:
  using Held = LeaseHold;
  void loop();
  void tick();
  // Checks (and at first records) P; false on a mismatch (error set) or an I/O failure.
  bool checkPartitions(std::string& error, bool& mismatch);
  void dropAll(const char* why);
  void publish();
  std::string leaseKey(uint32_t p) const;
  int64_t wallMillis() const;

  RedisLeaseOptions options_;
  RedisConnection conn_;
  OnChange onChange_;
  Drained drained_;
  LeaseHolds held_;                // the loop's thread only
  uint32_t share_ = 0, live_ = 1;  // as the last tick saw them (the loop's thread)
  bool checked_ = false;
  bool refused_ = false;  // P mismatch found after start: own nothing

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  PartitionSet owned_;                // published copy
  std::vector<std::string> liveIds_;  // as the last tick saw them, sorted
  std::thread thread_;

  metrics::Counter* acquired_ = nullptr;
  metrics::Counter* released_ = nullptr;
  metrics::Counter* lost_ = nullptr;
  metrics::Gauge* ownedGauge_ = nullptr;
};

}  // namespace nm
