// RedisSharedTokens: GET / SET NX lock / SET PX on the worker thread, polls for a token another
// replica is fetching, and compare-and-delete (Lua) for releasing locks and dropping tokens.
#include "notify/redis_shared_tokens.h"

#include <unistd.h>

#include <random>

#include "notify/signing/crypto.h"
#include "observe/log.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr Duration kRetryAfterFailure = std::chrono::seconds(1);
constexpr const char* kCompareAndDelete =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";
// KEYS[1] token, KEYS[2] lock; ARGV owner, lock ms. {1, token, ms left} | {2}: locked | {0}.
constexpr const char* kLookOrLock = R"lua(
local t = redis.call('GET', KEYS[1])
if t then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then return {1, t, left} end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end
return {0}
)lua";

long long toMs(Duration d) {
  return std::max<long long>(1, std::chrono::duration_cast<milliseconds>(d).count());
}

std::string ownerId() {
  std::random_device rd;
  return std::to_string(getpid()) + ":" + std::to_string(rd()) + std::to_string(rd());
}

}  // namespace

RedisSharedTokens::RedisSharedTokens(RedisUrl url, Duration timeout)
    : conn_(url, timeout),
      redactedUrl_(redactedRedisUrl(url)),
      owner_(ownerId()),
      worker_([this] { run(); }) {}

RedisSharedTokens::~RedisSharedTokens() {
  {
    std::lock_guard g(mu_);
    quit_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::string RedisSharedTokens::redisKey(const std::string& key) {
  return "nm:token:" + signing::sha256Hex(key);
}

void RedisSharedTokens::post(std::function<void()> job) {
  {
    std::lock_guard g(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void RedisSharedTokens::acquire(const std::string& key,
                                std::function<void(SharedTokenLookup)> done) {
  post([this, key, done = std::move(done)]() mutable {
    if (attempt(key, done)) return;
    TimePoint t = now();
    waits_.push_back({key, std::move(done), t + kMaxWait, t + kPoll});
  });
}

void RedisSharedTokens::publish(const std::string& key, const std::string& token, Duration ttl) {
  post([this, key, token, ttl] {
    std::string k = redisKey(key);
    command({"SET", k, token, "PX", std::to_string(toMs(ttl))});
    compareAndDelete(k + ":lock", owner_);
  });
}

void RedisSharedTokens::abandon(const std::string& key) {
  post([this, key] { compareAndDelete(redisKey(key) + ":lock", owner_); });
}

void RedisSharedTokens::drop(const std::string& key, const std::string& token) {
  post([this, key, token] { compareAndDelete(redisKey(key), token); });
}

RedisReply RedisSharedTokens::command(const RedisCommand& cmd) {
  if (now() < retryAt_) return nullptr;
  std::string error;
  if (!conn_.connected()) {
    bool refused = false;
    if (!conn_.connect(error, refused)) {
      retryAt_ = now() + kRetryAfterFailure;
      if (!down_)
        log::warn("shared token cache: redis unreachable, tokens are fetched per replica",
                  {{"url", redactedUrl_}, {"error", error}});
      down_ = true;
      return nullptr;
    }
  }
  RedisReply r = conn_.run(cmd, error);
  if (!r) {
    retryAt_ = now() + kRetryAfterFailure;
    if (!down_)
      log::warn("shared token cache: redis unreachable, tokens are fetched per replica",
                {{"url", redactedUrl_}, {"error", error}});
    down_ = true;
    return nullptr;
  }
  if (down_) log::info("shared token cache: redis is reachable again", {{"url", redactedUrl_}});
  down_ = false;
  // An error reply is not logged with its command: SET's carries the token.
  return r;
}

void RedisSharedTokens::compareAndDelete(const std::string& redisKey, const std::string& value) {
  command({"EVAL", kCompareAndDelete, "1", redisKey, value});
}

bool RedisSharedTokens::attempt(const std::string& key,
                                const std::function<void(SharedTokenLookup)>& done) {
  const std::string k = redisKey(key);
  // One script, so no replica takes the lock between another's publish and its own look.
  RedisReply r =
      command({"EVAL", kLookOrLock, "2", k, k + ":lock", owner_, std::to_string(toMs(kLockTtl))});
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
      r->element[0]->type != REDIS_REPLY_INTEGER) {
    done({SharedTokenLookup::Kind::Unavailable, {}, {}});
    return true;
  }
  switch (r->element[0]->integer) {
    case 1:
      if (r->elements == 3 && r->element[2]->type == REDIS_REPLY_INTEGER) {
        done({SharedTokenLookup::Kind::Found, std::string(redisString(r->element[1])),
              milliseconds(r->element[2]->integer)});
        return true;
      }
      done({SharedTokenLookup::Kind::Unavailable, {}, {}});
      return true;
    case 2:
      done({SharedTokenLookup::Kind::Fetch, {}, {}});
      return true;
    default:
      return false;  // another replica is fetching
  }
}

void RedisSharedTokens::run() {
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
