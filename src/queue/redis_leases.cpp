// RedisLeases: each tick heartbeats into the replica ZSET, renews held leases (a Lua
// compare-and-PEXPIRE), gives up those over the fair share once drained (Lua DEL-if-owner), and
// takes free or expired ones up to the share with SET NX PX.
#include "queue/redis_leases.h"

#include <algorithm>

#include "observe/log.h"
#include "queue/partition_key.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr const char* kRenew =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
constexpr const char* kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('DEL', KEYS[1]) else return 0 end";

Duration tickOf(Duration ttl) {
  return std::max<Duration>(ttl / 3, milliseconds(50));
}

std::string ms(Duration d) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(d).count());
}

}  // namespace

RedisLeases::RedisLeases(RedisLeaseOptions options, metrics::Registry* reg)
    : options_(std::move(options)), conn_(options_.url, tickOf(options_.ttl)) {
  if (options_.partitions == 0) options_.partitions = 1;
  if (reg) {
    auto& moves =
        reg->counter("nm_partition_lease_moves_total",
                     "Partition leases this replica acquired, gave up or lost.", {"change"});
    acquired_ = &moves.with({"acquired"});
    released_ = &moves.with({"released"});
    lost_ = &moves.with({"lost"});
    ownedGauge_ =
        &reg->gauge("nm_partitions_owned", "Alert partitions this replica reads.").with({});
  }
}

RedisLeases::~RedisLeases() {
  stop();
}

std::string RedisLeases::leaseKey(uint32_t p) const {
  return options_.prefix + ":lease:" + std::to_string(p);
}

int64_t RedisLeases::wallMillis() const {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool RedisLeases::checkPartitions(std::string& error, bool& mismatch) {
  const std::string key = options_.prefix + ":partitions";
  const std::string want = std::to_string(options_.partitions);
  std::vector<RedisReply> r = conn_.run({{"SET", key, want, "NX"}, {"GET", key}}, error);
  mismatch = false;
  if (r.size() != 2) return false;
  std::string have(redisString(r[1].get()));
  if (have != want) {
    mismatch = true;
    error = "--store.partitions " + want + " differs from the " + have +
            " partitions the replicas sharing this Redis use (key " + key +
            "): every replica must run with the same value";
    return false;
  }
  return true;
}

bool RedisLeases::start(std::string& error) {
  std::string err;
  bool refused = false;
  if (conn_.connect(err, refused)) {
    bool mismatch = false;
    if (checkPartitions(err, mismatch)) {
      checked_ = true;
    } else if (mismatch) {
      error = err;
      return false;
    }
  }
  log::info("partition leases", {{"replica", options_.replica},
                                 {"partitions", std::to_string(options_.partitions)},
                                 {"ttl", ms(options_.ttl) + "ms"}});
  thread_ = std::thread([this] { loop(); });
  return true;
}

void RedisLeases::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!conn_.connected()) return;
  std::vector<RedisCommand> cmds;
  for (const auto& [p, h] : held_)
    cmds.push_back({"EVAL", kRelease, "1", leaseKey(p), options_.replica});
  cmds.push_back({"ZREM", options_.prefix + ":replicas", options_.replica});
  std::string err;
  conn_.run(cmds, err);
  held_.clear();
}

PartitionSet RedisLeases::owned() const {
  std::lock_guard<std::mutex> g(mu_);
  return owned_;
}

std::vector<std::string> RedisLeases::liveReplicaIds() const {
  std::lock_guard<std::mutex> g(mu_);
  return liveIds_;
}

void RedisLeases::publish() {
  const std::vector<uint32_t> active = activeLeases(held_);
  const PartitionSet now(active.begin(), active.end());
  {
    std::lock_guard<std::mutex> g(mu_);
    if (now == owned_) return;
    owned_ = now;
  }
  if (ownedGauge_) ownedGauge_->set(static_cast<double>(now.size()));
  if (onChange_) onChange_(now);
}

void RedisLeases::dropAll(const char* why) {
  if (held_.empty()) return;
  log::warn("partition leases lost: their partitions are no longer read",
            {{"partitions", std::to_string(held_.size())}, {"reason", why}});
  if (lost_) lost_->inc(held_.size());
  held_.clear();
  publish();
}

void RedisLeases::loop() {
  // Quick ticks while partitions move, for two ttls after a change in replicas or leases.
  LeaseCadence cadence(tickOf(options_.ttl), 2 * options_.ttl);
  for (;;) {
    tick();
    const Duration wait = cadence.next(held_, share_, live_, now());
    std::unique_lock<std::mutex> lk(mu_);
    if (wake_.wait_for(lk, wait, [&] { return stopping_; })) return;
  }
}

void RedisLeases::tick() {
  // Local validity first: a lease whose renewal is overdue may already be someone else's.
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.validUntil <= now()) {
      log::warn("partition lease expired before it was renewed",
                {{"partition", std::to_string(it->first)}});
      if (lost_) lost_->inc();
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  publish();
  std::string err;
  if (!conn_.connected()) {
    bool refused = false;
    if (!conn_.connect(err, refused)) {
      dropAll("redis unreachable");
      return;
    }
  }
  if (!checked_ && !refused_) {
    bool mismatch = false;
    if (checkPartitions(err, mismatch)) {
      checked_ = true;
    } else if (mismatch) {
      log::error("partition leases refused: this replica reads no partition", {{"error", err}});
      refused_ = true;
    } else {
      return;
    }
  }
  if (refused_) return;

  // Heartbeat, the live replicas, and every renewal in one round.
  const std::string replicas = options_.prefix + ":replicas";
  const int64_t t = wallMillis();
  const int64_t ttlMs = std::chrono::duration_cast<milliseconds>(options_.ttl).count();
  std::vector<RedisCommand> cmds = {
      {"ZADD", replicas, std::to_string(t), options_.replica},
      {"ZREMRANGEBYSCORE", replicas, "-inf", "(" + std::to_string(t - ttlMs)},
      {"ZRANGE", replicas, "0", "-1"}};
  std::vector<uint32_t> renewed;
  const TimePoint sent = now();
  for (const auto& [p, h] : held_) {
    cmds.push_back({"EVAL", kRenew, "1", leaseKey(p), options_.replica, std::to_string(ttlMs)});
    renewed.push_back(p);
  }
  std::vector<RedisReply> r = conn_.run(cmds, err);
  if (r.size() != cmds.size()) {
    dropAll("renewal failed");
    return;
  }
  std::vector<std::string> ids;
  if (r[2]->type == REDIS_REPLY_ARRAY)
    for (size_t k = 0; k < r[2]->elements; ++k)
      if (r[2]->element[k]->type == REDIS_REPLY_STRING)
        ids.emplace_back(r[2]->element[k]->str, r[2]->element[k]->len);
  std::sort(ids.begin(), ids.end());
  const uint32_t live = static_cast<uint32_t>(std::max<size_t>(1, ids.size()));
  {
    std::lock_guard<std::mutex> g(mu_);
    liveIds_ = std::move(ids);
  }
  for (size_t k = 0; k < renewed.size(); ++k) {
    const redisReply* x = r[3 + k].get();
    if (x->type == REDIS_REPLY_INTEGER && x->integer == 1) {
      held_[renewed[k]].validUntil = sent + options_.ttl;
    } else {
      log::warn("partition lease taken by another replica",
                {{"partition", std::to_string(renewed[k])}});
      if (lost_) lost_->inc();
      held_.erase(renewed[k]);
    }
  }

  // Over the share: stop reading the highest partitions, give them back once drained.
  const uint32_t share = fairShare(options_.partitions, live);
  share_ = share;
  live_ = live;
  markOverShare(held_, share);
  publish();
  for (auto it = held_.begin(); it != held_.end();) {
    const uint32_t p = it->first;
    if (!it->second.draining || (drained_ && !drained_(p))) {
      ++it;
      continue;
    }
    RedisReply d = conn_.run({"EVAL", kRelease, "1", leaseKey(p), options_.replica}, err);
    if (!d) break;  // the next tick sees the connection gone
    log::info("partition lease given up for a fair share",
              {{"partition", std::to_string(p)}, {"share", std::to_string(share)}});
    if (released_) released_->inc();
    it = held_.erase(it);
  }

  // Under the share: take free or expired leases, starting at a replica-specific offset.
  for (uint32_t p : acquireOrder(options_.replica, options_.partitions)) {
    if (held_.size() >= share) break;
    if (held_.count(p)) continue;
    const TimePoint asked = now();
    RedisReply s =
        conn_.run({"SET", leaseKey(p), options_.replica, "NX", "PX", std::to_string(ttlMs)}, err);
    if (!s) break;
    if (s->type == REDIS_REPLY_STATUS) {  // OK; nil when another replica holds it
      held_[p] = Held{asked + options_.ttl, false, 0};
      if (acquired_) acquired_->inc();
      log::info("partition lease acquired", {{"partition", std::to_string(p)}});
    }
  }
  publish();
}

}  // namespace nm
