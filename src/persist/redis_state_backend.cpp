// RedisStateBackend: the pending map and the writer (HSET/HDEL + PUBLISH per batch), load by
// HSCAN, and the subscriber that turns other replicas' notices into watcher calls.
#include "persist/redis_state_backend.h"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include "observe/log.h"

namespace nm::persist {

namespace {

constexpr const StateTable (&kTables)[kStateTableCount] = kStateTables;

uint64_t valueHash(std::string_view v) {
  return std::hash<std::string_view>{}(v);
}

}  // namespace

std::string newReplicaId() {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no random bytes for a replica id");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s += kHex[c >> 4];
    s += kHex[c & 0xf];
  }
  return s;
}

RedisStateBackend::RedisStateBackend(RedisStateOptions options, metrics::Registry& metrics)
    : options_(std::move(options)), loadConn_(options_.url, options_.timeout), metrics_(metrics) {
  if (options_.replicaId.empty()) options_.replicaId = newReplicaId();
  writer_ = std::thread([this] { writerLoop(); });
}

RedisStateBackend::~RedisStateBackend() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  stopCv_.notify_all();
  writer_.join();
  if (subscriber_.joinable()) subscriber_.join();
}

std::string RedisStateBackend::name() const {
  return "redis:" + options_.url.host + ":" + std::to_string(options_.url.port);
}

std::string RedisStateBackend::hashKey(StateTable table) const {
  return options_.prefix + toString(table);
}

void RedisStateBackend::put(StateTable table, std::string key, std::string value) {
  enqueue(table, std::move(key), std::move(value));
}

void RedisStateBackend::erase(StateTable table, std::string key) {
  enqueue(table, std::move(key), std::nullopt);
}

void RedisStateBackend::enqueue(StateTable table, std::string key,
                                std::optional<std::string> value) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> g(mu_);
    Writes& t = pending_[static_cast<size_t>(table)];
    auto it = t.find(key);
    if (it != t.end()) {
      it->second = std::move(value);
    } else if (pendingCount_ >= options_.maxPending) {
      metrics_.dropped.inc();
      auto n = std::chrono::steady_clock::now();
      if (n - lastDropLog_ >= std::chrono::seconds(10)) {
        lastDropLog_ = n;
        log::error(
            "state write dropped: too many records pending for Redis (writes failing?); other "
            "replicas and restarts will miss them",
            {{"backend", name()},
             {"table", toString(table)},
             {"pending", std::to_string(pendingCount_)}});
      }
      return;
    } else {
      t.emplace(std::move(key), std::move(value));
      ++pendingCount_;
      metrics_.pending.set(static_cast<double>(pendingCount_));
      wake = pendingCount_ == options_.commitBatch;
    }
    ++enqueued_;
  }
  if (wake) wake_.notify_one();
}

size_t RedisStateBackend::pending() const {
  std::lock_guard<std::mutex> g(mu_);
  return pendingCount_ + writingCount_;
}

void RedisStateBackend::flush() {
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t target = enqueued_;
  if (written_ >= target) return;
  flushWanted_ = true;
  wake_.notify_one();
  if (!flushed_.wait_for(lk, options_.flushTimeout, [&] { return written_ >= target; })) {
    log::error("state flush timed out: records not yet written to Redis",
               {{"backend", name()}, {"pending", std::to_string(pendingCount_)}});
  }
}

bool RedisStateBackend::waitStop(Duration d) {
  std::unique_lock<std::mutex> lk(mu_);
  return stopCv_.wait_for(lk, d, [this] { return stopping_; });
}

bool RedisStateBackend::writeBatch(RedisConnection& conn, const Writes (&batch)[kStateTableCount]) {
  std::vector<RedisCommand> cmds;
  const size_t per = std::max<size_t>(options_.fieldsPerCommand, 1);
  const std::string header = options_.replicaId + "\n";
  std::string notice = header;
  size_t noticeKeys = 0;
  auto publish = [&] {
    if (noticeKeys == 0) return;
    cmds.push_back({"PUBLISH", channel(), std::move(notice)});
    notice = header;
    noticeKeys = 0;
  };
  for (size_t t = 0; t < kStateTableCount; ++t) {
    RedisCommand hset{"HSET", hashKey(kTables[t])}, hdel{"HDEL", hashKey(kTables[t])};
    for (const auto& [key, value] : batch[t]) {
      if (value) {
        hset.push_back(key);
        hset.push_back(*value);
        if (hset.size() >= 2 + 2 * per) {
          cmds.push_back(std::move(hset));
          hset = {"HSET", hashKey(kTables[t])};
        }
      } else {
        hdel.push_back(key);
        if (hdel.size() >= 2 + per) {
          cmds.push_back(std::move(hdel));
          hdel = {"HDEL", hashKey(kTables[t])};
        }
      }
      notice += static_cast<char>('0' + t);
      notice += std::to_string(key.size());
      notice += ':';
      notice += key;
      if (++noticeKeys >= per) publish();
    }
    if (hset.size() > 2) cmds.push_back(std::move(hset));
    if (hdel.size() > 2) cmds.push_back(std::move(hdel));
  }
  publish();
  std::string error;
  auto replies = conn.run(cmds, error);
  if (replies.empty()) {
    metrics_.writeErrors.inc();
    log::error("cannot write state to Redis; the records stay pending and are retried",
               {{"backend", name()}, {"error", error}});
    return false;
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    std::string e = redisErrorText(replies[i].get());
    if (e.empty()) continue;
    // An error reply (a key of the wrong type, OOM) is not cured by retrying the same batch.
    metrics_.writeErrors.inc();
    log::error("Redis refused a state write; its records are lost",
               {{"backend", name()}, {"command", cmds[i][0] + " " + cmds[i][1]}, {"error", e}});
  }
  for (size_t t = 0; t < kStateTableCount; ++t) {
    if (batch[t].empty()) continue;
    metrics_.writes[t]->inc(batch[t].size());
    for (const auto& [key, value] : batch[t]) know(t, key, value);
  }
  return true;
}

void RedisStateBackend::writerLoop() {
  RedisConnection conn(options_.url, options_.timeout);
  Duration backoff = options_.backoffMin;
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    wake_.wait_for(lk, options_.commitInterval, [&] {
      return stopping_ || flushWanted_ || pendingCount_ >= options_.commitBatch;
    });
    flushWanted_ = false;
    if (pendingCount_ == 0) {
      written_ = enqueued_;
      flushed_.notify_all();
      if (stopping_) return;
      continue;
    }
    Writes batch[kStateTableCount];
    for (size_t i = 0; i < kStateTableCount; ++i) batch[i].swap(pending_[i]);
    const uint64_t taken = enqueued_;
    writingCount_ = pendingCount_;
    pendingCount_ = 0;
    lk.unlock();
    bool ok = conn.connected();
    if (!ok) {
      std::string error;
      bool refused = false;
      ok = conn.connect(error, refused);
      if (!ok) {
        metrics_.writeErrors.inc();
        log::error("cannot connect to Redis for state writes; retrying with backoff",
                   {{"backend", name()}, {"error", error}});
      }
    }
    if (ok) ok = writeBatch(conn, batch);
    lk.lock();
    writingCount_ = 0;
    if (ok) {
      backoff = options_.backoffMin;
      written_ = taken;
      metrics_.pending.set(static_cast<double>(pendingCount_));
      flushed_.notify_all();
      continue;
    }
    for (size_t i = 0; i < kStateTableCount; ++i) {
      for (auto& [key, value] : batch[i]) {
        if (pending_[i].try_emplace(key, std::move(value)).second) ++pendingCount_;
      }
    }
    metrics_.pending.set(static_cast<double>(pendingCount_));
    if (stopping_) {
      log::error("state records lost: Redis could not be written at shutdown",
                 {{"backend", name()}, {"records", std::to_string(pendingCount_)}});
      return;
    }
    wake_.wait_for(lk, backoff, [&] { return stopping_; });
    backoff = std::min(backoff * 2, options_.backoffMax);
  }
}

void RedisStateBackend::know(size_t table, const std::string& key,
                             const std::optional<std::string>& value) {
  std::lock_guard<std::mutex> g(knownMu_);
  if (value) {
    known_[table][key] = valueHash(*value);
  } else {
    known_[table].erase(key);
  }
}

bool RedisStateBackend::load(StateTable table,
                             const std::function<void(std::string_view, std::string_view)>& fn,
                             std::string& error) {
  std::lock_guard<std::mutex> g(loadMu_);
  if (!loadConn_.connected()) {
    bool refused = false;
    if (!loadConn_.connect(error, refused)) {
      error = name() + ": " + error;
      return false;
    }
  }
  const size_t t = static_cast<size_t>(table);
  std::string cursor = "0";
  do {
    RedisReply r = loadConn_.run({"HSCAN", hashKey(table), cursor, "COUNT", "1000"}, error);
    if (!r) {
      error = name() + ": HSCAN " + hashKey(table) + ": " + error;
      return false;
    }
    if (std::string e = redisErrorText(r.get()); !e.empty()) {
      error = name() + ": HSCAN " + hashKey(table) + ": " + e;
      return false;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
      error = name() + ": HSCAN " + hashKey(table) + ": unexpected reply";
      return false;
    }
    cursor = std::string(redisString(r->element[0]));
    const redisReply* items = r->element[1];
    for (size_t i = 0; i + 1 < items->elements; i += 2) {
      std::string_view k = redisString(items->element[i]), v = redisString(items->element[i + 1]);
      fn(k, v);
      std::lock_guard<std::mutex> kg(knownMu_);
      known_[t][std::string(k)] = valueHash(v);
    }
  } while (cursor != "0");
  return true;
}

void RedisStateBackend::watch(StateTable table, StateWatch fn) {
  const size_t t = static_cast<size_t>(table);
  const bool set = static_cast<bool>(fn);
  {
    std::lock_guard<std::mutex> g(watchMu_);  // waits for a call in progress
    watchers_[t] = std::move(fn);
  }
  if (!set) return;
  resyncWanted_[t] = true;
  std::call_once(subscriberStarted_,
                 [this] { subscriber_ = std::thread([this] { subscriberLoop(); }); });
}

void RedisStateBackend::deliver(size_t table, std::string_view key,
                                std::optional<std::string_view> value) {
  {
    std::lock_guard<std::mutex> g(watchMu_);
    if (!watchers_[table]) return;
    watchers_[table](key, value);
  }
  metrics_.remote[table]->inc();
  std::lock_guard<std::mutex> g(knownMu_);
  if (value) {
    known_[table][std::string(key)] = valueHash(*value);
  } else {
    known_[table].erase(std::string(key));
  }
}

bool RedisStateBackend::resync(size_t t, RedisConnection& look) {
  metrics_.resyncs.inc();
  const std::string hk = hashKey(kTables[t]);
  std::unordered_set<std::string> seen;
  std::string cursor = "0", error;
  size_t changed = 0;
  do {
    RedisReply r = look.run({"HSCAN", hk, cursor, "COUNT", "1000"}, error);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
      log::warn("state resync failed; retried after reconnecting",
                {{"backend", name()},
                 {"table", toString(kTables[t])},
                 {"error", r ? redisErrorText(r.get()) : error}});
      look.disconnect();
      return false;
    }
    cursor = std::string(redisString(r->element[0]));
    const redisReply* items = r->element[1];
    for (size_t i = 0; i + 1 < items->elements; i += 2) {
      std::string_view k = redisString(items->element[i]), v = redisString(items->element[i + 1]);
      seen.emplace(k);
      bool same;
      {
        std::lock_guard<std::mutex> g(knownMu_);
        auto it = known_[t].find(std::string(k));
        same = it != known_[t].end() && it->second == valueHash(v);
      }
      if (same) continue;
      deliver(t, k, v);
      ++changed;
    }
  } while (cursor != "0");
  // Keys known here but not seen: erased meanwhile, or written by this replica after the scan
  // passed them. HEXISTS tells which.
  std::vector<std::string> gone;
  {
    std::lock_guard<std::mutex> g(knownMu_);
    for (const auto& [k, h] : known_[t])
      if (!seen.count(k)) gone.push_back(k);
  }
  if (!gone.empty()) {
    std::vector<RedisCommand> cmds;
    for (const std::string& k : gone) cmds.push_back({"HEXISTS", hk, k});
    auto replies = look.run(cmds, error);
    if (replies.empty()) return false;
    for (size_t i = 0; i < gone.size(); ++i) {
      if (replies[i]->type == REDIS_REPLY_INTEGER && replies[i]->integer == 0) {
        deliver(t, gone[i], std::nullopt);
        ++changed;
      }
    }
  }
  log::info("shared state resynced", {{"backend", name()},
                                      {"table", toString(kTables[t])},
                                      {"records", std::to_string(seen.size())},
                                      {"changed", std::to_string(changed)}});
  return true;
}

bool RedisStateBackend::applyNotice(std::string_view payload, RedisConnection& look) {
  const size_t nl = payload.find('\n');
  if (nl == std::string_view::npos) return true;
  if (payload.substr(0, nl) == options_.replicaId) return true;  // our own writes
  std::vector<std::string> keys[kStateTableCount];
  size_t i = nl + 1;
  while (i < payload.size()) {
    const size_t t = static_cast<size_t>(payload[i] - '0');
    const size_t colon = payload.find(':', i + 1);
    if (t > 2 || colon == std::string_view::npos) break;
    size_t len = 0;
    for (size_t j = i + 1; j < colon; ++j) len = len * 10 + static_cast<size_t>(payload[j] - '0');
    if (colon + 1 + len > payload.size()) break;
    keys[t].emplace_back(payload.substr(colon + 1, len));
    i = colon + 1 + len;
  }
  for (size_t t = 0; t < kStateTableCount; ++t) {
    if (keys[t].empty()) continue;
    {
      std::lock_guard<std::mutex> g(watchMu_);
      if (!watchers_[t]) continue;
    }
    std::vector<RedisCommand> cmds;
    const std::string hk = hashKey(kTables[t]);
    for (const std::string& k : keys[t]) cmds.push_back({"HGET", hk, k});
    std::string error;
    auto replies = look.run(cmds, error);
    if (replies.empty()) return false;  // reconnect and resync
    for (size_t k = 0; k < keys[t].size(); ++k) {
      const redisReply* r = replies[k].get();
      if (r->type == REDIS_REPLY_STRING) {
        // A value this replica wrote after the notice's write, or already has: nothing new.
        std::lock_guard<std::mutex> g(knownMu_);
        auto it = known_[t].find(keys[t][k]);
        if (it != known_[t].end() && it->second == valueHash(redisString(r))) continue;
      }
      if (r->type == REDIS_REPLY_STRING) {
        deliver(t, keys[t][k], redisString(r));
      } else if (r->type == REDIS_REPLY_NIL) {
        deliver(t, keys[t][k], std::nullopt);
      }
    }
  }
  return true;
}

void RedisStateBackend::subscriberLoop() {
  RedisConnection sub(options_.url, options_.timeout), look(options_.url, options_.timeout);
  Duration backoff = options_.backoffMin;
  bool everConnected = false, failing = false;
  for (;;) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) return;
    }
    if (!sub.connected() || !look.connected()) {
      std::string error;
      bool refused = false;
      bool ok = sub.connect(error, refused) && look.connect(error, refused);
      RedisReply r;
      if (ok) {
        r = sub.run({"SUBSCRIBE", channel()}, error);
        ok = r && redisErrorText(r.get()).empty();
        if (r && !ok) error = redisErrorText(r.get());
      }
      if (!ok) {
        if (!failing)
          log::error("shared state: cannot subscribe to Redis change notices; retrying",
                     {{"backend", name()}, {"error", error}});
        failing = true;
        sub.disconnect();
        look.disconnect();
        if (waitStop(backoff)) return;
        backoff = std::min(backoff * 2, options_.backoffMax);
        continue;
      }
      if (everConnected) log::info("shared state: resubscribed; resyncing", {{"backend", name()}});
      everConnected = true;
      failing = false;
      backoff = options_.backoffMin;
      for (auto& w : resyncWanted_) w = true;
    }
    bool ok = true;
    for (size_t t = 0; t < kStateTableCount && ok; ++t) {
      if (!resyncWanted_[t].exchange(false)) continue;
      {
        std::lock_guard<std::mutex> g(watchMu_);
        if (!watchers_[t]) continue;
      }
      if (!resync(t, look)) {
        resyncWanted_[t] = true;
        ok = false;
      }
    }
    if (!ok) {
      sub.disconnect();
      continue;
    }
    std::string error;
    RedisReply m = sub.next(options_.subscriberPoll, error);
    if (!m) {
      if (!error.empty()) {
        log::warn("shared state: change notices lost their connection; reconnecting",
                  {{"backend", name()}, {"error", error}});
        look.disconnect();
      }
      continue;
    }
    if (m->type != REDIS_REPLY_ARRAY || m->elements != 3 || redisString(m->element[0]) != "message")
      continue;
    if (!applyNotice(redisString(m->element[2]), look)) sub.disconnect();
  }
}

}  // namespace nm::persist
