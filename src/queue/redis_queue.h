// The Redis Streams queue (--store.type redis): one stream per alert partition (<stream>:<p>),
// one entry per push and partition, read through a consumer group from the partitions this
// replica owns, acked by XACK+XDEL.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "interfaces/alert_queue.h"
#include "interfaces/partition_leases.h"
#include "observe/metrics.h"
#include "queue/partition_key.h"
#include "redis/redis_connection.h"

namespace nm {

struct RedisQueueOptions {
  RedisUrl url;                                       // --store.redis.url
  std::string stream = "nm:alerts";                   // --store.redis.stream
  std::string group = "notification-manager";         // --store.redis.group
  std::string consumer;                               // empty: hostname-pid
  Duration claimIdle = std::chrono::seconds(30);      // --store.redis.claim-idle
  size_t maxLen = 100000;                             // --store.redis.max-len
  Duration commandTimeout = std::chrono::seconds(5);  // a silent server counts as down
  Duration maxBackoff = std::chrono::seconds(2);      // between reconnect attempts
  uint32_t partitions = 16;                           // --store.partitions
};

// Entries: a push writes one entry per partition it touches, holding all of its alerts of that
// partition (queue/alert_pack; entries of one alert written before packing still read). An entry
// is the unit of everything after: a pulled batch holds whole entries (more than maxSize alerts
// only when one entry alone has more), ack/nack/take-over/dead-letter cover whole entries, and
// size()/capacity() (--store.redis.max-len) count entries.
// Threads: push hands its XADDs to the writer thread (owned, joined in the destructor), which
// pipelines every waiting push, ack and dead letter on its own connection and keeps the held
// entries' idle time fresh (XCLAIM JUSTID) so no consumer takes them over. pull reads on a
// second connection from the caller's (the dispatcher's) thread. nack keeps the entries pending
// under this consumer and redelivers the batch's decoded alerts from memory once due.
// Partitions: pull reads only owned ones (all until setOwned says otherwise); a newly owned
// partition's pending entries of other consumers are claimed first (XAUTOCLAIM min-idle 0). A
// partition no longer owned is read no more, its unread and nacked entries are forgotten (they
// stay pending for the new owner) and its in-flight entries are no longer kept fresh; their acks,
// if they come, still land (a duplicate notification at worst, bounded by what was in flight).
// Metrics (nm_queue_backend_*, nm_queue_redelivered_total, nm_queue_dead_lettered_total) go to
// the injected registry, which must outlive the queue.
class RedisQueue final : public AlertQueue {
 public:
  RedisQueue(RedisQueueOptions options, metrics::Registry& metrics);
  ~RedisQueue() override;

  // Connects once and starts the writer. False when the server refused the settings (a wrong
  // password, a bad database); an unreachable server is not an error: pushes answer Unavailable
  // until it is reachable.
  bool start(std::string& error);

  PushResult push(AlertList alerts, Duration timeout) override;
  // Answered on the writer's thread after EXEC's reply (or at once: Full, Closed, Unavailable).
  void pushAsync(AlertList alerts, std::function<void(PushResult)> done) override;
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override;
  void ack(const PulledBatch& batch) override;
  void nack(PulledBatch batch, Duration delay) override;
  void close() override;
  size_t size() const override { return length_.load(); }
  size_t capacity() const override { return options_.maxLen; }
  bool available() const override { return connected_.load(); }
  std::string unavailableReason() const override;

  const std::string& consumer() const { return options_.consumer; }
  uint32_t partitions() const { return options_.partitions; }
  // Before the first push; default: the alert's namespace label alone.
  void setPartitioner(Partitioner partitioner);
  // Called by the partition leases (any thread).
  void setOwned(const PartitionSet& owned);
  // Nothing read from `partition` is held any more (unread, in flight or nacked).
  bool partitionDrained(uint32_t partition) const;

 private:
  // A stream entry: its partition and id.
  using Ref = std::pair<uint32_t, std::string>;
  struct PushRequest {
    std::vector<std::string> encoded;  // one entry per partition touched
    std::vector<uint32_t> parts;       // parallel to encoded
    std::promise<PushResult> result;
    std::function<void(PushResult)> done;  // pushAsync's, instead of `result`
    void answer(PushResult r) {
      if (done)
        done(r);
      else
        result.set_value(r);
    }
  };
  struct DeadLetter {
    uint32_t part;
    std::string id, bytes, error;
  };
  struct Nacked {
    AlertList alerts;
    std::vector<Ref> ids;
    std::vector<size_t> counts;  // alerts of each entry (parallel to ids)
    uint32_t deliveries;
  };
  struct Entry {
    Ref ref;
    AlertList alerts;  // all of the entry's
  };

  // The request for `alerts`, or nullptr with the answer that needs no round trip in `early`.
  std::shared_ptr<PushRequest> preparePush(const AlertList& alerts, Duration timeout,
                                           PushResult& early);
  // Hands a prepared request to the writer; false (answered Closed) when it is stopping.
  bool enqueuePush(std::shared_ptr<PushRequest> req);
  void writerLoop();
  bool ensureGroup(RedisConnection& conn, std::string& error);
  // One pipelined round on the writer's connection; false on an I/O failure.
  bool writeRound(std::vector<std::shared_ptr<PushRequest>>& pushes, std::vector<Ref>& acks,
                  std::vector<DeadLetter>& dead, const std::vector<Ref>& heartbeat,
                  std::string& error);

  bool readerConnect();
  // Reads up to `count` new entries, blocking up to `block`; false on a connection failure.
  bool readNew(size_t count, Duration block);
  // Entries of `part` idle past `minIdle` in any consumer's pending list from `cursor` on, now
  // ours; `cursor` becomes XAUTOCLAIM's next cursor ("0-0" when the scan is complete, empty when
  // the command failed).
  std::optional<PulledBatch> claim(uint32_t part, Duration minIdle, std::string& cursor,
                                   size_t maxSize);
  // Decodes one entry's fields into carry_ (or the dead letter); the id joins held_.
  void takeEntry(uint32_t part, const redisReply* entry, std::vector<Entry>& into);
  PulledBatch makeBatch(AlertList alerts, std::vector<Ref> ids, std::vector<size_t> counts,
                        uint32_t deliveries);
  // Drops unread entries of partitions no longer owned (pull's thread).
  void purgeCarry();
  // The writer's view of the backend: up (gauge, available()) or down with the reason.
  void setUp();
  void setDown(const std::string& error);

  RedisQueueOptions options_;
  RedisConnection writerConn_;
  RedisConnection readerConn_;

  metrics::Histogram& pushLatency_;  // nm_queue_backend_latency_seconds{op}
  metrics::Histogram& readLatency_;
  metrics::Histogram& ackLatency_;
  metrics::Counter& redelivered_;
  metrics::Family<metrics::Counter>& deadLettered_;
  metrics::Gauge& up_;
  mutable std::mutex downMu_;
  std::string downReason_;

  mutable std::mutex mu_;
  std::condition_variable writerWake_;
  std::condition_variable room_;     // the cached length changed
  std::condition_variable settled_;  // a batch was acked or nacked, or the queue closed
  std::deque<std::shared_ptr<PushRequest>> pushes_;
  std::vector<Ref> acks_;
  std::vector<DeadLetter> dead_;
  // Entries read by this consumer and not yet acked in Redis: those of owned partitions have
  // their idle time kept fresh.
  std::set<Ref> held_;
  PartitionSet owned_;
  uint64_t ownedGen_ = 0;    // bumped by setOwned
  uint64_t carryGen_ = 0;    // ownedGen_ when pull last dropped unowned unread entries
  bool reading_ = false;     // an XREADGROUP is under way…
  uint64_t readingGen_ = 0;  // …over the partitions owned at this generation
  std::map<uint32_t, std::string> toClaim_;  // newly owned partitions: XAUTOCLAIM cursor
  std::shared_ptr<const Partitioner> partitioner_;
  std::vector<std::string> streams_;  // <stream>:<p>
  std::multimap<TimePoint, Nacked> nacked_;
  size_t unsettled_ = 0;
  bool stopping_ = false;

  std::atomic<bool> closed_{false};
  std::atomic<bool> connected_{false};
  std::atomic<size_t> length_{0};
  std::thread writer_;

  // pull's own state (the dispatcher's thread only).
  std::mutex pullMu_;
  std::vector<Entry> carry_;  // read, not yet handed out
  size_t carryAlerts_ = 0;    // the alerts of carry_
  TimePoint carryDue_ = kZeroTime;
  TimePoint nextClaim_ = kZeroTime;
  TimePoint claimRetryAt_ = kZeroTime;  // a failed take-over scan is tried again from here
  TimePoint nextReaderConnect_ = kZeroTime;
  Duration readerBackoff_ = std::chrono::milliseconds(100);
  bool readerWarned_ = false;
};

}  // namespace nm
