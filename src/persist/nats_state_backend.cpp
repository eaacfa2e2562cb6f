// NatsStateBackend: buckets, the pending map (written by nats_state_writer.cpp), load by a
// watcher's initial batch, and the per-table watcher threads that deliver others' writes.
#include "persist/nats_state_backend.h"

#include <algorithm>
#include <vector>

#include "nats/nats_kv_key.h"
#include "observe/log.h"
#include "persist/redis_state_backend.h"  // newReplicaId

namespace nm::persist {

namespace {

constexpr const StateTable (&kTables)[kStateTableCount] = kStateTables;

int64_t millis(Duration d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// "<replica id>\n<value>" → (id, value); a value without the separator has no known writer.
std::pair<std::string_view, std::string_view> splitWriter(std::string_view stored) {
  const size_t nl = stored.find('\n');
  if (nl == std::string_view::npos) return {{}, stored};
  return {stored.substr(0, nl), stored.substr(nl + 1)};
}

std::string_view entryValue(kvEntry* e) {
  const void* data = kvEntry_Value(e);
  const int len = kvEntry_ValueLen(e);
  if (!data || len <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(len)};
}

struct KvWatcherDeleter {
  void operator()(kvWatcher* w) const { kvWatcher_Destroy(w); }
};
using KvWatcherPtr = std::unique_ptr<kvWatcher, KvWatcherDeleter>;
struct KvEntryDeleter {
  void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};
using KvEntryPtr = std::unique_ptr<kvEntry, KvEntryDeleter>;

}  // namespace

NatsStateBackend::NatsStateBackend(NatsStateOptions options, metrics::Registry& metrics)
    : options_(std::move(options)),
      conn_([this] {
        NatsConnectOptions c = options_.connect;
        c.name = "notification-manager-state";
        // No resync after a reconnect: libnats resumes each watcher's ordered consumer after
        // the last stream sequence it delivered, so no change is missed. Destroying a watcher
        // then would race that resumption, which runs on a libnats thread: libnats 3.4's
        // jsSub_deleteConsumer reads the consumer name the resumption frees (a use-after-free
        // ASan caught in the NATS-down tests).
        c.onStateChange = nullptr;
        return c;
      }()),
      metrics_(metrics) {
  if (options_.replicaId.empty()) options_.replicaId = newReplicaId();
}

NatsStateBackend::~NatsStateBackend() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  for (auto& t : watchThreads_)
    if (t.joinable()) t.join();
  conn_.close();
  for (kvStore*& kv : kv_) {
    if (kv) kvStore_Destroy(kv);
    kv = nullptr;
  }
}

std::string NatsStateBackend::name() const {
  const auto& servers = options_.connect.url.servers;
  if (servers.empty()) return "nats:";
  return "nats:" + servers.front().host + ":" + std::to_string(servers.front().port);
}

bool NatsStateBackend::start(std::string& error) {
  if (!conn_.connect(error)) return false;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = millis(options_.connect.timeout);
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, conn_.get(), &jo); s != NATS_OK) {
    error = "--store.nats.url: JetStream: " + natsErrorText(s);
    return false;
  }
  js_.reset(js);
  for (StateTable t : kTables) {
    const std::string b = bucket(t);
    kvStore* kv = nullptr;
    natsStatus s = js_KeyValue(&kv, js_.get(), b.c_str());
    if (s == NATS_NOT_FOUND) {
      kvConfig cfg;
      kvConfig_Init(&cfg);
      cfg.Bucket = b.c_str();
      cfg.History = 1;
      cfg.StorageType = js_FileStorage;
      cfg.Description = "notification-manager shared state";
      s = js_CreateKeyValue(&kv, js_.get(), &cfg);
      // Another replica created it at the same moment: bind to theirs.
      if (s != NATS_OK) s = js_KeyValue(&kv, js_.get(), b.c_str());
    }
    if (s != NATS_OK) {
      error = "--store.nats.url: cannot open the KV bucket " + b + ": " + natsErrorText(s);
      return false;
    }
    kv_[static_cast<size_t>(t)] = kv;
  }
  return startWriter(error);
}

void NatsStateBackend::put(StateTable table, std::string key, std::string value) {
  std::optional<std::string> v(std::move(value));
  bool wake = false;
  {
    std::lock_guard<std::mutex> g(mu_);
    Writes& t = pending_[static_cast<size_t>(table)];
    auto it = t.find(key);
    if (it != t.end()) {
      it->second = std::move(v);
    } else if (pendingCount_ >= options_.maxPending) {
      metrics_.dropped.inc();
      auto n = std::chrono::steady_clock::now();
      if (n - lastDropLog_ >= std::chrono::seconds(10)) {
        lastDropLog_ = n;
        log::error(
            "state write dropped: too many records pending for NATS (writes failing?); other "
            "replicas and restarts will miss them",
            {{"backend", name()}, {"table", toString(table)}});
      }
      return;
    } else {
      t.emplace(std::move(key), std::move(v));
      ++pendingCount_;
      metrics_.pending.set(static_cast<double>(pendingCount_));
      wake = pendingCount_ == options_.commitBatch;
    }
    ++enqueued_;
  }
  if (wake) wake_.notify_one();
}

void NatsStateBackend::erase(StateTable table, std::string key) {
  std::lock_guard<std::mutex> g(mu_);
  Writes& t = pending_[static_cast<size_t>(table)];
  auto [it, added] = t.try_emplace(std::move(key), std::nullopt);
  if (!added) {
    it->second = std::nullopt;
  } else {
    ++pendingCount_;
    metrics_.pending.set(static_cast<double>(pendingCount_));
  }
  ++enqueued_;
}

size_t NatsStateBackend::pending() const {
  std::lock_guard<std::mutex> g(mu_);
  return pendingCount_ + writingCount_;
}

void NatsStateBackend::flush() {
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t target = enqueued_;
  if (written_ >= target || !writer_.joinable()) return;
  flushWanted_ = true;
  wake_.notify_one();
  if (!flushed_.wait_for(lk, options_.flushTimeout, [&] { return written_ >= target; }))
    log::error("state flush timed out: records not yet written to NATS",
               {{"backend", name()}, {"pending", std::to_string(pendingCount_)}});
}

bool NatsStateBackend::waitStop(Duration d) {
  std::unique_lock<std::mutex> lk(mu_);
  return wake_.wait_for(lk, d, [this] { return stopping_; });
}

bool NatsStateBackend::load(StateTable table,
                            const std::function<void(std::string_view, std::string_view)>& fn,
                            std::string& error) {
  const size_t t = static_cast<size_t>(table);
  if (!kv_[t]) {
    error = name() + ": not started";
    return false;
  }
  kvWatchOptions wo;
  kvWatchOptions_Init(&wo);
  wo.IgnoreDeletes = true;
  kvWatcher* raw = nullptr;
  if (natsStatus s = kvStore_WatchAll(&raw, kv_[t], &wo); s != NATS_OK) {
    error = name() + ": watch " + bucket(table) + ": " + natsErrorText(s);
    return false;
  }
  KvWatcherPtr w(raw);
  for (;;) {
    kvEntry* e = nullptr;
    natsStatus s = kvWatcher_Next(&e, w.get(), millis(options_.connect.timeout));
    if (s != NATS_OK) {
      error = name() + ": reading " + bucket(table) + ": " + natsErrorText(s);
      return false;
    }
    if (!e) return true;  // the initial values are all here
    KvEntryPtr entry(e);
    if (kvEntry_Operation(e) != kvOp_Put) continue;
    std::optional<std::string> key = natsKvKeyDecode(kvEntry_Key(e));
    if (!key) continue;
    std::string_view value = splitWriter(entryValue(e)).second;
    fn(*key, value);
    std::lock_guard<std::mutex> g(knownMu_);
    Known& k = known_[t][*key];
    k.hash = valueHash(value);
    k.rev = kvEntry_Revision(e);
    k.present = true;
  }
}

void NatsStateBackend::watch(StateTable table, StateWatch fn) {
  const size_t t = static_cast<size_t>(table);
  const bool set = static_cast<bool>(fn);
  {
    std::lock_guard<std::mutex> g(watchMu_);  // waits for a call in progress
    watchers_[t] = std::move(fn);
  }
  if (!set || !kv_[t]) return;
  resyncWanted_[t] = true;
  std::call_once(watchStarted_[t],
                 [this, t] { watchThreads_[t] = std::thread([this, t] { watchLoop(t); }); });
}

void NatsStateBackend::deliverLocked(size_t t, const std::string& key,
                                     std::optional<std::string_view> value) {
  {
    std::lock_guard<std::mutex> g(watchMu_);
    if (!watchers_[t]) return;
    watchers_[t](key, value);
  }
  metrics_.remote[t]->inc();
}

void NatsStateBackend::handleEntry(size_t t, kvEntry* e, std::unordered_set<std::string>* seen) {
  std::optional<std::string> key = natsKvKeyDecode(kvEntry_Key(e));
  if (!key) return;
  const uint64_t rev = kvEntry_Revision(e);
  const bool isPut = kvEntry_Operation(e) == kvOp_Put;
  auto [writer, value] = splitWriter(entryValue(e));
  std::lock_guard<std::mutex> g(knownMu_);
  if (seen) seen->insert(*key);
  auto it = known_[t].find(*key);
  if (it != known_[t].end() && it->second.writing) {
    it->second.skippedRev = std::max(it->second.skippedRev, rev);
    return;
  }
  if (isPut && writer == options_.replicaId) return;           // our own write
  if (it != known_[t].end() && rev <= it->second.rev) return;  // older than what we hold
  if (isPut) {
    const uint64_t h = valueHash(value);
    if (it != known_[t].end() && it->second.present && it->second.hash == h) {
      it->second.rev = rev;
      return;
    }
    deliverLocked(t, *key, value);
    Known& k = known_[t][*key];
    k.hash = h;
    k.rev = rev;
    k.present = true;
    return;
  }
  if (it == known_[t].end() || !it->second.present) return;
  deliverLocked(t, *key, std::nullopt);
  known_[t].erase(it);
}

void NatsStateBackend::finishResync(size_t t, const std::unordered_set<std::string>& seen) {
  // Known keys missing from the initial batch: erased meanwhile, or written here after the
  // watcher's snapshot. A get tells which.
  std::vector<std::string> candidates;
  {
    std::lock_guard<std::mutex> g(knownMu_);
    for (const auto& [key, k] : known_[t])
      if (!seen.count(key) && !k.writing && k.present) candidates.push_back(key);
  }
  size_t gone = 0;
  for (const std::string& key : candidates) {
    kvEntry* raw = nullptr;
    const std::string kvKey = natsKvKey(key);
    natsStatus s = kvStore_Get(&raw, kv_[t], kvKey.c_str());
    KvEntryPtr e(raw);
    if (s != NATS_NOT_FOUND) continue;  // still there (or unknown: the next resync tells)
    std::lock_guard<std::mutex> g(knownMu_);
    auto it = known_[t].find(key);
    if (it == known_[t].end() || it->second.writing || !it->second.present) continue;
    deliverLocked(t, key, std::nullopt);
    known_[t].erase(it);
    ++gone;
  }
  log::info("shared state resynced", {{"backend", name()},
                                      {"table", toString(kTables[t])},
                                      {"records", std::to_string(seen.size())},
                                      {"gone", std::to_string(gone)}});
}

void NatsStateBackend::recheck(size_t t) {
  std::set<std::string> keys;
  {
    std::lock_guard<std::mutex> g(knownMu_);
    keys.swap(recheck_[t]);
  }
  for (const std::string& key : keys) {
    kvEntry* raw = nullptr;
    const std::string kvKey = natsKvKey(key);
    natsStatus s = kvStore_Get(&raw, kv_[t], kvKey.c_str());
    KvEntryPtr e(raw);
    if (s != NATS_OK && s != NATS_NOT_FOUND) {
      std::lock_guard<std::mutex> g(knownMu_);
      recheck_[t].insert(key);  // retried on the next round
      continue;
    }
    std::lock_guard<std::mutex> g(knownMu_);
    auto it = known_[t].find(key);
    if (it != known_[t].end() && it->second.writing) continue;  // its own recheck follows
    if (s == NATS_NOT_FOUND || !e) {
      if (it == known_[t].end()) continue;
      if (it->second.present) deliverLocked(t, key, std::nullopt);
      known_[t].erase(it);
      continue;
    }
    auto [writer, value] = splitWriter(entryValue(e.get()));
    const uint64_t h = valueHash(value);
    if (writer == options_.replicaId ||
        (it != known_[t].end() && it->second.present && it->second.hash == h)) {
      if (it != known_[t].end())
        it->second.rev = std::max(it->second.rev, kvEntry_Revision(e.get()));
      continue;
    }
    deliverLocked(t, key, value);
    Known& k = known_[t][key];
    k.hash = h;
    k.rev = kvEntry_Revision(e.get());
    k.present = true;
  }
}

void NatsStateBackend::watchLoop(size_t t) {
  KvWatcherPtr w;
  std::optional<std::unordered_set<std::string>> seen;  // set during a resync's initial batch
  Duration backoff = options_.backoffMin;
  bool failing = false;
  for (;;) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) return;
    }
    const bool resync = resyncWanted_[t].exchange(false);
    if (!w || resync) {
      w.reset();
      kvWatchOptions wo;
      kvWatchOptions_Init(&wo);
      wo.IgnoreDeletes = false;
      kvWatcher* raw = nullptr;
      natsStatus s = kvStore_WatchAll(&raw, kv_[t], &wo);
      if (s != NATS_OK) {
        if (!failing)
          log::error(
              "shared state: cannot watch the NATS KV bucket; retrying",
              {{"backend", name()}, {"bucket", bucket(kTables[t])}, {"error", natsErrorText(s)}});
        failing = true;
        if (waitStop(backoff)) return;
        backoff = std::min(backoff * 2, options_.backoffMax);
        continue;
      }
      failing = false;
      backoff = options_.backoffMin;
      w.reset(raw);
      metrics_.resyncs.inc();
      seen.emplace();
    }
    if (!seen) recheck(t);
    kvEntry* e = nullptr;
    natsStatus s = kvWatcher_Next(&e, w.get(), millis(options_.watchPoll));
    if (s == NATS_TIMEOUT) continue;
    if (s != NATS_OK) {
      log::warn("shared state: the KV watcher failed; watching again with a resync",
                {{"backend", name()}, {"bucket", bucket(kTables[t])}, {"error", natsErrorText(s)}});
      w.reset();
      if (waitStop(backoff)) return;
      continue;
    }
    if (!e) {
      if (seen) finishResync(t, *seen);
      seen.reset();
      continue;
    }
    KvEntryPtr entry(e);
    handleEntry(t, e, seen ? &*seen : nullptr);
  }
}

}  // namespace nm::persist
