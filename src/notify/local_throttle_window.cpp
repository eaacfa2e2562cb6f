// LocalThrottleWindow: a sliding-window log of sends per key in this process; a send leaves one
// window after the answer to the send `threshold` places earlier, so HTTP queueing never pushes
// the vendor's window over.
#include "notify/local_throttle_window.h"

#include <algorithm>
#include <utility>

namespace nm {

namespace {
// An unsettled send older than this is forgotten (no send stays in flight that long: batches
// have deadlines); it only bounds memory if a caller never settles.
constexpr Duration kForgetUnsettled = std::chrono::minutes(10);
}  // namespace

LocalThrottleWindow::Reservation LocalThrottleWindow::reserveLocked(const std::string& key,
                                                                    const ThrottleLimit& limit,
                                                                    TimePoint at) {
  Window& win = windows_[key];
  auto& w = win.entries;
  while (!w.empty() && w.front().waiters.empty() &&
         (w.front().settled ? w.front().arrived + limit.unit <= at
                            : w.front().slot + limit.unit + kForgetUnsettled <= at)) {
    w.pop_front();
  }
  TimePoint slot = at;
  const size_t n = static_cast<size_t>(limit.threshold);
  if (w.size() >= n) {
    for (size_t j = 0; j + n <= w.size(); ++j) {
      const Entry& e = w[j];
      slot = std::max(slot, (e.settled ? e.arrived : e.slot) + limit.unit);
    }
  }
  if (!w.empty()) slot = std::max(slot, w.back().slot);
  Entry e;
  e.ticket = win.next++;
  e.slot = slot;
  w.push_back(std::move(e));
  return {slot - at, w.back().ticket};
}

LocalThrottleWindow::Reservation LocalThrottleWindow::reserveNow(const std::string& key,
                                                                 const ThrottleLimit& limit,
                                                                 TimePoint at) {
  std::lock_guard lock(mu_);
  return reserveLocked(key, limit, at);
}

void LocalThrottleWindow::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
                                  std::function<void(Duration, ThrottleTicket)> reserved) {
  const Reservation r = reserveNow(key, limit, at);
  reserved(r.wait, r.ticket);
}

void LocalThrottleWindow::settle(const std::string& key, ThrottleTicket ticket, TimePoint at) {
  if (ticket == 0) return;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    auto it = windows_.find(key);
    if (it == windows_.end()) return;
    auto& w = it->second.entries;
    if (w.empty() || ticket < w.front().ticket) return;
    const size_t idx = static_cast<size_t>(ticket - w.front().ticket);
    if (idx >= w.size()) return;
    Entry& e = w[idx];
    e.settled = true;
    e.arrived = std::max(at, e.slot);
    wake.swap(e.waiters);
  }
  for (auto& fn : wake) fn();
}

void LocalThrottleWindow::whenClear(const std::string& key, const ThrottleLimit& limit,
                                    ThrottleTicket ticket, TimePoint reached, HttpClient& timers,
                                    std::function<void(TimePoint)> go) {
  const TimePoint at = std::max(now(), reached);
  TimePoint target;
  {
    std::unique_lock lock(mu_);
    auto& w = windows_[key].entries;
    const size_t idx = w.empty() || ticket < w.front().ticket
                           ? w.size()
                           : static_cast<size_t>(ticket - w.front().ticket);
    if (idx >= w.size()) {
      lock.unlock();
      return go(reached);  // forgotten (never settled): just send
    }
    Entry& self = w[idx];
    target = self.slot;
    const size_t n = static_cast<size_t>(limit.threshold);
    for (size_t j = 0; j + n <= idx; ++j) {
      Entry& e = w[j];
      if (!e.settled) {
        // Still on its way to the vendor: its arrival is unknown until it is answered.
        e.waiters.push_back([this, key, limit, ticket, at, &timers, go = std::move(go)] {
          whenClear(key, limit, ticket, at, timers, go);
        });
        return;
      }
      target = std::max(target, e.arrived + limit.unit);
    }
    self.slot = target;
  }
  if (target > at) {
    timers.after(target - at, [this, key, limit, ticket, target, &timers, go = std::move(go)] {
      whenClear(key, limit, ticket, target, timers, go);
    });
    return;
  }
  go(reached);
}

}  // namespace nm
