// NatsLeases: each tick heartbeats replica.<id>, renews held leases by update-with-revision,
// gives up those over the fair share once drained (update to an expired value) and takes free
// or expired ones up to the share (create, or update with the revision read).
#include "queue/nats_leases.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "observe/log.h"
#include "queue/partition_key.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr const char* kPartitionsKey = "partitions";
constexpr const char* kReplicaPrefix = "replica.";

struct KvEntryDeleter {
  void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};
struct KvWatcherDeleter {
  void operator()(kvWatcher* w) const { kvWatcher_Destroy(w); }
};
using KvEntryPtr = std::unique_ptr<kvEntry, KvEntryDeleter>;
using KvWatcherPtr = std::unique_ptr<kvWatcher, KvWatcherDeleter>;

Duration tickOf(Duration ttl) {
  return std::max<Duration>(ttl / 3, milliseconds(50));
}

int64_t wallMillis() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

std::string leaseKey(uint32_t p) {
  return "p" + std::to_string(p);
}

std::string valueOf(kvEntry* e) {
  const char* data = static_cast<const char*>(kvEntry_Value(e));
  return data ? std::string(data, static_cast<size_t>(kvEntry_ValueLen(e))) : std::string();
}

NatsConnectOptions named(NatsConnectOptions o) {
  o.name += "-leases";
  o.onStateChange = nullptr;  // the queue's connection logs the server's state
  return o;
}

}  // namespace

std::string encodeLeaseValue(const NatsLeaseValue& v) {
  return std::to_string(v.expiresMs) + " " + v.replica;
}

std::optional<NatsLeaseValue> parseLeaseValue(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  NatsLeaseValue v;
  auto [end, ec] = std::from_chars(text.data(), text.data() + space, v.expiresMs);
  if (ec != std::errc() || end != text.data() + space) return std::nullopt;
  v.replica = std::string(text.substr(space + 1));
  return v;
}

std::vector<std::string> liveReplicaIdsOf(std::vector<std::pair<std::string, int64_t>> beats,
                                          int64_t nowMs, Duration ttl) {
  const int64_t since = nowMs - ms(ttl);
  std::vector<std::string> ids;
  for (auto& [id, stamp] : beats)
    if (stamp >= since && !id.empty()) ids.push_back(std::move(id));
  std::sort(ids.begin(), ids.end());
  return ids;
}

NatsLeases::NatsLeases(NatsLeaseOptions options, metrics::Registry* reg)
    : options_(std::move(options)), conn_(named(options_.connect)) {
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

NatsLeases::~NatsLeases() {
  stop();
  if (kv_) kvStore_Destroy(kv_);
  kv_ = nullptr;
  conn_.close();
}

bool NatsLeases::checkPartitions(std::string& error, bool& mismatch) {
  mismatch = false;
  const std::string want = std::to_string(options_.partitions);
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv_, kPartitionsKey);
  KvEntryPtr e(raw);
  if (s == NATS_NOT_FOUND) {
    uint64_t rev = 0;
    return kvStore_CreateString(&rev, kv_, kPartitionsKey, want.c_str()) == NATS_OK;
  }
  if (s != NATS_OK) return false;
  const std::string have = valueOf(e.get());
  if (have != want) {
    mismatch = true;
    error = "--store.partitions " + want + " differs from the " + have +
            " partitions the replicas sharing this NATS use (bucket " + options_.bucket + ", key " +
            kPartitionsKey + "): every replica must run with the same value";
    return false;
  }
  // Rewritten so the bucket's MaxAge never ages it out while a replica runs.
  uint64_t rev = 0;
  kvStore_UpdateString(&rev, kv_, kPartitionsKey, want.c_str(), kvEntry_Revision(e.get()));
  return true;
}

bool NatsLeases::start(std::string& error) {
  if (!conn_.connect(error)) return false;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = ms(tickOf(options_.ttl));  // a silent server loses the leases before they move
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, conn_.get(), &jo); s != NATS_OK) {
    error = "--store.nats.url: no JetStream context for the leases: " + natsErrorText(s);
    return false;
  }
  js_.reset(js);
  natsStatus s = js_KeyValue(&kv_, js_.get(), options_.bucket.c_str());
  if (s == NATS_NOT_FOUND) {
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = options_.bucket.c_str();
    kc.History = 1;
    kc.StorageType = js_FileStorage;
    // Garbage collection only: live keys are rewritten every ttl/3.
    kc.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::max<Duration>(3 * options_.ttl, std::chrono::seconds(10)))
                 .count();
    s = js_CreateKeyValue(&kv_, js_.get(), &kc);
    // Another replica created it at the same moment: bind to theirs.
    if (s != NATS_OK) s = js_KeyValue(&kv_, js_.get(), options_.bucket.c_str());
  }
  if (s != NATS_OK) {
    error = "--store.nats.stream: cannot create or bind the lease bucket " + options_.bucket +
            ": " + natsErrorText(s);
    return false;
  }
  bool mismatch = false;
  if (!checkPartitions(error, mismatch) && mismatch) return false;
  error.clear();
  log::info("partition leases", {{"replica", options_.replica},
                                 {"bucket", options_.bucket},
                                 {"partitions", std::to_string(options_.partitions)},
                                 {"ttl", std::to_string(ms(options_.ttl)) + "ms"}});
  thread_ = std::thread([this] { loop(); });
  return true;
}

void NatsLeases::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!kv_ || !conn_.connected()) return;
  for (const auto& [p, h] : held_) release(p, h);
  held_.clear();
  kvStore_Delete(kv_, (kReplicaPrefix + options_.replica).c_str());
}

PartitionSet NatsLeases::owned() const {
  std::lock_guard<std::mutex> g(mu_);
  return owned_;
}

std::vector<std::string> NatsLeases::liveReplicaIds() const {
  std::lock_guard<std::mutex> g(mu_);
  return liveIds_;
}

void NatsLeases::publish() {
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

void NatsLeases::dropAll(const char* why) {
  if (held_.empty()) return;
  log::warn("partition leases lost: their partitions are no longer read",
            {{"partitions", std::to_string(held_.size())}, {"reason", why}});
  if (lost_) lost_->inc(held_.size());
  held_.clear();
  publish();
}

void NatsLeases::loop() {
  // Quick ticks while partitions move, for two ttls after a change in replicas or leases.
  LeaseCadence cadence(tickOf(options_.ttl), 2 * options_.ttl);
  for (;;) {
    tick();
    const Duration wait = cadence.next(held_, share_, live_, now());
    std::unique_lock<std::mutex> lk(mu_);
    if (wake_.wait_for(lk, wait, [&] { return stopping_; })) return;
  }
}

std::vector<std::string> NatsLeases::readLiveReplicas() {
  kvWatchOptions wo;
  kvWatchOptions_Init(&wo);
  wo.IgnoreDeletes = true;
  kvWatcher* raw = nullptr;
  const std::string keys = std::string(kReplicaPrefix) + "*";
  if (kvStore_Watch(&raw, kv_, keys.c_str(), &wo) != NATS_OK) return {};
  KvWatcherPtr w(raw);
  std::vector<std::pair<std::string, int64_t>> beats;
  const int64_t waitMs = std::max<int64_t>(ms(tickOf(options_.ttl)) / 2, 20);
  for (;;) {
    kvEntry* e = nullptr;
    if (kvWatcher_Next(&e, w.get(), waitMs) != NATS_OK || !e) break;  // NULL: initial values done
    KvEntryPtr entry(e);
    if (kvEntry_Operation(e) != kvOp_Put) continue;
    const std::string v = valueOf(e);
    int64_t stamp = 0;
    const std::string_view key = kvEntry_Key(e);
    if (std::from_chars(v.data(), v.data() + v.size(), stamp).ec == std::errc() &&
        key.size() > std::strlen(kReplicaPrefix))
      beats.emplace_back(key.substr(std::strlen(kReplicaPrefix)), stamp);
  }
  return liveReplicaIdsOf(std::move(beats), wallMillis(), options_.ttl);
}

bool NatsLeases::renew(uint32_t p, LeaseHold& h) {
  const TimePoint sent = now();
  const std::string v = encodeLeaseValue({wallMillis() + ms(options_.ttl), options_.replica});
  uint64_t rev = 0;
  if (kvStore_UpdateString(&rev, kv_, leaseKey(p).c_str(), v.c_str(), h.revision) != NATS_OK)
    return false;
  h.revision = rev;
  h.validUntil = sent + options_.ttl;
  return true;
}

bool NatsLeases::release(uint32_t p, const LeaseHold& h) {
  // Expired at once, by compare-and-set: a lease someone else took meanwhile stays theirs.
  const std::string v = encodeLeaseValue({0, options_.replica});
  uint64_t rev = 0;
  return kvStore_UpdateString(&rev, kv_, leaseKey(p).c_str(), v.c_str(), h.revision) == NATS_OK;
}

bool NatsLeases::tryAcquire(uint32_t p) {
  const std::string key = leaseKey(p);
  const TimePoint asked = now();
  const int64_t wall = wallMillis();
  const std::string v = encodeLeaseValue({wall + ms(options_.ttl), options_.replica});
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv_, key.c_str());
  KvEntryPtr e(raw);
  uint64_t rev = 0;
  if (s == NATS_NOT_FOUND) {
    s = kvStore_CreateString(&rev, kv_, key.c_str(), v.c_str());
  } else if (s == NATS_OK) {
    std::optional<NatsLeaseValue> cur = parseLeaseValue(valueOf(e.get()));
    // Ours already (dropped locally after a failed renewal) or expired: compare-and-set.
    if (cur && cur->replica != options_.replica && cur->expiresMs > wall) return false;
    s = kvStore_UpdateString(&rev, kv_, key.c_str(), v.c_str(), kvEntry_Revision(e.get()));
  }
  if (s != NATS_OK) return false;
  held_[p] = LeaseHold{asked + options_.ttl, false, rev};
  if (acquired_) acquired_->inc();
  log::info("partition lease acquired", {{"partition", std::to_string(p)}});
  return true;
}

void NatsLeases::tick() {
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
  if (!conn_.connected()) {
    dropAll("nats unreachable");
    return;
  }
  if (refused_) return;
  std::string err;
  bool mismatch = false;
  if (!checkPartitions(err, mismatch) && mismatch) {
    log::error("partition leases refused: this replica reads no partition", {{"error", err}});
    refused_ = true;
    dropAll("--store.partitions mismatch");
    return;
  }

  const std::string beat = std::to_string(wallMillis());
  uint64_t rev = 0;
  kvStore_PutString(&rev, kv_, (kReplicaPrefix + options_.replica).c_str(), beat.c_str());
  std::vector<std::string> ids = readLiveReplicas();
  const uint32_t live = static_cast<uint32_t>(std::max<size_t>(1, ids.size()));
  {
    std::lock_guard<std::mutex> g(mu_);
    liveIds_ = std::move(ids);
  }

  for (auto it = held_.begin(); it != held_.end();) {
    if (renew(it->first, it->second)) {
      ++it;
      continue;
    }
    log::warn(
        "partition lease could not be renewed (taken by another replica or nats is "
        "silent): its partition is no longer read",
        {{"partition", std::to_string(it->first)}});
    if (lost_) lost_->inc();
    it = held_.erase(it);
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
    release(p, it->second);  // failed: it expires by itself
    log::info("partition lease given up for a fair share",
              {{"partition", std::to_string(p)}, {"share", std::to_string(share)}});
    if (released_) released_->inc();
    it = held_.erase(it);
  }

  // Under the share: take free or expired leases, starting at a replica-specific offset.
  for (uint32_t p : acquireOrder(options_.replica, options_.partitions)) {
    if (held_.size() >= share || !conn_.connected()) break;
    if (!held_.count(p)) tryAcquire(p);
  }
  publish();
}

}  // namespace nm
