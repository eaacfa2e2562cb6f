// NatsSharedTokens: KV get / create-if-absent lock / put on the worker thread, polls for a token
// another replica is fetching, and compare-and-set to an expired value for releases and drops.
#include "notify/nats_shared_tokens.h"

#include <unistd.h>

#include <charconv>
#include <memory>
#include <random>

#include "notify/signing/crypto.h"
#include "observe/log.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr Duration kRetryAfterFailure = std::chrono::seconds(1);
constexpr const char* kReleased = "0 -";  // an expired value: no token, no lock holder

struct KvEntryDeleter {
  void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};
using KvEntryPtr = std::unique_ptr<kvEntry, KvEntryDeleter>;

int64_t wallMillis() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t toMs(Duration d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<milliseconds>(d).count());
}

std::string ownerId() {
  std::random_device rd;
  return std::to_string(getpid()) + ":" + std::to_string(rd()) + std::to_string(rd());
}

std::string valueOf(kvEntry* e) {
  const char* data = static_cast<const char*>(kvEntry_Value(e));
  return data ? std::string(data, static_cast<size_t>(kvEntry_ValueLen(e))) : std::string();
}

// Statuses that say NATS did not answer (as opposed to a refused create or update).
bool connectionLost(natsStatus s) {
  return s == NATS_CONNECTION_CLOSED || s == NATS_CONNECTION_DISCONNECTED || s == NATS_TIMEOUT ||
         s == NATS_NO_RESPONDERS || s == NATS_STALE_CONNECTION || s == NATS_NO_SERVER ||
         s == NATS_IO_ERROR;
}

}  // namespace

std::string encodeTokenValue(const NatsTokenValue& v) {
  return std::to_string(v.expiresMs) + " " + v.text;
}

std::optional<NatsTokenValue> parseTokenValue(std::string_view value) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  NatsTokenValue v;
  auto [end, ec] = std::from_chars(value.data(), value.data() + space, v.expiresMs);
  if (ec != std::errc() || end != value.data() + space) return std::nullopt;
  v.text = std::string(value.substr(space + 1));
  return v;
}

NatsSharedTokens::NatsSharedTokens(NatsConnectOptions connect, std::string bucket)
    : conn_([&] {
        connect.name = "notification-manager-tokens";
        connect.onStateChange = nullptr;  // the queue's connection logs the server's state
        if (connect.timeout > std::chrono::seconds(1)) connect.timeout = std::chrono::seconds(1);
        return connect;
      }()),
      bucket_(std::move(bucket)),
      owner_(ownerId()),
      worker_([this] { run(); }) {
  post([this] { ensureConnected(); });  // connect and bind the bucket before the first token
}

NatsSharedTokens::~NatsSharedTokens() {
  {
    std::lock_guard g(mu_);
    quit_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  conn_.close();
  if (kv_) kvStore_Destroy(kv_);
}

std::string NatsSharedTokens::tokenKey(const std::string& key) {
  return "t." + signing::sha256Hex(key);
}

std::string NatsSharedTokens::lockKey(const std::string& key) {
  return "l." + signing::sha256Hex(key);
}

void NatsSharedTokens::post(std::function<void()> job) {
  {
    std::lock_guard g(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void NatsSharedTokens::acquire(const std::string& key,
                               std::function<void(SharedTokenLookup)> done) {
  post([this, key, done = std::move(done)]() mutable {
    if (attempt(key, done)) return;
    TimePoint t = now();
    waits_.push_back({key, std::move(done), t + kMaxWait, t + kPoll});
  });
}

void NatsSharedTokens::publish(const std::string& key, const std::string& token, Duration ttl) {
  post([this, key, token, ttl] {
    if (!ensureConnected()) return;
    const std::string v = encodeTokenValue({wallMillis() + toMs(ttl), token});
    uint64_t rev = 0;
    natsStatus s =
        kvStore_Put(&rev, kv_, tokenKey(key).c_str(), v.data(), static_cast<int>(v.size()));
    if (s != NATS_OK) return unreachable(natsErrorText(s));  // the status, never the value
    expireIf(lockKey(key), owner_);  // after the token: whoever locks next finds it
  });
}

void NatsSharedTokens::abandon(const std::string& key) {
  post([this, key] { expireIf(lockKey(key), owner_); });
}

void NatsSharedTokens::drop(const std::string& key, const std::string& token) {
  post([this, key, token] { expireIf(tokenKey(key), token); });
}

void NatsSharedTokens::unreachable(const std::string& error) {
  retryAt_ = now() + kRetryAfterFailure;
  if (!down_) {
    down_ = true;
    log::warn("shared token cache: NATS unreachable, tokens are fetched per replica",
              {{"url", redactedNatsUrl(conn_.options().url)}, {"error", error}});
  }
}

void NatsSharedTokens::reachable() {
  if (down_)
    log::info("shared token cache: NATS is reachable again",
              {{"url", redactedNatsUrl(conn_.options().url)}});
  down_ = false;
}

bool NatsSharedTokens::ensureConnected() {
  if (now() < retryAt_) return false;
  std::string error;
  if (kv_) {
    if (conn_.connected()) return true;
    unreachable("not connected (reconnecting)");
    return false;
  }
  if (!conn_.get() && !conn_.connect(error)) {
    unreachable(error);
    return false;
  }
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, conn_.get(), nullptr);
  if (s != NATS_OK) {
    unreachable("JetStream: " + natsErrorText(s));
    return false;
  }
  js_.reset(js);
  s = js_KeyValue(&kv_, js_.get(), bucket_.c_str());
  if (s == NATS_NOT_FOUND) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = bucket_.c_str();
    cfg.History = 1;
    cfg.StorageType = js_FileStorage;
    cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(kBucketTtl).count();
    cfg.Description = "notification-manager vendor access tokens";
    s = js_CreateKeyValue(&kv_, js_.get(), &cfg);
    // Another replica created it at the same moment: bind to theirs.
    if (s != NATS_OK && !connectionLost(s)) s = js_KeyValue(&kv_, js_.get(), bucket_.c_str());
  }
  if (s != NATS_OK) {
    kv_ = nullptr;
    unreachable("KV bucket " + bucket_ + ": " + natsErrorText(s));
    return false;
  }
  return true;
}

NatsSharedTokens::Look NatsSharedTokens::look(const std::string& kvKey, SharedTokenLookup& out) {
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv_, kvKey.c_str());
  KvEntryPtr e(raw);
  if (s == NATS_NOT_FOUND) return Look::Absent;
  if (s != NATS_OK) {
    unreachable(natsErrorText(s));
    return Look::Failed;
  }
  auto v = parseTokenValue(valueOf(e.get()));
  const int64_t left = v ? v->expiresMs - wallMillis() : 0;
  if (!v || left <= 0 || v->text.empty()) return Look::Absent;
  out = {SharedTokenLookup::Kind::Found, v->text, milliseconds(left)};
  return Look::Found;
}

std::optional<bool> NatsSharedTokens::lock(const std::string& kvKey) {
  const std::string v = encodeTokenValue({wallMillis() + toMs(kLockTtl), owner_});
  const int len = static_cast<int>(v.size());
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv_, kvKey.c_str());
  KvEntryPtr e(raw);
  uint64_t rev = 0;
  if (s == NATS_NOT_FOUND) {
    s = kvStore_Create(&rev, kv_, kvKey.c_str(), v.data(), len);  // fails when it exists
  } else if (s == NATS_OK) {
    auto held = parseTokenValue(valueOf(e.get()));
    if (held && held->expiresMs > wallMillis()) return false;  // another replica fetches
    s = kvStore_Update(&rev, kv_, kvKey.c_str(), v.data(), len, kvEntry_Revision(e.get()));
  }
  if (s == NATS_OK) return true;
  if (connectionLost(s)) {
    unreachable(natsErrorText(s));
    return std::nullopt;
  }
  return false;  // another replica wrote the lock first
}

void NatsSharedTokens::expireIf(const std::string& kvKey, const std::string& text) {
  if (!ensureConnected()) return;
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv_, kvKey.c_str());
  KvEntryPtr e(raw);
  if (s == NATS_NOT_FOUND) return;
  if (s != NATS_OK) return unreachable(natsErrorText(s));
  auto v = parseTokenValue(valueOf(e.get()));
  if (!v || v->text != text) return;  // replaced meanwhile: not ours to forget
  uint64_t rev = 0;
  s = kvStore_UpdateString(&rev, kv_, kvKey.c_str(), kReleased, kvEntry_Revision(e.get()));
  if (connectionLost(s)) unreachable(natsErrorText(s));
}

bool NatsSharedTokens::attempt(const std::string& key,
                               const std::function<void(SharedTokenLookup)>& done) {
  if (!ensureConnected()) {
    done({SharedTokenLookup::Kind::Unavailable, {}, {}});
    return true;
  }
  const std::string tk = tokenKey(key);
  SharedTokenLookup found;
  Look l = look(tk, found);
  if (l == Look::Failed) {
    done({SharedTokenLookup::Kind::Unavailable, {}, {}});
    return true;
  }
  if (l == Look::Found) {
    reachable();
    done(std::move(found));
    return true;
  }
  std::optional<bool> locked = lock(lockKey(key));
  if (!locked) {
    done({SharedTokenLookup::Kind::Unavailable, {}, {}});
    return true;
  }
  if (!*locked) return false;  // another replica is fetching
  reachable();
  // Published between our look and our lock (publish writes the token before it releases).
  if (look(tk, found) == Look::Found) {
    expireIf(lockKey(key), owner_);
    done(std::move(found));
    return true;
  }
  done({SharedTokenLookup::Kind::Fetch, {}, {}});
  return true;
}

void NatsSharedTokens::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock g(mu_);
      if (waits_.empty()) {
        wake_.wait(g, [this] { return quit_ || !jobs_.empty(); });
      } else {
        TimePoint next = waits_.front().next;
        for (const Wait& w : waits_) next = std::min(next, w.next);
        wake_.wait_until(g, next, [this] { return quit_ || !jobs_.empty(); });
      }
      if (quit_) return;  // the daemon has drained: what is left has nobody waiting on it
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
    }
    if (job) {
      job();
      continue;
    }
    TimePoint t = now();
    std::vector<Wait> due;
    for (auto it = waits_.begin(); it != waits_.end();) {
      if (it->next <= t) {
        due.push_back(std::move(*it));
        it = waits_.erase(it);
      } else {
        ++it;
      }
    }
    for (Wait& w : due) {
      if (t >= w.giveUp) {
        w.done({SharedTokenLookup::Kind::Unavailable, {}, {}});
      } else if (!attempt(w.key, w.done)) {
        w.next = now() + kPoll;
        waits_.push_back(std::move(w));
      }
    }
  }
}

}  // namespace nm
