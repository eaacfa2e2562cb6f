// RedisQueue: pushes are pipelined MULTI/XADD…/EXEC rounds (one entry per partition a push
// touches, holding its alerts of that partition) answered Accepted only after EXEC's reply; pulls
// batch XREADGROUP entries by size and age; acks and dead letters are flushed by the writer thread,
// and are kept (never dropped) across a reconnect.
#include "queue/redis_queue.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "observe/log.h"
#include "queue/alert_pack.h"
#include "queue/partition_key.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr size_t kIdsPerCommand = 500;
constexpr Duration kLengthRefresh = std::chrono::seconds(1);
constexpr Duration kMaxBlock = milliseconds(200);
// A newly owned partition's take-over scan that failed is tried again after this.
constexpr Duration kClaimRetry = milliseconds(500);

using Ref = std::pair<uint32_t, std::string>;
metrics::Family<metrics::Histogram>& latencyFamily(metrics::Registry& r) {
  return r.histogram("nm_queue_backend_latency_seconds",
                     "Round trips to the queue backend by operation: push (XADD rounds), ack "
                     "(XACK/XDEL rounds), read (take-over scans and reads that do not block).",
                     {"op"},
                     {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
}

double secondsSince(TimePoint start) {
  return std::chrono::duration<double>(now() - start).count();
}

struct RedisBatchHandle final : BatchHandle {
  RedisBatchHandle(const void* q, std::vector<Ref> i, std::vector<size_t> c)
      : owner(q), ids(std::move(i)), counts(std::move(c)) {}
  const void* owner;
  std::vector<Ref> ids;
  std::vector<size_t> counts;  // alerts of each entry
  std::atomic<bool> settled{false};
};

std::chrono::time_point<Clock, Clock::duration> toClock(TimePoint t) {
  return std::chrono::time_point_cast<Clock::duration>(t);
}

std::string defaultConsumer() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "nm");
  return std::string(host) + "-" + std::to_string(getpid());
}

std::string millis(Duration d) {
  return std::to_string(std::max<int64_t>(0, std::chrono::duration_cast<milliseconds>(d).count()));
}

void appendChunked(std::vector<RedisCommand>& cmds, const RedisCommand& head,
                   const std::vector<std::string>& ids, const char* tail = nullptr) {
  for (size_t at = 0; at < ids.size(); at += kIdsPerCommand) {
    RedisCommand c = head;
    size_t end = std::min(ids.size(), at + kIdsPerCommand);
    c.insert(c.end(), ids.begin() + static_cast<ptrdiff_t>(at),
             ids.begin() + static_cast<ptrdiff_t>(end));
    if (tail) c.push_back(tail);
    cmds.push_back(std::move(c));
  }
}

// Entry ids by partition, for one command per partition's stream.
std::map<uint32_t, std::vector<std::string>> byPartition(const std::vector<Ref>& refs) {
  std::map<uint32_t, std::vector<std::string>> out;
  for (const Ref& r : refs) out[r.first].push_back(r.second);
  return out;
}

void defaultPartitions(const AlertList& alerts, uint32_t partitions, std::vector<uint32_t>& out) {
  static const std::vector<std::string> kNoGroup;
  for (const AlertPtr& a : alerts)
    out.push_back(partitionOfAlert(*a, "namespace", kNoGroup, partitions));
}

}  // namespace

RedisQueue::RedisQueue(RedisQueueOptions options, metrics::Registry& metrics)
    : options_(std::move(options)),
      writerConn_(options_.url, options_.commandTimeout),
      readerConn_(options_.url, options_.commandTimeout),
      pushLatency_(latencyFamily(metrics).with({"push"})),
      readLatency_(latencyFamily(metrics).with({"read"})),
      ackLatency_(latencyFamily(metrics).with({"ack"})),
      redelivered_(metrics
                       .counter("nm_queue_redelivered_total",
                                "Alerts delivered again: after a nack, or taken over from "
                                "a consumer idle past --store.redis.claim-idle.")
                       .with({})),
      deadLettered_(metrics.counter("nm_queue_dead_lettered_total",
                                    "Queue entries moved to the dead-letter stream, by reason.",
                                    {"reason"})),
      up_(metrics
              .gauge("nm_queue_backend_up",
                     "1 while the queue backend answers, 0 while it is unreachable.")
              .with({})) {
  if (options_.consumer.empty()) options_.consumer = defaultConsumer();
  if (options_.maxLen == 0) options_.maxLen = 1;
  if (options_.partitions == 0) options_.partitions = 1;
  for (uint32_t p = 0; p < options_.partitions; ++p) {
    streams_.push_back(options_.stream + ":" + std::to_string(p));
    owned_.insert(p);
  }
  partitioner_ = std::make_shared<const Partitioner>(defaultPartitions);
}

void RedisQueue::setPartitioner(Partitioner partitioner) {
  std::lock_guard<std::mutex> g(mu_);
  partitioner_ = std::make_shared<const Partitioner>(std::move(partitioner));
}

void RedisQueue::setOwned(const PartitionSet& owned) {
  {
    std::lock_guard<std::mutex> g(mu_);
    for (uint32_t p : owned)
      if (!owned_.count(p) && p < options_.partitions) toClaim_[p] = "0-0";
    for (uint32_t p : owned_) {
      if (owned.count(p)) continue;
      toClaim_.erase(p);
      // Nacked entries of a partition given up stay pending in Redis for its new owner.
      for (auto it = nacked_.begin(); it != nacked_.end();) {
        Nacked& n = it->second;
        size_t total = 0;
        for (size_t c : n.counts) total += c;
        const bool parallel = n.alerts.size() == total;
        AlertList alerts;
        std::vector<Ref> ids;
        std::vector<size_t> counts;
        size_t at = 0;
        for (size_t k = 0; k < n.ids.size(); ++k) {
          const size_t from = at;
          at += n.counts[k];
          if (n.ids[k].first == p) {
            held_.erase(n.ids[k]);
            continue;
          }
          ids.push_back(n.ids[k]);
          counts.push_back(n.counts[k]);
          if (parallel)
            alerts.insert(alerts.end(), n.alerts.begin() + static_cast<ptrdiff_t>(from),
                          n.alerts.begin() + static_cast<ptrdiff_t>(at));
        }
        if (parallel) n.alerts = std::move(alerts);
        n.ids = std::move(ids);
        n.counts = std::move(counts);
        it = n.ids.empty() ? nacked_.erase(it) : std::next(it);
      }
    }
    owned_.clear();
    for (uint32_t p : owned)
      if (p < options_.partitions) owned_.insert(p);
    ++ownedGen_;
  }
  settled_.notify_all();
}

bool RedisQueue::partitionDrained(uint32_t partition) const {
  std::lock_guard<std::mutex> g(mu_);
  // A read begun before the owned set changed may still bring entries of `partition`, and what
  // it brought is dropped (left pending for the new owner) only by pull's next purge.
  if (carryGen_ != ownedGen_ || (reading_ && readingGen_ != ownedGen_)) return false;
  auto it = held_.lower_bound(Ref{partition, std::string()});
  return it == held_.end() || it->first != partition;
}

RedisQueue::~RedisQueue() {
  close();
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  writerWake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::string RedisQueue::unavailableReason() const {
  if (connected_) return {};
  std::lock_guard<std::mutex> g(downMu_);
  return downReason_.empty() ? std::string("not connected yet") : downReason_;
}

void RedisQueue::setUp() {
  connected_ = true;
  up_.set(1);
}

void RedisQueue::setDown(const std::string& error) {
  {
    std::lock_guard<std::mutex> g(downMu_);
    downReason_ = redactedRedisUrl(options_.url) + ": " + error;
  }
  connected_ = false;
  up_.set(0);
}

bool RedisQueue::ensureGroup(RedisConnection& conn, std::string& error) {
  // From id 0: entries added before the group existed are delivered too.
  std::vector<RedisCommand> cmds;
  for (const std::string& s : streams_)
    cmds.push_back({"XGROUP", "CREATE", s, options_.group, "0", "MKSTREAM"});
  std::vector<RedisReply> r = conn.run(cmds, error);
  if (r.size() != cmds.size()) return false;
  for (size_t k = 0; k < r.size(); ++k) {
    std::string e = redisErrorText(r[k].get());
    if (!e.empty() && e.rfind("BUSYGROUP", 0) != 0) {
      error = "XGROUP CREATE " + streams_[k] + " " + options_.group + ": " + e;
      return false;
    }
  }
  return true;
}

bool RedisQueue::start(std::string& error) {
  std::string err;
  bool refused = false;
  if (writerConn_.connect(err, refused)) {
    if (!ensureGroup(writerConn_, err)) {
      if (writerConn_.connected()) {  // the server answered: the stream key is something else
        error = "--store.redis.stream \"" + options_.stream + "\": " + err;
        return false;
      }
    } else {
      std::vector<RedisCommand> cmds;
      for (const std::string& s : streams_) cmds.push_back({"XLEN", s});
      std::vector<RedisReply> lens = writerConn_.run(cmds, err);
      if (lens.size() == cmds.size()) {
        size_t total = 0;
        for (const RedisReply& len : lens)
          if (len->type == REDIS_REPLY_INTEGER) total += static_cast<size_t>(len->integer);
        length_ = total;
        setUp();
      }
    }
  } else if (refused) {
    error =
        "--store.redis.url: " + redactedRedisUrl(options_.url) + " refused the connection: " + err;
    return false;
  }
  if (!connected_) {
    setDown(err);
    log::warn("redis is unreachable: alerts are refused with 503 until it is",
              {{"url", redactedRedisUrl(options_.url)}, {"error", err}});
  }
  log::info("redis queue",
            {{"url", redactedRedisUrl(options_.url)},
             {"stream", options_.stream + ":<0.." + std::to_string(options_.partitions - 1) + ">"},
             {"group", options_.group},
             {"consumer", options_.consumer},
             {"length", std::to_string(length_.load())}});
  writer_ = std::thread([this] { writerLoop(); });
  return true;
}

std::shared_ptr<RedisQueue::PushRequest> RedisQueue::preparePush(const AlertList& alerts,
                                                                 Duration timeout,
                                                                 PushResult& early) {
  early = PushResult::Accepted;
  if (alerts.empty()) return nullptr;
  early = PushResult::Closed;
  if (closed_) return nullptr;
  early = PushResult::Unavailable;
  if (!connected_) return nullptr;
  early = PushResult::Full;
  const size_t n = alerts.size();
  std::shared_ptr<const Partitioner> partitioner;
  {
    std::lock_guard<std::mutex> g(mu_);
    partitioner = partitioner_;
  }
  std::vector<uint32_t> parts;
  parts.reserve(n);
  (*partitioner)(alerts, options_.partitions, parts);
  parts.resize(n, 0);
  // One entry per partition touched, its alerts in the push's order.
  std::map<uint32_t, std::vector<const Alert*>> byPart;
  for (size_t k = 0; k < n; ++k) byPart[parts[k] % options_.partitions].push_back(alerts[k].get());
  const size_t entries = byPart.size();
  if (entries > options_.maxLen) return nullptr;
  if (length_ + entries > options_.maxLen) {
    if (timeout <= Duration::zero()) return nullptr;
    std::unique_lock<std::mutex> lk(mu_);
    if (!room_.wait_for(lk, timeout, [&] {
          return closed_ || !connected_ || length_ + entries <= options_.maxLen;
        }))
      return nullptr;
    early = PushResult::Closed;
    if (closed_) return nullptr;
    early = PushResult::Unavailable;
    if (!connected_) return nullptr;
  }
  auto req = std::make_shared<PushRequest>();
  req->encoded.reserve(entries);
  req->parts.reserve(entries);
  for (const auto& [part, members] : byPart) {
    req->parts.push_back(part);
    appendAlertPack(req->encoded.emplace_back(), members);
  }
  return req;
}

bool RedisQueue::enqueuePush(std::shared_ptr<PushRequest> req) {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (stopping_) return false;
    pushes_.push_back(std::move(req));
  }
  writerWake_.notify_one();
  return true;
}

void RedisQueue::pushAsync(AlertList alerts, std::function<void(PushResult)> done) {
  PushResult early;
  std::shared_ptr<PushRequest> req = preparePush(alerts, Duration::zero(), early);
  if (!req) return done(early);
  req->done = std::move(done);
  if (!enqueuePush(req)) req->done(PushResult::Closed);
}

PushResult RedisQueue::push(AlertList alerts, Duration timeout) {
  PushResult early;
  std::shared_ptr<PushRequest> req = preparePush(alerts, timeout, early);
  if (!req) return early;
  std::future<PushResult> answer = req->result.get_future();
  if (!enqueuePush(std::move(req))) return PushResult::Closed;
  // The writer answers every request; this bound only guards against a wedged socket (the XADDs
  // may still land: the sender's retry is then a duplicate, never a loss).
  if (answer.wait_for(2 * options_.commandTimeout + std::chrono::seconds(1)) !=
      std::future_status::ready)
    return PushResult::Unavailable;
  return answer.get();
}

void RedisQueue::writerLoop() {
  const Duration heartbeatEvery = std::max<Duration>(options_.claimIdle / 3, milliseconds(100));
  Duration backoff = milliseconds(100);
  TimePoint nextConnect = kZeroTime;
  TimePoint nextHeartbeat = now() + heartbeatEvery;
  bool warned = !connected_;
  for (;;) {
    std::vector<std::shared_ptr<PushRequest>> pushes;
    std::vector<Ref> acks;
    std::vector<DeadLetter> dead;
    std::vector<Ref> heartbeat;
    bool stopping;
    {
      std::unique_lock<std::mutex> lk(mu_);
      bool up = writerConn_.connected();
      TimePoint wake = std::min(now() + kLengthRefresh, nextHeartbeat);
      if (!up) wake = std::min(wake, nextConnect);
      writerWake_.wait_until(lk, toClock(wake), [&] {
        return stopping_ || !pushes_.empty() || (up && (!acks_.empty() || !dead_.empty()));
      });
      stopping = stopping_;
      pushes.assign(pushes_.begin(), pushes_.end());
      pushes_.clear();
      acks.swap(acks_);
      dead.swap(dead_);
      if (now() >= nextHeartbeat) {
        // Only owned partitions' entries: the new owner of another one has claimed them.
        for (const Ref& r : held_)
          if (owned_.count(r.first)) heartbeat.push_back(r);
        nextHeartbeat = now() + heartbeatEvery;
      }
    }
    if (!writerConn_.connected() && (now() >= nextConnect || stopping)) {
      std::string err;
      bool refused = false;
      if (writerConn_.connect(err, refused) && ensureGroup(writerConn_, err)) {
        backoff = milliseconds(100);
        if (warned)
          log::info("redis is reachable again", {{"url", redactedRedisUrl(options_.url)}});
        warned = false;
      } else {
        writerConn_.disconnect();
        setDown(err);
        if (!warned) {
          log::warn("redis is unreachable: alerts are refused with 503, acks wait",
                    {{"url", redactedRedisUrl(options_.url)}, {"error", err}});
        }
        warned = true;
        nextConnect = now() + backoff;
        backoff = std::min<Duration>(backoff * 2, options_.maxBackoff);
      }
    }
    std::string roundError = "not connected";
    const bool wasConnected = writerConn_.connected();
    bool ok = wasConnected && writeRound(pushes, acks, dead, heartbeat, roundError);
    if (ok) {
      setUp();
    } else {
      // A failed connect above already said why.
      if (wasConnected || connected_) setDown(roundError);
      for (auto& p : pushes) p->answer(PushResult::Unavailable);
      {
        std::lock_guard<std::mutex> g(mu_);
        acks_.insert(acks_.begin(), acks.begin(), acks.end());
        dead_.insert(dead_.begin(), dead.begin(), dead.end());
      }
      if (!warned && !writerConn_.connected()) {
        log::warn("redis connection lost: alerts are refused with 503, acks wait",
                  {{"url", redactedRedisUrl(options_.url)}, {"error", roundError}});
        warned = true;
        nextConnect = now();
      }
    }
    room_.notify_all();
    if (stopping) {
      std::deque<std::shared_ptr<PushRequest>> left;
      {
        std::lock_guard<std::mutex> g(mu_);
        left.swap(pushes_);
        if (!acks_.empty())
          log::warn("redis queue stopped with acks not written: those alerts will be redelivered",
                    {{"entries", std::to_string(acks_.size())}});
      }
      // Outside the lock: an async push's answer runs the caller's callback.
      for (auto& p : left) p->answer(PushResult::Closed);
      return;
    }
  }
}

bool RedisQueue::writeRound(std::vector<std::shared_ptr<PushRequest>>& pushes,
                            std::vector<Ref>& acks, std::vector<DeadLetter>& dead,
                            const std::vector<Ref>& heartbeat, std::string& error) {
  const std::string& s = options_.stream;
  std::vector<RedisCommand> cmds;
  for (const auto& p : pushes) {
    cmds.push_back({"MULTI"});
    for (size_t k = 0; k < p->encoded.size(); ++k) {
      // The entry's bytes move into the command (answered either way, never written twice).
      RedisCommand& c = cmds.emplace_back();
      c.reserve(5);
      c.insert(c.end(), {"XADD", streams_[p->parts[k]], "*", "a"});
      c.push_back(std::move(p->encoded[k]));
    }
    cmds.push_back({"EXEC"});
  }
  for (const DeadLetter& d : dead) {
    cmds.push_back({"XADD", s + ":dead", "*", "a", d.bytes, "error", d.error, "id", d.id,
                    "partition", std::to_string(d.part)});
    acks.push_back({d.part, d.id});
  }
  for (const auto& [part, ids] : byPartition(acks)) {
    appendChunked(cmds, {"XACK", streams_[part], options_.group}, ids);
    appendChunked(cmds, {"XDEL", streams_[part]}, ids);
  }
  for (const auto& [part, ids] : byPartition(heartbeat))
    appendChunked(cmds, {"XCLAIM", streams_[part], options_.group, options_.consumer, "0"}, ids,
                  "JUSTID");
  for (const std::string& stream : streams_) cmds.push_back({"XLEN", stream});
  TimePoint started = now();
  std::vector<RedisReply> replies = writerConn_.run(cmds, error);
  if (!pushes.empty()) {
    pushLatency_.observe(secondsSince(started));
  } else if (!acks.empty()) {
    ackLatency_.observe(secondsSince(started));
  }
  if (replies.empty()) {
    // Acks of dead letters go back to the dead-letter list, not to the plain acks.
    acks.resize(acks.size() - dead.size());
    return false;
  }
  // The length first: a push answered Accepted already counts in size() (and in Full).
  size_t total = 0;
  for (size_t k = replies.size() - streams_.size(); k < replies.size(); ++k)
    if (replies[k]->type == REDIS_REPLY_INTEGER) total += static_cast<size_t>(replies[k]->integer);
  length_ = total;
  size_t i = 0;
  for (auto& p : pushes) {
    i += 1 + p->encoded.size();
    const redisReply* exec = replies[i++].get();
    bool stored = exec && exec->type == REDIS_REPLY_ARRAY && exec->elements == p->encoded.size();
    for (size_t k = 0; stored && k < exec->elements; ++k)
      stored = exec->element[k]->type == REDIS_REPLY_STRING;
    if (stored) {
      p->answer(PushResult::Accepted);
    } else {
      std::string e = redisErrorText(exec);
      log::error("redis refused an XADD: the sender gets 503",
                 {{"stream", s},
                  {"error", e.empty() ? std::string("EXEC did not store every alert") : e}});
      p->answer(PushResult::Unavailable);
    }
  }
  for (const DeadLetter& d : dead) {
    if (std::string e = redisErrorText(replies[i].get()); !e.empty())
      log::error("cannot write the dead letter", {{"id", d.id}, {"error", e}});
    ++i;
  }
  // XACK/XDEL errors (NOGROUP after a Redis restart without persistence) leave nothing to ack.
  if (!acks.empty()) {
    std::lock_guard<std::mutex> g(mu_);
    for (const Ref& r : acks) held_.erase(r);
  }
  return true;
}

bool RedisQueue::readerConnect() {
  TimePoint t = now();
  if (t < nextReaderConnect_) return false;
  std::string err;
  bool refused = false;
  if (readerConn_.connect(err, refused) && ensureGroup(readerConn_, err)) {
    readerBackoff_ = milliseconds(100);
    readerWarned_ = false;
    return true;
  }
  readerConn_.disconnect();
  if (!readerWarned_) log::warn("redis queue cannot read", {{"error", err}});
  readerWarned_ = true;
  nextReaderConnect_ = t + readerBackoff_;
  readerBackoff_ = std::min<Duration>(readerBackoff_ * 2, options_.maxBackoff);
  return false;
}

void RedisQueue::takeEntry(uint32_t part, const redisReply* entry, std::vector<Entry>& into) {
  if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) return;
  std::string id(redisString(entry->element[0]));
  const redisReply* fields = entry->element[1];
  std::string_view bytes;
  bool found = false;
  if (fields && fields->type == REDIS_REPLY_ARRAY) {
    for (size_t k = 0; k + 1 < fields->elements; k += 2) {
      if (redisString(fields->element[k]) == "a") {
        bytes = redisString(fields->element[k + 1]);
        found = true;
      }
    }
  }
  std::lock_guard<std::mutex> g(mu_);
  held_.insert({part, id});
  std::string err;
  std::optional<std::vector<Alert>> decoded;
  if (found) decoded = decodeAlertPack(bytes, err);
  if (!decoded) {
    if (!found) err = "no field \"a\" (or the entry was deleted)";
    // The whole entry goes: every alert it says it holds.
    log::error("undecodable queue entry moved to the dead-letter stream",
               {{"stream", options_.stream + ":dead"},
                {"id", id},
                {"alerts", std::to_string(alertPackCount(bytes))},
                {"error", err}});
    dead_.push_back({part, id, std::string(bytes), err});
    deadLettered_.with({"undecodable"}).inc();
    writerWake_.notify_one();
    return;
  }
  Entry e{{part, std::move(id)}, {}};
  e.alerts.reserve(decoded->size());
  for (Alert& a : *decoded) e.alerts.push_back(std::make_shared<const Alert>(std::move(a)));
  into.push_back(std::move(e));
}

bool RedisQueue::readNew(size_t count, Duration block) {
  RedisCommand cmd = {"XREADGROUP",      "GROUP", options_.group,
                      options_.consumer, "COUNT", std::to_string(count)};
  if (block >= milliseconds(1)) {
    cmd.push_back("BLOCK");
    cmd.push_back(millis(block));
  }
  std::vector<uint32_t> parts;
  {
    std::lock_guard<std::mutex> g(mu_);
    parts.assign(owned_.begin(), owned_.end());
    reading_ = !parts.empty();
    readingGen_ = ownedGen_;
  }
  if (parts.empty()) return true;
  struct ReadDone {
    RedisQueue* q;
    ~ReadDone() {
      std::lock_guard<std::mutex> g(q->mu_);
      q->reading_ = false;
    }
  } done{this};
  cmd.push_back("STREAMS");
  for (uint32_t p : parts) cmd.push_back(streams_[p]);
  cmd.insert(cmd.end(), parts.size(), ">");
  std::string err;
  TimePoint started = now();
  RedisReply r = readerConn_.run(cmd, err);
  if (block < milliseconds(1)) readLatency_.observe(secondsSince(started));
  if (!r) {
    if (!readerWarned_) log::warn("redis queue cannot read", {{"error", err}});
    readerWarned_ = true;
    return false;
  }
  if (std::string e = redisErrorText(r.get()); !e.empty()) {
    // NOGROUP: Redis lost the stream (restarted without persistence): make the group again.
    if (e.rfind("NOGROUP", 0) != 0 || !ensureGroup(readerConn_, err)) {
      log::warn("redis queue read failed", {{"error", e}});
      readerConn_.disconnect();
      nextReaderConnect_ = now() + readerBackoff_;
      return false;
    }
    return true;
  }
  if (r->type != REDIS_REPLY_ARRAY) return true;  // nil: nothing new within `block`
  TimePoint t = now();
  for (size_t si = 0; si < r->elements; ++si) {
    const redisReply* stream = r->element[si];
    if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2) continue;
    std::string_view name = redisString(stream->element[0]);
    auto at = std::find(streams_.begin(), streams_.end(), name);
    if (at == streams_.end()) continue;
    const uint32_t part = static_cast<uint32_t>(at - streams_.begin());
    const redisReply* entries = stream->element[1];
    for (size_t k = 0; entries && k < entries->elements; ++k) {
      bool wasEmpty = carry_.empty();
      const size_t before = carry_.size();
      takeEntry(part, entries->element[k], carry_);
      if (carry_.size() == before) continue;
      carryAlerts_ += carry_.back().alerts.size();
      if (wasEmpty) {
        TimePoint received = carry_.front().alerts.front()->receivedAt;
        carryDue_ = (received == kZeroTime || received > t ? t : received);
      }
    }
  }
  return true;
}

std::optional<PulledBatch> RedisQueue::claim(uint32_t part, Duration minIdle, std::string& cursor,
                                             size_t maxSize) {
  std::string err;
  TimePoint started = now();
  const std::string& stream = streams_[part];
  RedisReply r = readerConn_.run({"XAUTOCLAIM", stream, options_.group, options_.consumer,
                                  millis(minIdle), cursor, "COUNT", std::to_string(maxSize)},
                                 err);
  readLatency_.observe(secondsSince(started));
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
    if (r) log::warn("redis XAUTOCLAIM failed", {{"error", redisErrorText(r.get())}});
    cursor.clear();  // failed: the caller scans again from the start
    return std::nullopt;
  }
  cursor = std::string(redisString(r->element[0]));
  std::vector<Entry> claimed;
  const redisReply* entries = r->element[1];
  for (size_t k = 0; entries && k < entries->elements; ++k) {
    const redisReply* e = entries->element[k];
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements < 1) continue;
    {
      std::lock_guard<std::mutex> g(mu_);
      if (held_.count(Ref{part, std::string(redisString(e->element[0]))}))
        continue;  // ours, in flight
    }
    takeEntry(part, e, claimed);
  }
  if (claimed.empty()) return std::nullopt;
  // XAUTOCLAIM counted this delivery; XPENDING tells how many there were in all.
  uint32_t deliveries = 2;
  RedisReply p = readerConn_.run(
      {"XPENDING", stream, options_.group, claimed.front().ref.second, claimed.back().ref.second,
       std::to_string(claimed.size() * 2), options_.consumer},
      err);
  if (p && p->type == REDIS_REPLY_ARRAY) {
    for (size_t k = 0; k < p->elements; ++k) {
      const redisReply* row = p->element[k];
      if (row->type == REDIS_REPLY_ARRAY && row->elements >= 4 &&
          row->element[3]->type == REDIS_REPLY_INTEGER)
        deliveries = std::max(deliveries, static_cast<uint32_t>(row->element[3]->integer));
    }
  }
  AlertList alerts;
  std::vector<Ref> ids;
  std::vector<size_t> counts;
  for (Entry& e : claimed) {
    alerts.insert(alerts.end(), e.alerts.begin(), e.alerts.end());
    counts.push_back(e.alerts.size());
    ids.push_back(std::move(e.ref));
  }
  redelivered_.inc(alerts.size());
  log::warn(minIdle > Duration::zero()
                ? "took over queue entries idle past --store.redis.claim-idle"
                : "took over queue entries of a newly owned partition",
            {{"stream", stream},
             {"entries", std::to_string(ids.size())},
             {"alerts", std::to_string(alerts.size())},
             {"deliveries", std::to_string(deliveries)}});
  return makeBatch(std::move(alerts), std::move(ids), std::move(counts), deliveries);
}

void RedisQueue::purgeCarry() {
  std::lock_guard<std::mutex> g(mu_);
  if (carryGen_ == ownedGen_) return;
  carryGen_ = ownedGen_;
  // Unread entries of a partition given up stay pending in Redis for its new owner.
  auto gone = std::remove_if(carry_.begin(), carry_.end(), [&](const Entry& e) {
    if (owned_.count(e.ref.first)) return false;
    held_.erase(e.ref);
    carryAlerts_ -= e.alerts.size();
    return true;
  });
  carry_.erase(gone, carry_.end());
}

PulledBatch RedisQueue::makeBatch(AlertList alerts, std::vector<Ref> ids,
                                  std::vector<size_t> counts, uint32_t deliveries) {
  {
    std::lock_guard<std::mutex> g(mu_);
    ++unsettled_;
  }
  PulledBatch b;
  b.alerts = std::move(alerts);
  b.deliveries = deliveries;
  b.handle = std::make_shared<RedisBatchHandle>(this, std::move(ids), std::move(counts));
  return b;
}

std::optional<PulledBatch> RedisQueue::pull(size_t maxSize, Duration maxWait) {
  if (maxSize == 0) maxSize = 1;
  std::lock_guard<std::mutex> pg(pullMu_);
  const Duration claimEvery = std::max<Duration>(options_.claimIdle / 2, milliseconds(100));
  for (;;) {
    purgeCarry();
    TimePoint t = now();
    bool closed = closed_;
    TimePoint nackDue = TimePoint::max();
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (!nacked_.empty() && (closed || nacked_.begin()->first <= t)) {
        auto it = nacked_.begin();
        Nacked n = std::move(it->second);
        nacked_.erase(it);
        lk.unlock();
        redelivered_.inc(n.alerts.size());
        return makeBatch(std::move(n.alerts), std::move(n.ids), std::move(n.counts), n.deliveries);
      }
      // Once closed, nothing new is read: unread entries stay in the stream for the next start
      // or another replica. Only what this process holds is handed out.
      if (closed && carry_.empty()) {
        if (nacked_.empty() && unsettled_ == 0) return std::nullopt;
        settled_.wait_for(lk, milliseconds(100));
        continue;
      }
      if (!nacked_.empty()) nackDue = nacked_.begin()->first;
    }
    if (!carry_.empty() && (closed || carryAlerts_ >= maxSize || carryDue_ + maxWait <= t)) {
      // Whole entries up to maxSize alerts; the first one even when it alone has more.
      size_t n = 0;
      AlertList alerts;
      std::vector<Ref> ids;
      std::vector<size_t> counts;
      for (; n < carry_.size(); ++n) {
        Entry& e = carry_[n];
        if (n > 0 && alerts.size() + e.alerts.size() > maxSize) break;
        alerts.insert(alerts.end(), e.alerts.begin(), e.alerts.end());
        counts.push_back(e.alerts.size());
        ids.push_back(std::move(e.ref));
      }
      carryAlerts_ -= alerts.size();
      carry_.erase(carry_.begin(), carry_.begin() + static_cast<ptrdiff_t>(n));
      if (!carry_.empty()) {
        TimePoint received = carry_.front().alerts.front()->receivedAt;
        carryDue_ = received == kZeroTime ? t : std::min(received, t);
      }
      return makeBatch(std::move(alerts), std::move(ids), std::move(counts), 1);
    }
    if (!readerConn_.connected() && !readerConnect()) {
      std::unique_lock<std::mutex> lk(mu_);
      TimePoint wake = std::min({nextReaderConnect_, nackDue, t + kMaxBlock});
      settled_.wait_until(lk, toClock(wake), [&] { return closed_.load(); });
      continue;
    }
    {
      // A newly owned partition: its previous owner's pending entries first.
      std::optional<std::pair<uint32_t, std::string>> next;
      {
        std::lock_guard<std::mutex> g(mu_);
        if (!closed && !toClaim_.empty() && t >= claimRetryAt_) next = *toClaim_.begin();
      }
      if (next) {
        auto b = claim(next->first, Duration::zero(), next->second, maxSize);
        {
          std::lock_guard<std::mutex> g(mu_);
          auto it = toClaim_.find(next->first);
          if (it != toClaim_.end()) {
            if (next->second.empty()) {
              // The scan failed (connection lost, a Redis error): not done, try again shortly
              // rather than leave the dead owner's entries to the periodic claim-idle scan.
              it->second = "0-0";
              claimRetryAt_ = now() + kClaimRetry;
            } else if (next->second == "0-0") {
              toClaim_.erase(it);
            } else {
              it->second = next->second;
            }
          }
        }
        if (b) return b;
        continue;
      }
    }
    if (t >= nextClaim_) {
      nextClaim_ = t + claimEvery;
      std::vector<uint32_t> parts;
      {
        std::lock_guard<std::mutex> g(mu_);
        parts.assign(owned_.begin(), owned_.end());
      }
      for (uint32_t p : parts) {
        std::string cursor = "0-0";
        if (auto b = claim(p, options_.claimIdle, cursor, maxSize)) return b;
      }
      continue;
    }
    Duration block = std::min<Duration>(kMaxBlock, nextClaim_ - t);
    if (nackDue != TimePoint::max()) block = std::min<Duration>(block, nackDue - t);
    if (!carry_.empty()) block = std::min<Duration>(block, carryDue_ + maxWait - t);
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (owned_.empty()) {  // no partition to read: wait for one (or a nack, or close)
        const uint64_t gen = ownedGen_;
        settled_.wait_for(lk, block, [&] { return closed_ || ownedGen_ != gen; });
        continue;
      }
    }
    readNew(maxSize - std::min(maxSize - 1, carryAlerts_), block);
  }
}

void RedisQueue::ack(const PulledBatch& batch) {
  auto* h = dynamic_cast<RedisBatchHandle*>(batch.handle.get());
  if (!h || h->owner != this || h->settled.exchange(true)) return;
  {
    std::lock_guard<std::mutex> g(mu_);
    --unsettled_;
    acks_.insert(acks_.end(), h->ids.begin(), h->ids.end());
  }
  writerWake_.notify_one();
  settled_.notify_all();
}

void RedisQueue::nack(PulledBatch batch, Duration delay) {
  auto* h = dynamic_cast<RedisBatchHandle*>(batch.handle.get());
  if (!h || h->owner != this || h->settled.exchange(true)) return;
  delay = std::clamp(delay, Duration::zero(), Duration(std::chrono::hours(24 * 365)));
  {
    std::lock_guard<std::mutex> g(mu_);
    --unsettled_;
    nacked_.emplace(now() + delay,
                    Nacked{std::move(batch.alerts), h->ids, h->counts, batch.deliveries + 1});
  }
  settled_.notify_all();
}

void RedisQueue::close() {
  closed_ = true;
  {
    std::lock_guard<std::mutex> g(mu_);  // orders the flag against waiters' predicates
  }
  settled_.notify_all();
  room_.notify_all();
}

}  // namespace nm
