// RedisStateBackend: the StateBackend shared by replicas (--store.type redis): one Redis hash per
// table, batched pipelined writes with change notices, and a subscriber that applies others'
// notices.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "interfaces/state_backend.h"
#include "observe/metrics.h"
#include "persist/shared_state_metrics.h"
#include "redis/redis_connection.h"
#include "redis/redis_url.h"

namespace nm::persist {

struct RedisStateOptions {
  RedisUrl url;
  // Hashes <prefix>alerts, <prefix>nflog, <prefix>silences; change notices on <prefix>changes.
  std::string prefix = "nm:state:";
  std::string replicaId;  // in every notice this replica publishes; random when empty
  Duration commitInterval = std::chrono::milliseconds(20);  // a batch is written this often
  size_t commitBatch = 5000;                                // or as soon as this many pend
  size_t maxPending = 1000000;    // distinct pending keys; past it new keys are dropped, counted
  size_t fieldsPerCommand = 512;  // fields of one HSET/HDEL and keys of one notice
  Duration timeout = std::chrono::seconds(5);            // connect and socket timeout
  Duration backoffMin = std::chrono::milliseconds(100);  // reconnect backoff, doubled up to
  Duration backoffMax = std::chrono::seconds(5);
  Duration flushTimeout = std::chrono::seconds(10);          // flush() gives up (logged) past it
  Duration subscriberPoll = std::chrono::milliseconds(200);  // how often the subscriber looks up
};

// Change notices carry keys, not values: "<replica id>\n" then per record
// "<table digit><key length>:<key>". Values can be large (an alert with its annotations, a silence)
// and a batch holds thousands: every PUBLISH goes to every replica, so carrying values would send
// each record N times over the wire where a pipelined HGET per key reads just what a watcher needs.
// The HGET also reads the key's current value, so a late notice never rolls a newer value back
// (an absent field is delivered as an erase).
//
// Threads: put/erase only queue (the last write per key wins); a writer thread owns one
// connection and writes every commitInterval; a subscriber thread (started by the first watch)
// owns a SUBSCRIBE connection and a lookup connection and calls the watchers; load() uses a third
// connection. Every connection reconnects with backoff; after the subscriber reconnects, every
// watched table is resynced as state_backend.h says, by HSCAN against the value hashes it knows
// (what it loaded, wrote or delivered: a key and 8 bytes per record of a watched table).
class RedisStateBackend final : public StateBackend {
 public:
  RedisStateBackend(RedisStateOptions options, metrics::Registry& metrics);
  // Writes what is pending (one last attempt) and joins the threads.
  ~RedisStateBackend() override;

  // "redis:<host>:<port>" (never the password).
  std::string name() const override;
  bool durable() const override { return true; }
  void put(StateTable table, std::string key, std::string value) override;
  void erase(StateTable table, std::string key) override;
  bool load(StateTable table,
            const std::function<void(std::string_view key, std::string_view value)>& fn,
            std::string& error) override;
  void flush() override;
  void watch(StateTable table, StateWatch fn) override;

  size_t pending() const;
  const std::string& replicaId() const { return options_.replicaId; }
  std::string hashKey(StateTable table) const;
  std::string channel() const { return options_.prefix + "changes"; }

 private:
  using Writes = std::map<std::string, std::optional<std::string>, std::less<>>;

  void enqueue(StateTable table, std::string key, std::optional<std::string> value);
  void writerLoop();
  bool writeBatch(RedisConnection& conn, const Writes (&batch)[kStateTableCount]);
  void subscriberLoop();
  bool resync(size_t table, RedisConnection& look);
  bool applyNotice(std::string_view payload, RedisConnection& look);
  // Calls the watcher of `table` (when any) and records what this replica now knows.
  void deliver(size_t table, std::string_view key, std::optional<std::string_view> value);
  void know(size_t table, const std::string& key, const std::optional<std::string>& value);
  bool waitStop(Duration d);  // true when stopping

  RedisStateOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: batch full, flush asked, stopping
  std::condition_variable flushed_;  // flush(): written_ advanced
  std::condition_variable stopCv_;   // backoff waits
  Writes pending_[kStateTableCount];
  size_t pendingCount_ = 0;
  size_t writingCount_ = 0;
  uint64_t enqueued_ = 0;
  uint64_t written_ = 0;
  bool flushWanted_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point lastDropLog_{};

  std::mutex knownMu_;
  std::unordered_map<std::string, uint64_t>
      known_[kStateTableCount];  // value hashes of watched tables

  std::mutex watchMu_;  // held around every watcher call
  StateWatch watchers_[kStateTableCount];
  std::atomic<bool> resyncWanted_[kStateTableCount] = {};

  std::mutex loadMu_;
  RedisConnection loadConn_;

  SharedStateMetrics metrics_;

  std::thread writer_;
  std::once_flag subscriberStarted_;
  std::thread subscriber_;
};

// The key this replica's notices are told apart by: 16 random hex digits.
std::string newReplicaId();

}  // namespace nm::persist
