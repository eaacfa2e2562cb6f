// RedisThrottleWindow: the sliding-window script (reserve, clear, settle on the server's clock),
// its worker thread, and the fallback to this process's window while Redis is unreachable.
#include "notify/redis_throttle_window.h"

#include <random>
#include <utility>

#include "observe/log.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr Duration kRetryAfterFailure = std::chrono::seconds(1);
constexpr long long kForgetInFlightMs = 10 * 60 * 1000;

// KEYS[1] window, KEYS[2] in flight; ARGV op, member, threshold, unit ms, forget ms.
constexpr const char* kScript = R"lua(
local op, member = ARGV[1], ARGV[2]
local threshold, unit, forget = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - unit)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - forget)
local result = 0
if op == 'reserve' then
  local s = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  local n = #s / 2
  local slot = now
  if n > 0 then slot = math.max(slot, tonumber(s[2 * n])) end
  if n >= threshold then slot = math.max(slot, tonumber(s[2 * (n - threshold + 1)]) + unit) end
  redis.call('ZADD', KEYS[1], slot, member)
  result = slot - now
elseif op == 'clear' then
  local mine = redis.call('ZSCORE', KEYS[1], member)
  if mine and tonumber(mine) > now then return tonumber(mine) - now end
  local f = redis.call('ZCARD', KEYS[2])
  if redis.call('ZSCORE', KEYS[2], member) then f = f - 1 end
  local s = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - unit), now, 'WITHSCORES')
  local others = {}
  for i = 1, #s, 2 do
    if s[i] ~= member and not redis.call('ZSCORE', KEYS[2], s[i]) then
      others[#others + 1] = tonumber(s[i + 1])
    end
  end
  local m = #others
  if m + f >= threshold then
    local wait = 50
    if f < threshold then
      wait = others[m - threshold + f + 1] + unit - now
      if f > 0 and wait > 50 then wait = 50 end
    end
    if wait < 1 then wait = 1 end
    return wait
  end
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('ZADD', KEYS[2], now, member)
elseif op == 'settle' then
  local departed = redis.call('ZSCORE', KEYS[2], member)
  redis.call('ZREM', KEYS[2], member)
  local at = now
  if departed and tonumber(departed) > at then at = tonumber(departed) end
  redis.call('ZADD', KEYS[1], at, member)
else
  return redis.error_reply('unknown throttle op ' .. op)
end
redis.call('PEXPIRE', KEYS[1], unit + forget)
redis.call('PEXPIRE', KEYS[2], unit + forget)
return result
)lua";

std::string randomReplicaId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> d;
  const uint64_t v = d(rd);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) s += hex[(v >> (i * 4)) & 0xf];
  return s;
}

long long toMs(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

}  // namespace

RedisThrottleWindow::RedisThrottleWindow(RedisUrl url, metrics::Registry& registry,
                                         Duration timeout)
    : conn_(url, timeout),
      redactedUrl_(redactedRedisUrl(url)),
      replica_(randomReplicaId()),
      fallbacks_(registry
                     .counter("nm_throttle_redis_fallback_total",
                              "Throttle reservations made in this process because Redis could "
                              "not be reached (the window is then not shared).")
                     .with({})),
      worker_([this] { run(); }) {}

RedisThrottleWindow::~RedisThrottleWindow() {
  {
    std::lock_guard g(mu_);
    quit_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void RedisThrottleWindow::stop() {
  stopped_ = true;
}

std::string RedisThrottleWindow::member(ThrottleTicket ticket) const {
  return replica_ + ":" + std::to_string(ticket);
}

void RedisThrottleWindow::post(std::function<void()> job) {
  {
    std::lock_guard g(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void RedisThrottleWindow::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock g(mu_);
      wake_.wait(g, [this] { return quit_ || !jobs_.empty(); });
      if (quit_) return;  // the daemon has drained: what is left has nobody waiting on it
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void RedisThrottleWindow::unreachable(const std::string& error) {
  retryAt_ = now() + kRetryAfterFailure;
  if (!down_) {
    down_ = true;
    log::warn("throttle: Redis unreachable, windows are kept per replica until it is back",
              {{"url", redactedUrl_}, {"error", error}});
  }
}

std::optional<long long> RedisThrottleWindow::evalOnce(const RedisCommand& cmd, std::string& error,
                                                       bool& noscript) {
  noscript = false;
  RedisReply r = conn_.run(cmd, error);
  if (!r) return std::nullopt;
  if (r->type == REDIS_REPLY_INTEGER) return r->integer;
  error = redisErrorText(r.get());
  noscript = error.rfind("NOSCRIPT", 0) == 0;
  if (error.empty()) error = "unexpected reply type " + std::to_string(r->type);
  return std::nullopt;
}

std::optional<long long> RedisThrottleWindow::call(const std::string& op, const std::string& key,
                                                   const std::string& member,
                                                   const ThrottleLimit& limit) {
  if (now() < retryAt_) return std::nullopt;
  std::string error;
  if (!conn_.connected()) {
    bool refused = false;
    if (!conn_.connect(error, refused)) {
      unreachable(error);
      return std::nullopt;
    }
  }
  const std::string base = "nm:throttle:{" + key + "}";
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (sha_.empty()) {
      RedisReply r = conn_.run(RedisCommand{"SCRIPT", "LOAD", kScript}, error);
      if (!r || r->type != REDIS_REPLY_STRING) {
        if (r) error = redisErrorText(r.get());
        unreachable(error);
        return std::nullopt;
      }
      sha_ = std::string(redisString(r.get()));
    }
    bool noscript = false;
    auto v = evalOnce(
        {"EVALSHA", sha_, "2", base, base + ":flight", op, member, std::to_string(limit.threshold),
         std::to_string(toMs(limit.unit)), std::to_string(kForgetInFlightMs)},
        error, noscript);
    if (v) {
      if (down_) {
        down_ = false;
        log::info("throttle: Redis reachable again, windows are shared", {{"url", redactedUrl_}});
      }
      return v;
    }
    if (!noscript) break;
    sha_.clear();  // the server restarted or flushed its scripts: load it again
  }
  unreachable(error);
  return std::nullopt;
}

void RedisThrottleWindow::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
                                  std::function<void(Duration, ThrottleTicket)> reserved) {
  auto fallback = [this, key, limit, at](auto& done) {
    fallbacks_.inc();
    auto r = local_.reserveNow(key, limit, at);
    done(r.wait, r.ticket | kLocal);
  };
  if (stopped_) return fallback(reserved);
  {
    std::lock_guard g(mu_);
    limits_[key] = limit;
  }
  post([this, key, limit, fallback, reserved = std::move(reserved)] {
    const ThrottleTicket ticket = next_++;
    if (auto ms = call("reserve", key, member(ticket), limit)) {
      return reserved(milliseconds(std::max(0LL, *ms)), ticket);
    }
    fallback(reserved);
  });
}

void RedisThrottleWindow::whenClear(const std::string& key, const ThrottleLimit& limit,
                                    ThrottleTicket ticket, TimePoint at, HttpClient& timers,
                                    std::function<void(TimePoint)> go) {
  if (ticket & kLocal) return local_.whenClear(key, limit, ticket & ~kLocal, at, timers, go);
  if (stopped_) return go(std::max(at, now()));
  post([this, key, limit, ticket, at, &timers, go = std::move(go)] {
    auto ms = call("clear", key, member(ticket), limit);
    if (ms && *ms > 0) {
      // Not yet: ask again when the server said the window may have room.
      timers.after(milliseconds(*ms), [this, key, limit, ticket, at, &timers, go] {
        whenClear(key, limit, ticket, at, timers, go);
      });
      return;
    }
    // Cleared, or Redis is unreachable after the reserved slot was waited for: send.
    timers.after(Duration::zero(), [at, go] { go(std::max(at, now())); });
  });
}

void RedisThrottleWindow::settle(const std::string& key, ThrottleTicket ticket, TimePoint at) {
  if (ticket & kLocal) return local_.settle(key, ticket & ~kLocal, at);
  if (stopped_) return;
  // The answer counts at the server's clock when this arrives (not earlier than `at`, by no more
  // than the queue to Redis): later, so on the safe side.
  ThrottleLimit limit;
  {
    std::lock_guard g(mu_);
    auto it = limits_.find(key);
    if (it == limits_.end()) return;
    limit = it->second;
  }
  post([this, key, ticket, limit] { call("settle", key, member(ticket), limit); });
}

}  // namespace nm
