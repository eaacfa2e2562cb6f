// Vendor access tokens shared by every replica through a NATS KV bucket (--store.type nats): one
// replica fetches under a create-if-absent lock key, the others wait for its token.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nats/nats_connection.h"
#include "notify/shared_tokens.h"

namespace nm {

// A stored value: "<expiry, wall-clock ms> <text>" (the token, or the lock's owner). The expiry
// lives in the value because the bucket's TTL is one for every key and only collects garbage.
struct NatsTokenValue {
  int64_t expiresMs = 0;
  std::string text;
};
std::string encodeTokenValue(const NatsTokenValue& v);
std::optional<NatsTokenValue> parseTokenValue(std::string_view value);

// Bucket NM_TOKENS (file storage, history 1, TTL kBucketTtl): key t.<sha256(TokenCache::key)>
// holds the token until the vendor's lifetime minus TokenCache::kExpiryMargin; l.<digest> names
// the replica fetching it until kLockTtl. The lock is taken by kvStore_Create (fails when the key
// exists) or, when the stored lock ran out or was released, by an update with the revision read;
// it is released, and a refused token dropped, by an update with the revision read to an expired
// value, so neither removes another replica's newer one. After taking the lock the token is looked
// up again: a replica that published between this one's look and its lock is found, not fetched
// twice. The token is stored as is (protect NATS like the app secrets); tokens are never logged.
//
// acquire: the token when present; else the lock when free (Fetch); else it polls every kPoll
// until the token appears (Found), the lock goes (another try) or kMaxWait passes (Unavailable:
// fetch locally). NATS unreachable: Unavailable at once (logged once per outage; tried again
// after a second). NATS runs on one owned thread (joined in the destructor); callbacks run there.
// Replicas' clocks must agree well within kLockTtl and the tokens' margin.
class NatsSharedTokens final : public SharedTokens {
 public:
  static constexpr Duration kLockTtl = std::chrono::seconds(10);
  static constexpr Duration kPoll = std::chrono::milliseconds(50);
  static constexpr Duration kMaxWait = std::chrono::seconds(10);
  static constexpr Duration kBucketTtl = std::chrono::hours(3);  // vendor tokens live <= 2h

  explicit NatsSharedTokens(NatsConnectOptions connect, std::string bucket = "NM_TOKENS");
  ~NatsSharedTokens() override;

  void acquire(const std::string& key, std::function<void(SharedTokenLookup)> done) override;
  void publish(const std::string& key, const std::string& token, Duration ttl) override;
  void abandon(const std::string& key) override;
  void drop(const std::string& key, const std::string& token) override;

  // The KV keys of a TokenCache key (public for tests).
  static std::string tokenKey(const std::string& key);
  static std::string lockKey(const std::string& key);

 private:
  struct Wait {
    std::string key;
    std::function<void(SharedTokenLookup)> done;
    TimePoint giveUp;
    TimePoint next;
  };
  enum class Look { Found, Absent, Failed };

  void post(std::function<void()> job);
  void run();
  // Connected, with the bucket bound (created when missing); false (logged once per outage) when
  // NATS does not answer, and within a second of a failure without trying.
  bool ensureConnected();
  void unreachable(const std::string& error);
  void reachable();
  // One look at the token, then the lock; false when the caller should poll again.
  bool attempt(const std::string& key, const std::function<void(SharedTokenLookup)>& done);
  Look look(const std::string& kvKey, SharedTokenLookup& out);
  // Taken: true; held by another: false; nullopt: NATS failed.
  std::optional<bool> lock(const std::string& kvKey);
  // Sets `kvKey` to an expired value when it still holds `text` (compare-and-set).
  void expireIf(const std::string& kvKey, const std::string& text);

  NatsConnection conn_;  // only on the worker
  std::string bucket_;
  std::string owner_;  // this replica's lock value
  JsCtxPtr js_;
  kvStore* kv_ = nullptr;
  TimePoint retryAt_{};  // after a failure, NATS is not tried again before this
  bool down_ = false;    // the outage was logged

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<Wait> waits_;  // the worker's only
  bool quit_ = false;
  std::thread worker_;
};

}  // namespace nm
