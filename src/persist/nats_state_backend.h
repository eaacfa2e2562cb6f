// NatsStateBackend: the StateBackend shared by replicas on NATS (--store.type nats): one JetStream
// KV bucket per table, batched writes on an owned thread, and one KV watcher thread per table.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/time.h"
#include "interfaces/state_backend.h"
#include "nats/nats_connection.h"
#include "observe/metrics.h"
#include "persist/shared_state_metrics.h"

namespace nm::persist {

struct NatsStateOptions {
  NatsConnectOptions connect;              // servers, credentials, TLS (--store.nats.*)
  std::string bucketPrefix = "NM_STATE_";  // buckets NM_STATE_alerts, _nflog, _silences, _parked
  std::string replicaId;                   // prefixed to every value written; random when empty
  Duration commitInterval = std::chrono::milliseconds(20);  // a batch is written this often
  size_t commitBatch = 5000;                                // or as soon as this many pend
  size_t maxPending = 1000000;  // distinct pending keys; past it new keys are dropped, counted
  Duration flushTimeout = std::chrono::seconds(10);      // flush() gives up (logged) past it
  Duration watchPoll = std::chrono::milliseconds(100);   // watcher threads look at stop this often
  Duration backoffMin = std::chrono::milliseconds(100);  // write/watch retry backoff, doubled up to
  Duration backoffMax = std::chrono::seconds(2);
};

// Buckets: <prefix><table> (file storage, history 1, one replica). Encodings:
// - Key: KV keys allow only [-/_=.a-zA-Z0-9] and the tables' keys do not (the nflog key holds "\n"
//   and "/"), so a record's KV key is its key in lowercase hex.
// - Value: "<replica id>\n<value>": KV keeps no writer id, so the writer's id travels in the value
//   (stripped before any caller sees it) and a watcher skips entries of its own replica.
//   Deletes are KV delete markers (they carry no id: an erase of a key this replica does not hold
//   is not delivered).
//
// Threads: put/erase only queue (last write per key wins); the writer thread publishes every
// commitInterval what is pending as one pipelined batch (async publishes, then their acks: one
// round trip per batch) and retries failed records with backoff. watch()
// starts one thread per table running kvStore_WatchAll (deletes included): its initial batch is
// the resync (records differing from what this replica knows are delivered, known keys absent
// from it are delivered as erased), then live entries follow. A watcher is made again (a full
// resync) only when it fails (a slow consumer lost entries); across a reconnect libnats resumes it
// after the last sequence it delivered. Stale entries (older than this replica's own write of
// the key, or arriving while that write is in flight) are skipped; a foreign entry skipped while
// an own write was in flight gets the key re-read once that write is acknowledged.
class NatsStateBackend final : public StateBackend {
 public:
  NatsStateBackend(NatsStateOptions options, metrics::Registry& metrics);
  ~NatsStateBackend() override;  // writes what is pending (one last attempt), joins the threads

  // Connects and binds (or creates) the buckets; false with `error` naming the flag at fault.
  bool start(std::string& error);

  // "nats:<host>:<port>" (first server; never credentials).
  std::string name() const override;
  bool durable() const override { return true; }
  void put(StateTable table, std::string key, std::string value) override;
  void erase(StateTable table, std::string key) override;
  bool load(StateTable table,
            const std::function<void(std::string_view key, std::string_view value)>& fn,
            std::string& error) override;
  void flush() override;
  void watch(StateTable table, StateWatch fn) override;

  const std::string& replicaId() const { return options_.replicaId; }
  std::string bucket(StateTable table) const { return options_.bucketPrefix + toString(table); }
  size_t pending() const;

 private:
  using Writes = std::map<std::string, std::optional<std::string>, std::less<>>;
  // What this replica holds for a key: the value's hash and the KV revision it came with.
  struct Known {
    uint64_t hash = 0;
    uint64_t rev = 0;
    bool present = true;
    bool writing = false;     // an own write of the key is in flight
    uint64_t skippedRev = 0;  // a foreign entry skipped meanwhile
  };

  // Publishes not yet acknowledged by the server, at most (the writer stalls past it).
  static constexpr int64_t kMaxInFlight = 4096;
  // What the publish ack of one record said.
  struct WriteAck {
    bool answered = false;
    bool done = false;  // stored, at revision `rev`
    uint64_t rev = 0;
    std::string error;
  };
  static uint64_t valueHash(std::string_view v) { return std::hash<std::string_view>{}(v); }

  // nats_state_writer.cpp: the writer thread and its pipelined batches.
  bool startWriter(std::string& error);
  void writerLoop();
  // Publishes every record of `batch`, then awaits the acks; the written ones leave `batch`.
  bool writeBatch(Writes (&batch)[kStateTableCount], std::string& error);
  // After its publish: what this replica knows of the key. True when it was written.
  bool settleRecord(size_t table, const std::string& key, const std::optional<std::string>& value,
                    const WriteAck& ack);
  static void onWriteAck(jsCtx* js, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);
  void watchLoop(size_t table);
  // One KV entry (live or of a resync's initial batch) of `table`.
  void handleEntry(size_t table, kvEntry* e, std::unordered_set<std::string>* seen);
  void finishResync(size_t table, const std::unordered_set<std::string>& seen);
  void recheck(size_t table);
  void deliverLocked(size_t table, const std::string& key, std::optional<std::string_view> value);
  bool waitStop(Duration d);

  NatsStateOptions options_;
  NatsConnection conn_;
  JsCtxPtr js_;
  JsCtxPtr writeJs_;  // the writer's: async publishes acked to onWriteAck
  kvStore* kv_[kStateTableCount] = {};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  Writes pending_[kStateTableCount];
  size_t pendingCount_ = 0;
  size_t writingCount_ = 0;
  uint64_t enqueued_ = 0;
  uint64_t written_ = 0;
  bool flushWanted_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point lastDropLog_{};

  std::mutex knownMu_;  // taken before watchMu_ by the watcher threads
  std::unordered_map<std::string, Known> known_[kStateTableCount];
  std::set<std::string> recheck_[kStateTableCount];

  std::mutex watchMu_;
  StateWatch watchers_[kStateTableCount];
  std::atomic<bool> resyncWanted_[kStateTableCount] = {};
  std::once_flag watchStarted_[kStateTableCount];
  std::thread watchThreads_[kStateTableCount];

  std::mutex ackMu_;  // the writer's batch in flight and its acks
  std::condition_variable acked_;
  std::unordered_map<natsMsg*, WriteAck> acks_;
  size_t ackCount_ = 0;

  SharedStateMetrics metrics_;

  std::thread writer_;
};

}  // namespace nm::persist
