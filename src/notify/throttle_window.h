// The seam between the chat Throttle and where a key's sliding window of sends is kept: in this
// process (LocalThrottleWindow) or shared by every replica through Redis (RedisThrottleWindow).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/time.h"
#include "interfaces/http_client.h"

namespace nm {

struct ThrottleLimit {
  int threshold = 20;                       // sends per unit; <= 0 disables the throttle
  Duration unit = std::chrono::minutes(1);  // the sliding window
  Duration maxWait = std::chrono::seconds(10);
};

using ThrottleTicket = uint64_t;  // one reserved send of a key; 0 when the throttle is disabled

class ThrottleWindow {
 public:
  virtual ~ThrottleWindow() = default;

  // Reserves the earliest slot for `key` under `limit` at or after `at` and runs
  // `reserved(wait, ticket)` once: inline, or from the window's own thread when the window is
  // remote (the caller's thread never waits on I/O).
  virtual void reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
                       std::function<void(Duration wait, ThrottleTicket)> reserved) = 0;

  // Runs `go(reached)` once the send of `ticket` may leave: its slot is reached and the sends
  // still counted in the window (in flight, or answered less than a unit ago) leave room for it.
  // Waits on `timers`; `reached` is the time the waiting got to (`at` when it went at once).
  virtual void whenClear(const std::string& key, const ThrottleLimit& limit, ThrottleTicket ticket,
                         TimePoint at, HttpClient& timers, std::function<void(TimePoint)> go) = 0;

  // The send of `ticket` was answered at `at`: it counts in the window from then on.
  virtual void settle(const std::string& key, ThrottleTicket ticket, TimePoint at) = 0;
};

}  // namespace nm
