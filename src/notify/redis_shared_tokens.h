// Vendor access tokens shared by every replica through Redis (--store.type redis): one replica
// fetches under a SET NX lock, the others wait for its token; keys are SHA-256 digests.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "notify/shared_tokens.h"
#include "redis/redis_connection.h"

namespace nm {

// Keys: nm:token:<sha256(TokenCache::key)> holds the token (SET PX: the vendor's lifetime minus
// TokenCache::kExpiryMargin); nm:token:<digest>:lock (SET NX PX kLockTtl) names the replica
// fetching it. TokenCache::key already holds only a digest of the secret; hashing it again keeps
// the app id out of Redis too. The token itself is stored as is: Redis holds live vendor tokens
// (protect it like the app secrets: requirepass/ACL, TLS). Tokens are never logged.
//
// acquire (one Lua script): the token when present; else the lock when free (Fetch); else it polls
// every kPoll until the token appears (Found), the lock goes (another try at it) or kMaxWait passes
// (Unavailable: fetch locally). Redis unreachable: Unavailable at once (logged once per outage;
// retried after a second). Redis runs on one owned thread (joined in the destructor); callbacks
// run there and only start HTTP requests.
class RedisSharedTokens final : public SharedTokens {
 public:
  static constexpr Duration kLockTtl = std::chrono::seconds(10);
  static constexpr Duration kPoll = std::chrono::milliseconds(50);
  static constexpr Duration kMaxWait = std::chrono::seconds(10);

  explicit RedisSharedTokens(RedisUrl url, Duration timeout = std::chrono::seconds(1));
  ~RedisSharedTokens() override;

  void acquire(const std::string& key, std::function<void(SharedTokenLookup)> done) override;
  void publish(const std::string& key, const std::string& token, Duration ttl) override;
  void abandon(const std::string& key) override;
  void drop(const std::string& key, const std::string& token) override;

  // The Redis key of a TokenCache key (public for tests).
  static std::string redisKey(const std::string& key);

 private:
  struct Wait {
    std::string key;
    std::function<void(SharedTokenLookup)> done;
    TimePoint giveUp;
    TimePoint next;
  };
  void post(std::function<void()> job);
  void run();
  // One look at the token, then the lock; false when the caller should poll again.
  bool attempt(const std::string& key, const std::function<void(SharedTokenLookup)>& done);
  RedisReply command(const RedisCommand& cmd);
  void compareAndDelete(const std::string& redisKey, const std::string& value);

  RedisConnection conn_;  // only on the worker
  std::string redactedUrl_;
  std::string owner_;    // this replica's lock value
  TimePoint retryAt_{};  // after a failure, Redis is not tried again before this
  bool down_ = false;    // the outage was logged

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<Wait> waits_;  // the worker's only
  bool quit_ = false;
  std::thread worker_;
};

}  // namespace nm
