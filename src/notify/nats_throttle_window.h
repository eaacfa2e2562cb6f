// Chat throttle windows shared by every replica through a NATS KV bucket (NM_THROTTLE): reserve,
// clear and settle rewrite a key's window by compare-and-set; NATS unreachable falls back locally.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "nats/nats_connection.h"
#include "notify/local_throttle_window.h"
#include "notify/throttle_window.h"
#include "observe/metrics.h"

namespace nm {

// One key's window as stored in one KV entry: the sends counted (member → ms since the epoch: the
// reserved slot, then the departure, then the answer time) and the sends in flight (member →
// departure ms). Same rules as RedisThrottleWindow's script (see redis_throttle_window.h):
// - reserve: the earliest t >= now, not before the last reservation, with fewer than `threshold`
//   sends in (t - unit, t]; answers t - now.
// - clear: the send may leave when sends in flight plus other sends counted in (now - unit, now]
//   are fewer than `threshold` (then it is in flight at now, answer 0); else the ms to ask again.
// - settle: out of flight, counted at max(now, departure).
// Entries older than one unit are trimmed; a send in flight for 10 minutes (its replica died) is
// forgotten.
struct ThrottleKvState {
  std::map<std::string, int64_t> window;
  std::map<std::string, int64_t> flight;

  // Applies `op` at `nowMs`; returns the wait in ms (0: go) and whether the state changed.
  int64_t apply(const std::string& op, const std::string& member, const ThrottleLimit& limit,
                int64_t nowMs, bool& changed);
  // "w <member> <ms>\n" and "f <member> <ms>\n" lines; members hold no space or newline.
  std::string encode() const;
  static ThrottleKvState decode(std::string_view text);
};

// The bucket NM_THROTTLE (file storage, history 1, entries expire after a day untouched) holds one
// entry per throttle key (its key in hex, nats/nats_kv_key.h). Every operation reads the entry,
// applies the rule and writes it back with kvStore_Update on the revision it read (kvStore_Create
// for a new key); a wrong-last-sequence refusal (another replica wrote first) is retried.
//
// Clock: KV has no server time (a Created stamp only comes back after a write, too late to decide
// with), so "now" is this replica's system clock. Replicas must run NTP: a replica whose clock is
// ahead by d counts others' answers d older and may let a send leave up to d early; with the
// vendors' units (1 s .. 1 min) and NTP's milliseconds this stays inside the margin the slot math
// already leaves. The in-flight rule, which is what holds the limit under HTTP queueing, uses no
// clock.
//
// NATS runs on one owned thread (the curl loops never wait on it); continuations go back through
// the caller's HttpClient timers. When NATS cannot be reached a reservation is made in this
// process's window instead (logged once per outage, counted in nm_throttle_redis_fallback_total,
// the name the Redis window uses: one metric for "the window is not shared right now").
class NatsThrottleWindow final : public ThrottleWindow {
 public:
  NatsThrottleWindow(NatsConnectOptions connect, metrics::Registry& registry,
                     std::string bucket = "NM_THROTTLE");
  ~NatsThrottleWindow() override;

  void reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
               std::function<void(Duration, ThrottleTicket)> reserved) override;
  void whenClear(const std::string& key, const ThrottleLimit& limit, ThrottleTicket ticket,
                 TimePoint at, HttpClient& timers, std::function<void(TimePoint)> go) override;
  void settle(const std::string& key, ThrottleTicket ticket, TimePoint at) override;

  // From now on sends go at once without asking NATS (shutdown).
  void stop();

  // One compare-and-set round: the wait in ms (0: go). nullopt when NATS cannot be reached.
  // Public for tests; call it only from one thread at a time.
  std::optional<int64_t> call(const std::string& op, const std::string& key,
                              const std::string& member, const ThrottleLimit& limit);
  std::string member(ThrottleTicket ticket) const;

 private:
  static constexpr ThrottleTicket kLocal = ThrottleTicket{1} << 63;

  bool ensureConnected(std::string& error);
  void post(std::function<void()> job);
  void run();
  void unreachable(const std::string& error);

  NatsConnection conn_;
  JsCtxPtr js_;
  kvStore* kv_ = nullptr;
  std::string bucket_;
  std::string replica_;
  std::atomic<ThrottleTicket> next_{1};
  std::atomic<bool> stopped_{false};
  TimePoint retryAt_{};
  bool down_ = false;
  metrics::Counter& fallbacks_;
  LocalThrottleWindow local_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::string, ThrottleLimit> limits_;
  bool quit_ = false;
  std::thread worker_;
};

}  // namespace nm
