// The Redis Streams queue (--store.type redis): one stream entry per alert, read through a
// consumer group, acked by XACK+XDEL, crashed consumers' entries taken over with XAUTOCLAIM.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "interfaces/alert_queue.h"
#include "observe/metrics.h"
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
};

// Threads: push hands its XADDs to the writer thread (owned, joined in the destructor), which
// pipelines every waiting push, ack and dead letter on its own connection and keeps the held
// entries' idle time fresh (XCLAIM JUSTID) so no consumer takes them over. pull reads on a
// second connection from the caller's (the dispatcher's) thread. nack keeps the entries pending
// under this consumer and redelivers the batch's decoded alerts from memory once due.
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
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override;
  void ack(const PulledBatch& batch) override;
  void nack(PulledBatch batch, Duration delay) override;
  void close() override;
  size_t size() const override { return length_.load(); }
  size_t capacity() const override { return options_.maxLen; }
  bool available() const override { return connected_.load(); }
  std::string unavailableReason() const override;

  const std::string& consumer() const { return options_.consumer; }

 private:
  struct PushRequest {
    std::vector<std::string> encoded;
    std::promise<PushResult> result;
  };
  struct DeadLetter {
    std::string id, bytes, error;
  };
  struct Nacked {
    AlertList alerts;
    std::vector<std::string> ids;
    uint32_t deliveries;
  };
  struct Entry {
    std::string id;
    AlertPtr alert;
  };

  void writerLoop();
  bool ensureGroup(RedisConnection& conn, std::string& error);
  // One pipelined round on the writer's connection; false on an I/O failure.
  bool writeRound(std::vector<std::shared_ptr<PushRequest>>& pushes, std::vector<std::string>& acks,
                  std::vector<DeadLetter>& dead, const std::vector<std::string>& heartbeat,
                  std::string& error);

  bool readerConnect();
  // Reads up to `count` new entries, blocking up to `block`; false on a connection failure.
  bool readNew(size_t count, Duration block);
  // Entries idle past claimIdle in any consumer's pending list, now ours.
  std::optional<PulledBatch> claimIdle(size_t maxSize);
  // Decodes one entry's fields into carry_ (or the dead letter); the id joins held_.
  void takeEntry(const redisReply* entry, std::vector<Entry>& into);
  PulledBatch makeBatch(AlertList alerts, std::vector<std::string> ids, uint32_t deliveries);
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
  std::vector<std::string> acks_;
  std::vector<DeadLetter> dead_;
  // Entries read by this consumer and not yet acked in Redis: their idle time is kept fresh.
  std::set<std::string> held_;
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
  TimePoint carryDue_ = kZeroTime;
  TimePoint nextClaim_ = kZeroTime;
  TimePoint nextReaderConnect_ = kZeroTime;
  Duration readerBackoff_ = std::chrono::milliseconds(100);
  bool readerWarned_ = false;
};

}  // namespace nm
