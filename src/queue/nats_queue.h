// The NATS JetStream queue (--store.type nats): one message per push and partition
// (queue/alert_pack; split only past kNatsPackBytes) in a work-queue stream, on subject
// nm.alerts.<partition>, read through one durable pull consumer per partition from the partitions
// this replica owns, acked per message; poison messages go to a dead-letter stream.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "interfaces/alert_queue.h"
#include "interfaces/partition_leases.h"
#include "nats/nats_connection.h"
#include "queue/partition_key.h"

namespace nm {

// Subjects of --store.nats.stream: partition p is "nm.alerts.<p>" on the default NM_ALERTS, else
// "nm.q.<stream>.<p>" (streams' subjects must not overlap, so deployments or replicas on other
// streams of one server each get their own); natsAlertSubjects is the stream's wildcard.
std::string natsAlertSubjectPrefix(const std::string& stream);
std::string natsAlertSubjects(const std::string& stream);
std::string natsAlertSubject(const std::string& stream, uint32_t partition);
inline constexpr const char* kNatsDeadLetterStream = "NM_DEADLETTER";
inline constexpr const char* kNatsDeadLetterPrefix = "nm.deadletter.";  // + reason
// A push's message of one partition is split before it grows past this (the server's default
// max_payload is 1 MB).
inline constexpr size_t kNatsPackBytes = 256 * 1024;

struct NatsQueueOptions {
  NatsConnectOptions connect;                     // --store.nats.url, .creds, .tls-ca
  std::string stream = "NM_ALERTS";               // --store.nats.stream
  std::string consumer = "notification-manager";  // --store.nats.consumer (durable)
  Duration ackWait = std::chrono::seconds(30);    // --store.nats.ack-wait
  int maxDeliver = 5;                             // --store.nats.max-deliver
  size_t maxMsgs = 100000;                        // --store.nats.max-msgs
  uint32_t partitions = 16;                       // --store.partitions
  std::string replica;                            // empty: hostname-pid
};

// The durable consumer of partition p: "<consumer>-<p>".
std::string natsPartitionConsumer(const std::string& consumer, uint32_t partition);

// Messages: a message holds a push's alerts of one partition (Nats-Msg-Id: alertPackId, so the
// stream's duplicate window drops a re-posted identical push and nothing else); messages written
// before packing (one alert each) still read. A message is the unit after that: a batch holds
// whole messages (more than maxSize alerts only when one message alone has more),
// ack/nak/term/dead-letter/AckWait cover whole messages, and size()/capacity()
// (--store.nats.max-msgs) count messages.
// Threads: push publishes from the caller's thread (asynchronous publishes, one per message, each
// answered by cnats' ack handler thread) and waits for every publish ack; pushAsync is answered
// on the ack handler thread instead. pull fetches on the
// caller's (the dispatcher's) thread. ack, nack and dead letters are queued for the settler
// thread (owned, joined in the destructor), which also keeps held messages' AckWait fresh
// (+WPI) and refreshes the cached stream count that size() answers.
// Partitions: pull fetches only from owned ones (all until setOwned says otherwise), a NoWait
// round over their consumers and, when the round brought nothing, one short waiting fetch. A
// partition no longer owned is fetched no more; its unread messages are naked at once (for the
// new owner) and its in-flight ones get no more +WPI, so the server redelivers them to the new
// owner after AckWait unless their acks land first (a duplicate at worst, bounded by what was
// in flight and by --store.nats.ack-wait).
class NatsQueue final : public AlertQueue {
 public:
  explicit NatsQueue(NatsQueueOptions options);
  ~NatsQueue() override;

  // Connects, creates or updates both streams and the consumer, subscribes, starts the
  // settler. False with `error` naming the flag when any of it fails.
  bool start(std::string& error);

  const std::string& replica() const { return options_.replica; }
  uint32_t partitions() const { return options_.partitions; }
  // Before the first push; default: the alert's namespace label alone.
  void setPartitioner(Partitioner partitioner);
  // Called by the partition leases (any thread).
  void setOwned(const PartitionSet& owned);
  // Nothing fetched from `partition` is held any more (unread or in flight).
  bool partitionDrained(uint32_t partition) const;

  PushResult push(AlertList alerts, Duration timeout) override;
  // Answered on cnats' ack handler thread once every publish ack arrived (or at once: Full,
  // Closed, Unavailable).
  void pushAsync(AlertList alerts, std::function<void(PushResult)> done) override;
  std::optional<PulledBatch> pull(size_t maxSize, Duration maxWait) override;
  void ack(const PulledBatch& batch) override;
  void nack(PulledBatch batch, Duration delay) override;
  void close() override;
  size_t size() const override { return pending_.load(); }
  size_t capacity() const override { return options_.maxMsgs; }
  // From the connection's status: down while cnats reconnects (pushes answer 503 meanwhile).
  bool available() const override { return conn_.connected(); }
  std::string unavailableReason() const override;

 private:
  struct PushRequest {
    std::vector<std::string> payloads, ids;  // one message each
    std::vector<uint32_t> parts;             // each message's partition
    size_t remaining = 0;
    PushResult result = PushResult::Accepted;
    bool answered = false;
    std::promise<PushResult> answer;
    std::function<void(PushResult)> done;  // pushAsync's, instead of `answer`
  };
  enum class SettleKind { Ack, Nak, Term };
  struct Settle {
    SharedNatsMsg msg;
    SettleKind kind;
    int64_t delayMs = 0;
    // Sent before on a connection that then failed its flush: cnats marks the message acked,
    // so this one is resent as the raw acknowledgement on the message's reply subject.
    bool resend = false;
  };
  struct DeadLetter {
    SharedNatsMsg msg;
    std::string reason, error;
  };
  struct Held {
    SharedNatsMsg msg;
    AlertList alerts;  // all of the message's
    uint64_t delivered;
    uint32_t part;
  };
  struct HeldMsg {
    SharedNatsMsg msg;
    uint32_t part;
  };

  bool ensureStream(const std::string& name, const char* subjects, bool workQueue,
                    std::string& error);
  bool ensureConsumers(std::string& error);
  bool ensureConsumer(uint32_t p, std::string& error);
  void dropLegacyConsumer();
  static void onPubAck(jsCtx* js, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);
  // The request for `alerts`, or nullptr with the answer that needs no round trip in `early`.
  std::shared_ptr<PushRequest> preparePush(const AlertList& alerts, Duration timeout,
                                           PushResult& early);
  // Publishes the request's messages; its answer comes from the ack handler (or from here when
  // a publish could not be sent).
  void publish(const std::shared_ptr<PushRequest>& req);
  // Records one publish's outcome for its request (under pubMu_); true when it was the last, and
  // the caller then answers it with complete() outside the lock.
  bool finishPublish(PushRequest& req, PushResult r);
  void complete(PushRequest& req);

  void settlerLoop();
  // Sends one acknowledgement; false when it could not be sent (kept for the next round).
  bool sendSettle(Settle& st);
  void refreshCounts();
  bool publishDeadLetter(const DeadLetter& d);

  // Decodes one fetched message (all its alerts) into carry_, or queues it as a dead letter.
  void take(natsMsg* m, uint32_t part, TimePoint t);
  // Fetches from one partition's consumer into carry_; NoWait or waiting up to `wait`.
  // Returns the messages taken; -1 on an error other than "nothing there".
  int fetchFrom(uint32_t part, size_t count, bool noWait, Duration wait);
  // Drops (and naks) unread messages of partitions no longer owned (pull's thread).
  void purgeCarry();
  PulledBatch makeBatch(size_t maxSize);
  void queueSettles(const std::vector<SharedNatsMsg>& msgs, SettleKind kind, int64_t delayMs);

  NatsQueueOptions options_;
  NatsConnection conn_;
  JsCtxPtr js_;
  std::vector<NatsSubscriptionPtr> subs_;  // by partition

  std::mutex pubMu_;  // publishes in flight, keyed by the message cnats hands back
  std::unordered_map<natsMsg*, std::shared_ptr<PushRequest>> inFlight_;

  mutable std::mutex mu_;
  std::condition_variable settlerWake_;
  std::condition_variable room_;     // the cached counts changed
  std::condition_variable settled_;  // a batch was acked or nacked, or the queue closed
  std::vector<Settle> settles_;
  std::vector<DeadLetter> dead_;
  // Fetched and not yet settled: their AckWait is kept fresh with +WPI.
  std::unordered_map<natsMsg*, HeldMsg> held_;
  PartitionSet owned_;
  uint64_t ownedGen_ = 0;     // bumped by setOwned
  uint64_t carryGen_ = 0;     // ownedGen_ when pull last dropped unowned unread messages
  bool fetching_ = false;     // a fetch round is under way…
  uint64_t fetchingGen_ = 0;  // …over the partitions owned at this generation
  std::shared_ptr<const Partitioner> partitioner_;
  size_t unsettled_ = 0;
  bool stopping_ = false;

  std::atomic<bool> closed_{false};
  std::atomic<size_t> pending_{0};  // consumer NumPending + NumAckPending, as last seen
  std::thread settler_;

  // pull's own state (the dispatcher's thread only).
  std::mutex pullMu_;
  std::vector<Held> carry_;  // fetched, not yet handed out
  size_t carryAlerts_ = 0;   // the alerts of carry_
  TimePoint carryDue_ = kZeroTime;
  bool fetchWarned_ = false;
  size_t nextWaitPart_ = 0;  // which owned partition the waiting fetch goes to
};

}  // namespace nm
