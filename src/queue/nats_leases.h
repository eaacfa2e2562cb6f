// Partition leases in a NATS KV bucket (<stream>_LEASES): key p<p> = "<expiry ms> <replica>",
// taken by create-if-absent or compare-and-set on an expired value; replica.<id> heartbeats.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "interfaces/partition_leases.h"
#include "nats/nats_connection.h"
#include "observe/metrics.h"
#include "queue/lease_share.h"

namespace nm {

struct NatsLeaseOptions {
  NatsConnectOptions connect;               // the queue's --store.nats.* connection settings
  std::string bucket = "NM_ALERTS_LEASES";  // <--store.nats.stream>_LEASES
  uint32_t partitions = 16;                 // --store.partitions; the same on every replica
  Duration ttl = std::chrono::seconds(10);  // --store.lease-ttl
  std::string replica;                      // this replica's id (the queue's replica id)
};

// A lease value: who holds it and until when (wall-clock milliseconds). The expiry lives in the
// value because the bucket's MaxAge only collects garbage (it ages keys, coarsely).
struct NatsLeaseValue {
  int64_t expiresMs = 0;
  std::string replica;
};
std::string encodeLeaseValue(const NatsLeaseValue& v);
std::optional<NatsLeaseValue> parseLeaseValue(std::string_view text);
// From heartbeats (replica id, wall ms): the ids seen within `ttl` of `nowMs`, sorted.
std::vector<std::string> liveReplicaIdsOf(std::vector<std::pair<std::string, int64_t>> beats,
                                          int64_t nowMs, Duration ttl);

// One thread heartbeats, renews (update with the held revision), gives up (once drained) and
// acquires every ttl/3 on its own connection. A lease that cannot be renewed, or whose local
// validity ran out, is dropped from the owned set at once. Replicas' clocks must agree well
// within the ttl (expiries are wall-clock times written by the holder).
class NatsLeases final : public PartitionLeases {
 public:
  NatsLeases(NatsLeaseOptions options, metrics::Registry* reg);
  ~NatsLeases() override;

  // Connects, creates or binds the bucket, records P at the first start and refuses a different
  // one (error names --store.partitions), then starts the thread.
  bool start(std::string& error);
  // Gives every lease back (compare-and-set to an expired value) and removes the heartbeat.
  void stop();

  uint32_t partitions() const override { return options_.partitions; }
  PartitionSet owned() const override;
  std::vector<std::string> liveReplicaIds() const override;
  void onChange(OnChange cb) override { onChange_ = std::move(cb); }
  void onDrained(Drained cb) override { drained_ = std::move(cb); }

 private:
  void loop();
  void tick();
  // Checks (and records or refreshes) P; false on a mismatch (error set) or an I/O failure.
  bool checkPartitions(std::string& error, bool& mismatch);
  // The ids of the replicas whose heartbeat is within the ttl, sorted (empty: none could be read).
  std::vector<std::string> readLiveReplicas();
  bool renew(uint32_t p, LeaseHold& h);
  bool release(uint32_t p, const LeaseHold& h);
  bool tryAcquire(uint32_t p);
  void dropAll(const char* why);
  void publish();

  NatsLeaseOptions options_;
  NatsConnection conn_;
  JsCtxPtr js_;
  kvStore* kv_ = nullptr;
  OnChange onChange_;
  Drained drained_;
  LeaseHolds held_;                // the loop's thread only
  uint32_t share_ = 0, live_ = 1;  // as the last tick saw them (the loop's thread)
  bool refused_ = false;

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
