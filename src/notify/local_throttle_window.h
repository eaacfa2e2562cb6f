// The in-process sliding window of sends per throttle key: slots in reservation order, and a send
// leaves one window after the answer to the send `threshold` places earlier.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "notify/throttle_window.h"

namespace nm {

class LocalThrottleWindow final : public ThrottleWindow {
 public:
  // Runs `reserved` inline. Tickets of a key count up from 1 in reservation order.
  void reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
               std::function<void(Duration, ThrottleTicket)> reserved) override;
  // Waits for the slot on a timer and, while the send `threshold` places earlier is still
  // unanswered, for its settlement (its arrival at the vendor is unknown until then).
  void whenClear(const std::string& key, const ThrottleLimit& limit, ThrottleTicket ticket,
                 TimePoint at, HttpClient& timers, std::function<void(TimePoint)> go) override;
  void settle(const std::string& key, ThrottleTicket ticket, TimePoint at) override;

  struct Reservation {
    Duration wait;
    ThrottleTicket ticket;
  };
  Reservation reserveNow(const std::string& key, const ThrottleLimit& limit, TimePoint at);

 private:
  struct Entry {
    ThrottleTicket ticket = 0;
    TimePoint slot;     // earliest departure (provisional until the send leaves)
    TimePoint arrived;  // settled: when the answer came (an upper bound of the vendor's time)
    bool settled = false;
    std::vector<std::function<void()>> waiters;  // sends waiting for this one to settle
  };
  struct Window {
    std::deque<Entry> entries;  // in reservation order; tickets contiguous from the front
    ThrottleTicket next = 1;
  };

  Reservation reserveLocked(const std::string& key, const ThrottleLimit& limit, TimePoint at);

  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace nm
