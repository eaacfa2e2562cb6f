// Chat throttle windows shared by every replica through Redis: one Lua script reserves, clears
// and settles sends atomically on the server's clock; Redis unreachable falls back to this process.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "notify/local_throttle_window.h"
#include "notify/throttle_window.h"
#include "observe/metrics.h"
#include "redis/redis_connection.h"

namespace nm {

// Keys: nm:throttle:{KEY} is a ZSET of the key's sends (member: replica id and ticket; score: ms
// since the epoch on the Redis server's clock): the reserved slot, then the departure, then the
// answer time. nm:throttle:{KEY}:flight holds the sends that left and are not answered yet.
//
// - reserve: the earliest t >= now, not before the last reservation (first come, first served),
//   with fewer than `threshold` sends in (t - unit, t]; the send is added at t.
// - clear (at the slot): the send may leave when the sends in flight plus the other sends
//   counted in (now - unit, now] are fewer than `threshold`; it is then marked in flight at now.
//   Else the answer is the time to ask again (a poll while others are in flight: their answer
//   times are unknown until settled). The vendor sees a request between its departure and its
//   answer, so for any window the last request to leave counted all the others: none exceeds
//   the threshold whatever the HTTP queueing, on any replica.
// - settle: the send leaves the flight set and counts at the answer time (the server's clock
//   when the settle arrives, never earlier than its departure).
// Entries older than one unit are trimmed; a send never settled (its replica died) leaves the
// flight set after 10 minutes. Both keys expire after unit + 10 minutes of inactivity.
//
// Redis runs on one owned thread (the curl loops never wait on it); continuations go back through
// the caller's HttpClient timers. When Redis cannot be reached a reservation is made in this
// process's window instead (logged once per outage, counted in
// nm_throttle_redis_fallback_total): a send is never dropped.
class RedisThrottleWindow final : public ThrottleWindow {
 public:
  RedisThrottleWindow(RedisUrl url, metrics::Registry& registry,
                      Duration timeout = std::chrono::seconds(1));
  ~RedisThrottleWindow() override;

  void reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
               std::function<void(Duration, ThrottleTicket)> reserved) override;
  void whenClear(const std::string& key, const ThrottleLimit& limit, ThrottleTicket ticket,
                 TimePoint at, HttpClient& timers, std::function<void(TimePoint)> go) override;
  void settle(const std::string& key, ThrottleTicket ticket, TimePoint at) override;

  // From now on sends go at once without asking Redis (shutdown: the HTTP client's timers then
  // run immediately, so waiting on Redis' clock would spin).
  void stop();

  // One script call: "reserve" and "clear" answer the wait in ms (0: go), "settle" 0. nullopt
  // when Redis cannot be reached. Public for tests of the script's semantics.
  std::optional<long long> call(const std::string& op, const std::string& key,
                                const std::string& member, const ThrottleLimit& limit);
  std::string member(ThrottleTicket ticket) const;

 private:
  static constexpr ThrottleTicket kLocal = ThrottleTicket{1} << 63;  // a local-window ticket

  void post(std::function<void()> job);
  void run();
  void unreachable(const std::string& error);
  std::optional<long long> evalOnce(const RedisCommand& cmd, std::string& error, bool& noscript);

  RedisConnection conn_;  // only on the worker (and in call() from tests)
  std::string redactedUrl_;
  std::string sha_;
  std::string replica_;
  std::atomic<ThrottleTicket> next_{1};
  std::atomic<bool> stopped_{false};
  TimePoint retryAt_{};  // after a failure, Redis is not tried again before this
  bool down_ = false;    // the outage was logged
  metrics::Counter& fallbacks_;
  LocalThrottleWindow local_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::string, ThrottleLimit> limits_;  // the last limit per key, for settle's trim
  bool quit_ = false;
  std::thread worker_;
};

}  // namespace nm
